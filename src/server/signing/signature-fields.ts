import { createHash } from 'node:crypto';
import {
  appendIncrementalUpdate,
  arrayWith,
  dictEntry,
  nextObjectNumber,
  type PdfIndex,
  type PdfRef,
  PdfStructureError,
  pageRefs,
  parseRef,
  pdfDate,
  pdfTextString,
  readObjectBody,
  readPdfIndex,
  refString,
  setEntry,
  type UpdatedObject,
} from '../pdf-structure/incremental-writer.js';

export type Rect = [number, number, number, number];

/** A signature field to create: its name, and its widget on a page (invisible without rect). */
export type NewField = { name: string; pageIndex?: number; rect?: Rect };

export type SignatureDictionary =
  | {
      kind: 'approval' | 'certification';
      subFilter: 'ETSI.CAdES.detached';
      signerName: string;
      reason: string;
      /** The signer's claim of the time (/M); the timestamp is what proves it. */
      claimedTime: Date;
    }
  | { kind: 'document-timestamp' };

/**
 * A revision whose signature dictionary has its ByteRange written and its /Contents still
 * zeros: what the signer's digest covers is final.
 */
export type PreparedRevision = {
  bytes: Buffer;
  /** Offset of the `<` of /Contents, and just past its `>`. */
  contentsStart: number;
  contentsEnd: number;
};

const byteRangePlaceholder = '/ByteRange [0 ********** ********** **********]';

function fieldDict(o: { name: string; page: PdfRef; rect?: Rect; value?: PdfRef }): string {
  const rect = (o.rect ?? [0, 0, 0, 0]).map((n) => n.toFixed(2)).join(' ');
  const name = o.name.replace(/[^A-Za-z0-9_.-]/g, '_');
  // A field merged with its widget. Flags 132 = print + locked.
  return `<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T (${name})\n/F 132\n/Rect [${rect}]\n/P ${refString(o.page)}${o.value ? `\n/V ${refString(o.value)}` : ''}\n>>`;
}

function signatureDict(d: SignatureDictionary, contentsLength: number): string {
  const common = [byteRangePlaceholder, `/Contents <${'0'.repeat(contentsLength * 2)}>`];
  if (d.kind === 'document-timestamp') {
    return ['<<', '/Type /DocTimeStamp', '/Filter /Adobe.PPKLite', '/SubFilter /ETSI.RFC3161', ...common, '>>'].join('\n');
  }
  return [
    '<<',
    '/Type /Sig',
    '/Filter /Adobe.PPKLite',
    `/SubFilter /${d.subFilter}`,
    ...common,
    `/M ${pdfDate(d.claimedTime)}`,
    `/Name ${pdfTextString(d.signerName)}`,
    `/Reason ${pdfTextString(d.reason)}`,
    // DocMDP P=2: after this certification only form filling and signing are permitted
    // (ISO 32000-1 12.8.2.2); DSS and document timestamps are allowed by PAdES.
    ...(d.kind === 'certification'
      ? ['/Reference [<<\n/Type /SigRef\n/TransformMethod /DocMDP\n/TransformParams << /Type /TransformParams /P 2 /V /1.2 >>\n>>]']
      : []),
    '/Prop_Build << /App << /Name /Qiyue >> >>',
    '>>',
  ].join('\n');
}

type FieldTarget = { create: NewField } | { fill: string };

/** The signature fields of the AcroForm, by name (our own files: names are literal strings). */
function signatureFields(pdf: Buffer, index: PdfIndex, acroRef: PdfRef | null): Map<string, PdfRef> {
  const out = new Map<string, PdfRef>();
  if (!acroRef) return out;
  const fields = dictEntry(readObjectBody(pdf, index, acroRef), 'Fields') ?? '';
  for (const m of fields.matchAll(/(\d+)\s+(\d+)\s+R/g)) {
    const ref = { num: Number(m[1]), gen: Number(m[2]) };
    const name = /\/T\s*\(([^)]*)\)/.exec(readObjectBody(pdf, index, ref))?.[1];
    if (name) out.set(name, ref);
  }
  return out;
}

/**
 * Appends a revision that signs with a new or pre-created signature field. A certification
 * signature also creates the fields later signatures will fill (`laterFields`), so that they
 * only add their values, and records itself in the catalog's /Perms.
 */
