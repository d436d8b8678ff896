import { and, eq, inArray } from 'drizzle-orm';
import type { StampedScan } from '../../shared/schemas/contract.js';
import type { Carrier } from '../../shared/ids.js';
import type { Database } from '../db/client.js';
import { contractStampedScans, stampingHistory, stampingRequests } from '../db/schema/index.js';

/** The archived scan of a contract with its seal record, or undefined if none was uploaded. */
export async function stampedScanOf(db: Database, contractId: string): Promise<StampedScan | undefined> {
  const [row] = await db
    .select({ sha256: contractStampedScans.sha256, uploadedAt: contractStampedScans.uploadedAt, request: stampingRequests })
    .from(contractStampedScans)
    .innerJoin(stampingRequests, eq(stampingRequests.id, contractStampedScans.requestId))
    .where(eq(contractStampedScans.contractId, contractId));
  if (!row) return undefined;
  const steps = await db
    .select({ status: stampingHistory.status, at: stampingHistory.at })
    .from(stampingHistory)
    .where(and(eq(stampingHistory.requestId, row.request.id), eq(stampingHistory.kind, 'status'), inArray(stampingHistory.status, ['submitted', 'stamped'])));
  const at = (status: string) => steps.find((s) => s.status === status)?.at.toISOString() ?? null;
  const r = row.request;
  return {
    sha256: row.sha256,
    uploadedAt: row.uploadedAt.toISOString(),
    sealRecord: {
      requestId: r.id,
      requestNumber: r.number,
      partyASubmittedAt: at('submitted'),
      partyBStampedAt: at('stamped'),
      courier: r.carrier && r.trackingNumber ? { carrier: r.carrier as Carrier, trackingNumber: r.trackingNumber } : null,
      returnCourier: r.returnCarrier && r.returnTrackingNumber ? { carrier: r.returnCarrier as Carrier, trackingNumber: r.returnTrackingNumber } : null,
    },
  };
}

export async function readStampedScan(db: Database, contractId: string): Promise<Buffer | undefined> {
  const [row] = await db.select({ bytes: contractStampedScans.bytes }).from(contractStampedScans).where(eq(contractStampedScans.contractId, contractId));
  return row?.bytes;
}
