import { createHash, randomBytes } from 'node:crypto';
import Tokens from '@fastify/csrf';
import { and, eq, gt, lt, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { sessions, users } from '../db/schema/index.js';

export const sessionCookieName = 'qiyue_session';
export const sessionLifetimeMs = 12 * 60 * 60 * 1000;
const csrfTokens = Tokens();

export type SessionUser = {
  sessionId: string;
  userId: string;
  email: string;
  role: 'customer' | 'operator';
  accountId: string | null;
  csrfSecret: string;
};

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a session; returns the cookie token (only its hash is stored) and a CSRF token bound to it. */
export async function createSession(
  db: Database,
  userId: string,
  client: { ip?: string | null; userAgent?: string | null } = {},
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfSecret = csrfTokens.secretSync();
  const expiresAt = new Date(Date.now() + sessionLifetimeMs);
  await db.insert(sessions).values({
    id: hashToken(token),
    userId,
    csrfSecret,
    expiresAt,
    ip: client.ip ?? null,
    userAgent: client.userAgent?.slice(0, 400) ?? null,
  });
  return { token, csrfToken: csrfTokens.create(csrfSecret), expiresAt };
}

/**
 * The session of a cookie token while it is within both its absolute lifetime and the idle
 * timeout; its last use is moved forward at most once a minute, so that reads stay reads.
 */
export async function findSession(db: Database, token: string, options: { idleMinutes: number }): Promise<SessionUser | null> {
  const idle = sql`now() - make_interval(mins => ${options.idleMinutes})`;
  const [row] = await db
    .select({
      sessionId: sessions.id,
      userId: users.id,
      email: users.email,
      role: users.role,
      accountId: users.accountId,
      csrfSecret: sessions.csrfSecret,
      isStale: sql<boolean>`${sessions.lastSeenAt} < now() - interval '1 minute'`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, hashToken(token)), gt(sessions.expiresAt, sql`now()`), gt(sessions.lastSeenAt, idle)))
    .limit(1);
  if (!row) return null;
  const { isStale, ...session } = row;
  if (isStale) await db.update(sessions).set({ lastSeenAt: sql`now()` }).where(eq(sessions.id, session.sessionId));
  return session;
}

export async function deleteSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of the user but the one given (none given: all of them). */
export async function deleteUserSessions(db: Database, userId: string, options: { except?: string } = {}): Promise<void> {
  await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), options.except ? ne(sessions.id, options.except) : undefined));
}

export async function deleteExpiredSessions(db: Database, options: { idleMinutes: number }): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, sql`now()`));
  await db.delete(sessions).where(lt(sessions.lastSeenAt, sql`now() - make_interval(mins => ${options.idleMinutes})`));
}

export const csrfTokenFor = (session: Pick<SessionUser, 'csrfSecret'>) => csrfTokens.create(session.csrfSecret);

export const isCsrfTokenValid = (session: Pick<SessionUser, 'csrfSecret'>, token: string | undefined) =>
  typeof token === 'string' && token.length > 0 && token.length < 200 && csrfTokens.verify(session.csrfSecret, token);
