import { AppError } from '../../shared/errors.js';
import type { RenewBody } from '../../shared/schemas/contract.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { issueFramework } from './apply-framework.js';
import { loadContract } from './load-contract.js';
import { currentStatus } from './present-contract.js';

/** Renewal (续签) opens this many days before a framework agreement ends. */
export const renewalWindowDays = 60;

export function renewalOpensAt(expiresAt: Date): Date {
  return new Date(expiresAt.getTime() - renewalWindowDays * 86_400_000);
}

/**
 * Issues the successor of a framework agreement in force: a new framework agreement, signed
 * now, that takes effect when the old one ends ('scheduled' until the periodic task activates
 * it). The caller has confirmed who signs.
 */
export async function renewFramework(ctx: AppContext, options: { accountId: string; frameworkId: string; terms: RenewBody; actor: Actor }) {
  const current = await loadContract(ctx.db, options.frameworkId, { role: 'customer', accountId: options.accountId });
  if (current.kind !== 'framework' || currentStatus(current) !== 'effective') throw new AppError('not_renewable');
  if (Date.now() < renewalOpensAt(current.expiresAt).getTime()) {
    throw new AppError('renewal_not_open', `Renewal opens on ${renewalOpensAt(current.expiresAt).toISOString()}`);
  }
  return issueFramework(ctx, {
    accountId: options.accountId,
    terms: options.terms,
    actor: options.actor,
    renews: { id: current.id, expiresAt: current.expiresAt },
  });
}
