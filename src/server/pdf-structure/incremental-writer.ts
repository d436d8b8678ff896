/**
 * Appends incremental updates to the PDFs this service renders and signs (classic
 * cross-reference tables: what pdfkit writes, and what we append). Earlier revisions are
 * left byte for byte, so earlier signatures stay valid. Cross-reference streams are refused:
 * every file we extend is our own.
 */

export type PdfRef = { num: number; gen: number };

export type PdfIndex = {
  /** Offset of the last cross-reference section (the file's final startxref). */
  startxref: number;
  /** Newest byte offset of each in-use object over all revisions. */
  offsets: Map<number, number>;
  size: number;
  root: PdfRef;
  info: PdfRef | null;
  /** The trailer's /ID array, verbatim. */
  id: string | null;
};

export class PdfStructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfStructureError';
  }
}

const refPattern = /(\d+)\s+(\d+)\s+R/;

function parseRef(text: string | undefined): PdfRef | null {
  const m = text ? refPattern.exec(text) : null;
  return m ? { num: Number(m[1]), gen: Number(m[2]) } : null;
}

export const refString = (r: PdfRef) => `${r.num} ${r.gen} R`;

/** The value text following `/Key` in a dictionary body, for refs and simple arrays. */
function entry(dict: string, key: string): string | undefined {
  const m = new RegExp(`/${key}(?![A-Za-z0-9])\\s*(\\[[^\\]]*\\]|\\d+\\s+\\d+\\s+R|[^/>\\s]+)`).exec(
    dict,
  );
  return m?.[1];
}

/** Offset of the final `startxref` value, or throws. */
export function lastStartxref(pdf: Buffer): number {
  const tail = pdf.toString('latin1', Math.max(0, pdf.length - 1024));
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!m) throw new PdfStructureError('no startxref/%%EOF at the end of the file');
  return Number(m[1]);
}

function readXrefSection(
  pdf: Buffer,
  at: number,
  offsets: Map<number, number>,
): { trailer: string } {
  if (at < 0 || at >= pdf.length) throw new PdfStructureError('startxref out of range');
  const head = pdf.toString('latin1', at, at + 4);
  if (head !== 'xref') throw new PdfStructureError('cross-reference streams are not supported');
  const trailerAt = pdf.indexOf('trailer', at, 'latin1');
  if (trailerAt < 0) throw new PdfStructureError('no trailer');
  const table = pdf.toString('latin1', at + 4, trailerAt);
  const lines = table.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  let num = 0;
  for (const line of lines) {
    const sub = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
    if (sub) {
      num = Number(sub[1]);
      continue;
    }
    const e = /^(\d{10}) (\d{5}) ([nf])/.exec(line);
    if (!e) throw new PdfStructureError('malformed cross-reference entry');
    // Sections are read newest first: an object already seen keeps its newer offset.
    if (e[3] === 'n' && !offsets.has(num)) offsets.set(num, Number(e[1]));
    num++;
  }
  const end = pdf.indexOf('startxref', trailerAt, 'latin1');
  return { trailer: pdf.toString('latin1', trailerAt + 7, end < 0 ? undefined : end) };
}

export function readPdfIndex(pdf: Buffer): PdfIndex {
  const startxref = lastStartxref(pdf);
  const offsets = new Map<number, number>();
  let trailer: string | null = null;
  const seen = new Set<number>();
  for (let at: number | null = startxref; at !== null; ) {
    if (seen.has(at)) throw new PdfStructureError('cross-reference /Prev loop');
    seen.add(at);
    const section = readXrefSection(pdf, at, offsets);
    trailer ??= section.trailer;
    const prev = entry(section.trailer, 'Prev');
    at = prev === undefined ? null : Number(prev);
  }
  const t = trailer ?? '';
  const root = parseRef(entry(t, 'Root'));
  if (!root) throw new PdfStructureError('trailer has no /Root');
  const idMatch = /\/ID\s*(\[[^\]]*\])/.exec(t);
  return {
    startxref,
    offsets,
    size: Number(entry(t, 'Size') ?? 0),
    root,
    info: parseRef(entry(t, 'Info')),
    id: idMatch?.[1] ?? null,
  };
}

