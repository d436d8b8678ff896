import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { contractDocuments } from '../db/schema/index.js';

/** Stores the signed bytes of a contract, in the caller's transaction. */
export async function storeDocument(tx: Database, document: { contractId: string; sha256: string; bytes: Buffer }) {
  await tx.insert(contractDocuments).values(document);
}

/** The signed bytes exactly as stored: never re-rendered. */
export async function readDocument(db: Database, contractId: string): Promise<Buffer> {
  const [doc] = await db.select({ bytes: contractDocuments.bytes }).from(contractDocuments).where(eq(contractDocuments.contractId, contractId));
  if (!doc) throw new Error(`contract ${contractId} has no stored document`);
  return doc.bytes;
}
