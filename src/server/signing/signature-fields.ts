import { createHash } from 'node:crypto';
import { PDFArray, PDFContext, PDFDict, PDFHexString, PDFName, type PDFObject, PDFRef, PDFString } from 'pdf-lib';
import {
  appendIncrementalUpdate,
  asRef,
  type PdfIndex,
  type PdfRef,
  PdfStructureError,
  pdfDate,
  pdfTextString,
  readObject,
  readPdfIndex,
  refString,
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
const context = PDFContext.create();
const name = (n: string) => PDFName.of(n);

function fieldDict(o: { name: string; page: PdfRef; rect?: Rect; value?: PdfRef }): PDFDict {
  const dict = PDFDict.withContext(context);
  dict.set(name('Type'), name('Annot'));
  dict.set(name('Subtype'), name('Widget'));
  dict.set(name('FT'), name('Sig'));
  dict.set(name('T'), PDFString.of(o.name.replace(/[^A-Za-z0-9_.-]/g, '_')));
  // Print + locked.
  dict.set(name('F'), context.obj(132));
  dict.set(name('Rect'), context.obj((o.rect ?? [0, 0, 0, 0]).map((n) => Math.round(n * 100) / 100)));
  dict.set(name('P'), asRef(o.page));
  if (o.value) dict.set(name('V'), asRef(o.value));
  return dict;
}

// The signature dictionary is written as text: its ByteRange and Contents are placeholders
// filled in place once the revision's layout is final.
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

function fieldName(index: PdfIndex, dict: PDFDict): string | undefined {
  const t = index.reader.lookup(dict.get(name('T')));
  return t instanceof PDFString || t instanceof PDFHexString ? t.decodeText() : undefined;
}

/** The AcroForm's signature fields, by name. */
function signatureFields(index: PdfIndex, acro: PDFDict | undefined): Map<string, PDFRef> {
  const out = new Map<string, PDFRef>();
  const fields = acro && index.reader.get(acro, 'Fields', PDFArray);
  for (const ref of fields?.asArray() ?? []) {
    const dict = ref instanceof PDFRef ? index.reader.lookup(ref, PDFDict) : undefined;
    const n = dict && fieldName(index, dict);
    if (n && ref instanceof PDFRef) out.set(n, ref);
  }
  return out;
}

/** A shallow copy to edit: the reader's objects stay as read. */
function copyOf(dict: PDFDict): PDFDict {
  const copy = PDFDict.withContext(context);
  for (const [k, v] of dict.entries()) copy.set(k, v);
  return copy;
}

function arrayWith(items: PDFObject[] | undefined, more: PDFObject[]): PDFArray {
  const array = PDFArray.withContext(context);
  for (const item of [...(items ?? []), ...more]) array.push(item);
  return array;
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
  const { reader } = index;
  const pages = reader.pages();
  const pageOf = (i = -1): PdfRef => {
    const page = pages[i < 0 ? pages.length + i : i];
    if (!page) throw new PdfStructureError('no such page');
    return { num: page.objectNumber, gen: page.generationNumber };
  };
  let next = index.size;
  const sigRef = { num: next++, gen: 0 };
  const objects: UpdatedObject[] = [{ ref: sigRef, dict: signatureDict(o.dictionary, o.contentsLength) }];

  const catalog = copyOf(reader.catalog());
  let catalogChanged = false;
  const acroValue = catalog.get(name('AcroForm'));
  if (acroValue instanceof PDFDict) throw new PdfStructureError('inline /AcroForm is not supported');
  const acroRef = acroValue instanceof PDFRef ? acroValue : undefined;
  const acro = acroRef && reader.lookup(acroRef, PDFDict);
  const existing = signatureFields(index, acro);
  const newFields: { field: NewField; ref: PdfRef; value?: PdfRef }[] = [];

  if ('fill' in o.target) {
    const ref = existing.get(o.target.fill);
    if (!ref) throw new PdfStructureError(`no signature field ${o.target.fill}`);
    const dict = copyOf(readObject(index, { num: ref.objectNumber, gen: ref.generationNumber }) as PDFDict);
    if (dict.get(name('V')) !== undefined) throw new PdfStructureError(`field ${o.target.fill} is signed already`);
    dict.set(name('V'), asRef(sigRef));
    objects.push({ ref: { num: ref.objectNumber, gen: ref.generationNumber }, dict });
  } else {
    newFields.push({ field: o.target.create, ref: { num: next++, gen: 0 }, value: sigRef });
  }
  for (const field of o.laterFields ?? []) newFields.push({ field, ref: { num: next++, gen: 0 } });

  if (newFields.length > 0) {
    for (const f of newFields) {
      if (existing.has(f.field.name)) throw new PdfStructureError(`field ${f.field.name} exists`);
      objects.push({ ref: f.ref, dict: fieldDict({ name: f.field.name, page: pageOf(f.field.pageIndex), rect: f.field.rect, value: f.value }) });
    }
    const refs = newFields.map((f) => asRef(f.ref));
    if (acroRef && acro) {
      const form = copyOf(acro);
      form.set(name('Fields'), arrayWith(reader.get(acro, 'Fields', PDFArray)?.asArray(), refs));
      form.set(name('SigFlags'), context.obj(3));
      objects.push({ ref: { num: acroRef.objectNumber, gen: acroRef.generationNumber }, dict: form });
    } else {
      const newAcro = { num: next++, gen: 0 };
      const form = PDFDict.withContext(context);
      form.set(name('Fields'), arrayWith([], refs));
      form.set(name('SigFlags'), context.obj(3));
      objects.push({ ref: newAcro, dict: form });
      catalog.set(name('AcroForm'), asRef(newAcro));
      catalogChanged = true;
    }
    // Widgets join their pages' annotations.
    const byPage = new Map<number, { page: PdfRef; refs: PDFRef[] }>();
    for (const f of newFields) {
      const page = pageOf(f.field.pageIndex);
      const slot = byPage.get(page.num) ?? { page, refs: [] };
      slot.refs.push(asRef(f.ref));
      byPage.set(page.num, slot);
    }
    for (const { page, refs: widgetRefs } of byPage.values()) {
      const pageDict = copyOf(readObject(index, page) as PDFDict);
      const annots = pageDict.get(name('Annots'));
      if (annots instanceof PDFRef) {
        const array = reader.lookup(annots, PDFArray);
        if (!array) throw new PdfStructureError('unsupported /Annots');
        objects.push({ ref: { num: annots.objectNumber, gen: annots.generationNumber }, dict: arrayWith(array.asArray(), widgetRefs) });
      } else {
        pageDict.set(name('Annots'), arrayWith(annots instanceof PDFArray ? annots.asArray() : [], widgetRefs));
        objects.push({ ref: page, dict: pageDict });
      }
    }
  }
  if (o.dictionary.kind === 'certification') {
    if (catalog.get(name('Perms')) !== undefined) throw new PdfStructureError('the document is certified already');
    const perms = PDFDict.withContext(context);
    perms.set(name('DocMDP'), asRef(sigRef));
    catalog.set(name('Perms'), perms);
    catalogChanged = true;
  }
  if (catalogChanged) objects.push({ ref: index.root, dict: catalog });

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

export { refString };
