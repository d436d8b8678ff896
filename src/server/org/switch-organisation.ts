import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { membershipOf, type SessionUser } from '../auth/sessions.js';
import type { Database } from '../db/client.js';
import { sessions } from '../db/schema/index.js';

/** Moves the session to another organisation the user belongs to. */
export async function switchOrganisation(db: Database, options: { session: SessionUser; accountId: string }) {
  if (options.session.role !== 'customer') throw new AppError('forbidden');
  // Not a member: answered as if there were no such organisation.
  if (!(await membershipOf(db, options.session.userId, options.accountId))) throw new AppError('not_found');
  await db.update(sessions).set({ accountId: options.accountId }).where(eq(sessions.id, options.session.sessionId));
}
