import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { createSession, deleteSession } from './auth/sessions.js';
import { users } from './db/schema/index.js';

/**
 * Runs the hottest read paths through the whole stack before the server listens: on a freshly
 * started PGlite instance the first requests cost several times a warm one (cold caches of the
 * embedded database, code not yet compiled), and 200 of them at once waited ~20 s. A session of
 * the first operator, deleted afterwards, takes the signed-in paths; without one only the
 * public ones are warmed.
 */
export async function warmUp(app: FastifyInstance, rounds = 30): Promise<void> {
  const { db } = app.ctx;
  const [operator] = await db.select({ id: users.id }).from(users).where(eq(users.role, 'operator')).limit(1);
  const session = operator ? await createSession(db, operator.id, null) : undefined;
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
