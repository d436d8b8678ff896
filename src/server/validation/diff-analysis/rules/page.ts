import { PDFArray, PDFDict, type PDFObject } from 'pdf-lib';
import { changedKeys, isDocTimestampField, isSignatureField, typeName } from '../helpers.js';
import type { Change, DiffContext, Rule } from '../types.js';

const annots = (ctx: DiffContext, page: PDFDict, revision: number): PDFObject[] =>
  ctx.reader.get(page, 'Annots', PDFArray, revision)?.asArray() ?? [];

/**
 * A page rewritten: its content, resources or geometry never may change; new entries in
 * /Annots are signature widgets (signing) or other annotations (P=3 only).
 */
export const pageRule: Rule = (ctx, num) => {
  const now = ctx.now(num);
  const before = ctx.before(num);
  if (typeName(now) !== 'Page' || !(now instanceof PDFDict) || !(before instanceof PDFDict)) return null;
  const changes: Change[] = [];
  for (const key of changedKeys(before, now)) {
    if (key === 'Annots') {
      const old = annots(ctx, before, ctx.revision - 1).map((a) => a.toString());
      const current = annots(ctx, now, ctx.revision);
      const currentText = current.map((a) => a.toString());
      if (!old.every((a) => currentText.includes(a))) changes.push({ change: 'annotation_removed', needs: null });
      for (const added of current.filter((a) => !old.includes(a.toString()))) {
        const annot = ctx.reader.lookup(added, ctx.revision);
        if (isDocTimestampField(ctx, annot)) changes.push({ change: 'signature_widget', needs: 1 });
        else if (isSignatureField(ctx, annot)) changes.push({ change: 'signature_widget', needs: 2 });
        else changes.push({ change: 'annotation_added', needs: 3 });
      }
    } else if (key === 'Contents' || key === 'Resources') {
      changes.push({ change: 'page_content', needs: null });
    } else {
      changes.push({ change: 'page_changed', needs: null });
    }
  }
  return changes;
};
