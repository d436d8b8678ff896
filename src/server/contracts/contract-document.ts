import { eq, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { contractDocuments } from '../db/schema/index.js';

// Bytes cross the driver as base64 text: PGlite serialises a bytea parameter byte by byte
// (≈60 ms for a 170 KB contract), base64 with decode() takes a fifth of that.
const asBytea = (bytes: Buffer): SQL<Buffer> => sql`decode(${bytes.toString('base64')}, 'base64')`;

/** Stores the signed bytes of a contract, in the caller's transaction. */
export async function storeDocument(tx: Database, document: { contractId: string; sha256: string; bytes: Buffer }) {
  await tx.insert(contractDocuments).values({ contractId: document.contractId, sha256: document.sha256, bytes: asBytea(document.bytes) });
}

/** The signed bytes exactly as stored: never re-rendered. */
export async function readDocument(db: Database, contractId: string): Promise<Buffer> {
  const [doc] = await db
    .select({ base64: sql<string>`encode(${contractDocuments.bytes}, 'base64')` })
    .from(contractDocuments)
    .where(eq(contractDocuments.contractId, contractId));
  if (!doc) throw new Error(`contract ${contractId} has no stored document`);
  return Buffer.from(doc.base64, 'base64');
}
