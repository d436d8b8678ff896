import { appendDss, type ValidationMaterial } from './dss.js';
import { addDocumentTimestamp, type KeySigner, signRevision } from './sign-pdf.js';
import type { Rect } from './signature-fields.js';
import type { TimestampAuthority } from './timestamps.js';

export type ContractSignatures = {
  partyA: KeySigner;
  partyB: KeySigner;
  tsa: TimestampAuthority;
  /** Validation data for each party's chain and the TSA's, proving their status now. */
  material: { partyA: ValidationMaterial; partyB: ValidationMaterial };
  /** Widget rectangles over the seals of the last page. */
  widgets?: { partyA?: Rect; partyB?: Rect };
  claimedTime?: Date;
};

export type SignedContractPdf = {
  bytes: Buffer;
  /** The times the signature timestamps prove, Party A's and Party B's. */
  provenTimes: { partyA: Date; partyB: Date };
};

/**
 * A contract as PAdES B-LTA: Party A certifies it (DocMDP P=2, so that only signing, the DSS
 * and document timestamps may follow), Party B signs the field Party A's revision prepared,
 * then the DSS holds the validation data of every chain and a document timestamp covers all.
 */
export async function signContractPdf(unsigned: Buffer, o: ContractSignatures): Promise<SignedContractPdf> {
  const claimedTime = o.claimedTime ?? new Date();
  const a = await signRevision(unsigned, {
    signer: o.partyA,
    tsa: o.tsa,
    field: { create: { name: 'PartyA', pageIndex: -1, rect: o.widgets?.partyA } },
    laterFields: [{ name: 'PartyB', pageIndex: -1, rect: o.widgets?.partyB }],
    dictionary: { kind: 'certification', subFilter: 'ETSI.CAdES.detached', signerName: commonName(o.partyA.cert.subject), reason: '甲方签署', claimedTime },
  });
  const b = await signRevision(a.bytes, {
    signer: o.partyB,
    tsa: o.tsa,
    field: { fill: 'PartyB' },
    dictionary: { kind: 'approval', subFilter: 'ETSI.CAdES.detached', signerName: commonName(o.partyB.cert.subject), reason: '乙方签署', claimedTime },
  });
  const withDss = appendDss(b.bytes, [
    { contents: a.contents, material: o.material.partyA },
    { contents: b.contents, material: o.material.partyB },
  ]);
  const stamped = await addDocumentTimestamp(withDss, { tsa: o.tsa });
  return { bytes: stamped.bytes, provenTimes: { partyA: a.timestamp.genTime, partyB: b.timestamp.genTime } };
}

export function commonName(subject: string): string {
  return /(?:^|\n)CN=([^\n]*)/.exec(subject)?.[1] ?? subject;
}
