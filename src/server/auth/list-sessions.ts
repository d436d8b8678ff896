import { desc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { sessions } from '../db/schema/index.js';
import type { SessionUser } from './sessions.js';

/** A short device name from a user agent; enough to tell one's phone from a stranger's PC. */
export function deviceOf(userAgent: string | null): string {
  if (!userAgent) return 'unknown';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /MicroMessenger/.test(userAgent)
      ? 'WeChat'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Firefox\//.test(userAgent)
          ? 'Firefox'
          : /Safari\//.test(userAgent)
            ? 'Safari'
            : null;
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Android/.test(userAgent)
        ? 'Android'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  if (!browser && !os) return userAgent.slice(0, 60);
  return [browser, os].filter(Boolean).join(' · ');
}

/** The user's sessions, the most recently used first; the session ids are never shown raw. */
export async function listSessions(db: Database, session: SessionUser) {
  const rows = await db.select().from(sessions).where(eq(sessions.userId, session.userId)).orderBy(desc(sessions.lastSeenAt));
  return rows.map((row) => ({
    // A prefix of the stored hash: enough to name the session, useless as a cookie.
    id: row.id.slice(0, 32),
    device: deviceOf(row.userAgent),
    ip: row.ip,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    isCurrent: row.id === session.sessionId,
  }));
}
