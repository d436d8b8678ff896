import { and, eq, isNull, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { Database } from '../db/client.js';
import { invitations } from '../db/schema/index.js';

/**
 * Withdraws an open invitation of the organisation: its link stops working at once (accepting
 * checks `revoked_at` in the same statement that consumes it). An invitation already accepted,
 * withdrawn or of another organisation answers 404.
 */
export async function withdrawInvitation(db: Database, options: { accountId: string; invitationId: string; actor: Actor }) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: sql`now()` })
      .where(
        and(
          eq(invitations.id, options.invitationId),
          eq(invitations.accountId, options.accountId),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      )
      .returning({ id: invitations.id, email: invitations.email });
    if (!row) throw new AppError('not_found');
    await appendEvent(tx, {
      accountId: options.accountId,
      actor: options.actor,
      action: 'member.invitation_withdrawn',
      subject: { type: 'invitation', id: row.id },
      data: { email: row.email },
    });
  });
}
