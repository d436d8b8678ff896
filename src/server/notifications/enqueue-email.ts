import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { outbox, users } from '../db/schema/index.js';

/**
 * Queues an e-mail to the account's user in the caller's transaction, so that a change and its
 * announcement commit or roll back together.
 */
export async function enqueueEmail(tx: Database, message: { accountId: string; subject: string; body: string }) {
  const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.accountId, message.accountId)).limit(1);
  if (!user) return;
  await tx.insert(outbox).values({ accountId: message.accountId, toAddress: user.email, subject: message.subject, body: message.body });
}
