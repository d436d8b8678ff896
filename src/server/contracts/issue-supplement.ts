import { and, eq, inArray, isNotNull, max, notExists, sql } from 'drizzle-orm';
import { appendEvent } from '../audit/append-event.js';
import { type Actor, systemActor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { type Database, isUniqueViolation } from '../db/client.js';
import { contracts, verifications } from '../db/schema/index.js';
import { notifyContract } from '../notifications/notify-contract.js';
import { getPartyA } from '../party-a/get-party-a.js';
import { renderSupplementDocument } from '../pdf/render-supplement.js';
import { signingKeysFrom } from '../signing/signing-keys.js';
import { verifyUrlFor } from './apply-framework.js';
import { storeDocument } from './contract-document.js';
import { partyBSnapshot, printablePartyA } from './party-snapshots.js';
import { preparePartyASigning, signContractDocument, transferableSigningKeys } from './sign-contract-document.js';
import { supplementTemplateVersion } from './templates/supplement-v1.js';

export const supplementNumber = (frameworkNumber: string, seq: number) => `${frameworkNumber}-S${String(seq).padStart(2, '0')}`;

type Framework = typeof contracts.$inferSelect;
type Rename = { verification: typeof verifications.$inferSelect; oldName: string };

/**
 * After Party A's company re-verified a new name under the same credit code: each framework
 * agreement in force (effective or scheduled) of the account gets a supplementary agreement
 * (补充协议, FA…-Snn) stating the old and the new name, signed by both parties as PAdES B-LTA.
 * Party A signs with an event certificate issued by the platform to its new name, the key held
 * by the platform for this one signature (the same custody as the direct application routes):
 * nobody of the customer is asked, since the platform generates the supplement on the
 * re-verification. Idempotent: a framework that already has the rename's supplement is
 * skipped, and of two instances issuing the same one the unique index keeps one.
 * Returns the supplements issued now.
 */
export async function issueRenameSupplements(ctx: AppContext, options: { verificationId: string; actor?: Actor }) {
  const rename = await loadRename(ctx, options.verificationId);
  if (!rename) return [];
  const accountId = rename.verification.accountId;
  const frameworks = await ctx.db
    .select()
    .from(contracts)
    .where(
      and(
        eq(contracts.accountId, accountId),
        eq(contracts.kind, 'framework'),
        inArray(contracts.status, ['effective', 'scheduled']),
        sql`${contracts.expiresAt} > now()`,
        notExists(
          ctx.db
            .select({ id: sql`1` })
            .from(sql`contracts s`)
            .where(sql`s.framework_id = ${contracts.id} and s.rename_verification_id = ${rename.verification.id}`),
        ),
      ),
    );
  const issued: Framework[] = [];
  for (const framework of frameworks) {
    const row = await issueOne(ctx, framework, rename, options.actor ?? systemActor);
    if (row) issued.push(row);
  }
  return issued;
}

/** The verified rename and the name it replaced, or null when the verification is no rename in force. */
async function loadRename(ctx: AppContext, verificationId: string): Promise<Rename | null> {
  const [verification] = await ctx.db.select().from(verifications).where(eq(verifications.id, verificationId));
  if (!verification?.renamesId || verification.status !== 'verified') return null;
  const [previous] = await ctx.db.select({ name: verifications.name }).from(verifications).where(eq(verifications.id, verification.renamesId));
  return previous ? { verification, oldName: previous.name } : null;
}

async function issueOne(ctx: AppContext, framework: Framework, rename: Rename, actor: Actor): Promise<Framework | null> {
  const { identity, partyA: current } = await getPartyA(ctx.db, framework.accountId);
  // A later rename superseded this one meanwhile: that rename's supplement says it all.
  if (identity.id !== rename.verification.id) return null;
  const { isComplete: _, ...partyA } = current;
  const partyB = partyBSnapshot(ctx.config.partyB);
  const [last] = await ctx.db.select({ seq: max(contracts.supplementSeq) }).from(contracts).where(eq(contracts.frameworkId, framework.id));
  const seq = (last?.seq ?? 0) + 1;
  const number = supplementNumber(framework.number, seq);
  const signedAt = new Date();
  const copies = framework.copies as 2 | 3;

  // Rendered and signed in this thread: renames are rare, and the signing pipeline is the one
  // every contract uses (sign-contract-document.ts), so that no renderer API changes for it.
  const rendered = await renderSupplementDocument({
    number,
    templateVersion: supplementTemplateVersion,
    framework: { number: framework.number, effectiveAt: framework.effectiveAt, expiresAt: framework.expiresAt },
    partyA: printablePartyA(partyA),
    partyB: ctx.config.partyB,
    oldName: rename.oldName,
    verifiedAt: rename.verification.decidedAt ?? rename.verification.createdAt,
    copies,
    verifyUrl: verifyUrlFor(ctx.config.publicUrl, number),
    draft: false,
    signedAt,
  });
  const preparation = await preparePartyASigning({ db: ctx.db, pki: ctx.pki, trust: ctx.trust }, identity, framework.accountId);
  const signed = await signContractDocument(signingKeysFrom(transferableSigningKeys(ctx.pki, ctx.trust)), {
    unsigned: rendered.pdf,
    partyA: preparation,
    partyBName: partyB.name,
    widgets: rendered.signatureRects,
  });

  try {
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(contracts)
        .values({
          accountId: framework.accountId,
          number,
          kind: 'supplement',
          status: 'effective',
          frameworkId: framework.id,
          supplementSeq: seq,
          renameVerificationId: rename.verification.id,
          copies,
          effectiveAt: signedAt,
          expiresAt: framework.expiresAt,
          partyA,
          partyB,
          templateVersion: supplementTemplateVersion,
          sha256: signed.sha256,
          signatures: signed.signatures,
        })
        .returning();
      await storeDocument(tx, { contractId: row!.id, sha256: signed.sha256, bytes: signed.bytes });
      await appendEvent(tx, {
        accountId: framework.accountId,
        actor,
        action: 'contract.generated',
        subject: { type: 'contract', id: row!.id },
        data: {
          number,
          kind: 'supplement',
          sha256: signed.sha256,
          frameworkId: framework.id,
          oldName: rename.oldName,
          newName: partyA.name,
          verificationId: rename.verification.id,
          partyAKeyCustody: 'platform',
        },
      });
      await notifyContract(tx, ctx.config, row!, 'generated');
      return row!;
    });
  } catch (error) {
    // Another instance issued this rename's supplement first; its number stays unused.
    if (isUniqueViolation(error, 'contracts_supplement_rename_unique')) return null;
    // Another supplement took the sequence number meanwhile: the next sweep issues this one.
    if (isUniqueViolation(error, 'contracts_supplement_seq_unique')) return null;
    throw error;
  }
}

