import type { Contract, ContractStatus, StampedScan } from '../../shared/schemas/contract.js';
import type { StampingStatus } from '../../shared/schemas/stamping.js';
import type { contracts } from '../db/schema/index.js';

export type ContractRow = typeof contracts.$inferSelect;

/** A contract past its term is expired wherever it is shown, even before the sweep wrote it. */
export function currentStatus(row: Pick<ContractRow, 'status' | 'expiresAt' | 'effectiveAt'>, now = new Date()): ContractStatus {
  // A renewal whose start has passed is in force, even before the periodic task wrote it.
  const status = row.status === 'scheduled' && row.effectiveAt.getTime() <= now.getTime() ? 'effective' : row.status;
  return status === 'effective' && row.expiresAt.getTime() <= now.getTime() ? 'expired' : status;
}

/**
 * A framework agreement not started yet, waiting to succeed the one in force: what is applied
 * for under it is a re-issue (重新签发) of its predecessor's attachments, starting with it.
 */
export function isReissue(framework: Pick<ContractRow, 'status' | 'effectiveAt' | 'expiresAt' | 'renewsId'>, now = new Date()) {
  return framework.renewsId !== null && currentStatus(framework, now) === 'scheduled';
}

export function presentContract(
  row: ContractRow,
  extra: { items?: unknown[]; stampingStatus?: StampingStatus; stampedScan?: StampedScan; renewedBy?: Contract['renewedBy'] } = {},
): Contract {
  return {
    id: row.id,
    number: row.number,
    kind: row.kind,
    status: currentStatus(row),
    ...(row.frameworkId ? { frameworkId: row.frameworkId } : {}),
    copies: row.copies,
    ...(row.termYears ? { termYears: row.termYears } : {}),
    effectiveAt: row.effectiveAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    partyA: row.partyA,
    partyB: row.partyB,
    templateVersion: row.templateVersion,
    sha256: row.sha256,
    signatures: row.signatures,
    ...(row.statusReason ? { statusReason: row.statusReason } : {}),
    ...(row.statusChangedAt ? { statusChangedAt: row.statusChangedAt.toISOString() } : {}),
    ...(row.renewsId ? { renewsId: row.renewsId } : {}),
    ...(row.remark ? { remark: row.remark } : {}),
    ...(row.hidden ? { hidden: true } : {}),
    ...extra,
    createdAt: row.createdAt.toISOString(),
  };
}
