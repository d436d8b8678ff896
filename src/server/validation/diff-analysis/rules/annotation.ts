import { isSignatureField, typeName } from '../helpers.js';
import type { Rule } from '../types.js';

/** A new annotation that is not a signature widget: allowed by P=3 only. */
export const annotationRule: Rule = (ctx, num) => {
  const now = ctx.now(num);
  if (ctx.before(num) !== undefined || typeName(now) !== 'Annot' || isSignatureField(ctx, now)) return null;
  return [{ change: 'annotation_added', needs: 3 }];
};
