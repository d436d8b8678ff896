import { eq } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import { stampingRequestContracts } from '../db/schema/index.js';
import { readDocument } from '../contracts/contract-document.js';
import { renderPrintPackage } from '../pdf/render-print-package.js';
import type { presentRequest } from './present-request.js';

const titles: Record<string, string> = {
  framework: '云服务框架协议',
  icp_attachment: '附件（备案信息）',
  order_attachment: '附件（订单信息）',
};

export async function printPackage(ctx: AppContext, request: Awaited<ReturnType<typeof presentRequest>>) {
  const links = await ctx.db.select().from(stampingRequestContracts).where(eq(stampingRequestContracts.requestId, request.id));
  const contracts = await Promise.all(
    request.contracts.map(async (c) => ({
      number: c.number,
      title: titles[c.kind] ?? c.kind,
      copies: links.find((l) => l.contractId === c.id)?.copies ?? c.copies,
      pdf: await readDocument(ctx.db, c.id),
    })),
  );
  const d = ctx.config.stampingDestination;
  return renderPrintPackage({
    requestNumber: request.number,
    requestUrl: `${ctx.config.publicUrl}/stamping/${request.id}`,
    partyAName: request.partyAName,
    destination: d,
    contracts,
  });
}
