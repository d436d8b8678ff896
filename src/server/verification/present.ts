import { maskIdNumber } from '../../shared/ids.js';
import type { Verification } from '../../shared/schemas/verification.js';
import type { verifications } from '../db/schema/index.js';

type Row = typeof verifications.$inferSelect;

/** The API shape; the ID number is shown in full only to its owner. */
export function presentVerification(row: Row, options: { isOwner: boolean }): Verification {
  return {
    id: row.id,
    subjectType: row.subjectType,
    name: row.name,
    ...(row.idNumber ? { idNumber: options.isOwner ? row.idNumber : maskIdNumber(row.idNumber) } : {}),
    ...(row.creditCode ? { creditCode: row.creditCode } : {}),
    ...(row.legalRepresentative ? { legalRepresentative: row.legalRepresentative } : {}),
    status: row.status,
    ...(row.rejectReason ? { rejectReason: row.rejectReason } : {}),
    createdAt: row.createdAt.toISOString(),
    ...(row.decidedAt ? { decidedAt: row.decidedAt.toISOString() } : {}),
    ...(row.isAppeal ? { isAppeal: true } : {}),
    ...(row.renamesId ? { isRename: true } : {}),
  };
}
