import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { Database } from '../db/client.js';
import { signings } from '../db/schema/index.js';

// The draft and the prepared revision are whole PDFs (hundreds of KB for an attachment): each
// step reads or returns them only where it uses them, never as a by-product of a row.
const { draft: _draft, prepared: _prepared, ...signingFields } = getTableColumns(signings);
export { signingFields };

/** A signing without its documents. */
export type SigningRow = Omit<typeof signings.$inferSelect, 'draft' | 'prepared'>;

/** Who may see a signing: the user who started it, in its account. */
export type SigningViewer = { accountId: string; userId: string };

/** A signing only its own user sees: another user, even of the same account, gets 404. */
export async function loadSigning(db: Database, id: string, viewer: SigningViewer, o: { forUpdate?: boolean } = {}): Promise<SigningRow> {
  const query = db
    .select(signingFields)
    .from(signings)
    .where(and(eq(signings.id, id), eq(signings.accountId, viewer.accountId), eq(signings.userId, viewer.userId)));
  const [row] = o.forUpdate ? await query.for('update') : await query;
  if (!row) throw new AppError('not_found', 'No such signing');
  return row;
}

/**
 * A signing with its prepared revision: what completing it needs. A revision kept as what it
 * appends to the draft (`preparedMeta.base`) is joined to the draft: `cachedDraft` when this
 * instance still holds it, else read with the row.
 */
export async function loadPreparedSigning(
  db: Database,
  id: string,
  viewer: SigningViewer,
  cachedDraft?: (draftSha256: string) => Buffer | undefined,
): Promise<SigningRow & { prepared: Buffer | null }> {
  const where = and(eq(signings.id, id), eq(signings.accountId, viewer.accountId), eq(signings.userId, viewer.userId));
  const onDraft = sql<boolean>`coalesce(${signings.preparedMeta} ->> 'base' = 'draft', false)`;
  if (cachedDraft) {
    const [row] = await db.select({ ...signingFields, tail: signings.prepared, onDraft }).from(signings).where(where);
    if (!row) throw new AppError('not_found', 'No such signing');
    const { tail, onDraft: appends, ...signing } = row;
    const base = appends && tail ? (cachedDraft(signing.draftSha256) ?? (await loadSigningDocument(db, id, viewer, 'draft'))) : null;
    return { ...signing, prepared: tail && base ? Buffer.concat([base, tail]) : tail };
  }
  const [row] = await db
    .select({
      ...signingFields,
      tail: signings.prepared,
      base: sql<Buffer | null>`case when ${onDraft} then ${signings.draft} end`.mapWith(signings.draft),
    })
    .from(signings)
    .where(where);
  if (!row) throw new AppError('not_found', 'No such signing');
  const { tail, base, ...signing } = row;
  return { ...signing, prepared: tail && base ? Buffer.concat([base, tail]) : tail };
}

/** One of a signing's documents, for its own user. */
export async function loadSigningDocument(db: Database, id: string, viewer: SigningViewer, which: 'draft' | 'prepared'): Promise<Buffer | null> {
  const [row] = await db
    .select({ bytes: signings[which] })
    .from(signings)
    .where(and(eq(signings.id, id), eq(signings.accountId, viewer.accountId), eq(signings.userId, viewer.userId)));
  if (!row) throw new AppError('not_found', 'No such signing');
  return row.bytes;
}

/** A signing past its time, or ended by wrong codes, is over; a completed one says so. */
export function throwIfOver(row: SigningRow, now: Date = new Date()) {
  if (row.status === 'completed') throw new AppError('invalid_state', 'This signing is completed; its code cannot be used again');
  if (row.status === 'ended') throw new AppError('signing_expired', 'This signing ended; start a new one');
  if (row.expiresAt <= now) throw new AppError('signing_expired');
  if (row.status === 'awaiting_code' && row.codeExpiresAt <= now) throw new AppError('signing_expired', 'The code expired; ask for a new one or start again');
}
