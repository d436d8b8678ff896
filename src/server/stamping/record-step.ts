import type { StampingStatus } from '../../shared/schemas/stamping.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { stampingHistory } from '../db/schema/index.js';
import { enqueueEmail } from '../notifications/enqueue-email.js';
import { stampingEmail } from '../notifications/messages.js';

/**
 * Everything a stamping step writes besides the request itself, in the caller's transaction:
 * the request's history, an audit event on each contract, and the customer's e-mail.
 */
export async function recordStampingStep(
  tx: Database,
  config: Pick<Config, 'publicUrl'>,
  step: {
    request: { id: string; number: string; accountId: string };
    contractIds: string[];
    status: StampingStatus;
    actor: Actor;
    note?: string | null;
  },
) {
  const { request, actor } = step;
  await tx.insert(stampingHistory).values({
    requestId: request.id,
    status: step.status,
    actorUserId: actor.userId,
    actorRole: actor.role,
    note: step.note ?? null,
  });
  for (const contractId of step.contractIds) {
    await appendEvent(tx, {
      accountId: request.accountId,
      actor,
      action: `stamping.${step.status}`,
      subject: { type: 'contract', id: contractId },
      data: { request: request.number, ...(step.note ? { note: step.note } : {}) },
    });
  }
  await enqueueEmail(tx, {
    accountId: request.accountId,
    event: `stamping.${step.status}:${request.id}`,
    ...stampingEmail({ number: request.number, status: step.status, note: step.note, url: `${config.publicUrl}/stamping/${request.id}` }),
  });
}
