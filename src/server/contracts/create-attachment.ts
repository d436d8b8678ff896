import { assertDailyLimit } from './daily-limit.js';
import { and, eq, max, ne, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { type CreateAttachmentBody, maxAttachmentItems } from '../../shared/schemas/attachment.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { type Database, isUniqueViolation } from '../db/client.js';
import { attachmentItems, contractJobItems, contracts, icpFilings, orders } from '../db/schema/index.js';
import type { AttachmentIcpFiling, AttachmentOrder } from '../pdf/render-attachment.js';
import { filingReason, orderReason } from '../upstream/list-items.js';
import { getVerifiedIdentity } from '../verification/get-verification.js';
import { verifyUrlFor } from './apply-framework.js';
import { attachmentNumber } from './contract-dates.js';
import { loadContract } from './load-contract.js';
import { printablePartyA } from './party-snapshots.js';
import { storeDocument } from './contract-document.js';
import { currentStatus, type ContractRow } from './present-contract.js';
import { attachmentTemplateVersion } from './templates/attachment-v2.js';
import { notifyContract } from '../notifications/notify-contract.js';
import type { SignedContract } from './sign-contract-document.js';
import { completeLinkedSigning, hasHeldNumber, linkData, type SigningLink } from '../signings/link-signing.js';
import { inUuids } from '../db/uuid-array.js';

export type Selection =
  | { kind: 'order_attachment'; itemKind: 'order'; items: (AttachmentOrder & { id: string })[] }
  | { kind: 'icp_attachment'; itemKind: 'icp_filing'; items: (AttachmentIcpFiling & { id: string })[] };

/**
 * Coverage rows in force for any of the items, with the attachment that holds each, and the
 * items a pending background job has reserved (`number` null), other than `exceptJob`'s own.
 */
export async function coveredItems(db: Database, itemKind: 'order' | 'icp_filing', ids: string[], exceptJob?: string) {
  const covered: { itemId: string; number: string | null }[] = await db
    .select({ itemId: attachmentItems.itemId, number: contracts.number })
    .from(attachmentItems)
    .innerJoin(contracts, eq(contracts.id, attachmentItems.contractId))
    .where(and(eq(attachmentItems.itemKind, itemKind), inUuids(attachmentItems.itemId, ids), eq(attachmentItems.inForce, true)));
  const reserved = await db
    .select({ itemId: contractJobItems.itemId })
    .from(contractJobItems)
    .where(
      and(
        eq(contractJobItems.itemKind, itemKind),
        inUuids(contractJobItems.itemId, ids),
        exceptJob ? ne(contractJobItems.jobId, exceptJob) : undefined,
      ),
    );
  return [...covered, ...reserved.map((r) => ({ itemId: r.itemId, number: null }))];
}

export function throwIfCovered(covered: { itemId: string; number: string | null }[]) {
  if (!covered.length) return;
  const where = (number: string | null) => (number ? `already in attachment ${number}` : 'already in an attachment being generated');
  throw new AppError('item_already_covered', covered[0]!.number ? `Already in attachment ${covered[0]!.number}` : 'Already in an attachment being generated', {
    errors: covered.map((c) => ({ path: `itemIds.${c.itemId}`, message: where(c.number) })),
  });
}

/** Loads the chosen items of the account, in the order given, refusing what can't be chosen. */
export async function loadSelection(ctx: AppContext, accountId: string, body: Pick<CreateAttachmentBody, 'kind' | 'itemIds'>): Promise<Selection> {
  const ids = body.itemIds;
  if (new Set(ids).size !== ids.length)
    throw new AppError('validation_failed', 'Each item may be chosen once', { errors: [{ path: 'itemIds', message: 'duplicate ids' }] });
  if (ids.length > maxAttachmentItems) throw new AppError('too_many_items', `At most ${maxAttachmentItems} items per attachment`);

  const unselectable: { path: string; message: string }[] = [];
  let selection: Selection;
  if (body.kind === 'order_attachment') {
    const rows = await ctx.db.select().from(orders).where(and(eq(orders.accountId, accountId), inUuids(orders.id, ids)));
    if (rows.length !== ids.length) throw new AppError('not_found', 'An order does not exist');
    for (const o of rows) {
      const reason = orderReason(o, null);
      if (reason) unselectable.push({ path: `itemIds.${o.id}`, message: reason });
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    selection = { kind: body.kind, itemKind: 'order', items: ids.map((id) => byId.get(id)!) };
  } else {
    const identity = await getVerifiedIdentity(ctx.db, accountId);
    const rows = await ctx.db.select().from(icpFilings).where(and(eq(icpFilings.accountId, accountId), inUuids(icpFilings.id, ids)));
    if (rows.length !== ids.length) throw new AppError('not_found', 'An ICP filing does not exist');
    for (const f of rows) {
      const reason = filingReason(f, identity?.name ?? null, null);
      if (reason) unselectable.push({ path: `itemIds.${f.id}`, message: reason });
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    selection = { kind: body.kind, itemKind: 'icp_filing', items: ids.map((id) => byId.get(id)!) };
  }
  if (unselectable.length) throw new AppError('item_not_selectable', undefined, { errors: unselectable });
  return selection;
}

export async function loadEffectiveFramework(ctx: AppContext, frameworkId: string, accountId: string) {
  const framework = await loadContract(ctx.db, frameworkId, { role: 'customer', accountId });
  if (framework.kind !== 'framework') throw new AppError('not_found', 'Not a framework agreement');
  if (currentStatus(framework) !== 'effective') throw new AppError('framework_not_effective');
  return framework;
}

export function renderInput(ctx: AppContext, framework: ContractRow, selection: Selection, number: string, draft: boolean, at: Date) {
  return {
    number,
    kind: selection.kind,
    templateVersion: attachmentTemplateVersion,
    framework: { number: framework.number, effectiveAt: framework.effectiveAt, expiresAt: framework.expiresAt },
    // The attachment names the parties as the framework agreement it belongs to does.
    partyA: printablePartyA(framework.partyA),
    partyB: ctx.config.partyB,
    copies: framework.copies as 2 | 3,
    ...(selection.itemKind === 'order' ? { orders: selection.items } : { icpFilings: selection.items }),
    verifyUrl: draft ? `${ctx.config.publicUrl}/verify` : verifyUrlFor(ctx.config.publicUrl, number),
    draft,
    signedAt: at,
  };
}

export async function previewAttachment(ctx: AppContext, options: { accountId: string; frameworkId: string; body: Pick<CreateAttachmentBody, 'kind' | 'itemIds'> }) {
  const framework = await loadEffectiveFramework(ctx, options.frameworkId, options.accountId);
  const selection = await loadSelection(ctx, options.accountId, options.body);
  throwIfCovered(await coveredItems(ctx.db, selection.itemKind, selection.items.map((i) => i.id)));
  const rendered = await ctx.renderer.attachment(renderInput(ctx, framework, selection, `${framework.number}-A——`, true, new Date()));
  return rendered.pdf;
}

/** The number rendered for was taken by another attachment meanwhile. */
export class NumberTaken extends Error {}

// Attachments of one framework are generated one after another in this process: each then
// renders for the number it will get, and only another instance can take a number from it.
const frameworkQueues = new Map<string, Promise<unknown>>();

function oneAtATime<T>(frameworkId: string, task: () => Promise<T>): Promise<T> {
  const previous = frameworkQueues.get(frameworkId) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(task);
  const settled = next.catch(() => {});
  frameworkQueues.set(frameworkId, settled);
  void settled.then(() => {
    if (frameworkQueues.get(frameworkId) === settled) frameworkQueues.delete(frameworkId);
  });
  return next;
}

// Losing the number to another instance is not a refusal: render again for the next one. The
// bound is only a guard against a livelock; each instance loses at most once per winner.
const maxNumberAttempts = 100;

export async function lastAttachmentSeq(db: Database, frameworkId: string) {
  const [last] = await db.select({ seq: max(contracts.attachmentSeq) }).from(contracts).where(eq(contracts.frameworkId, frameworkId));
  return last?.seq ?? 0;
}

/** What generating an attachment needs once the request's checks have passed. */
export type CheckedAttachment = {
  accountId: string;
  actor: Actor;
  framework: ContractRow;
  selection: Selection;
  ids: string[];
  identity: NonNullable<Awaited<ReturnType<typeof getVerifiedIdentity>>>;
  /** The signing (意愿认证) this attachment completes, if any. */
  signing?: SigningLink;
};

/**
 * The checks of an attachment request, in the order the direct path answers them: acceptance,
 * an effective framework of the account, items that exist, can be chosen and are in no
 * attachment in force nor reserved by another job, a verified identity, the daily limit.
 */
export async function checkAttachment(
  ctx: AppContext,
  options: { accountId: string; frameworkId: string; body: CreateAttachmentBody; actor: Actor; exceptJob?: string },
): Promise<CheckedAttachment> {
  const { accountId, body } = options;
  if (!body.accept) throw new AppError('acceptance_required');
  const framework = await loadEffectiveFramework(ctx, options.frameworkId, accountId);
  const selection = await loadSelection(ctx, accountId, body);
  const ids = selection.items.map((i) => i.id);
  throwIfCovered(await coveredItems(ctx.db, selection.itemKind, ids, options.exceptJob));
  const identity = await getVerifiedIdentity(ctx.db, accountId);
  if (!identity) throw new AppError('verification_required');
  await assertDailyLimit(ctx.db, accountId, ctx.config.dailyContractLimit);
  if (await hasHeldNumber(ctx.db, framework.id)) throw new AppError('signing_in_progress');
  return { accountId, actor: options.actor, framework, selection, ids, identity };
}

/**
 * Generates a signed attachment under an effective framework agreement. Numbers are
 * consecutive per framework and a refused request uses none: the PDF is rendered for the next
 * free number outside any transaction, and the transaction, holding the framework's row lock,
 * inserts it only if that number is still the next one (otherwise it renders again). Requests
 * of one instance queue per framework, so simultaneous disjoint attachments all succeed.
 */
export async function createAttachment(
  ctx: AppContext,
  options: { accountId: string; frameworkId: string; body: CreateAttachmentBody; actor: Actor; signing?: SigningLink },
) {
  const checked = await checkAttachment(ctx, options);
  return generateAttachment(ctx, { ...checked, signing: options.signing });
}

/**
 * How a background job takes part: its own reservations do not count as covered, `onProgress`
 * hears the share of the items rendered (0–1), and `beforeCommit` runs in the transaction that
 * inserts the contract (the job marks itself done there, or throws to roll the insert back).
 */
export type GenerationHooks = {
  jobId?: string;
  onProgress?: (fraction: number) => void;
  beforeCommit?: (tx: Database, contract: ContractRow) => Promise<void>;
};

/** Renders, signs and inserts the attachment of a checked request (see createAttachment). */
export function generateAttachment(ctx: AppContext, checked: CheckedAttachment, hooks: GenerationHooks = {}) {
  return oneAtATime(checked.framework.id, () => generate(ctx, checked, hooks));
}

async function generate(ctx: AppContext, options: CheckedAttachment, hooks: GenerationHooks) {
  const { accountId, framework, selection, ids, identity } = options;
  // A request queued behind others: what they covered meanwhile is refused before rendering.
  throwIfCovered(await coveredItems(ctx.db, selection.itemKind, ids, hooks.jobId));
  for (let attempt = 0; ; attempt++) {
    const seq = (await lastAttachmentSeq(ctx.db, framework.id)) + 1;
    const number = attachmentNumber(framework.number, seq);
    const effectiveAt = new Date();
    const signed = await ctx.renderer.signedAttachment(
      renderInput(ctx, framework, selection, number, false, effectiveAt),
      { identity, partyBName: ctx.config.partyB.name, accountId },
      hooks.onProgress ? { onProgress: hooks.onProgress } : {},
    );
    try {
      return await ctx.db.transaction((tx) =>
        insertAttachment(
          ctx,
          tx,
          { accountId, actor: options.actor, signing: options.signing, framework, selection, number, seq, effectiveAt, signed },
          hooks,
        ),
      );
    } catch (error) {
      // Another instance covered an item between our check and our insert: name it all the same.
      if (isUniqueViolation(error, 'attachment_items_one_in_force')) {
        throwIfCovered(await coveredItems(ctx.db, selection.itemKind, ids, hooks.jobId));
        throw new AppError('item_already_covered');
      }
      const lostNumber = error instanceof NumberTaken || isUniqueViolation(error, 'contracts_attachment_seq_unique');
      if (lostNumber && attempt < maxNumberAttempts) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * Math.min(attempt + 1, 5)));
        continue;
      }
      if (lostNumber) throw new AppError('invalid_state', 'Other attachments were generated at the same moment; try again');
      throw error;
    }
  }
}

