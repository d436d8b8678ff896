import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { enqueueEmail } from './enqueue-email.js';
import { beijingDate } from '../contracts/contract-dates.js';
import { type ContractEmailEvent, contractEmail } from './messages.js';

const chinaDay = (d: Date) => {
  const { year, month, day } = beijingDate(d);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
};

/**
 * Announces a contract event to the account's recipients in the caller's transaction. The
 * expiring reminders of the life-cycle work call this with event 'expiring' and a `round`
 * (e.g. '30d'), so that each reminder is sent once per contract, recipient and round.
 */
export async function notifyContract(
  tx: Database,
  config: Pick<Config, 'publicUrl'>,
  contract: { id: string; accountId: string; number: string; kind: string; expiresAt?: Date; status?: string; effectiveAt?: Date },
  event: ContractEmailEvent,
  options: { reason?: string | null; round?: string } = {},
): Promise<void> {
  await enqueueEmail(tx, {
    accountId: contract.accountId,
    event: `contract.${event}:${contract.id}${options.round ? `:${options.round}` : ''}`,
    ...contractEmail({
      number: contract.number,
      kind: contract.kind,
      event,
      reason: options.reason,
      expiresAt: contract.expiresAt,
      ...(event === 'generated' && contract.status === 'scheduled' && contract.effectiveAt ? { startsOn: chinaDay(contract.effectiveAt) } : {}),
      url: `${config.publicUrl}/contracts/${contract.id}`,
    }),
  });
}
