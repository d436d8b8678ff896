import type { AppContext } from '../context.js';
import { evidenceReports } from '../db/schema/index.js';
import type { contracts } from '../db/schema/index.js';
import { evidenceFacts } from './evidence-facts.js';

type ContractRow = typeof contracts.$inferSelect;

export type StoredEvidenceReport = { sha256: string; bytes: Buffer; lastEventSeq: number };

/**
 * Makes, signs (in a render worker) and stores a new evidence report of the contract. No
 * audit event: the report lists the contract's trail, and an event for each report would
 * make every report out of date the moment it is stored.
 */
export async function issueEvidenceReport(ctx: AppContext, contract: ContractRow): Promise<StoredEvidenceReport> {
  const { input, lastEventSeq } = await evidenceFacts(ctx, contract);
  const tsa = ctx.trust.tsaChain.slice(0, 1);
  const material = await ctx.trust.validationMaterial([ctx.pki.partyB.cert, ...tsa]);
  const signed = await ctx.renderer.evidenceReport(input, material);
  await ctx.db.insert(evidenceReports).values({
    contractId: contract.id,
    sha256: signed.sha256,
    contractSha256: contract.sha256,
    lastEventSeq,
    bytes: signed.bytes,
  });
  return { sha256: signed.sha256, bytes: signed.bytes, lastEventSeq };
}