export function snapshotOf(item: (AttachmentOrder | AttachmentIcpFiling) & { id: string }) {
  const { id: _, ...rest } = item as Record<string, unknown>;
  return Object.fromEntries(Object.entries(rest).filter(([k]) => !['accountId', 'updatedAt', 'status'].includes(k)));
}

/** A signed attachment ready to be stored under its framework agreement, with the number it carries. */
export type SignedAttachment = {
  accountId: string;
  actor: Actor;
  signing?: SigningLink;
  framework: ContractRow;
  selection: Selection;
  number: string;
  seq: number;
  effectiveAt: Date;
  signed: SignedContract;
};

/**
 * Inserts a signed attachment, its items, document, audit event and e-mail in the caller's
 * transaction, holding the framework's row lock; throws NumberTaken when its number is no
 * longer the next one. The one place the platform-held and the signer-held paths store one.
 */
export async function insertAttachment(ctx: AppContext, tx: Database, a: SignedAttachment, hooks: Pick<GenerationHooks, 'jobId' | 'beforeCommit'> = {}) {
  const { accountId, framework, selection, number, seq, signed } = a;
  const ids = selection.items.map((i) => i.id);
  const [locked] = await tx.select().from(contracts).where(eq(contracts.id, framework.id)).for('update');
  if (!locked || currentStatus(locked) !== 'effective') throw new AppError('framework_not_effective');
  await assertDailyLimit(tx, accountId, ctx.config.dailyContractLimit);
  // Checked again under the lock: a concurrent request may have covered an item meanwhile.
  throwIfCovered(await coveredItems(tx, selection.itemKind, ids, hooks.jobId));
  if ((await lastAttachmentSeq(tx, framework.id)) !== seq - 1) throw new NumberTaken();
  // A signer-held signing holds the next number from its confirmation to its completion or expiry.
  if (a.signing?.keyCustody !== 'signer' && (await hasHeldNumber(tx, framework.id))) throw new AppError('signing_in_progress');

  const [row] = await tx
    .insert(contracts)
    .values({
      accountId,
      number,
      kind: selection.kind,
      frameworkId: framework.id,
      attachmentSeq: seq,
      status: 'effective',
      copies: framework.copies,
      effectiveAt: a.effectiveAt,
      expiresAt: framework.expiresAt,
      partyA: framework.partyA,
      partyB: framework.partyB,
      templateVersion: attachmentTemplateVersion,
      sha256: signed.sha256,
      signatures: signed.signatures,
    })
    .returning();
  await storeDocument(tx, { contractId: row!.id, sha256: signed.sha256, bytes: signed.bytes });
  // One JSON parameter for all the rows: a multi-row VALUES of 5,000 items is 25,000 parameters.
  const rows = JSON.stringify(selection.items.map((item) => ({ id: item.id, snapshot: snapshotOf(item) })));
  await tx.execute(sql`
    insert into attachment_items (contract_id, item_kind, item_id, position, snapshot)
    select ${row!.id}::uuid, ${selection.itemKind}, (e ->> 'id')::uuid, (t.ord - 1)::int, e -> 'snapshot'
    from jsonb_array_elements(${rows}::jsonb) with ordinality as t(e, ord)`);
  await appendEvent(tx, {
    accountId,
    actor: a.actor,
    action: 'contract.generated',
    subject: { type: 'contract', id: row!.id },
    data: { number, kind: selection.kind, sha256: signed.sha256, framework: framework.number, items: ids.length, ...linkData(a.signing) },
  });
  if (a.signing) await completeLinkedSigning(tx, { link: a.signing, accountId, contractId: row!.id, number, actor: a.actor });
  await notifyContract(tx, ctx.config, row!, 'generated');
  await hooks.beforeCommit?.(tx, row!);
  return row!;
}
