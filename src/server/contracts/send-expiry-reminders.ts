import { sql } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import { queryRows } from '../db/client.js';
import { enqueueEmail } from '../notifications/enqueue-email.js';
import { expiryReminderEmail } from '../notifications/messages.js';

/** Days before the end of a framework agreement at which its account is reminded. */
export const reminderDays = [1, 7, 30] as const;

/**
 * Queues the expiry reminders now due. Each (contract, threshold) is claimed by inserting its
 * key into contract_reminders (ON CONFLICT DO NOTHING) in the same transaction as the e-mail,
 * so instances running this at once send each reminder once. A contract in the window
 * (previous threshold, threshold] gets that threshold's reminder only: an agreement signed with
 * 5 days left, or a task paused for a week, sends one reminder, not three.
 */
export async function sendExpiryReminders(ctx: Pick<AppContext, 'db' | 'config'>) {
  let sent = 0;
  let lower = 0;
  for (const days of reminderDays) {
    sent += await ctx.db.transaction(async (tx) => {
      const due = await queryRows<{ contract_id: string; account_id: string; number: string; expires_at: string | Date }>(
        tx,
        sql`insert into contract_reminders (contract_id, days_before)
            select c.id, ${days}::int from contracts c
            where c.kind = 'framework' and c.status = 'effective'
              and c.expires_at > now() + make_interval(days => ${lower}::int)
              and c.expires_at <= now() + make_interval(days => ${days}::int)
            on conflict do nothing
            returning contract_id,
              (select account_id from contracts where id = contract_id) as account_id,
              (select number from contracts where id = contract_id) as number,
              (select expires_at from contracts where id = contract_id) as expires_at`,
      );
      for (const r of due) {
        await enqueueEmail(tx, {
          accountId: r.account_id,
          // The reminder's claim row already makes it once; the key keeps each recipient's once too.
          event: `contract.${r.contract_id}.expiring.${days}`,
          ...expiryReminderEmail({
            number: r.number,
            daysBefore: days,
            expiresAt: new Date(r.expires_at),
            url: `${ctx.config.publicUrl}/contracts/${r.contract_id}`,
          }),
        });
      }
      return due.length;
    });
    lower = days;
  }
  return sent;
}
