import { eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { users } from '../db/schema/index.js';
import type { SessionUser } from './sessions.js';
import { matchTotp, newTotpSecret, totpUri } from './totp.js';

/** Starts enrolment: a new secret, shown once as an otpauth URI and its QR code, not yet in force. */
export async function startTotpEnrolment(ctx: AppContext, options: { session: SessionUser }) {
  const secret = newTotpSecret();
  await ctx.db.update(users).set({ totpPendingSecret: secret }).where(eq(users.id, options.session.userId));
  const otpauthUri = totpUri(secret, options.session.email);
  return { secret, otpauthUri, qrDataUrl: await QRCode.toDataURL(otpauthUri, { margin: 1, width: 220 }) };
}

/** A code from the app proves the secret was taken over; from then on login needs a code. */
export async function confirmTotpEnrolment(ctx: AppContext, options: { session: SessionUser; code: string; actor: Actor }) {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, options.session.userId));
  if (!user?.totpPendingSecret) throw new AppError('invalid_state', 'Start the enrolment first');
  const step = matchTotp(user.totpPendingSecret, options.code);
  if (step === null) throw new AppError('invalid_totp');
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpEnabledAt: new Date(), totpLastStep: step })
      .where(eq(users.id, user.id));
    await appendEvent(tx, { accountId: user.accountId, actor: options.actor, action: 'user.totp_enabled', subject: { type: 'user', id: user.id } });
  });
}

export async function hasTotpEnabled(db: AppContext['db'], userId: string): Promise<boolean> {
  const [user] = await db.select({ secret: users.totpSecret }).from(users).where(eq(users.id, userId));
  return Boolean(user?.secret);
}
