import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { outbox, partyAProfiles, users } from '../db/schema/index.js';

type Message = { subject: string; body: string };

/**
 * Who hears about an account's contracts and verification: the Party A contact e-mail (the
 * form says it receives contract notices) and the account's users. The one place to switch to
 * the members holding the "receive notifications" permission.
 */
export async function notificationRecipients(tx: Database, accountId: string): Promise<string[]> {
  const [profile] = await tx.select({ email: partyAProfiles.contactEmail }).from(partyAProfiles).where(eq(partyAProfiles.accountId, accountId));
  const members = await tx.select({ email: users.email }).from(users).where(eq(users.accountId, accountId));
  const all = [profile?.email, ...members.map((m) => m.email)].filter((e): e is string => Boolean(e)).map((e) => e.toLowerCase());
  return [...new Set(all)];
}

/** Queues one e-mail to one address in the caller's transaction; a repeated dedupe key inserts nothing. */
export async function enqueueEmailTo(
  tx: Database,
  message: Message & { accountId: string | null; toAddress: string; dedupeKey?: string },
): Promise<void> {
  await tx
    .insert(outbox)
    .values({
      accountId: message.accountId,
      toAddress: message.toAddress,
      subject: message.subject,
      body: message.body,
      dedupeKey: message.dedupeKey ? `${message.dedupeKey}|${message.toAddress}` : null,
    })
    .onConflictDoNothing({ target: outbox.dedupeKey });
}

/**
 * Queues an e-mail about an account to each of its recipients in the caller's transaction, so
 * that a change and its announcement commit or roll back together. `event` names the event
 * once (e.g. `contract.voided:<id>`): with the recipient it is the message's unique key, so the
 * same event announced by two instances is sent once.
 */
export async function enqueueEmail(tx: Database, message: Message & { accountId: string; event: string }) {
  for (const toAddress of await notificationRecipients(tx, message.accountId)) {
    await enqueueEmailTo(tx, { accountId: message.accountId, toAddress, subject: message.subject, body: message.body, dedupeKey: message.event });
  }
}
