/**
 * Just enough PDF structure reading and incremental-update writing to add signature fields
 * to a PDF with classic cross-reference tables (what pdfkit writes, and what we append).
 * Cross-reference streams are refused: @signpdf has the same limit, and every file we sign
 * is our own.
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

export const byteRangePlaceholder = '**********';

export type SignatureFieldOptions = {
  /** Field name, unique in the document (e.g. `PartyA`). */
  fieldName: string;
  signerName: string;
  reason: string;
  location?: string;
  contactInfo?: string;
  signingTime: Date;
  /** Bytes reserved for the DER CMS; the placeholder holds twice as many hex digits. */
  signatureLength: number;
  subFilter: 'adbe.pkcs7.detached' | 'ETSI.CAdES.detached';
  /** Page (0-based; negative counts from the end) and rectangle of the widget. */
  pageIndex?: number;
  rect?: [number, number, number, number];
};

/**
 * Appends an incremental update adding a signature field whose /V is a signature dictionary
 * with ByteRange and Contents placeholders (the form @signpdf's `sign` fills in). Existing
 * revisions are left byte for byte, so earlier signatures stay valid.
 */
export function addSignaturePlaceholder(pdfIn: Buffer, o: SignatureFieldOptions): Buffer {
  // Trailing EOL after %%EOF is dropped, as @signpdf does, so revisions abut exactly.
  let end = pdfIn.length;
  while (end > 0 && (pdfIn[end - 1] === 0x0a || pdfIn[end - 1] === 0x0d)) end--;
  const pdf = pdfIn.subarray(0, end);
  const index = readPdfIndex(pdf);
  const pages = pageRefs(pdf, index);
  const pageIdx = o.pageIndex ?? -1;
  const page = pages[pageIdx < 0 ? pages.length + pageIdx : pageIdx];
  if (!page) throw new PdfStructureError('no such page');

  let next = Math.max(index.size, ...[...index.offsets.keys()].map((n) => n + 1));
  const sigRef = { num: next++, gen: 0 };
  const widgetRef = { num: next++, gen: 0 };
  const objects: { ref: PdfRef; body: string }[] = [];

  const rect = (o.rect ?? [0, 0, 0, 0]).map((n) => n.toFixed(2)).join(' ');
  const escapedName = o.fieldName.replace(/[^A-Za-z0-9_.-]/g, '_');
  objects.push({
    ref: sigRef,
    body: [
      '<<',
      '/Type /Sig',
      '/Filter /Adobe.PPKLite',
      `/SubFilter /${o.subFilter}`,
      `/ByteRange [0 /${byteRangePlaceholder} /${byteRangePlaceholder} /${byteRangePlaceholder}]`,
      `/Contents <${'0'.repeat(o.signatureLength * 2)}>`,
      `/M ${pdfDate(o.signingTime)}`,
      `/Name ${pdfTextString(o.signerName)}`,
      `/Reason ${pdfTextString(o.reason)}`,
      ...(o.location ? [`/Location ${pdfTextString(o.location)}`] : []),
      ...(o.contactInfo ? [`/ContactInfo ${pdfTextString(o.contactInfo)}`] : []),
      '/Prop_Build << /App << /Name /Qiyue >> >>',
      '>>',
    ].join('\n'),
  });
  objects.push({
    ref: widgetRef,
    body: `<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T (${escapedName})\n/F 132\n/Rect [${rect}]\n/P ${refString(page)}\n/V ${refString(sigRef)}\n>>`,
  });

  const rootDict = readObjectBody(pdf, index, index.root);
  const acroEntry = /\/AcroForm\s*(<<|\d+\s+\d+\s+R)/.exec(rootDict);
  if (acroEntry?.[1] === '<<') throw new PdfStructureError('inline /AcroForm is not supported');
  const acroRef = parseRef(acroEntry?.[1]);
  if (acroRef) {
    let acro = readObjectBody(pdf, index, acroRef);
    const fields = entry(acro, 'Fields');
    if (fields === undefined || !fields.startsWith('[')) {
      throw new PdfStructureError('unsupported /AcroForm /Fields');
    }
    acro = acro.replace(fields, appendToArray(fields, refString(widgetRef)));
    acro = /\/SigFlags\s+\d+/.test(acro)
      ? acro.replace(/\/SigFlags\s+\d+/, '/SigFlags 3')
      : withEntry(acro, 'SigFlags', '3');
    objects.push({ ref: acroRef, body: acro });
  } else {
    const newAcro = { num: next++, gen: 0 };
    objects.push({
      ref: newAcro,
      body: `<<\n/Fields [${refString(widgetRef)}]\n/SigFlags 3\n>>`,
    });
    objects.push({ ref: index.root, body: withEntry(rootDict, 'AcroForm', refString(newAcro)) });
  }

  let pageDict = readObjectBody(pdf, index, page);
  const annots = entry(pageDict, 'Annots');
  if (annots === undefined) {
    pageDict = withEntry(pageDict, 'Annots', `[${refString(widgetRef)}]`);
  } else if (annots.startsWith('[')) {
    pageDict = pageDict.replace(annots, appendToArray(annots, refString(widgetRef)));
  } else {
    const annotsRef = parseRef(annots);
    if (!annotsRef) throw new PdfStructureError('unsupported /Annots');
    const array = readObjectBody(pdf, index, annotsRef);
    objects.push({ ref: annotsRef, body: appendToArray(array, refString(widgetRef)) });
  }
  objects.push({ ref: page, body: pageDict });

  const chunks: Buffer[] = [pdf];
  let offset = pdf.length;
  const xref: { num: number; gen: number; at: number }[] = [];
  for (const obj of objects) {
    const text = `\n${obj.ref.num} ${obj.ref.gen} obj\n${obj.body}\nendobj`;
    xref.push({ num: obj.ref.num, gen: obj.ref.gen, at: offset + 1 });
    const buf = Buffer.from(text, 'latin1');
    chunks.push(buf);
    offset += buf.length;
  }
  xref.sort((a, b) => a.num - b.num);
  const xrefAt = offset + 1;
  let table = '\nxref\n';
  for (const e of xref) {
    table += `${e.num} 1\n${String(e.at).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`;
  }
  const size = Math.max(index.size, next);
  table += `trailer\n<<\n/Size ${size}\n/Root ${refString(index.root)}\n`;
  if (index.info) table += `/Info ${refString(index.info)}\n`;
  if (index.id) table += `/ID ${index.id}\n`;
  table += `/Prev ${index.startxref}\n>>\nstartxref\n${xrefAt}\n%%EOF\n`;
  chunks.push(Buffer.from(table, 'latin1'));
  return Buffer.concat(chunks);
}
