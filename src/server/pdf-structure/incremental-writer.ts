import { PDFArray, PDFDict, PDFName, type PDFObject, PDFRef, PDFStream } from 'pdf-lib';
import { PdfReader } from './reader.js';

/**
 * Appends incremental updates to a PDF: new objects and new versions of existing ones, with a
 * classic cross-reference section and a trailer chained to the previous one. Earlier
 * revisions are left byte for byte, so earlier signatures stay valid. What an update changes
 * is read with the structure reader and written as pdf-lib objects serialise themselves.
 */

export type PdfRef = { num: number; gen: number };

/** The facts of the file's last revision an update needs. */
export type PdfIndex = {
  /** Offset of the last cross-reference section (the file's final startxref). */
  startxref: number;
  /** Newest byte offset of each in-use object stored in the file itself. */
  offsets: Map<number, number>;
  size: number;
  root: PdfRef;
  info: PdfRef | null;
  /** The trailer's /ID array as PDF syntax. */
  id: string | null;
  reader: PdfReader;
};

export class PdfStructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfStructureError';
  }
}

export const refString = (r: PdfRef) => `${r.num} ${r.gen} R`;
export const asRef = (r: PdfRef) => PDFRef.of(r.num, r.gen);
const fromRef = (r: PDFRef): PdfRef => ({ num: r.objectNumber, gen: r.generationNumber });

export function readPdfIndex(pdf: Buffer): PdfIndex {
  const reader = PdfReader.open(pdf);
  const trailer = reader.trailer();
  const root = trailer.get(PDFName.of('Root'));
  if (!(root instanceof PDFRef)) throw new PdfStructureError('trailer has no /Root');
  const info = trailer.get(PDFName.of('Info'));
  const offsets = new Map<number, number>();
  for (let r = reader.revisions.length - 1; r >= 0; r--) {
    for (const [num, e] of reader.revisions[r]!.entries) if (e.kind === 'offset' && !offsets.has(num)) offsets.set(num, e.offset);
  }
  return {
    startxref: reader.revisions.at(-1)!.xrefOffset,
    offsets,
    size: reader.nextObjectNumber(),
    root: fromRef(root),
    info: info instanceof PDFRef ? fromRef(info) : null,
    id: trailer.get(PDFName.of('ID'))?.toString() ?? null,
    reader,
  };
}

/** The object of the last revision (a dictionary or array, not a stream), or throws. */
export function readObject(index: PdfIndex, ref: PdfRef): PDFDict | PDFArray {
  const value = index.reader.resolve(asRef(ref));
  if (value === undefined) throw new PdfStructureError(`object ${ref.num} not found`);
  if (value instanceof PDFStream) throw new PdfStructureError(`object ${ref.num} is a stream`);
  if (!(value instanceof PDFDict) && !(value instanceof PDFArray)) throw new PdfStructureError(`object ${ref.num} is not a dictionary or array`);
  return value;
}

/** The PDF syntax of an object of the last revision, as an update would write it again. */
export function readObjectBody(_pdf: Buffer, index: PdfIndex, ref: PdfRef): string {
  return readObject(index, ref).toString();
}

/** Page objects in document order. */
export function pageRefs(_pdf: Buffer, index: PdfIndex): PdfRef[] {
  return index.reader.pages().map(fromRef);
}

/** A PDF text string: UTF-16BE with BOM, hex-encoded, so Chinese names survive. */
export function pdfTextString(text: string): string {
  const utf16 = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
  return `<${utf16.toString('hex').toUpperCase()}>`;
}

export function pdfDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `(D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z)`;
}

/** An object of an incremental update: PDF syntax (a dictionary or array), and a stream's bytes. */
export type UpdatedObject = { ref: PdfRef; dict: string | PDFObject; stream?: Buffer };

export type WrittenUpdate = {
  bytes: Buffer;
  /** Where each object's text starts in `bytes`, by object number. */
  objectOffsets: Map<number, number>;
};

/** The next unused object number of a file (for new objects of an update). */
export function nextObjectNumber(index: PdfIndex): number {
  return index.size;
}

/** The file without the end-of-line after its final %%EOF, so that revisions abut exactly. */
export function withoutTrailingEol(pdf: Buffer): Buffer {
  let end = pdf.length;
  while (end > 0 && (pdf[end - 1] === 0x0a || pdf[end - 1] === 0x0d)) end--;
  return pdf.subarray(0, end);
}

/**
 * Appends one incremental update holding `objects` (new ones, and new versions of existing
 * ones), with its cross-reference section and a trailer chained to the previous one.
 */
export function appendIncrementalUpdate(pdfIn: Buffer, index: PdfIndex, objects: UpdatedObject[], size: number): WrittenUpdate {
  const pdf = withoutTrailingEol(pdfIn);
  const chunks: Buffer[] = [pdf];
  const objectOffsets = new Map<number, number>();
  let offset = pdf.length;
  const push = (b: Buffer) => {
    chunks.push(b);
    offset += b.length;
  };
  for (const obj of objects) {
    objectOffsets.set(obj.ref.num, offset + 1);
    const dict = typeof obj.dict === 'string' ? obj.dict : obj.dict.toString();
    if (obj.stream) {
      push(Buffer.from(`\n${obj.ref.num} ${obj.ref.gen} obj\n${dict}\nstream\n`, 'latin1'));
      push(obj.stream);
      push(Buffer.from('\nendstream\nendobj', 'latin1'));
    } else {
      push(Buffer.from(`\n${obj.ref.num} ${obj.ref.gen} obj\n${dict}\nendobj`, 'latin1'));
    }
  }
  const entries = objects.map((o) => ({ num: o.ref.num, gen: o.ref.gen, at: objectOffsets.get(o.ref.num)! })).sort((a, b) => a.num - b.num);
  const xrefAt = offset + 1;
  let table = '\nxref\n';
  for (const e of entries) table += `${e.num} 1\n${String(e.at).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`;
  table += `trailer\n<<\n/Size ${Math.max(index.size, size)}\n/Root ${refString(index.root)}\n`;
  if (index.info) table += `/Info ${refString(index.info)}\n`;
  if (index.id) table += `/ID ${index.id}\n`;
  table += `/Prev ${index.startxref}\n>>\nstartxref\n${xrefAt}\n%%EOF\n`;
  push(Buffer.from(table, 'latin1'));
  return { bytes: Buffer.concat(chunks), objectOffsets };
}

// Small edits of serialised dictionaries, for tests that craft altered revisions.

/** The value text following `/Key` in a dictionary's syntax, for refs and simple arrays. */
export function dictEntry(dict: string, key: string): string | undefined {
  const m = new RegExp(`/${key}(?![A-Za-z0-9])\\s*(\\[[^\\]]*\\]|\\d+\\s+\\d+\\s+R|[^/>\\s]+)`).exec(dict);
  return m?.[1];
}

/** The dictionary syntax with `/Key value` set (replaced when present at top level, else added). */
export function setEntry(dict: string, key: string, value: string): string {
  const current = dictEntry(dict, key);
  if (current !== undefined && !current.startsWith('<<')) {
    const m = new RegExp(`/${key}(?![A-Za-z0-9])\\s*`).exec(dict)!;
    return `${dict.slice(0, m.index)}/${key} ${value}${dict.slice(m.index + m[0].length + current.length)}`;
  }
  const close = dict.lastIndexOf('>>');
  if (!dict.startsWith('<<') || close < 0) throw new PdfStructureError('not a dictionary');
  return `${dict.slice(0, close).trimEnd()}\n/${key} ${value}\n>>`;
}
