import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { RenewBody } from '../../shared/schemas/contract.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/client.js';
import { contracts } from '../db/schema/index.js';
import { type FrameworkIssue, issueFramework } from './apply-framework.js';
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
 * it). Party A confirmed it through a signing (意愿认证) first.
 */
export async function renewFramework(
  ctx: AppContext,
  options: Pick<FrameworkIssue, 'actor' | 'signing' | 'number' | 'document'> & { accountId: string; frameworkId: string; terms: RenewBody },
) {
  const current = await loadRenewable(ctx, options.accountId, options.frameworkId);
  return issueFramework(ctx, {
    accountId: options.accountId,
    terms: options.terms,
    actor: options.actor,
    renews: { id: current.id, expiresAt: current.expiresAt },
    signing: options.signing,
    number: options.number,
    document: options.document,
  });
}

/** The framework agreement to renew, refused unless it is in force and its renewal window open. */
export async function loadRenewable(ctx: AppContext, accountId: string, frameworkId: string) {
  const current = await loadContract(ctx.db, frameworkId, { role: 'customer', accountId });
  if (current.kind !== 'framework' || currentStatus(current) !== 'effective') throw new AppError('not_renewable');
  if (Date.now() < renewalOpensAt(current.expiresAt).getTime()) {
    throw new AppError('renewal_not_open', `Renewal opens on ${renewalOpensAt(current.expiresAt).toISOString()}`);
  }
  return current;
}

/** The successor (续签) of a framework agreement, if one was signed. */
export async function successorOf(db: Database, frameworkId: string) {
  const [row] = await db.select().from(contracts).where(eq(contracts.renewsId, frameworkId));
  return row ? { id: row.id, number: row.number, status: currentStatus(row) } : undefined;
}
