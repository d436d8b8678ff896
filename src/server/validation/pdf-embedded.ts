import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, type PDFObject, PDFRef, PDFString } from 'pdf-lib';
import type { PdfReader, Span } from '../pdf-structure/reader.js';
import type { VerificationProblem } from './status.js';

/**
 * The PDF side of signatures: signature fields found through the AcroForm (wherever their
 * objects live, object streams included), their /V dictionaries, and the ByteRange rules —
 * it starts at 0, its one gap is exactly this dictionary's /Contents string, and it ends
 * where the revision that wrote the dictionary ends. A /Type /Sig object no field points to
 * is not a signature of the document: viewers ignore it, and so does the verifier.
 */

export type EmbeddedSignature = {
  fieldName: string;
  kind: 'signature' | 'document_timestamp';
  /** The revision that wrote the signature dictionary. */
  revision: number;
  dict: PDFDict;
  subFilter: string | null;
  byteRange: [number, number, number, number] | null;
  /** /Contents bytes (DER, possibly zero padded). */
  contents: Uint8Array | null;
  contentsSpan: Span | null;
  claimedTime: Date | null;
  /** DocMDP permission level when this is the certification signature. */
  docMdp: number | null;
  problems: Set<VerificationProblem>;
};

const maxFields = 2000;
const name = (o: PDFObject | undefined) => (o instanceof PDFName ? o.decodeText() : null);

function text(o: PDFObject | undefined): string {
  return o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : '';
}

function bytesOf(o: PDFObject | undefined): Uint8Array | null {
  if (o instanceof PDFHexString) {
    const hex = o.asString().replace(/\s+/g, '');
    if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) return null;
    return Buffer.from(hex, 'hex');
  }
  if (o instanceof PDFString) return o.asBytes();
  return null;
}

/** D:YYYYMMDDHHmmSS with optional offset (PDF 7.9.4). */
export function pdfDate(s: string): Date | null {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?/.exec(s);
  if (!m) return null;
  const n = (i: number, d: number) => (m[i] ? Number(m[i]) : d);
  let t = Date.UTC(n(1, 0), n(2, 1) - 1, n(3, 1), n(4, 0), n(5, 0), n(6, 0));
  if (m[7] === '+' || m[7] === '-') {
    const offset = (n(8, 0) * 60 + n(9, 0)) * 60_000;
    t += m[7] === '+' ? -offset : offset;
  }
  return Number.isNaN(t) ? null : new Date(t);
}

export function findSignatures(reader: PdfReader): EmbeddedSignature[] {
  const catalog = reader.catalog();
  const acroForm = reader.get(catalog, 'AcroForm', PDFDict);
  const fields = reader.get(acroForm, 'Fields', PDFArray);
  const out: EmbeddedSignature[] = [];
  if (!fields) return out;
  const seen = new Set<number>();
  let visited = 0;
  const visit = (node: PDFObject | undefined, parentName: string, inheritedFt: string | null, depth: number) => {
    if (depth > 16 || ++visited > maxFields) return;
    if (node instanceof PDFRef) {
      if (seen.has(node.objectNumber)) return;
      seen.add(node.objectNumber);
    }
    const field = reader.lookup(node, PDFDict);
    if (!field) return;
    const partial = text(field.get(PDFName.of('T')));
    const fullName = parentName && partial ? `${parentName}.${partial}` : partial || parentName;
    const ft = name(reader.get(field, 'FT')) ?? inheritedFt;
    const kids = reader.get(field, 'Kids', PDFArray);
    if (kids) for (const kid of kids.asArray()) visit(kid, fullName, ft, depth + 1);
    if (ft !== 'Sig') return;
    const v = field.get(PDFName.of('V'));
    const dict = reader.lookup(v, PDFDict);
    if (!dict) return;
    const holder = v instanceof PDFRef ? v.objectNumber : node instanceof PDFRef ? node.objectNumber : null;
    out.push(describe(reader, fullName, dict, holder));
  };
  for (const f of fields.asArray()) visit(f, '', null, 0);
  return out;
}

