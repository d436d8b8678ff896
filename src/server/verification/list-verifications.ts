import { asc, desc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { users, verifications } from '../db/schema/index.js';

/** The operator's review queue: oldest first for pending, newest first otherwise. */
export async function listVerifications(db: Database, options: { status: 'pending' | 'verified' | 'rejected'; limit?: number }) {
  return db
    .select({ verification: verifications, email: users.email })
    .from(verifications)
    .innerJoin(users, eq(users.accountId, verifications.accountId))
    .where(eq(verifications.status, options.status))
    .orderBy(options.status === 'pending' ? asc(verifications.createdAt) : desc(verifications.createdAt))
    .limit(options.limit ?? 200);
}
