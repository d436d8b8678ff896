import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { SessionUser } from '../auth/sessions.js';
import type { AppContext } from '../context.js';
import { invitations, memberships, outbox, users } from '../db/schema/index.js';
import { assertWithin, organisationName, resolveRole } from './roles.js';

export const invitationLifetimeMs = 7 * 24 * 60 * 60 * 1000;

/**
 * Invites an e-mail into the organisation with a role: a single-use link, e-mailed through the
 * outbox; only the token's hash is stored. Only an owner may invite an owner, and nobody may
 * grant more than their own role allows.
 */
export async function inviteMember(ctx: AppContext, options: { inviter: SessionUser; email: string; role: string; actor: Actor }) {
  const accountId = options.inviter.accountId!;
  const role = await resolveRole(ctx.db, accountId, options.role);
  if (role.role === 'owner' && options.inviter.memberRole !== 'owner') throw new AppError('permission_denied', 'Only an owner may invite an owner');
  assertWithin(role.info.permissions, options.inviter.permissions);
  const [already] = await ctx.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.accountId, accountId), eq(users.email, options.email)))
    .limit(1);
  if (already) throw new AppError('already_member');

  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + invitationLifetimeMs);
  const orgName = (await organisationName(ctx.db, accountId)) ?? '';
  const link = `${ctx.config.publicUrl}/invitations/${token}`;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(invitations)
      .values({
        accountId,
        email: options.email,
        role: role.role,
        customRoleId: role.customRoleId,
        tokenHash: createHash('sha256').update(token).digest('hex'),
        invitedBy: options.inviter.userId,
        expiresAt,
      })
      .returning();
    await appendEvent(tx, {
      accountId,
      actor: options.actor,
      action: 'member.invited',
      subject: { type: 'invitation', id: row!.id },
      data: { email: options.email, role: role.info.id },
    });
    await tx.insert(outbox).values({
      accountId,
      toAddress: options.email,
      subject: `【契约】邀请您加入${orgName || '组织'}`,
      body: [
        `${options.inviter.email} 邀请您以「${role.info.name}」身份加入${orgName || '组织'}的合同管理。`,
        `接受邀请（7 天内有效，仅可使用一次）：${link}`,
        '',
        `${options.inviter.email} invites you to join ${orgName || 'an organisation'} as ${role.info.id}.`,
        `Accept (valid for 7 days, once): ${link}`,
      ].join('\n'),
    });
    return {
      invitation: { id: row!.id, email: row!.email, role: role.info, createdAt: row!.createdAt.toISOString(), expiresAt: row!.expiresAt.toISOString() },
    };
  });
}
