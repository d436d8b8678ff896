import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Database } from '../db/client.js';
import { contracts } from '../db/schema/index.js';

/** The contract if the caller may see it: its own account's, or any for an operator; else 404. */
export async function loadContract(db: Database, contractId: string, viewer: Pick<SessionUser, 'role' | 'accountId'>) {
  const [row] = await db.select().from(contracts).where(eq(contracts.id, contractId));
  if (!row || (viewer.role !== 'operator' && row.accountId !== viewer.accountId)) throw new AppError('not_found');
  return row;
}
