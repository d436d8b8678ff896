import { sql } from 'drizzle-orm';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { pkiCrls } from '../db/schema/index.js';
import { signCrl } from './ca/crl-signer.js';
import { parsedCertificate, type PlatformPki } from './platform-pki.js';
import { revokedBy, serialOf } from './registry.js';

/** The issuing CA's CRL promises a day; it is re-issued once half of that has passed. */
export const issuingCrlLifetimeMs = 24 * 60 * 60 * 1000;

function isFresh(row: { thisUpdate: Date; nextUpdate: Date }, now: Date): boolean {
  const half = (row.nextUpdate.getTime() - row.thisUpdate.getTime()) / 2;
  return now.getTime() < row.thisUpdate.getTime() + half && now.getTime() >= row.thisUpdate.getTime() - 60_000;
}

/**
 * Issues the issuing CA's CRL from the registry's revoked rows and stores it as the current
 * one, with the next CRL number. Run it inside the transaction that revoked a certificate, so
 * the CRL that relying parties fetch next already lists it.
 */
export async function reissueIssuingCrl(tx: Database, pki: Pick<PlatformPki, 'issuing'>, now: Date = new Date()): Promise<Buffer> {
  const issuerSerial = serialOf(pki.issuing.cert);
  // One issuer at a time across instances: CRL numbers must strictly increase.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`pki:crl:${issuerSerial}`}))`);
  const [current] = await tx.select({ crlNumber: pkiCrls.crlNumber }).from(pkiCrls).where(eq(pkiCrls.issuerSerial, issuerSerial));
  const revoked = await revokedBy(tx, issuerSerial);
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + issuingCrlLifetimeMs);
  const crlNumber = (current?.crlNumber ?? 0) + 1;
  const der = signCrl({
    issuer: parsedCertificate(pki.issuing.cert),
    key: pki.issuing.key,
    revoked: revoked.map((r) => ({ serial: r.serial, revokedAt: r.revokedAt!, reason: r.reason! })),
    thisUpdate,
    nextUpdate,
    crlNumber,
  });
  await tx
    .insert(pkiCrls)
    .values({ issuerSerial, crlNumber, thisUpdate, nextUpdate, der })
    .onConflictDoUpdate({ target: pkiCrls.issuerSerial, set: { crlNumber, thisUpdate, nextUpdate, der } });
  return der;
}

/**
 * The issuing CA's current CRL: the stored one while less than half its life has passed,
 * otherwise a new one. Instances share it through the database.
 */
export async function currentIssuingCrl(db: Database, pki: Pick<PlatformPki, 'issuing'>, now: Date = new Date()): Promise<Buffer> {
  const issuerSerial = serialOf(pki.issuing.cert);
  const read = async (d: Database) => (await d.select().from(pkiCrls).where(eq(pkiCrls.issuerSerial, issuerSerial)))[0];
  const row = await read(db);
  if (row && isFresh(row, now)) return row.der;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`pki:crl-refresh:${issuerSerial}`}))`);
    // Another instance may have refreshed it while this one waited.
    const again = await read(tx);
    if (again && isFresh(again, now)) return again.der;
    return reissueIssuingCrl(tx, pki, now);
  });
}
