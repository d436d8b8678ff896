import { and, eq, inArray } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { EligibilityReason, EligibilityResponse } from '../../shared/schemas/contract.js';
import type { AppContext } from '../context.js';
import { contracts } from '../db/schema/index.js';
import { getPartyA } from '../party-a/get-party-a.js';
import { contractsGeneratedToday } from './daily-limit.js';
import { currentStatus } from './present-contract.js';
import { renewalOpensAt } from './renew-framework.js';

/**
 * What the account may apply for right now, and every reason why not (CheckContractRule): the
 * same preconditions the creating operations enforce, read without side effects.
 */
export async function checkEligibility(ctx: AppContext, accountId: string, now = new Date()): Promise<EligibilityResponse> {
  const common: EligibilityReason[] = [];
  let partyAComplete = false;
  try {
    partyAComplete = (await getPartyA(ctx.db, accountId)).partyA.isComplete;
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'verification_required')) throw error;
    common.push('verification_required');
  }
  if ((await contractsGeneratedToday(ctx.db, accountId)) >= ctx.config.dailyContractLimit) common.push('daily_limit_reached');

  const frameworks = await ctx.db
    .select()
    .from(contracts)
    .where(and(eq(contracts.accountId, accountId), eq(contracts.kind, 'framework'), inArray(contracts.status, ['effective', 'scheduled'])));
  const inForce = frameworks.find((f) => currentStatus(f, now) === 'effective' && f.status === 'effective');
  // Attachments go under whichever is in force now: a renewal past its start takes them before
  // the periodic task has written it effective (create-attachment.ts reads the same status).
  const attachable = frameworks.find((f) => currentStatus(f, now) === 'effective');
  const scheduled = frameworks.find((f) => f.status === 'scheduled');

  const framework: EligibilityReason[] = [...common];
  if (!common.includes('verification_required') && !partyAComplete) framework.push('party_a_incomplete');
  if (inForce || scheduled) framework.push('framework_exists');

  const attachment: EligibilityReason[] = [...common];
  if (!attachable) attachment.push('framework_not_effective');

  const renewal: EligibilityReason[] = [...common];
  if (!common.includes('verification_required') && !partyAComplete) renewal.push('party_a_incomplete');
  if (!inForce) renewal.push('framework_not_effective');
  else if (scheduled) renewal.push('renewal_exists');
  else if (now.getTime() < renewalOpensAt(inForce.expiresAt).getTime()) renewal.push('renewal_not_open');

  const entry = (kind: EligibilityResponse['kinds'][number]['kind'], reasons: EligibilityReason[]) => ({ kind, allowed: reasons.length === 0, reasons });
  return {
    kinds: [entry('framework', framework), entry('icp_attachment', attachment), entry('order_attachment', attachment), entry('renewal', renewal)],
  };
}
