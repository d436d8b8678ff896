import type { Signing } from '../../shared/schemas/signing.js';
import type { SigningRow } from './load-signing.js';

export function presentSigning(row: SigningRow): Signing {
  const d = row.destinations;
  const prepared = row.status === 'awaiting_signature' && row.toBeSigned && row.keyCustody === 'signer';
  // Confirmed, its number held, while a contract job renders the document to sign.
  const preparing = row.status === 'awaiting_signature' && !row.toBeSigned;
  return {
    id: row.id,
    kind: row.kind,
    status: preparing ? 'preparing' : row.status,
    draftSha256: row.draftSha256,
    confirmation: {
      channel: d.sms ? 'email+sms' : 'email',
      destination: d.sms ? `${d.email}, ${d.sms}` : d.email,
      expiresAt: row.codeExpiresAt.toISOString(),
    },
    expiresAt: row.expiresAt.toISOString(),
    ...(row.number ? { number: row.number } : {}),
    ...(row.keyCustody ? { keyCustody: row.keyCustody } : {}),
    ...(prepared ? { certificatePem: row.certificatePem!, toBeSigned: row.toBeSigned!.toString('base64') } : {}),
    ...(row.contractId ? { contractId: row.contractId } : {}),
  };
}