function describe(reader: PdfReader, fieldName: string, dict: PDFDict, holder: number | null): EmbeddedSignature {
  const problems = new Set<VerificationProblem>();
  const subFilter = name(dict.get(PDFName.of('SubFilter')));
  const type = name(dict.get(PDFName.of('Type')));
  const kind = type === 'DocTimeStamp' || subFilter === 'ETSI.RFC3161' ? 'document_timestamp' : 'signature';
  const revision = holder === null ? reader.revisions.length - 1 : (reader.revisionOf(holder) ?? reader.revisions.length - 1);
  const brObj = reader.get(dict, 'ByteRange', PDFArray);
  const br = brObj?.asArray().map((x) => (x instanceof PDFNumber ? x.asNumber() : Number.NaN));
  const byteRange =
    br && br.length === 4 && br.every((x) => Number.isSafeInteger(x) && x >= 0)
      ? (br as [number, number, number, number])
      : null;
  const contentsObj = dict.get(PDFName.of('Contents'));
  const contents = bytesOf(contentsObj);
  if (!byteRange || !contents || contents.length === 0) problems.add('malformed_signature');
  const m = reader.get(dict, 'M');
  return {
    fieldName,
    kind,
    revision,
    dict,
    subFilter,
    byteRange,
    contents,
    contentsSpan: reader.valueSpan(dict, 'Contents') ?? null,
    claimedTime: m ? pdfDate(text(m)) : null,
    docMdp: certificationLevel(reader, dict),
    problems,
  };
}

/**
 * P of a certification signature: a /Reference with /TransformMethod /DocMDP, and the
 * catalog's /Perms /DocMDP pointing at this very dictionary.
 */
function certificationLevel(reader: PdfReader, dict: PDFDict): number | null {
  const refs = reader.get(dict, 'Reference', PDFArray);
  let p: number | null = null;
  for (const r of refs?.asArray() ?? []) {
    const sigRef = reader.lookup(r, PDFDict);
    if (name(sigRef?.get(PDFName.of('TransformMethod'))) !== 'DocMDP') continue;
    const params = reader.get(sigRef, 'TransformParams', PDFDict);
    const value = reader.get(params, 'P', PDFNumber);
    p = value ? value.asNumber() : 2;
  }
  if (p === null) return null;
  const perms = reader.get(reader.catalog(), 'Perms', PDFDict);
  const docMdp = reader.get(perms, 'DocMDP', PDFDict);
  return docMdp === dict && [1, 2, 3].includes(p) ? p : null;
}

/** The ByteRange rules; adds problems to the signature and says where its coverage ends. */
export function checkByteRange(reader: PdfReader, sig: EmbeddedSignature): number {
  const br = sig.byteRange;
  if (!br) return -1;
  const [start, len1, off2, len2] = br;
  const end = off2 + len2;
  if (start !== 0) sig.problems.add('byte_range_not_at_start');
  if (start + len1 > off2) sig.problems.add('byte_range_overlap');
  else {
    const span = sig.contentsSpan;
    if (!span || start + len1 !== span.start || off2 !== span.end) sig.problems.add('byte_range_gap');
  }
  if (end > reader.bytes.length) sig.problems.add('byte_range_beyond_eof');
  else {
    const rev = reader.revisions[sig.revision]!;
    if (end !== rev.eofEnd && end !== rev.end) sig.problems.add('signature_not_at_revision_end');
  }
  return end;
}

/** The signed bytes, when the range is sound enough to hash. */
export function signedContent(reader: PdfReader, sig: EmbeddedSignature): Uint8Array[] | null {
  const br = sig.byteRange;
  if (!br) return null;
  const [start, len1, off2, len2] = br;
  if (start !== 0 || start + len1 > off2 || off2 + len2 > reader.bytes.length) return null;
  return [reader.bytes.subarray(start, start + len1), reader.bytes.subarray(off2, off2 + len2)];
}
