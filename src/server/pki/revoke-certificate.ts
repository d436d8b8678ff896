import { and, eq, isNull, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { type CertificatePurpose, contracts, type CrlReason, pkiCertificates } from '../db/schema/index.js';
import { reissueIssuingCrl } from './crl.js';
import {
  type CertifiedKey,
  encryptKey,
  issueOcspResponderCertificate,
  issuePartyBCertificate,
  issueTsaCertificate,
  parsedCertificate,
  type PlatformPki,
} from './platform-pki.js';
import { findCertificate, normalizeSerial, recordCertificate, serialOf } from './registry.js';
import { applyRollover, rolledField } from './rollover.js';
import { lockStoredPki, writeStoredPki } from './stored-platform-pki.js';
import { forgetOcspResponse } from './trust-services.js';

/**
 * The reasons an operator gives, and the RFC 5280 CRLReason each becomes. Identity fraud (the
 * certified identity was not the signer's) has no code of its own: keyCompromise is the one
 * relying parties treat as "signatures by this key cannot be trusted", which is what it means.
 */
export const revocationReasons = {
  key_compromise: 'keyCompromise',
  identity_fraud: 'keyCompromise',
  affiliation_changed: 'affiliationChanged',
  superseded: 'superseded',
  cessation_of_operation: 'cessationOfOperation',
  unspecified: 'unspecified',
} as const satisfies Record<string, CrlReason>;
export type RevocationReason = keyof typeof revocationReasons;

export { onCertificateRollover } from './rollover.js';

/** The contract whose signature records name this certificate serial, if any. */
async function contractSignedWith(tx: Database, serial: string) {
  const [row] = await tx
    .select({ id: contracts.id, accountId: contracts.accountId })
    .from(contracts)
    .where(sql`${contracts.signatures} @> ${JSON.stringify([{ certificateSerial: serial }])}::jsonb`)
    .limit(1);
  return row;
}

export type RevocationResult = {
  serial: string;
  purpose: CertificatePurpose;
  revokedAt: Date;
  reason: CrlReason;
  replacement?: { serial: string; purpose: CertificatePurpose };
};

/**
 * An operator revokes a certificate the issuing CA issued: the registry row, a new CRL and
 * the audit event in one transaction. Revoking Party B's, the TSA's or the OCSP responder's
 * certificate issues its replacement in the same transaction and swaps it into the running
 * PKI after commit. CA certificates are rolled by `npm run pki:issuing-ca`, not here.
 */
export async function revokeCertificate(
  ctx: { db: Database; pki: PlatformPki; config: Pick<Config, 'key'> },
  o: { serial: string; reason: RevocationReason; actor: Actor },
): Promise<RevocationResult> {
  const serial = normalizeSerial(o.serial);
  const row = await findCertificate(ctx.db, serial);
  if (!row) throw new AppError('not_found', 'No certificate with this serial number');
  if (row.revokedAt) throw new AppError('invalid_state', 'The certificate is already revoked');
  if (row.purpose === 'root' || row.purpose === 'issuing')
    throw new AppError('invalid_state', 'CA certificates are rolled with the issuing-CA command (npm run pki:issuing-ca)');
  const issuerSerial = serialOf(ctx.pki.issuing.cert);
  if (row.issuerSerial !== issuerSerial)
    throw new AppError('invalid_state', 'The certificate was issued by an issuing CA that has been rolled out');

  const reason = revocationReasons[o.reason];
  const purpose = row.purpose;
  const rolled = (purpose === 'party_b' || purpose === 'tsa' || purpose === 'ocsp') && serialOf(ctx.pki[rolledField[purpose]].cert) === serial;
  const result = await ctx.db.transaction(async (tx) => {
    const revokedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const updated = await tx
      .update(pkiCertificates)
      .set({ revokedAt, revocationReason: reason })
      .where(and(eq(pkiCertificates.serial, serial), isNull(pkiCertificates.revokedAt)))
      .returning({ serial: pkiCertificates.serial });
    if (!updated.length) throw new AppError('invalid_state', 'The certificate is already revoked');

    let replacement: CertifiedKey | undefined;
    if (rolled) {
      const data = await lockStoredPki(tx);
      const issuing = ctx.pki.issuing;
      replacement =
        purpose === 'party_b'
          ? issuePartyBCertificate(issuing, parsedCertificate(ctx.pki.partyB.cert).subject)
          : purpose === 'tsa'
            ? issueTsaCertificate(issuing)
            : issueOcspResponderCertificate(issuing);
      await writeStoredPki(tx, { ...data, [rolledField[purpose]]: encryptKey(replacement, ctx.config.key) });
      await recordCertificate(tx, replacement.cert, purpose);
    }
    await reissueIssuingCrl(tx, ctx.pki);
    const signed = purpose === 'event' ? await contractSignedWith(tx, serial) : undefined;
    await appendEvent(tx, {
      // The account the certificate was issued for, or whose contract it signed; else the platform's chain.
      accountId: row.accountId ?? signed?.accountId ?? null,
      actor: o.actor,
      action: 'certificate.revoked',
      subject: { type: 'certificate', id: serial },
      data: {
        purpose,
        reason: o.reason,
        crlReason: reason,
        ...(replacement ? { replacedBy: serialOf(replacement.cert) } : {}),
        ...(signed ? { contractId: signed.id } : {}),
      },
    });
    return { revokedAt, replacement };
  });

  forgetOcspResponse(serial);
  if (result.replacement && rolled) applyRollover(ctx.pki, purpose, result.replacement);
  return {
    serial,
    purpose,
    revokedAt: result.revokedAt,
    reason,
    ...(result.replacement ? { replacement: { serial: serialOf(result.replacement.cert), purpose } } : {}),
  };
}
