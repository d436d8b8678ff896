import { PDFArray, PDFDict, PDFName, PDFRef } from 'pdf-lib';
import { changedKeys, isDocTimestampField } from '../helpers.js';
import type { Change, Rule } from '../types.js';

/** The catalog may gain a DSS (any level) and a new AcroForm (signing); nothing else. */
export const catalogRule: Rule = (ctx, num) => {
  const root = ctx.reader.trailer(ctx.revision).get(PDFName.of('Root'));
  if (!(root instanceof PDFRef) || root.objectNumber !== num) return null;
  const now = ctx.now(num);
  const before = ctx.before(num);
  if (!(now instanceof PDFDict) || !(before instanceof PDFDict)) return [{ change: 'catalog_changed', needs: null }];
  const changes: Change[] = [];
  for (const key of changedKeys(before, now)) {
    if (key === 'DSS' || key === 'Extensions') changes.push({ change: 'dss', needs: 1 });
    else if (key === 'Perms') changes.push({ change: 'certification_permissions', needs: null });
    else if (key === 'AcroForm' && before.get(PDFName.of('AcroForm')) === undefined) {
      const fields = ctx.reader.get(ctx.reader.get(now, 'AcroForm', PDFDict, ctx.revision), 'Fields', PDFArray, ctx.revision);
      const onlyTimestamps = (fields?.asArray() ?? []).every((f) => isDocTimestampField(ctx, ctx.reader.lookup(f, ctx.revision)));
      changes.push({ change: 'acroform_fields', needs: onlyTimestamps ? 1 : 2 });
    } else changes.push({ change: 'catalog_changed', needs: null });
  }
  return changes;
};
