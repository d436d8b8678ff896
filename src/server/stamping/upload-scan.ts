import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { isUniqueViolation } from '../db/client.js';
import { contractStampedScans, stampingRequestContracts, stampingRequests } from '../db/schema/index.js';
import { PdfReader } from '../pdf-structure/reader.js';

export const maxScanBytes = 20 * 1024 * 1024;

/** The states in which the desk holds the stamped originals (or has just mailed them back). */
const scanStates = new Set(['stamped', 'returned', 'completed']);

/** A PDF by its content, not its name or declared type: it parses and has at least one page. */
function assertPdf(bytes: Buffer): void {
  let pages = 0;
  try {
    pages = PdfReader.open(bytes).pages().length;
  } catch {
    throw new AppError('invalid_document', 'The file is not a readable PDF');
  }
  if (pages === 0) throw new AppError('invalid_document', 'The PDF has no pages');
}

/**
 * Archives the scan of one fully stamped original of a contract in the request. A request of
 * several contracts names the contract; each contract keeps one scan, stored once.
 */
export async function uploadStampedScan(
  ctx: AppContext,
  options: { requestId: string; contractId?: string; bytes: Buffer; actor: Actor },
) {
  const { bytes } = options;
  if (bytes.length > maxScanBytes) throw new AppError('payload_too_large', 'The scan is larger than 20 MB');
  assertPdf(bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  try {
    return await ctx.db.transaction(async (tx) => {
      const [request] = await tx.select().from(stampingRequests).where(eq(stampingRequests.id, options.requestId)).for('update');
      if (!request) throw new AppError('not_found');
      if (!scanStates.has(request.status)) throw new AppError('invalid_state', `The request is ${request.status}; scan the originals once stamped`);
      const links = await tx.select().from(stampingRequestContracts).where(eq(stampingRequestContracts.requestId, request.id));
      const contractId = options.contractId ?? (links.length === 1 ? links[0]!.contractId : undefined);
      if (!contractId)
        throw new AppError('validation_failed', 'The request holds several contracts: name one', { errors: [{ path: 'contractId', message: 'required' }] });
      if (!links.some((l) => l.contractId === contractId)) throw new AppError('not_found', 'The contract is not in this request');
      const [scan] = await tx
        .insert(contractStampedScans)
        .values({ contractId, requestId: request.id, sha256, size: bytes.length, bytes, uploadedBy: options.actor.userId })
        .returning({ contractId: contractStampedScans.contractId, sha256: contractStampedScans.sha256, uploadedAt: contractStampedScans.uploadedAt });
      await appendEvent(tx, {
        accountId: request.accountId,
        actor: options.actor,
        action: 'stamping.scan_uploaded',
        subject: { type: 'contract', id: contractId },
        data: { request: request.number, sha256, size: bytes.length },
      });
      return scan!;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'contract_stamped_scans_pkey')) throw new AppError('scan_exists');
    throw error;
  }
}
