import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { users, verificationDocuments, verifications } from '../db/schema/index.js';

/**
 * The reviewer's view of one verification, the ID number in full and the evidence listed;
 * personal data seen in full, so every view joins the account's audit chain.
 */
export async function viewVerification(ctx: AppContext, options: { verificationId: string; actor: Actor }) {
  const [row] = await ctx.db.select().from(verifications).where(eq(verifications.id, options.verificationId));
  if (!row) throw new AppError('not_found');
  const [user] = await ctx.db.select({ email: users.email }).from(users).where(eq(users.accountId, row.accountId)).limit(1);
  const documents = await ctx.db
    .select({ id: verificationDocuments.id, sha256: verificationDocuments.sha256, type: verificationDocuments.type, size: verificationDocuments.size })
    .from(verificationDocuments)
    .where(eq(verificationDocuments.verificationId, row.id));
  await ctx.db.transaction((tx) =>
    appendEvent(tx, { accountId: row.accountId, actor: options.actor, action: 'verification.viewed', subject: { type: 'verification', id: row.id } }),
  );
  return { row, email: user?.email ?? '', documents };
}

/** One evidence file of a verification for the reviewer; audited like the fields. */
export async function viewVerificationDocument(ctx: AppContext, options: { verificationId: string; documentId: string; actor: Actor }) {
  const [doc] = await ctx.db.select().from(verificationDocuments).where(eq(verificationDocuments.id, options.documentId));
  if (!doc || doc.verificationId !== options.verificationId) throw new AppError('not_found');
  await ctx.db.transaction((tx) =>
    appendEvent(tx, {
      accountId: doc.accountId,
      actor: options.actor,
      action: 'verification.viewed',
      subject: { type: 'verification', id: options.verificationId },
      data: { document: doc.id, sha256: doc.sha256 },
    }),
  );
  return doc;
}
