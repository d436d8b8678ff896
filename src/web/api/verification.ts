import type { AdminVerification, Verification, VerificationBody } from '../../shared/schemas/verification';
import { api } from './client';

export type AdminVerificationFilter = 'pending' | 'verified' | 'rejected';

export const fetchVerification = (signal?: AbortSignal) =>
  api.get<{ verification: Verification | null }>('/verification', signal);
export const submitVerification = (body: VerificationBody) =>
  api.post<{ verification: Verification }>('/verification', body);

export const fetchAdminVerifications = (status: AdminVerificationFilter, signal?: AbortSignal) =>
  api.get<{ items: AdminVerification[] }>(`/admin/verifications?status=${status}`, signal);
export const approveVerification = (id: string) =>
  api.post<{ verification: Verification }>(`/admin/verifications/${encodeURIComponent(id)}/approve`);
export const rejectVerification = (id: string, reason: string) =>
  api.post<{ verification: Verification }>(`/admin/verifications/${encodeURIComponent(id)}/reject`, { reason });
