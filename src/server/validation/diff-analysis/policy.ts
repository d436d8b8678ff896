import type { PdfReader } from '../../pdf-structure/reader.js';
import type { RevisionReport } from '../status.js';
import { acroFormRule } from './rules/acroform.js';
import { annotationRule } from './rules/annotation.js';
import { catalogRule } from './rules/catalog.js';
import { dssRule } from './rules/dss.js';
import { otherObjectRule } from './rules/other-object.js';
import { pageRule } from './rules/page.js';
import { appearanceRule, signatureDictRule, signatureFieldRule } from './rules/signature.js';
import { structureRule, unchangedRule } from './rules/structure.js';
import type { Change, DiffContext, Rule } from './types.js';

/** First rule that recognises an object decides; the last one recognises everything. */
export const rules: Rule[] = [
  structureRule,
  unchangedRule,
  dssRule,
  catalogRule,
  acroFormRule,
  signatureDictRule,
  signatureFieldRule,
  appearanceRule,
  pageRule,
  annotationRule,
  otherObjectRule,
];

export type RevisionAnalysis = RevisionReport & { dssOnly: boolean };

/** What revision r changed against r-1, and whether DocMDP level p allows all of it. */
export function analyseRevision(reader: PdfReader, r: number, p: number, dssObjects: Set<number>): RevisionAnalysis {
  const ctx: DiffContext = {
    reader,
    revision: r,
    dssObjects,
    now: (num) => reader.resolve(num, r),
    before: (num) => reader.resolve(num, r - 1),
  };
  const changes: Change[] = [];
  for (const num of reader.changedObjects(r)) {
    for (const rule of rules) {
      const found = rule(ctx, num);
      if (found) {
        changes.push(...found);
        break;
      }
    }
  }
  for (const _ of reader.freedObjects(r)) changes.push({ change: 'object_deleted', needs: null });
  const allowed = changes.every((c) => c.needs !== null && c.needs <= p);
  return {
    index: r,
    changes: [...new Set(changes.map((c) => c.change))].sort(),
    allowed,
    dssOnly: changes.every((c) => c.change === 'dss'),
  };
}
