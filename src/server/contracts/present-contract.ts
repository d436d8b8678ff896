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

export function presentContract(row: ContractRow, extra: { items?: unknown[]; stampingStatus?: StampingStatus; stampedScan?: StampedScan } = {}): Contract {
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
