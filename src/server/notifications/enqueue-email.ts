import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { builtInRolePermissions, builtInRoles } from '../../shared/permissions.js';
import type { Database } from '../db/client.js';
import { memberships, orgRoles, outbox, partyAProfiles, users } from '../db/schema/index.js';

type Message = { subject: string; body: string };

const receivingRoles = builtInRoles.filter((r) => builtInRolePermissions[r].includes('notifications.receive'));

/**
 * Who hears about an account's contracts and verification: the Party A contact e-mail (the
 * form says it receives contract notices) and the organisation's members whose role, built-in
 * or custom, holds "receive notifications" — not a viewer, not a member who left.
 */
export async function notificationRecipients(tx: Database, accountId: string): Promise<string[]> {
  const [profile] = await tx.select({ email: partyAProfiles.contactEmail }).from(partyAProfiles).where(eq(partyAProfiles.accountId, accountId));
  const members = await tx
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(orgRoles, eq(orgRoles.id, memberships.customRoleId))
    .where(
      and(
        eq(memberships.accountId, accountId),
        or(inArray(memberships.role, receivingRoles), sql`'notifications.receive' = any(${orgRoles.permissions})`),
      ),
    )
    .orderBy(memberships.createdAt);
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
