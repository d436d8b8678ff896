import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { signings } from '../db/schema/index.js';
import { getPartyA } from '../party-a/get-party-a.js';
import { codeHash, codeLifetimeMs, destinationsOf, newCode, resendIntervalMs, smsNumberOf } from './code.js';
import { loadSigning, type SigningViewer, signingFields, throwIfOver } from './load-signing.js';
import { sendCode } from './start-signing.js';

/**
 * A new code for a signing still waiting for one, at most once a minute. The old code stops
 * working; wrong tries are not forgiven, so resending does not lengthen the guessing.
 */
export async function resendCode(ctx: AppContext, o: { signingId: string; viewer: SigningViewer; actor: Actor }) {
  const { partyA } = await getPartyA(ctx.db, o.viewer.accountId);
  return ctx.db.transaction(async (tx) => {
    const row = await loadSigning(tx, o.signingId, o.viewer, { forUpdate: true });
    const now = new Date();
    if (row.status === 'awaiting_signature') throw new AppError('invalid_state', 'The code was confirmed already');
    if (row.status === 'awaiting_code' && row.codeExpiresAt <= now && row.expiresAt > now) {
      // An expired code may be replaced while the signing itself lives.
    } else throwIfOver(row, now);
    const wait = row.codeSentAt.getTime() + resendIntervalMs - now.getTime();
    if (wait > 0) throw new AppError('too_many_requests', `A new code can be sent in ${Math.ceil(wait / 1000)} s`, { headers: { 'retry-after': String(Math.ceil(wait / 1000)) } });
    // Party A's contact as it is now: the new code goes where Party A now says, recorded again.
    const to = { email: partyA.contactEmail!, phone: smsNumberOf(partyA.contactPhone) };
    const code = newCode();
    const hash = codeHash(ctx.config.key, { signingId: row.id, accountId: row.accountId, userId: row.userId, draftSha256: row.draftSha256, terms: row.terms }, code);
    const codeExpiresAt = new Date(now.getTime() + codeLifetimeMs);
    const [updated] = await tx
      .update(signings)
      .set({ codeHash: hash, codeSentAt: now, codeExpiresAt, destinations: destinationsOf(to), expiresAt: new Date(Math.max(row.expiresAt.getTime(), codeExpiresAt.getTime())) })
      .where(eq(signings.id, row.id))
      .returning(signingFields);
    await sendCode(ctx, tx, row, to, code);
    await appendEvent(tx, { accountId: row.accountId, actor: o.actor, action: 'signing.code_resent', subject: { type: 'signing', id: row.id }, data: {} });
    return updated!;
  });
}
