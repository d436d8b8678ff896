import { PDFRawStream } from 'pdf-lib';
import type { Rule } from '../types.js';

/**
 * Whatever no other rule recognised. A changed existing object is never allowed (a content
 * stream swapped under a page is the classic shadow attack); a new object only matters
 * through what references it, which the other rules judge, so it passes with signing.
 */
export const otherObjectRule: Rule = (ctx, num) => {
  const before = ctx.before(num);
  if (before === undefined) return [{ change: 'object_added', needs: 2 }];
  return [{ change: before instanceof PDFRawStream ? 'content_modified' : 'object_modified', needs: null }];
};
