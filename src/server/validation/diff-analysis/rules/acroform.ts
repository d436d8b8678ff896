import { PDFArray, PDFDict, PDFName } from 'pdf-lib';
import { changedKeys, isDocTimestampField, isSignatureField, refNumber } from '../helpers.js';
import type { Rule } from '../types.js';

/**
 * The AcroForm, when the catalog points to it: its field list may only grow, by signature
 * fields, and its signature flags be set.
 */
export const acroFormRule: Rule = (ctx, num) => {
  const catalog = ctx.reader.catalog(ctx.revision);
  if (refNumber(catalog.get(PDFName.of('AcroForm'))) !== num) return null;
  const now = ctx.now(num);
  const before = ctx.before(num);
  if (!(now instanceof PDFDict)) return [{ change: 'acroform_changed', needs: null }];
  const oldFields = before instanceof PDFDict ? ctx.reader.get(before, 'Fields', PDFArray, ctx.revision - 1) : undefined;
  const newFields = ctx.reader.get(now, 'Fields', PDFArray, ctx.revision);
  const oldList = (oldFields?.asArray() ?? []).map((f) => f.toString());
  const newList = (newFields?.asArray() ?? []).map((f) => f.toString());
  if (!oldList.every((f) => newList.includes(f))) return [{ change: 'form_field_removed', needs: null }];
  const added = (newFields?.asArray() ?? []).filter((f) => !oldList.includes(f.toString()));
  if (!added.every((f) => isSignatureField(ctx, ctx.reader.lookup(f, ctx.revision)))) {
    return [{ change: 'form_field_added', needs: null }];
  }
  const keys = before instanceof PDFDict ? changedKeys(before, now) : [];
  if (keys.some((k) => !['Fields', 'SigFlags', 'DR', 'DA'].includes(k))) return [{ change: 'acroform_changed', needs: null }];
  const onlyTimestamps = added.every((f) => isDocTimestampField(ctx, ctx.reader.lookup(f, ctx.revision)));
  return [{ change: 'acroform_fields', needs: onlyTimestamps ? 1 : 2 }];
};
