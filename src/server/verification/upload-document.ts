import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import { verificationDocuments } from '../db/schema/index.js';
import { checkDocument } from './check-document.js';

/** Stores an evidence file once per account, keyed by its SHA-256, after checking its content. */
export async function uploadDocument(ctx: AppContext, options: { accountId: string; bytes: Buffer; contentType: string }) {
  const check = checkDocument(options.bytes, options.contentType);
  if (!check.valid) throw new AppError('invalid_document', `The file is not a valid PNG, JPEG or PDF (${check.reason})`);
  const sha256 = createHash('sha256').update(options.bytes).digest('hex');
  await ctx.db
    .insert(verificationDocuments)
    .values({ accountId: options.accountId, type: check.type, sha256, size: options.bytes.length, bytes: options.bytes })
    .onConflictDoNothing();
  const [row] = await ctx.db
    .select({ id: verificationDocuments.id, sha256: verificationDocuments.sha256, type: verificationDocuments.type })
    .from(verificationDocuments)
    .where(and(eq(verificationDocuments.accountId, options.accountId), eq(verificationDocuments.sha256, sha256)));
  return row!;
}
