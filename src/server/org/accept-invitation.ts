import { createHash } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import { termsVersion } from '../auth/register-user.js';
import { createSession, type SessionUser } from '../auth/sessions.js';
import type { AppContext } from '../context.js';
import { isUniqueViolation } from '../db/client.js';
import { invitations, memberships, users } from '../db/schema/index.js';

/**
 * Joins the organisation of an invitation: a new person sets a password and, as at
 * registration, agrees to the user agreement and the privacy policy; a person who already
 * has a login must be signed in as the invited e-mail. The link works once (the update that
 * marks it used is the claim) and answers a session in the organisation.
 */
export async function acceptInvitation(
  ctx: AppContext,
  options: { token: string; password?: string; acceptTerms?: boolean; session: SessionUser | null; actor: Actor },
) {
  const tokenHash = createHash('sha256').update(options.token).digest('hex');
  const [invitation] = await ctx.db.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)).limit(1);
  const isOpen = invitation && !invitation.acceptedAt && !invitation.revokedAt && invitation.expiresAt.getTime() > Date.now();
  if (!invitation || !isOpen) throw new AppError('invitation_invalid');

  const [existing] = await ctx.db.select().from(users).where(eq(users.email, invitation.email)).limit(1);
  if (existing) {
    if (!options.session) throw new AppError('unauthenticated', 'Sign in as the invited e-mail to accept');
    if (options.session.userId !== existing.id || existing.role !== 'customer') throw new AppError('invitation_email_mismatch');
  } else {
    if (options.session) throw new AppError('invitation_email_mismatch');
    if (!options.password)
      throw new AppError('validation_failed', 'Choose a password to join', { errors: [{ path: 'password', message: 'required for a new login' }] });
    if (options.acceptTerms !== true) throw new AppError('terms_required');
  }
  const passwordHash = existing ? null : await ctx.passwords.hash(options.password!);

  try {
    return await ctx.db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(invitations)
        .set({ acceptedAt: sql`now()` })
        .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, sql`now()`)))
        .returning({ id: invitations.id });
      if (!claimed) throw new AppError('invitation_invalid');
      const user =
        existing ??
        (
          await tx
            .insert(users)
            .values({ email: invitation.email, passwordHash: passwordHash!, role: 'customer', accountId: invitation.accountId })
            .returning()
        )[0]!;
      await tx.update(invitations).set({ acceptedBy: user.id }).where(eq(invitations.id, invitation.id));
      await tx.insert(memberships).values({ accountId: invitation.accountId, userId: user.id, role: invitation.role, customRoleId: invitation.customRoleId });
      await appendEvent(tx, {
        accountId: invitation.accountId,
        actor: { ...options.actor, userId: user.id, email: user.email, role: 'customer', apiKeyId: null },
        action: 'member.joined',
        subject: { type: 'user', id: user.id },
        data: { invitationId: invitation.id, role: invitation.role ?? invitation.customRoleId, isNewLogin: !existing, ...(existing ? {} : { termsVersion }) },
      });
      const session = await createSession(tx, user.id, invitation.accountId, options.actor);
      return { user: { id: user.id, email: user.email, role: user.role }, accountId: invitation.accountId, session };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'memberships_account_id_user_id_pk')) throw new AppError('already_member');
    if (isUniqueViolation(error, 'users_email_unique')) throw new AppError('invitation_invalid');
    throw error;
  }
}
