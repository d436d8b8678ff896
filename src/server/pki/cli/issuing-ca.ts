/**
 * npm run pki:issuing-ca — the one command that uses the root CA's private key.
 *
 *   (no PKI yet)        creates the root, issuing CA, Party B, TSA and OCSP certificates and the root CRL
 *   (PKI exists)        prints the CA certificates and the root CRL's next update
 *   --roll              replaces the issuing CA and the certificates under it; the root CRL revokes the old one
 *   --renew-root-crl    re-signs the root CRL (same entries) until the issuing CA expires
 *
 * Reads the same environment as the server (DATABASE_URL or DATA_DIR, QIYUE_KEY, PUBLIC_URL,
 * QIYUE_CONFIG_FILE). Restart running instances afterwards: they load the PKI at start.
 */
import { X509Certificate } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../../config.js';
import { openDatabase } from '../../db/client.js';
import { pkiCertificates } from '../../db/schema/index.js';
import { renewRootCrl, rollIssuingCa } from '../ca/issuing-ca.js';
import { PkiPassphraseError, type StoredPkiV2 } from '../platform-pki.js';
import { recordCertificate, serialOf } from '../registry.js';
import { ensurePlatformPki, lockStoredPki, readStoredPki, writeStoredPki } from '../stored-platform-pki.js';

function describe(label: string, pem: string) {
  const c = new X509Certificate(pem);
  console.log(`${label.padEnd(16)} ${c.serialNumber}  until ${new Date(c.validTo).toISOString()}  ${c.subject.replaceAll('\n', ', ')}`);
}

async function main(args: string[]) {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const { db } = database;
  try {
    const existed = Boolean(await readStoredPki(db));
    // Creates a missing PKI, upgrades a v1 one, and records every certificate.
    await ensurePlatformPki(db, { key: config.key, partyB: config.partyB, publicUrl: config.publicUrl });
    if (!existed) console.log('Created the platform PKI.');

    if (args.includes('--roll')) {
      const rolled = await db.transaction(async (tx) => {
        const stored = await lockStoredPki(tx);
        const result = rollIssuingCa(stored, config.key, { publicUrl: config.publicUrl, partyB: config.partyB });
        await writeStoredPki(tx, result.stored);
        for (const { cert, purpose } of result.issued) await recordCertificate(tx, cert, purpose);
        await tx
          .update(pkiCertificates)
          .set({ revokedAt: result.retired.revokedAt, revocationReason: 'superseded' })
          .where(eq(pkiCertificates.serial, serialOf(result.retired.cert)));
        return result;
      });
      console.log(`Rolled the issuing CA: ${rolled.retired.cert.serialNumber} is revoked (superseded) on the root CRL.`);
    } else if (args.includes('--renew-root-crl')) {
      await db.transaction(async (tx) => writeStoredPki(tx, renewRootCrl(await lockStoredPki(tx), config.key)));
      console.log('Re-signed the root CRL.');
    } else if (existed) {
      console.log('The platform PKI exists; --roll replaces the issuing CA, --renew-root-crl re-signs the root CRL.');
    }

    const stored = (await readStoredPki(db)) as StoredPkiV2;
    describe('root', stored.root.certPem);
    describe('issuing CA', stored.issuing.certPem);
    describe('Party B', stored.partyB.certPem);
    describe('TSA', stored.tsa.certPem);
    describe('OCSP responder', stored.ocsp.certPem);
    for (const r of stored.retiredIssuing ?? []) describe(`retired ${r.revokedAt.slice(0, 10)}`, r.certPem);
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof PkiPassphraseError ? error.message : error);
  process.exitCode = 1;
});
