import { eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import { contracts, stampingRequestContracts } from '../db/schema/index.js';
import { verifyUrlFor } from '../contracts/apply-framework.js';
import { readAttachmentItems } from '../contracts/attachment-items.js';
import { printablePartyA } from '../contracts/party-snapshots.js';
import type { ContractRow } from '../contracts/present-contract.js';
import { attachmentTitles } from '../contracts/templates/attachment-v2.js';
import { frameworkTitle } from '../contracts/templates/framework-agreement-v2.js';
import { supplementTitle } from '../contracts/templates/supplement-v1.js';
import { renderedSupplementNames } from '../contracts/issue-supplement.js';
import { renderSupplementDocument } from '../pdf/render-supplement.js';
import type { ContractKind, PartySnapshot } from '../contracts/types.js';
import type { AttachmentIcpFiling, AttachmentOrder } from '../pdf/render-attachment.js';
import type { PartyBDetails } from '../pdf/render-framework-agreement.js';
import type { presentRequest } from './present-request.js';

// Each contract is listed under the title its own template prints.
const titles: Record<ContractKind, string> = { framework: frameworkTitle, ...attachmentTitles, supplement: supplementTitle };

/** Party B as the contract recorded it, not as the configuration says today. */
function partyBOf(b: PartySnapshot): PartyBDetails {
  return {
    name: b.name,
    creditCode: b.idCode,
    address: b.address ?? '',
    legalRepresentative: b.legalRepresentative ?? '',
    contactPhone: b.contactPhone ?? '',
    contactEmail: b.contactEmail ?? '',
    bankName: b.bankName ?? '',
    bankAccount: b.bankAccount ?? '',
  };
}

/**
 * The paper original of a contract (纸质签署版), rendered again from its stored snapshot of
 * parties, terms and items: the same text, number and verification QR code as the signed PDF,
 * with empty stamping places instead of the e-seals, and no signature fields.
 */
async function paperOriginal(ctx: AppContext, row: ContractRow): Promise<Buffer> {
  const common = {
    number: row.number,
    partyA: printablePartyA(row.partyA),
    partyB: partyBOf(row.partyB),
    copies: row.copies as 2 | 3,
    verifyUrl: verifyUrlFor(ctx.config.publicUrl, row.number),
    draft: false,
    paper: true,
  };
  if (row.kind === 'framework') {
    const { pdf } = await ctx.renderer.framework({
      ...common,
      templateVersion: row.templateVersion,
      termYears: row.termYears as 1 | 2 | 3,
      effectiveAt: row.effectiveAt,
      expiresAt: row.expiresAt,
    });
    return pdf;
  }
  const [framework] = await ctx.db.select().from(contracts).where(eq(contracts.id, row.frameworkId!));
  if (row.kind === 'supplement') {
    const { pdf } = await renderSupplementDocument({
      ...common,
      templateVersion: row.templateVersion,
      framework: { number: framework!.number, effectiveAt: framework!.effectiveAt, expiresAt: framework!.expiresAt },
      ...(await renderedSupplementNames(ctx.db, row)),
      signedAt: row.effectiveAt,
    });
    return pdf;
  }
  const items = await readAttachmentItems(ctx.db, row.id);
  // The snapshots went through JSON: their dates are strings again.
  const orders = items
    .filter((i) => i.kind === 'order')
    .map((i) => ({ ...(i as unknown as AttachmentOrder), paidAt: new Date((i as unknown as { paidAt: string }).paidAt) }));
  const icpFilings = items
    .filter((i) => i.kind === 'icp_filing')
    .map((i) => ({ ...(i as unknown as AttachmentIcpFiling), approvedAt: new Date((i as unknown as { approvedAt: string }).approvedAt) }));
  const { pdf } = await ctx.renderer.attachment({
    ...common,
    kind: row.kind,
    templateVersion: row.templateVersion,
    framework: { number: framework!.number, effectiveAt: framework!.effectiveAt, expiresAt: framework!.expiresAt },
    ...(orders.length ? { orders } : { icpFilings }),
    signedAt: row.effectiveAt,
  });
  return pdf;
}

/** The print package of a request: its number on the cover, then `copies` paper originals of each contract. */
export async function printPackage(ctx: AppContext, request: Awaited<ReturnType<typeof presentRequest>>) {
  const links = await ctx.db.select().from(stampingRequestContracts).where(eq(stampingRequestContracts.requestId, request.id));
  const rows = await ctx.db.select().from(contracts).where(inArray(contracts.id, request.contracts.map((c) => c.id)));
  const printed = await Promise.all(
    request.contracts.map(async (c) => ({
      number: c.number,
      title: titles[c.kind as ContractKind],
      copies: links.find((l) => l.contractId === c.id)?.copies ?? c.copies,
      pdf: await paperOriginal(ctx, rows.find((r) => r.id === c.id)!),
    })),
  );
  const { renderPrintPackage } = await import('../pdf/render-print-package.js');
  return renderPrintPackage({
    requestNumber: request.number,
    requestUrl: `${ctx.config.publicUrl}/stamping/${request.id}`,
    partyAName: request.partyAName,
    destination: ctx.config.stampingDestination,
    contracts: printed,
  });
}
