import { PDFDict, PDFName } from 'pdf-lib';
import { changedKeys, fieldValue, isDocTimestampDict, isSignatureDict, isSignatureField, typeName } from '../helpers.js';
import type { Rule } from '../types.js';

/** A new signature or document timestamp dictionary. */
export const signatureDictRule: Rule = (ctx, num) => {
  const now = ctx.now(num);
  if (ctx.before(num) !== undefined || !isSignatureDict(now)) return null;
  return isDocTimestampDict(now) ? [{ change: 'document_timestamp', needs: 1 }] : [{ change: 'signature', needs: 2 }];
};

/**
 * A signature field added, or an empty one filled: only its value, appearance and flags may
 * change. A field carrying a document timestamp is allowed at any level.
 */
export const signatureFieldRule: Rule = (ctx, num) => {
  const now = ctx.now(num);
  if (!(now instanceof PDFDict) || !isSignatureField(ctx, now)) return null;
  const isTimestamp = isDocTimestampDict(fieldValue(ctx, now));
  const before = ctx.before(num);
  if (before === undefined) {
    return [{ change: isTimestamp ? 'document_timestamp' : 'signature_field_added', needs: isTimestamp ? 1 : 2 }];
  }
  if (!(before instanceof PDFDict)) return null;
  if (before.get(PDFName.of('V')) !== undefined && changedKeys(before, now).includes('V')) {
    return [{ change: 'signature_replaced', needs: null }];
  }
  const others = changedKeys(before, now).filter((k) => !['V', 'AP', 'F', 'Ff', 'MK', 'AS'].includes(k));
  if (others.length > 0) return [{ change: 'signature_field_changed', needs: null }];
  return [{ change: isTimestamp ? 'document_timestamp' : 'signature_field_filled', needs: isTimestamp ? 1 : 2 }];
};

/** A new form XObject, as signature widgets use for their appearance. */
export const appearanceRule: Rule = (ctx, num) => {
  const now = ctx.now(num);
  if (ctx.before(num) !== undefined || typeName(now, 'Subtype') !== 'Form') return null;
  return [{ change: 'appearance_stream', needs: 2 }];
};
