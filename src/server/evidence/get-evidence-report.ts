import { and, desc, eq, sql } from 'drizzle-orm';
import type { SessionUser } from '../auth/sessions.js';
import type { AppContext } from '../context.js';
import { loadContract } from '../contracts/load-contract.js';
import { auditEvents, evidenceReports } from '../db/schema/index.js';
import { issueEvidenceReport, type StoredEvidenceReport } from './issue-evidence-report.js';

/**
 * The contract's evidence report for its owner or an operator (404 for anyone else): the
 * newest stored one while it lists every event of the contract, else a new one.
 */
export async function getEvidenceReport(ctx: AppContext, options: { contractId: string; viewer: Pick<SessionUser, 'role' | 'accountId'> }): Promise<StoredEvidenceReport & { number: string }> {
  const contract = await loadContract(ctx.db, options.contractId, options.viewer);
  const [[latest], [last]] = await Promise.all([
    ctx.db
      .select({ sha256: evidenceReports.sha256, bytes: evidenceReports.bytes, lastEventSeq: evidenceReports.lastEventSeq })
      .from(evidenceReports)
      .where(eq(evidenceReports.contractId, contract.id))
      .orderBy(desc(evidenceReports.lastEventSeq), desc(evidenceReports.createdAt))
      .limit(1),
    ctx.db
      .select({ seq: sql<number>`max(${auditEvents.seq})` })
      .from(auditEvents)
      .where(and(eq(auditEvents.chainKey, contract.accountId), eq(auditEvents.subjectType, 'contract'), eq(auditEvents.subjectId, contract.id))),
  ]);
  const report = latest && latest.lastEventSeq >= Number(last?.seq ?? 0) ? latest : await issueEvidenceReport(ctx, contract);
  return { ...report, number: contract.number };
}
