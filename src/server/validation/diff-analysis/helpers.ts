import { PDFDict, PDFName, type PDFObject, PDFRawStream, PDFRef } from 'pdf-lib';
import type { DiffContext } from './types.js';

export const typeName = (o: PDFObject | undefined, key = 'Type') => {
  const dict = o instanceof PDFRawStream ? o.dict : o;
  const v = dict instanceof PDFDict ? dict.get(PDFName.of(key)) : undefined;
  return v instanceof PDFName ? v.decodeText() : null;
};

export const same = (a: PDFObject | undefined, b: PDFObject | undefined) =>
  a !== undefined && b !== undefined && a.toString() === b.toString();

/** Keys whose values differ between two dictionaries (present in either). */
export function changedKeys(a: PDFDict, b: PDFDict): string[] {
  const keys = new Set([...a.keys(), ...b.keys()].map((k) => k.decodeText()));
  return [...keys].filter((k) => {
    const x = a.get(PDFName.of(k));
    const y = b.get(PDFName.of(k));
    return x === undefined || y === undefined ? x !== y : x.toString() !== y.toString();
  });
}

export function isSignatureDict(o: PDFObject | undefined): boolean {
  return o instanceof PDFDict && o.get(PDFName.of('ByteRange')) !== undefined && o.get(PDFName.of('Contents')) !== undefined;
}

export function isDocTimestampDict(o: PDFObject | undefined): boolean {
  return (
    isSignatureDict(o) &&
    (typeName(o) === 'DocTimeStamp' || typeName(o, 'SubFilter') === 'ETSI.RFC3161')
  );
}

/** A signature field (or its merged widget): /FT /Sig, here or on its parent. */
export function isSignatureField(ctx: DiffContext, o: PDFObject | undefined): boolean {
  if (!(o instanceof PDFDict)) return false;
  if (typeName(o, 'FT') === 'Sig') return true;
  const parent = ctx.reader.lookup(o.get(PDFName.of('Parent')), PDFDict, ctx.revision);
  return typeName(parent, 'FT') === 'Sig';
}

/** The signature dictionary a field's /V points to, as of this revision. */
export function fieldValue(ctx: DiffContext, field: PDFDict): PDFObject | undefined {
  return ctx.reader.lookup(field.get(PDFName.of('V')), ctx.revision);
}

export const refNumber = (o: PDFObject | undefined) => (o instanceof PDFRef ? o.objectNumber : null);

/** A signature field whose value is a document timestamp: allowed wherever PAdES allows those. */
export function isDocTimestampField(ctx: DiffContext, o: PDFObject | undefined): boolean {
  return o instanceof PDFDict && isSignatureField(ctx, o) && isDocTimestampDict(fieldValue(ctx, o));
}
