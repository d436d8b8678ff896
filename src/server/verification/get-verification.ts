import { and, desc, eq, isNull, ne, or } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { verifications } from '../db/schema/index.js';

type Row = typeof verifications.$inferSelect;
/** A verification that stands for the account: never one superseded by a rename. */
export type StandingVerification = Row & { status: Exclude<Row['status'], 'superseded'> };

/**
 * The account's latest verification, or null when it never submitted one. A re-verification
 * of a new company name counts only once verified: while it waits, or when it was rejected,
 * the account stays verified under its old name (see getOpenRename).
 */
export async function getLatestVerification(db: Database, accountId: string): Promise<StandingVerification | null> {
  const [row] = await db
    .select()
    .from(verifications)
    .where(
      and(
        eq(verifications.accountId, accountId),
        ne(verifications.status, 'superseded'),
        or(isNull(verifications.renamesId), eq(verifications.status, 'verified')),
      ),
    )
    .orderBy(desc(verifications.createdAt), desc(verifications.id))
    .limit(1);
  return (row as StandingVerification | undefined) ?? null;
}

/** The account's latest re-verification of a new name that is not (yet) in force: pending or rejected. */
export async function getOpenRename(db: Database, accountId: string): Promise<StandingVerification | null> {
  const [row] = await db
    .select()
    .from(verifications)
    .where(and(eq(verifications.accountId, accountId), or(eq(verifications.status, 'pending'), eq(verifications.status, 'rejected'))))
    .orderBy(desc(verifications.createdAt), desc(verifications.id))
    .limit(1);
  return row?.renamesId ? (row as StandingVerification) : null;
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
