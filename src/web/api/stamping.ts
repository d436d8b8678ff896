import type { Courier, ReturnAddress, StampingRequest, StampingStatus, SubmitStampingBody } from '../../shared/schemas/stamping';
import { api, apiUrl } from './client';

export type StampingDestination = { recipient: string; phone: string; address: string; postalCode: string };
export type StampingListFilter = { status?: StampingStatus; q?: string };
export type StampingList = { items: StampingRequest[]; counts: Partial<Record<StampingStatus, number>> };

/** An e-mail of the outbox: sent, or only queued when no SMTP server is configured. */
export type OutboxMessage = {
  id: string;
  toAddress: string;
  subject: string;
  body: string;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
};
export type Outbox = { items: OutboxMessage[]; smtpConfigured: boolean };

export type { Courier, ReturnAddress, StampingRequest, StampingStatus };

const requestPath = (id: string) => `/stamping-requests/${encodeURIComponent(id)}`;
const adminPath = (id: string) => `/admin/stamping-requests/${encodeURIComponent(id)}`;

function listQuery(filter: StampingListFilter): string {
  const query = new URLSearchParams();
  if (filter.status) query.set('status', filter.status);
  if (filter.q?.trim()) query.set('q', filter.q.trim());
  const search = query.toString();
  return search ? `?${search}` : '';
}

export const fetchStampingDestination = (signal?: AbortSignal) => api.get<StampingDestination>('/stamping/destination', signal);

/** `idempotencyKey` makes a double click or a retry answer the first request instead of a second one. */
export const submitStampingRequest = (body: SubmitStampingBody, idempotencyKey: string) =>
  api.post<{ request: StampingRequest }>('/stamping-requests', body, { 'Idempotency-Key': idempotencyKey });

export const fetchStampingRequests = (filter: StampingListFilter, signal?: AbortSignal) =>
  api.get<StampingList>(`/stamping-requests${listQuery(filter)}`, signal);
export const fetchStampingRequest = (id: string, signal?: AbortSignal) => api.get<{ request: StampingRequest }>(requestPath(id), signal);

/** Only the outbound courier can change, and only while submitted: the return address is locked. */
export const changeStampingCourier = (id: string, courier: Courier) => api.patch<{ request: StampingRequest }>(requestPath(id), { courier });
export const cancelStampingRequest = (id: string) => api.post<{ request: StampingRequest }>(`${requestPath(id)}/cancel`);
export const confirmStampingReceipt = (id: string) => api.post<{ request: StampingRequest }>(`${requestPath(id)}/confirm-receipt`);

/** The print package (cover sheet and every contract), for a plain download link. */
export const stampingPrintUrl = (id: string) => apiUrl(`${requestPath(id)}/print.pdf`);

export const fetchAdminStampingRequests = (filter: StampingListFilter, signal?: AbortSignal) =>
  api.get<StampingList>(`/admin/stamping-requests${listQuery(filter)}`, signal);
export const receiveStampingRequest = (id: string) => api.post<{ request: StampingRequest }>(`${adminPath(id)}/receive`);
export const stampStampingRequest = (id: string) => api.post<{ request: StampingRequest }>(`${adminPath(id)}/stamp`);
export const returnStampingRequest = (id: string, courier: Courier) => api.post<{ request: StampingRequest }>(`${adminPath(id)}/return`, { courier });
export const rejectStampingRequest = (id: string, reason: string) => api.post<{ request: StampingRequest }>(`${adminPath(id)}/reject`, { reason });

export const fetchOutbox = (signal?: AbortSignal) => api.get<Outbox>('/admin/outbox', signal);


/** Once the originals are mailed: awaiting_shipment → submitted. */
export const shipStampingRequest = (id: string, courier: Courier) => api.post<{ request: StampingRequest }>(`${requestPath(id)}/ship`, { courier });

/** The desk archives the scan of one fully stamped original, sent as the raw PDF. */
export const uploadStampedScan = (id: string, file: Blob, contractId?: string) =>
  api.postRaw<{ contractId: string; sha256: string; uploadedAt: string }>(
    `${adminPath(id)}/scan${contractId ? `?contractId=${encodeURIComponent(contractId)}` : ''}`,
    file,
    'application/pdf',
  );
