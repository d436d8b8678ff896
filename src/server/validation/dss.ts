import { PDFArray, PDFDict, PDFName, type PDFObject, PDFRawStream, PDFRef } from 'pdf-lib';
import type { PdfReader } from '../pdf-structure/reader.js';

/**
 * The Document Security Store (PAdES B-LT, ISO 32000-2 12.8.4.3): the certificates, OCSP
 * responses and CRLs the document carries for validating its signatures later.
 */
export type DssContents = {
  /** The revision that last wrote the DSS dictionary, null without one. */
  revision: number | null;
  /** Object numbers of the DSS dictionary and everything it holds (VRI included). */
  objects: Set<number>;
  certs: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
};

const maxItems = 5000;

export function readDss(reader: PdfReader, revision = reader.revisions.length - 1): DssContents {
  const out: DssContents = { revision: null, objects: new Set(), certs: [], ocsps: [], crls: [] };
  const dssObj = reader.catalog(revision).get(PDFName.of('DSS'));
  const dss = reader.lookup(dssObj, PDFDict, revision);
  if (!dss) return out;
  if (dssObj instanceof PDFRef) {
    out.objects.add(dssObj.objectNumber);
    out.revision = reader.revisionOf(dssObj.objectNumber, revision) ?? null;
  } else {
    out.revision = reader.revisionOf((reader.trailer(revision).get(PDFName.of('Root')) as PDFRef).objectNumber, revision) ?? null;
  }
  let count = 0;
  const streams = (key: string, into: Uint8Array[] | null, container: PDFDict) => {
    const listObj = container.get(PDFName.of(key));
    if (listObj instanceof PDFRef) out.objects.add(listObj.objectNumber);
    const list = reader.lookup(listObj, PDFArray, revision);
    for (const item of list?.asArray() ?? []) {
      if (++count > maxItems) return;
      if (item instanceof PDFRef) out.objects.add(item.objectNumber);
      const stream = reader.lookup(item, PDFRawStream, revision);
      if (stream && into) into.push(reader.streamContents(stream));
    }
  };
  streams('Certs', out.certs, dss);
  streams('OCSPs', out.ocsps, dss);
  streams('CRLs', out.crls, dss);
  const vriObj: PDFObject | undefined = dss.get(PDFName.of('VRI'));
  if (vriObj instanceof PDFRef) out.objects.add(vriObj.objectNumber);
  const vri = reader.lookup(vriObj, PDFDict, revision);
  for (const [, entryObj] of vri?.entries() ?? []) {
    if (++count > maxItems) break;
    if (entryObj instanceof PDFRef) out.objects.add(entryObj.objectNumber);
    const entry = reader.lookup(entryObj, PDFDict, revision);
    if (!entry) continue;
    // VRI lists point into the same streams; record them as DSS objects only.
    for (const key of ['Cert', 'OCSP', 'CRL']) streams(key, null, entry);
    const ts = entry.get(PDFName.of('TS'));
    if (ts instanceof PDFRef) out.objects.add(ts.objectNumber);
  }
  return out;
}
