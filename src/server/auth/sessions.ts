import { createHash, randomBytes } from 'node:crypto';
import Tokens from '@fastify/csrf';
import { and, eq, gt, isNull, lt, ne, sql } from 'drizzle-orm';
import { type Action, builtInRolePermissions, isAction, permissionsOfOperator } from '../../shared/permissions.js';
import type { Database } from '../db/client.js';
import { apiKeys, memberships, orgRoles, sessions, users } from '../db/schema/index.js';
import { rowStatement } from '../db/row-statement.js';

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
  /** The member's role in the current organisation: a built-in name or a custom role's name. */
  memberRole: string | null;
  /** What this caller may do (the role's actions; for an API key, its own subset). */
  permissions: Action[];
  /** Set when an API key, not a session, made the request (no CSRF then). */
  apiKeyId: string | null;
  /** The user has a confirmed TOTP second factor. */
  hasTotp: boolean;
};

type MemberRoleRow = { role: string | null; customName: string | null; customPermissions: string[] | null };

function memberPermissions(row: MemberRoleRow): Action[] {
  if (row.role) return [...(builtInRolePermissions[row.role as keyof typeof builtInRolePermissions] ?? [])];
  return (row.customPermissions ?? []).filter(isAction);
}

/** The role and actions of a user in an organisation, or null when not a member. */
export async function membershipOf(db: Database, userId: string, accountId: string): Promise<{ memberRole: string; permissions: Action[] } | null> {
  const [row] = await db
    .select({ role: memberships.role, customName: orgRoles.name, customPermissions: orgRoles.permissions })
    .from(memberships)
    .leftJoin(orgRoles, eq(orgRoles.id, memberships.customRoleId))
    .where(and(eq(memberships.userId, userId), eq(memberships.accountId, accountId)))
    .limit(1);
  if (!row) return null;
  return { memberRole: row.role ?? row.customName ?? '', permissions: memberPermissions(row) };
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a session; returns the cookie token (only its hash is stored) and a CSRF token bound to it. */
export async function createSession(
  db: Database,
  userId: string,
  accountId: string | null,
  client: { ip?: string | null; userAgent?: string | null } = {},
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfSecret = csrfTokens.secretSync();
  const expiresAt = new Date(Date.now() + sessionLifetimeMs);
  await db.insert(sessions).values({
    id: hashToken(token),
    userId,
    accountId,
    csrfSecret,
    expiresAt,
    ip: client.ip ?? null,
    userAgent: client.userAgent?.slice(0, 400) ?? null,
  });
  return { token, csrfToken: csrfTokens.create(csrfSecret), expiresAt };
}

function prepareSessionLookup(db: Database) {
  const query = db
    .select({
      sessionId: sessions.id,
      userId: users.id,
      email: users.email,
      role: users.role,
      operatorRoles: users.operatorRoles,
      accountId: sessions.accountId,
      csrfSecret: sessions.csrfSecret,
      memberRole: memberships.role,
      customName: orgRoles.name,
      customPermissions: orgRoles.permissions,
      isStale: sql<boolean>`${sessions.lastSeenAt} < now() - interval '1 minute'`,
      hasTotp: sql<boolean>`${users.totpSecret} is not null`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.accountId, sessions.accountId)))
    .leftJoin(orgRoles, eq(orgRoles.id, memberships.customRoleId))
    .where(
      and(
        eq(sessions.id, sql.placeholder('id')),
        gt(sessions.expiresAt, sql`now()`),
        gt(sessions.lastSeenAt, sql`now() - make_interval(mins => ${sql.placeholder('idleMinutes')}::int)`),
      ),
    )
    .limit(1);
  return rowStatement(db, query, 'session_lookup');
}

// Every request looks its session up: its SQL is built once per database, not per request.
const sessionLookups = new WeakMap<Database, ReturnType<typeof prepareSessionLookup>>();

/**
 * The session of a cookie token while it is within both its absolute lifetime and the idle
 * timeout, and, for a customer, while the user is still a member of the session's
 * organisation (a removed member's sessions end at once); its last use is moved forward at
 * most once a minute, so that reads stay reads.
 */
export async function findSession(db: Database, token: string, options: { idleMinutes: number }): Promise<SessionUser | null> {
  let lookup = sessionLookups.get(db);
  if (!lookup) {
    lookup = prepareSessionLookup(db);
    sessionLookups.set(db, lookup);
  }
  const [row] = await lookup.execute({ id: hashToken(token), idleMinutes: options.idleMinutes });
  if (!row) return null;
  const isMember = row.memberRole !== null || row.customName !== null;
  if (row.role === 'customer' && !isMember) return null;
  if (row.isStale) await db.update(sessions).set({ lastSeenAt: sql`now()` }).where(eq(sessions.id, row.sessionId));
  return {
    sessionId: row.sessionId,
    userId: row.userId,
    email: row.email,
    role: row.role,
    accountId: row.role === 'customer' ? row.accountId : null,
    csrfSecret: row.csrfSecret,
    memberRole: row.role === 'customer' ? (row.memberRole ?? row.customName) : null,
    permissions:
      row.role === 'customer'
        ? memberPermissions({ role: row.memberRole, customName: row.customName, customPermissions: row.customPermissions })
        : permissionsOfOperator(row.operatorRoles),
    apiKeyId: null,
    hasTotp: row.hasTotp,
  };
}

export const apiKeyPrefix = 'qk_';

/**
 * The caller an API key's secret stands for: the key's own actions, never more than its
 * creator's role allows today (a key outlives neither its creator's membership nor a demotion).
 */
export async function findApiKey(db: Database, secret: string): Promise<SessionUser | null> {
  const [row] = await db
    .select({
      id: apiKeys.id,
      accountId: apiKeys.accountId,
      permissions: apiKeys.permissions,
      createdBy: apiKeys.createdBy,
      email: users.email,
      isStale: sql<boolean>`${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - interval '1 minute'`,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.createdBy))
    .where(and(eq(apiKeys.secretHash, hashToken(secret)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  const creator = await membershipOf(db, row.createdBy, row.accountId);
  if (!creator) return null;
  if (row.isStale) await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, row.id));
  const allowed = new Set(creator.permissions);
  return {
    sessionId: '',
    userId: row.createdBy,
    email: row.email,
    role: 'customer',
    accountId: row.accountId,
    csrfSecret: '',
    memberRole: creator.memberRole,
    permissions: row.permissions.filter((p): p is Action => isAction(p) && allowed.has(p)),
    apiKeyId: row.id,
    hasTotp: false,
  };
}

export const hashSecret = hashToken;

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
