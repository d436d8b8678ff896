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

const pending = new Set<Promise<void>>();

/**
 * After a contract is committed: its first evidence report, made in the background so that
 * the contract's answer does not wait for a second document (verify, render, sign). A failure
 * (the TSA down) leaves the contract as it is; the report is then made on the first download.
 */
export function issueFirstEvidenceReport(ctx: AppContext, contract: ContractRow, log?: { warn(o: object, m: string): void }): void {
  const work = issueEvidenceReport(ctx, contract).then(
    () => {},
    (error: unknown) => log?.warn({ contractId: contract.id, err: { message: (error as Error).message } }, 'evidence report not issued; it will be on download'),
  );
  pending.add(work);
  void work.finally(() => pending.delete(work));
}

/** Waits for the reports still being made (before the database closes). */
export async function settleEvidenceReports(): Promise<void> {
  await Promise.all([...pending]);
}
