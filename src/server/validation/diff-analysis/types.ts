import type { PDFObject } from 'pdf-lib';
import type { PdfReader } from '../../pdf-structure/reader.js';

/**
 * What one incremental update changed, object by object, judged against the DocMDP
 * permission level (ISO 32000 12.8.2.2): P=1 allows no change, P=2 form filling and signing,
 * P=3 also annotations. PAdES lets the DSS and document timestamps follow at any level.
 */
export type DiffContext = {
  reader: PdfReader;
  revision: number;
  /** Objects of the DSS as of this revision. */
  dssObjects: Set<number>;
  /** The object as this revision has it / as the previous one had it (undefined: absent). */
  now(num: number): PDFObject | undefined;
  before(num: number): PDFObject | undefined;
};

/** `needs`: the lowest P allowing the change (1: always allowed), null: never allowed. */
export type Change = { change: string; needs: 1 | 2 | 3 | null };

/** A rule recognises one kind of object change, or returns null to let the next one try. */
export type Rule = (ctx: DiffContext, num: number) => Change[] | null;
