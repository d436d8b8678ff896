import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { Database } from '../db/client.js';
import { accounts } from '../db/schema/index.js';

export async function assertAccountExists(db: Database, accountId: string) {
  const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw new AppError('not_found', 'No such account');
}
