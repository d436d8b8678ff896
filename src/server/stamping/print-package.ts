import { and, eq, inArray } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import { contracts, stampingRequestContracts } from '../db/schema/index.js';
import { currentStatus } from '../contracts/present-contract.js';
import { attachmentTitles } from '../contracts/templates/attachment-v2.js';
import { frameworkTitle } from '../contracts/templates/framework-agreement-v2.js';
import type { ContractKind } from '../contracts/types.js';
import { readDocument } from '../contracts/contract-document.js';
import type { presentRequest } from './present-request.js';

// Each contract is listed under the title its own template prints.
const titles: Record<ContractKind, string> = { framework: frameworkTitle, ...attachmentTitles };

/** The print package of a submitted request: its number on the cover, its contracts' copies. */
export async function printPackage(ctx: AppContext, request: Awaited<ReturnType<typeof presentRequest>>) {
  const links = await ctx.db.select().from(stampingRequestContracts).where(eq(stampingRequestContracts.requestId, request.id));
  const printed = await Promise.all(
    request.contracts.map(async (c) => ({
      number: c.number,
      title: titles[c.kind as ContractKind],
      copies: links.find((l) => l.contractId === c.id)?.copies ?? c.copies,
      pdf: await readDocument(ctx.db, c.id),
    })),
  );
  const d = ctx.config.stampingDestination;
  const { renderPrintPackage } = await import('../pdf/render-print-package.js');
  return renderPrintPackage({
    requestNumber: request.number,
    requestUrl: `${ctx.config.publicUrl}/stamping/${request.id}`,
    partyAName: request.partyAName,
    destination: d,
    contracts: printed,
  });
}

/**
 * The print package before submission: the customer prints and stamps before mailing, and the
 * tracking number (hence the request) only exists after mailing.
 */
export async function printPackageBeforeSubmission(ctx: AppContext, options: { accountId: string; contractIds: string[] }) {
  const ids = [...new Set(options.contractIds)];
  const rows = await ctx.db.select().from(contracts).where(and(eq(contracts.accountId, options.accountId), inArray(contracts.id, ids)));
  if (rows.length !== ids.length) throw new AppError('not_found', 'A contract does not exist');
  const notInForce = rows.filter((c) => currentStatus(c) !== 'effective');
  if (notInForce.length) throw new AppError('invalid_state', `Only contracts in force can be stamped: ${notInForce.map((c) => c.number).join(', ')}`);
  const ordered = [...rows].sort((a, b) => a.number.localeCompare(b.number));
  const { renderPrintPackage } = await import('../pdf/render-print-package.js');
  return renderPrintPackage({
    requestNumber: null,
    requestUrl: `${ctx.config.publicUrl}/stamping`,
    partyAName: ordered[0]!.partyA.name,
    destination: ctx.config.stampingDestination,
    contracts: await Promise.all(
      ordered.map(async (c) => ({ number: c.number, title: titles[c.kind], copies: c.copies, pdf: await readDocument(ctx.db, c.id) })),
    ),
  });
}
