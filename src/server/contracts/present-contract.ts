import type { Contract, ContractStatus, StampedScan } from '../../shared/schemas/contract.js';
import type { StampingStatus } from '../../shared/schemas/stamping.js';
import type { contracts } from '../db/schema/index.js';

export type ContractRow = typeof contracts.$inferSelect;

/** A contract past its term is expired wherever it is shown, even before the sweep wrote it. */
export function currentStatus(row: Pick<ContractRow, 'status' | 'expiresAt'>, now = new Date()): ContractStatus {
  return row.status === 'effective' && row.expiresAt.getTime() <= now.getTime() ? 'expired' : row.status;
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
    ...extra,
    createdAt: row.createdAt.toISOString(),
  };
}
