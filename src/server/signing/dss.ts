import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import {
  appendIncrementalUpdate,
  dictEntry,
  nextObjectNumber,
  type PdfRef,
  PdfStructureError,
  parseRef,
  readObjectBody,
  readPdfIndex,
  refString,
  setEntry,
  type UpdatedObject,
} from '../pdf-structure/incremental-writer.js';

/** Certificates, OCSP responses and CRLs (DER) that let a validator check a chain later. */
export type ValidationMaterial = { certificates: Buffer[]; ocspResponses: Buffer[]; crls: Buffer[] };

/** What one signature needs from the DSS, for its VRI entry (ETSI EN 319 142-1, 5.4.2.3). */
export type SignatureValidationData = { contents: Buffer; material: ValidationMaterial };

const unique = (items: Buffer[]) => {
  const seen = new Set<string>();
  return items.filter((b) => {
    const key = createHash('sha256').update(b).digest('hex');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/**
 * Appends the Document Security Store (PAdES B-LT): every certificate, OCSP response and CRL
 * once, as streams, with a VRI entry per signature keyed by the SHA-1 of its /Contents.
 */
export function appendDss(pdf: Buffer, signatures: SignatureValidationData[]): Buffer {
  const index = readPdfIndex(pdf);
  let rootDict = readObjectBody(pdf, index, index.root);
  if (dictEntry(rootDict, 'DSS') !== undefined) throw new PdfStructureError('the document has a DSS already');
  let next = nextObjectNumber(index);
  const objects: UpdatedObject[] = [];
  const refs = new Map<string, PdfRef>();
  const streamFor = (der: Buffer): PdfRef => {
    const key = createHash('sha256').update(der).digest('hex');
    let ref = refs.get(key);
    if (!ref) {
      ref = { num: next++, gen: 0 };
      const stream = deflateSync(der, { level: 6 });
      objects.push({ ref, dict: `<< /Length ${stream.length} /Filter /FlateDecode >>`, stream });
      refs.set(key, ref);
    }
    return ref;
  };
  const list = (items: Buffer[]) => `[${unique(items).map((der) => refString(streamFor(der))).join(' ')}]`;

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
  rootDict = setEntry(rootDict, 'DSS', refString(dssRef));
  objects.push({ ref: index.root, dict: rootDict });
  return appendIncrementalUpdate(pdf, index, objects, next).bytes;
}

/** The DSS dictionary's reference, if the file has one (for tests and the verifier's callers). */
export function dssRef(pdf: Buffer): PdfRef | null {
  const index = readPdfIndex(pdf);
  return parseRef(dictEntry(readObjectBody(pdf, index, index.root), 'DSS'));
}
