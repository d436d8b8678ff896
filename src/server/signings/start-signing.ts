import { createHash, randomUUID } from 'node:crypto';
import type { StartSigningBody } from '../../shared/schemas/signing.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/client.js';
import { outbox, type SigningTerms, signings } from '../db/schema/index.js';
import { signingCodeMessage } from '../notifications/messages.js';
import { codeHash, codeLifetimeMs, destinationsOf, newCode, preparedLifetimeMs } from './code.js';
import { type SigningRow, signingFields } from './load-signing.js';
import { loadSubject, renderDocumentToConfirm, throwIfNumberHeld } from './signing-document.js';
import { outboxSmsSender } from './sms-sender.js';

function termsOf(body: StartSigningBody): SigningTerms {
  if (body.kind === 'framework') return { kind: 'framework', termYears: body.termYears, copies: body.copies };
  if (body.kind === 'renewal') return { kind: 'renewal', frameworkId: body.frameworkId, termYears: body.termYears, copies: body.copies };
  return { kind: body.kind, frameworkId: body.frameworkId, itemIds: body.itemIds };
}

/** The code to Party A's contact e-mail and, through the SmsSender, to the contact mobile. */
export async function sendCode(ctx: AppContext, tx: Database, row: Pick<SigningRow, 'accountId' | 'kind' | 'draftSha256'>, to: { email: string; phone: string | null }, code: string) {
  const message = signingCodeMessage({ code, kind: row.kind, draftSha256: row.draftSha256 });
  await tx.insert(outbox).values({ accountId: row.accountId, toAddress: to.email, subject: message.subject, body: message.body, carriesCode: true });
  if (to.phone) await (ctx.sms ?? outboxSmsSender).send(tx, { accountId: row.accountId, to: to.phone, text: message.sms, carriesCode: true });
}

/**
 * Starts Party A's signature (意愿认证): checks what the direct route would refuse, renders the
 * document to confirm, hashes it, and sends a one-time code bound to this account, user,
 * document and terms. A framework agreement's number is taken here, an attachment's at
 * confirmation (see renderDocumentToConfirm).
 */
export async function startSigning(ctx: AppContext, o: { accountId: string; userId: string; body: StartSigningBody; actor: Actor }) {
  const terms = termsOf(o.body);
  const subject = await loadSubject(ctx, o.accountId, terms);
  await throwIfNumberHeld(ctx, subject);
  const now = new Date();
  const { pdf: draft, number, layout } = await renderDocumentToConfirm(ctx, subject, now);
  const draftSha256 = createHash('sha256').update(draft).digest('hex');
  const id = randomUUID();
  const code = newCode();
  const destinations = destinationsOf({ email: subject.contactEmail, phone: subject.contactPhone });
  const started = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(signings)
      .values({
        id,
        accountId: o.accountId,
        userId: o.userId,
        kind: terms.kind,
        frameworkId: terms.kind === 'framework' ? null : terms.frameworkId,
        terms,
        status: 'awaiting_code',
        draftSha256,
        draft,
        draftLayout: layout ?? null,
        number: number ?? null,
        codeHash: codeHash(ctx.config.key, { signingId: id, accountId: o.accountId, userId: o.userId, draftSha256, terms }, code),
        codeExpiresAt: new Date(now.getTime() + codeLifetimeMs),
        codeSentAt: now,
        destinations,
        expiresAt: new Date(now.getTime() + preparedLifetimeMs),
      })
      .returning(signingFields);
    await sendCode(ctx, tx, row!, { email: subject.contactEmail, phone: subject.contactPhone }, code);
    await appendEvent(tx, {
      accountId: o.accountId,
      actor: o.actor,
      action: 'signing.started',
      subject: { type: 'signing', id },
      data: { kind: terms.kind, draftSha256, destinations },
    });
    return row!;
  });
  ctx.signingDrafts.set(id, draftSha256, draft);
  return started;
}
