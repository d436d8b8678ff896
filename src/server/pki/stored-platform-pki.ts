import { eq, sql } from 'drizzle-orm';
import type { PartyB } from '../config.js';
import type { Database } from '../db/client.js';
import { pkiMaterial } from '../db/schema/index.js';
import {
  createPlatformPki,
  decryptKey,
  loadPlatformPki,
  type PlatformPki,
  type StoredPki,
  type StoredPkiV2,
  upgradeStoredPki,
} from './platform-pki.js';
import { loadPartyBP12 } from './party-b-p12.js';
import { applyRollover, type RolledPurpose, rolledField } from './rollover.js';
import { recordPlatformCertificates } from './registry.js';

export const pkiRowId = 'platform';

export async function readStoredPki(db: Database): Promise<StoredPki | undefined> {
  const [row] = await db.select().from(pkiMaterial).where(eq(pkiMaterial.id, pkiRowId));
  return row?.data as StoredPki | undefined;
}

/**
 * Reads the stored PKI for a change and holds its row until the transaction ends, so that two
 * rollovers (or a rollover and the command) never overwrite each other.
 */
export async function lockStoredPki(tx: Database): Promise<StoredPkiV2> {
  const [row] = await tx.select().from(pkiMaterial).where(eq(pkiMaterial.id, pkiRowId)).for('update');
  const data = row?.data as StoredPki | undefined;
  if (data?.format !== 'qiyue-pki-v2') throw new Error('no stored PKI in format qiyue-pki-v2');
  return data;
}

export async function writeStoredPki(tx: Database, data: StoredPkiV2): Promise<void> {
  await tx.update(pkiMaterial).set({ data }).where(eq(pkiMaterial.id, pkiRowId));
}

/**
 * The platform PKI, created on first start and kept in the database, so that every instance
 * sharing it signs under one root. Keys stay encrypted with QIYUE_KEY at rest. A v1 PKI is
 * upgraded once (new TSA and OCSP certificates, the root CRL) and stored. Every certificate
 * of the PKI is in the certificate registry afterwards.
 */
export async function ensurePlatformPki(
  db: Database,
  options: { key: string; partyB: PartyB; publicUrl?: string; partyBP12?: { path: string; password: string } },
): Promise<PlatformPki> {
  if (!(await readStoredPki(db))) {
    const created = createPlatformPki({ keyPassphrase: options.key, partyB: options.partyB, publicUrl: options.publicUrl });
    // Two instances starting together: the first insert wins and both load it.
    await db.insert(pkiMaterial).values({ id: pkiRowId, data: created }).onConflictDoNothing();
  }
  let stored = (await readStoredPki(db))!;
  if (stored.format === 'qiyue-pki-v1') {
    const upgraded = upgradeStoredPki(stored, options.key, { publicUrl: options.publicUrl });
    // Only if no other instance upgraded it meanwhile; then everyone loads the stored one.
    await db
      .update(pkiMaterial)
      .set({ data: upgraded })
      .where(sql`${pkiMaterial.id} = ${pkiRowId} and ${pkiMaterial.data}->>'format' = 'qiyue-pki-v1'`);
    stored = (await readStoredPki(db))!;
  }
  const pki = loadPlatformPki(stored, options.key, { publicUrl: options.publicUrl });
  await recordPlatformCertificates(db, pki);
  if (options.partyBP12) {
    // A licensed CA's certificate: not the platform's to record, revoke or roll over.
    const external = await loadPartyBP12(options.partyBP12.path, options.partyBP12.password);
    pki.partyB = external.partyB;
    pki.partyBChain = external.chain;
  }
  return pki;
}

/**
 * Picks up certificates that another instance rolled over (a revoked Party B, TSA or OCSP
 * responder certificate): reads the stored PKI and swaps in whichever differs. A PKCS#12
 * Party B is not the platform's and stays. Returns the purposes that changed.
 */
export async function syncRolledCertificates(
  db: Database,
  pki: PlatformPki,
  options: { key: string; partyBFromP12?: boolean },
): Promise<RolledPurpose[]> {
  const stored = await readStoredPki(db);
  if (stored?.format !== 'qiyue-pki-v2' || stored.issuing.certPem !== pki.issuing.certPem) return [];
  const changed: RolledPurpose[] = [];
  for (const purpose of Object.keys(rolledField) as RolledPurpose[]) {
    if (purpose === 'party_b' && options.partyBFromP12) continue;
    const field = rolledField[purpose];
    if (stored[field].certPem === pki[field].certPem) continue;
    const replacement = decryptKey(stored[field], options.key, purpose);
    if (!replacement.cert.verify(pki.issuing.cert.publicKey)) continue;
    applyRollover(pki, purpose, replacement);
    changed.push(purpose);
  }
  return changed;
}