/** The body (between `obj` and `endobj`) of a non-stream object. */
export function readObjectBody(pdf: Buffer, index: PdfIndex, ref: PdfRef): string {
  const at = index.offsets.get(ref.num);
  if (at === undefined) throw new PdfStructureError(`object ${ref.num} not found`);
  const end = pdf.indexOf('endobj', at, 'latin1');
  if (end < 0) throw new PdfStructureError(`object ${ref.num} has no endobj`);
  const text = pdf.toString('latin1', at, end);
  const m = /^\s*(\d+)\s+(\d+)\s+obj\b/.exec(text);
  if (!m || Number(m[1]) !== ref.num) throw new PdfStructureError(`bad offset for ${ref.num}`);
  const body = text.slice(m[0].length).trim();
  if (/\bstream\b/.test(body.slice(-32)) || body.includes('\nstream')) {
    throw new PdfStructureError(`object ${ref.num} is a stream`);
  }
  return body;
}

/** Inserts `/Key value` before the closing `>>` of a dictionary body. */
function withEntry(dict: string, key: string, value: string): string {
  const close = dict.lastIndexOf('>>');
  if (!dict.startsWith('<<') || close < 0) throw new PdfStructureError('not a dictionary');
  return `${dict.slice(0, close).trimEnd()}\n/${key} ${value}\n>>`;
}

function appendToArray(array: string, item: string): string {
  return `${array.slice(0, array.lastIndexOf(']')).trimEnd()} ${item}]`;
}

/** Page objects in document order (walks the /Pages tree). */
export function pageRefs(pdf: Buffer, index: PdfIndex): PdfRef[] {
  const rootDict = readObjectBody(pdf, index, index.root);
  const pagesRef = parseRef(entry(rootDict, 'Pages'));
  if (!pagesRef) throw new PdfStructureError('catalog has no /Pages');
  const out: PdfRef[] = [];
  const visit = (ref: PdfRef, depth: number) => {
    if (depth > 32) throw new PdfStructureError('page tree too deep');
    const dict = readObjectBody(pdf, index, ref);
    if (/\/Type\s*\/Page(?![s\w])/.test(dict)) {
      out.push(ref);
      return;
    }
    const kids = entry(dict, 'Kids') ?? '';
    for (const m of kids.matchAll(/(\d+)\s+(\d+)\s+R/g)) {
      visit({ num: Number(m[1]), gen: Number(m[2]) }, depth + 1);
    }
  };
  visit(pagesRef, 0);
  return out;
}

/** A PDF text string: UTF-16BE with BOM, hex-encoded, so Chinese names survive. */
export function pdfTextString(text: string): string {
  const utf16 = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
  return `<${utf16.toString('hex').toUpperCase()}>`;
}

export function pdfDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `(D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(
    d.getUTCHours(),
  )}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z)`;
}

/** An object of an incremental update: a dictionary (PDF syntax), optionally a stream's bytes. */
export type UpdatedObject = { ref: PdfRef; dict: string; stream?: Buffer };

export type WrittenUpdate = {
  bytes: Buffer;
  /** Where each object's text starts in `bytes`, by object number. */
  objectOffsets: Map<number, number>;
};

/** The next unused object number of a file (for new objects of an update). */
export function nextObjectNumber(index: PdfIndex): number {
  let next = index.size;
  for (const n of index.offsets.keys()) if (n >= next) next = n + 1;
  return next;
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
    if (obj.stream) {
      push(Buffer.from(`\n${obj.ref.num} ${obj.ref.gen} obj\n${obj.dict}\nstream\n`, 'latin1'));
      push(obj.stream);
      push(Buffer.from('\nendstream\nendobj', 'latin1'));
    } else {
      push(Buffer.from(`\n${obj.ref.num} ${obj.ref.gen} obj\n${obj.dict}\nendobj`, 'latin1'));
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

/** The dictionary with `/Key value` set (replaced when present at top level, else added). */
export function setEntry(dict: string, key: string, value: string): string {
  const current = entry(dict, key);
  if (current !== undefined && !current.startsWith('<<')) {
    const m = new RegExp(`/${key}(?![A-Za-z0-9])\\s*`).exec(dict)!;
    return dict.slice(0, m.index) + `/${key} ${value}` + dict.slice(m.index + m[0].length + current.length);
  }
  return withEntry(dict, key, value);
}

/** Appends an item to an array entry of a dictionary (creating it), or to an array object. */
export function arrayWith(array: string | undefined, item: string): string {
  return array === undefined ? `[${item}]` : appendToArray(array, item);
}

export { entry as dictEntry, parseRef };