export function prepareSignatureRevision(
  pdf: Buffer,
  o: { target: FieldTarget; dictionary: SignatureDictionary; contentsLength: number; laterFields?: NewField[] },
): PreparedRevision {
  const index = readPdfIndex(pdf);
  const pages = pageRefs(pdf, index);
  const pageOf = (i = -1) => {
    const page = pages[i < 0 ? pages.length + i : i];
    if (!page) throw new PdfStructureError('no such page');
    return page;
  };
  let next = nextObjectNumber(index);
  const sigRef = { num: next++, gen: 0 };
  const objects: UpdatedObject[] = [{ ref: sigRef, dict: signatureDict(o.dictionary, o.contentsLength) }];

  let rootDict = readObjectBody(pdf, index, index.root);
  const acroEntry = dictEntry(rootDict, 'AcroForm');
  if (acroEntry?.startsWith('<<')) throw new PdfStructureError('inline /AcroForm is not supported');
  const acroRef = parseRef(acroEntry);
  const existing = signatureFields(pdf, index, acroRef);
  const newFields: { field: NewField; ref: PdfRef; value?: PdfRef }[] = [];

  if ('fill' in o.target) {
    const ref = existing.get(o.target.fill);
    if (!ref) throw new PdfStructureError(`no signature field ${o.target.fill}`);
    const dict = readObjectBody(pdf, index, ref);
    if (dictEntry(dict, 'V') !== undefined) throw new PdfStructureError(`field ${o.target.fill} is signed already`);
    objects.push({ ref, dict: setEntry(dict, 'V', refString(sigRef)) });
  } else {
    newFields.push({ field: o.target.create, ref: { num: next++, gen: 0 }, value: sigRef });
  }
  for (const field of o.laterFields ?? []) newFields.push({ field, ref: { num: next++, gen: 0 } });

  if (newFields.length > 0) {
    for (const f of newFields) {
      if (existing.has(f.field.name)) throw new PdfStructureError(`field ${f.field.name} exists`);
      objects.push({ ref: f.ref, dict: fieldDict({ name: f.field.name, page: pageOf(f.field.pageIndex), rect: f.field.rect, value: f.value }) });
    }
    const refs = newFields.map((f) => refString(f.ref));
    if (acroRef) {
      let acro = readObjectBody(pdf, index, acroRef);
      let fields = dictEntry(acro, 'Fields');
      for (const r of refs) fields = arrayWith(fields, r);
      acro = setEntry(setEntry(acro, 'Fields', fields!), 'SigFlags', '3');
      objects.push({ ref: acroRef, dict: acro });
    } else {
      const newAcro = { num: next++, gen: 0 };
      objects.push({ ref: newAcro, dict: `<<\n/Fields [${refs.join(' ')}]\n/SigFlags 3\n>>` });
      rootDict = setEntry(rootDict, 'AcroForm', refString(newAcro));
    }
    // Widgets join their pages' annotations.
    const byPage = new Map<number, { page: PdfRef; refs: string[] }>();
    for (const f of newFields) {
      const page = pageOf(f.field.pageIndex);
      const slot = byPage.get(page.num) ?? { page, refs: [] };
      slot.refs.push(refString(f.ref));
      byPage.set(page.num, slot);
    }
    for (const { page, refs: widgetRefs } of byPage.values()) {
      let pageDict = readObjectBody(pdf, index, page);
      const annots = dictEntry(pageDict, 'Annots');
      const annotsRef = annots && !annots.startsWith('[') ? parseRef(annots) : null;
      if (annotsRef) {
        let array: string | undefined = readObjectBody(pdf, index, annotsRef);
        for (const r of widgetRefs) array = arrayWith(array, r);
        objects.push({ ref: annotsRef, dict: array! });
      } else {
        let array = annots;
        for (const r of widgetRefs) array = arrayWith(array, r);
        pageDict = setEntry(pageDict, 'Annots', array!);
        objects.push({ ref: page, dict: pageDict });
      }
    }
  }
  if (o.dictionary.kind === 'certification') {
    if (dictEntry(rootDict, 'Perms') !== undefined) throw new PdfStructureError('the document is certified already');
    rootDict = setEntry(rootDict, 'Perms', `<< /DocMDP ${refString(sigRef)} >>`);
  }
  if (rootDict !== readObjectBody(pdf, index, index.root)) objects.push({ ref: index.root, dict: rootDict });

  const written = appendIncrementalUpdate(pdf, index, objects, next);
  return withByteRange(written.bytes, written.objectOffsets.get(sigRef.num)!);
}

/** Writes the ByteRange of the signature dictionary at `sigAt`: everything but its /Contents. */
function withByteRange(bytes: Buffer, sigAt: number): PreparedRevision {
  const rangeAt = bytes.indexOf(byteRangePlaceholder, sigAt, 'latin1');
  const contentsStart = bytes.indexOf('/Contents <', sigAt, 'latin1') + '/Contents '.length;
  const contentsEnd = bytes.indexOf('>', contentsStart, 'latin1') + 1;
  if (rangeAt < 0 || contentsStart < sigAt || contentsEnd <= contentsStart) throw new PdfStructureError('signature placeholder not found');
  const range = `/ByteRange [0 ${contentsStart} ${contentsEnd} ${bytes.length - contentsEnd}]`;
  if (range.length > byteRangePlaceholder.length) throw new PdfStructureError('file too large for the ByteRange placeholder');
  bytes.write(range.padEnd(byteRangePlaceholder.length, ' '), rangeAt, 'latin1');
  return { bytes, contentsStart, contentsEnd };
}

/** SHA-256 of what the signature covers: the whole revision but its /Contents string. */
export function revisionDigest(r: PreparedRevision): Buffer {
  return createHash('sha256').update(r.bytes.subarray(0, r.contentsStart)).update(r.bytes.subarray(r.contentsEnd)).digest();
}

/** Writes the DER signature (CMS or timestamp token) into the revision's /Contents. */
export function embedContents(r: PreparedRevision, der: Buffer): Buffer {
  const hex = der.toString('hex');
  const room = r.contentsEnd - r.contentsStart - 2;
  if (hex.length > room) throw new Error(`signature of ${der.length} bytes does not fit /Contents of ${room / 2}`);
  r.bytes.write(hex, r.contentsStart + 1, 'latin1');
  return r.bytes;
}
