import { createHash } from 'node:crypto';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { createSession, deleteSession } from './auth/sessions.js';
import { memberships, users } from './db/schema/index.js';

/**
 * Runs the hottest read paths through the whole stack before the server listens: on a freshly
 * started PGlite instance the first requests cost several times a warm one (cold caches of the
 * embedded database, code not yet compiled), and 200 of them at once waited ~20 s. A session
 * of an operator or a member, deleted afterwards, takes the signed-in paths; without one only
 * the public ones are warmed.
 */
export async function warmUp(app: FastifyInstance, rounds = 30): Promise<void> {
  const { db } = app.ctx;
  const { requireOperatorTotp } = app.ctx.config;
  // An operator who may act (with a second factor where one is required), else a member of an
  // organisation: a session that the signed-in routes answer, not one they refuse with 403.
  const [operator] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'operator'), requireOperatorTotp ? isNotNull(users.totpSecret) : undefined))
    .limit(1);
  const [member] = operator ? [] : await db.select({ id: memberships.userId, accountId: memberships.accountId }).from(memberships).limit(1);
  const session = operator ? await createSession(db, operator.id, null) : member ? await createSession(db, member.id, member.accountId) : undefined;
  try {
    for (let i = 0; i < rounds; i++) {
      await app.inject({ method: 'GET', url: '/api/v1/health' });
      if (!session) continue;
      const headers = { cookie: `qiyue_session=${session.token}` };
      await app.inject({ method: 'GET', url: '/api/v1/me', headers });
      await app.inject({ method: 'GET', url: '/api/v1/contracts', headers });
      await app.inject({ method: 'GET', url: '/api/v1/stamping-requests', headers });
    }
  } finally {
    if (session) await deleteSession(db, createHash('sha256').update(session.token).digest('hex'));
  }
}
