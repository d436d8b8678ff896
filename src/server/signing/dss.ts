import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { PDFDict, PDFName } from 'pdf-lib';
import {
  appendIncrementalUpdate,
  asRef,
  type PdfRef,
  PdfStructureError,
  readPdfIndex,
  refString,
  type UpdatedObject,
} from '../pdf-structure/incremental-writer.js';

/** Certificates, OCSP responses and CRLs (DER) that let a validator check a chain later. */
export type ValidationMaterial = { certificates: Buffer[]; ocspResponses: Buffer[]; crls: Buffer[] };

/** What one signature needs from the DSS, for its VRI entry (ETSI EN 319 142-1, 5.4.2.3). */
export type SignatureValidationData = { contents: Buffer; material: ValidationMaterial };

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Appends the Document Security Store (PAdES B-LT): every certificate, OCSP response and CRL
 * once, as streams, with a VRI entry per signature keyed by the SHA-1 of its /Contents.
 */
export function appendDss(pdf: Buffer, signatures: SignatureValidationData[]): Buffer {
  const index = readPdfIndex(pdf);
  const catalog = index.reader.catalog();
  if (catalog.get(PDFName.of('DSS')) !== undefined) throw new PdfStructureError('the document has a DSS already');
  let next = index.size;
  const objects: UpdatedObject[] = [];
  const refs = new Map<string, PdfRef>();
  const streamFor = (der: Buffer): PdfRef => {
    const key = sha256(der);
    let ref = refs.get(key);
    if (!ref) {
      ref = { num: next++, gen: 0 };
      const stream = deflateSync(der, { level: 6 });
      objects.push({ ref, dict: `<< /Length ${stream.length} /Filter /FlateDecode >>`, stream });
      refs.set(key, ref);
    }
    return ref;
  };
  const list = (items: Buffer[]) => {
    const seen = new Set<string>();
    const unique = items.filter((b) => !seen.has(sha256(b)) && seen.add(sha256(b)));
    return `[${unique.map((der) => refString(streamFor(der))).join(' ')}]`;
  };

  const all = (pick: (m: ValidationMaterial) => Buffer[]) => signatures.flatMap((s) => pick(s.material));
  const certs = list(all((m) => m.certificates));
  const ocsps = list(all((m) => m.ocspResponses));
  const crls = list(all((m) => m.crls));
  const vri = signatures
    .map((s) => {
      const key = createHash('sha1').update(s.contents).digest('hex').toUpperCase();
      return `/${key} << /Cert ${list(s.material.certificates)} /OCSP ${list(s.material.ocspResponses)} /CRL ${list(s.material.crls)} >>`;
    })
    .join('\n');
  const dssRef = { num: next++, gen: 0 };
  objects.push({ ref: dssRef, dict: `<<\n/Type /DSS\n/Certs ${certs}\n/OCSPs ${ocsps}\n/CRLs ${crls}\n/VRI <<\n${vri}\n>>\n>>` });
  // A copy, so that the reader's catalog stays as read.
  const updated = PDFDict.withContext(catalog.context);
  for (const [k, v] of catalog.entries()) updated.set(k, v);
  updated.set(PDFName.of('DSS'), asRef(dssRef));
  objects.push({ ref: index.root, dict: updated });
  return appendIncrementalUpdate(pdf, index, objects, next).bytes;
}