/**
 * The periodic catch-up: every verified rename whose account still has a framework in force
 * without its supplement (the request that verified it failed after commit, or an instance
 * stopped midway).
 */
export async function issueMissingSupplements(ctx: AppContext) {
  const renames = await ctx.db
    .select({ id: verifications.id })
    .from(verifications)
    .where(
      and(
        eq(verifications.status, 'verified'),
        isNotNull(verifications.renamesId),
        sql`exists (select 1 from contracts f where f.account_id = ${verifications.accountId} and f.kind = 'framework'
                    and f.status in ('effective', 'scheduled') and f.expires_at > now()
                    and not exists (select 1 from contracts s where s.framework_id = f.id and s.rename_verification_id = ${verifications.id}))`,
      ),
    )
    .limit(20);
  for (const r of renames) await issueRenameSupplements(ctx, { verificationId: r.id });
}

/** What a supplement printed besides its snapshot: the name it replaced and when the new one was verified. */
export async function renderedSupplementNames(db: Database, row: Pick<Framework, 'renameVerificationId'>): Promise<{ oldName: string; verifiedAt: Date }> {
  const [rename] = await db.select().from(verifications).where(eq(verifications.id, row.renameVerificationId!));
  const [previous] = await db.select({ name: verifications.name }).from(verifications).where(eq(verifications.id, rename!.renamesId!));
  return { oldName: previous!.name, verifiedAt: rename!.decidedAt ?? rename!.createdAt };
}
