import type { Contract } from '../../shared/schemas/contract';
import type { ContractJob } from '../../shared/schemas/contract-job';
import type { Signing, StartSigningBody } from '../../shared/schemas/signing';
import { api, apiUrl } from './client';

export type { Signing, StartSigningBody };

const signingPath = (id: string) => `/signings/${encodeURIComponent(id)}`;

/** Renders the draft and sends the one-time code to Party A's contact (意愿认证). */
export const startSigning = (body: StartSigningBody, idempotencyKey: string) =>
  api.post<{ signing: Signing }>('/signings', body, { 'Idempotency-Key': idempotencyKey });

export const resendSigningCode = (id: string) => api.post<{ signing: Signing }>(`${signingPath(id)}/resend`);

/**
 * The code with Party A's public key: the answer carries the certificate and the DER to sign,
 * or, for an attachment above 200 items, the contract job that prepares them (202).
 */
export const confirmSigning = (id: string, body: { code: string; publicKey: JsonWebKey }, idempotencyKey: string) =>
  api.post<{ signing: Signing } | { job: ContractJob }>(`${signingPath(id)}/confirm`, body, { 'Idempotency-Key': idempotencyKey });

export const fetchSigning = (id: string, signal?: AbortSignal) => api.get<{ signing: Signing }>(signingPath(id), signal);

export const completeSigning = (id: string, signature: string, idempotencyKey: string) =>
  api.post<{ contract: Contract }>(`${signingPath(id)}/complete`, { signature }, { 'Idempotency-Key': idempotencyKey });

/** The exact draft the code confirms. */
export const signingDraftUrl = (id: string) => apiUrl(`${signingPath(id)}/draft.pdf`);
