import type { z } from 'zod';
import type { AdminVerification, adminVerificationDetail, Verification, VerificationBody } from '../../shared/schemas/verification';
import { api, requestBlob } from './client';

export type AdminVerificationFilter = 'pending' | 'verified' | 'rejected';

export const fetchVerification = (signal?: AbortSignal) =>
  api.get<{ verification: Verification | null; rename?: Verification | null }>('/verification', signal);
export const submitVerification = (body: VerificationBody) =>
  api.post<{ verification: Verification }>('/verification', body);

export const fetchAdminVerifications = (status: AdminVerificationFilter, signal?: AbortSignal) =>
  api.get<{ items: AdminVerification[] }>(`/admin/verifications?status=${status}`, signal);
export const approveVerification = (id: string) =>
  api.post<{ verification: Verification }>(`/admin/verifications/${encodeURIComponent(id)}/approve`);
export const rejectVerification = (id: string, reason: string) =>
  api.post<{ verification: Verification }>(`/admin/verifications/${encodeURIComponent(id)}/reject`, { reason });

export type AdminVerificationDetail = z.infer<typeof adminVerificationDetail>;
export type VerificationDocument = { id: string; sha256: string; type: 'image/png' | 'image/jpeg' | 'application/pdf' };

/** Uploads the business licence or a side of the ID card as it is; the server checks its content. */
export const uploadVerificationDocument = (file: File) =>
  api.postRaw<{ document: VerificationDocument }>('/verification/documents', file, file.type || 'application/octet-stream');

export const fetchAdminVerification = (id: string, signal?: AbortSignal) =>
  api.get<{ verification: AdminVerificationDetail }>(`/admin/verifications/${encodeURIComponent(id)}`, signal);
export const fetchAdminVerificationDocument = (id: string, documentId: string) =>
  requestBlob('GET', `/admin/verifications/${encodeURIComponent(id)}/documents/${encodeURIComponent(documentId)}`, { accept: 'image/*, application/pdf, application/problem+json' });
