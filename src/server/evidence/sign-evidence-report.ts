import { createHash } from 'node:crypto';
import { renderEvidenceReport, type EvidenceReportInput } from '../pdf/render-evidence-report.js';
import { appendDss, type ValidationMaterial } from '../signing/dss.js';
import { commonName } from '../signing/sign-contract.js';
import { addDocumentTimestamp, signRevision } from '../signing/sign-pdf.js';
import type { SigningKeys } from '../signing/signing-keys.js';

export type SignedEvidenceReport = { bytes: Buffer; sha256: string };

/**
 * Renders the report and has Party B sign it as PAdES B-LTA: an approval signature with its
 * signature timestamp, the DSS with the validation data of Party B's and the TSA's chains,
 * and a document timestamp over all. Runs in a render worker or in process.
 */
export async function signEvidenceReport(keys: SigningKeys, input: EvidenceReportInput, material: ValidationMaterial): Promise<SignedEvidenceReport> {
  const unsigned = await renderEvidenceReport(input);
  const signed = await signRevision(unsigned, {
    signer: keys.partyB,
    tsa: keys.tsa,
    field: { create: { name: 'PartyB', pageIndex: -1 } },
    dictionary: {
      kind: 'approval',
      subFilter: 'ETSI.CAdES.detached',
      signerName: commonName(keys.partyB.cert.subject),
      reason: '乙方出具出证报告',
      claimedTime: new Date(input.generatedAt),
    },
  });
  const withDss = appendDss(signed.bytes, [{ contents: signed.contents, material }]);
  const { bytes } = await addDocumentTimestamp(withDss, { tsa: keys.tsa });
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}
