import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { attachmentItems } from '../db/schema/index.js';

/** The orders or filings an attachment covers, as printed in it. */
export async function readAttachmentItems(db: Database, contractId: string) {
  const rows = await db
    .select({ itemId: attachmentItems.itemId, itemKind: attachmentItems.itemKind, snapshot: attachmentItems.snapshot, inForce: attachmentItems.inForce })
    .from(attachmentItems)
    .where(eq(attachmentItems.contractId, contractId))
    .orderBy(asc(attachmentItems.position));
  return rows.map((r) => ({ id: r.itemId, kind: r.itemKind, ...(r.snapshot as Record<string, unknown>) }));
}
