import { eq } from 'drizzle-orm';
import type { PartyB } from '../config.js';
import type { Database } from '../db/client.js';
import { pkiMaterial } from '../db/schema/index.js';
import { createPlatformPki, loadPlatformPki, type PlatformPki, type StoredPki } from './platform-pki.js';

const rowId = 'platform';

/**
 * The platform PKI, created on first start and kept in the database, so that every instance
 * sharing it signs under one root. Keys stay encrypted with QIYUE_KEY at rest.
 */
export async function ensurePlatformPki(db: Database, options: { key: string; partyB: PartyB }): Promise<PlatformPki> {
  const [existing] = await db.select().from(pkiMaterial).where(eq(pkiMaterial.id, rowId));
  if (!existing) {
    const created = createPlatformPki({ keyPassphrase: options.key, partyB: options.partyB });
    // Two instances starting together: the first insert wins and both load it.
    await db.insert(pkiMaterial).values({ id: rowId, data: created }).onConflictDoNothing();
  }
  const [row] = await db.select().from(pkiMaterial).where(eq(pkiMaterial.id, rowId));
  return loadPlatformPki(row!.data as StoredPki, options.key);
}
