import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { verifications } from '../db/schema/index.js';

/** The account's latest verification, or null when it never submitted one. */
export async function getLatestVerification(db: Database, accountId: string) {
  const [row] = await db
    .select()
    .from(verifications)
    .where(eq(verifications.accountId, accountId))
    .orderBy(desc(verifications.createdAt), desc(verifications.id))
    .limit(1);
  return row ?? null;
}

/** One verification of the account, or null. */
export async function getVerification(db: Database, accountId: string, id: string) {
  const [row] = await db
    .select()
    .from(verifications)
    .where(and(eq(verifications.accountId, accountId), eq(verifications.id, id)))
    .limit(1);
  return row ?? null;
}

/** The identity in force for the account, or null while it is not verified. */
export async function getVerifiedIdentity(db: Database, accountId: string) {
  const [row] = await db
    .select()
    .from(verifications)
    .where(and(eq(verifications.accountId, accountId), eq(verifications.status, 'verified')))
    .limit(1);
  return row ?? null;
}
