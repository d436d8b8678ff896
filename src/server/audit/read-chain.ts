import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { auditEvents } from '../db/schema/index.js';
import { isChainValid } from './hash-chain.js';

export async function readChain(db: Database, chainKey: string) {
  const events = await db.select().from(auditEvents).where(eq(auditEvents.chainKey, chainKey)).orderBy(asc(auditEvents.seq));
  return { events, chainValid: isChainValid(events) };
}
