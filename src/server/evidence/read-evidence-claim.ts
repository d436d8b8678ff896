import { PDFDict, PDFHexString, type PDFObject, PDFString } from 'pdf-lib';
import { PdfReader } from '../pdf-structure/reader.js';
import { evidenceInfoKeys, evidenceMarkerValue } from '../pdf/render-evidence-report.js';
import { findSignatures } from '../validation/pdf-embedded.js';

export type EvidenceClaim = { contractNumber: string; contractSha256: string };

const text = (o: PDFObject | undefined) => (o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : null);

/**
 * What an evidence report says it attests, read from the Info dictionary as of the revision
 * its one signature wrote: bytes that signature covers, so an entry added by a later update
 * (or copied onto another file) does not count. Call only for a file the verifier accepted
 * as signed by Party B alone.
 */
export function readEvidenceClaim(bytes: Uint8Array): EvidenceClaim | null {
  try {
    const reader = PdfReader.open(bytes);
    const signatures = findSignatures(reader).filter((s) => s.kind === 'signature');
    if (signatures.length !== 1) return null;
    const revision = signatures[0]!.revision;
    const info = reader.get(reader.trailer(revision), 'Info', PDFDict, revision);
    if (!info) return null;
    const field = (key: string) => text(reader.get(info, key, revision));
    const contractSha256 = field(evidenceInfoKeys.contractSha256);
    const contractNumber = field(evidenceInfoKeys.contractNumber);
    if (field(evidenceInfoKeys.marker) !== evidenceMarkerValue || !contractNumber || !contractSha256 || !/^[0-9a-f]{64}$/.test(contractSha256)) return null;
    return { contractNumber, contractSha256 };
  } catch {
    return null;
  }
}
