import type { ApplyFrameworkBody, Contract, ContractKind, ContractList, ContractListItem, ContractStatus, EligibilityResponse, PatchContractBody, VerifyResponse } from '../../shared/schemas/contract';
import { infiniteQueryOptions } from '@tanstack/react-query';
import { api, apiUrl } from './client';
import { queryKeys } from './query';

export type ContractListFilter = {
  kind?: ContractKind;
  status?: ContractStatus;
  q?: string;
  /** The attachments of one framework agreement. */
  frameworkId?: string;
  limit?: number;
  cursor?: string;
  /** Hidden (voided or terminated) contracts are left out unless `include`. */
  hidden?: 'include';
  /** Signed on or after / on or before these days (China time, YYYY-MM-DD). */
  from?: string;
  to?: string;
};
export type ContractListPage = ContractList;

export type AuditEvent = {
  seq: number;
  action: string;
  actor: { role: string; userId: string | null; email?: string | null; apiKeyId?: string | null };
  at: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
};
export type ContractAudit = { events: AuditEvent[]; chainValid: boolean };

export type FrameworkTerms = Omit<ApplyFrameworkBody, 'accept'>;

const contractPath = (id: string) => `/contracts/${encodeURIComponent(id)}`;

/** Contracts a page of the list holds (加载更多 asks for the next). */
const contractPageSize = 20;

export function fetchContracts(filter: ContractListFilter, signal?: AbortSignal) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  const search = query.toString();
  return api.get<ContractListPage>(`/contracts${search ? `?${search}` : ''}`, signal);
}

/** The contract list's pages: one query for the list and for the landing page's prefetch (app.tsx). */
export const contractListQuery = (filter: ContractListFilter, isOperator: boolean) =>
  infiniteQueryOptions({
    queryKey: queryKeys.contractList({ ...filter, isOperator }),
    queryFn: ({ pageParam, signal }) => fetchContracts({ ...filter, limit: contractPageSize, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: ContractListPage) => page.nextCursor ?? undefined,
  });

/** Every contract the filter matches, page by page, up to `max` (an export of the filtered list). */
export async function fetchAllContracts(filter: Omit<ContractListFilter, 'cursor' | 'limit'>, max: number): Promise<ContractListItem[]> {
  const all: ContractListItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchContracts({ ...filter, limit: 100, cursor });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && all.length < max);
  return all.slice(0, max);
}

export const fetchContract = (id: string, signal?: AbortSignal) => api.get<{ contract: Contract }>(contractPath(id), signal);
export const fetchContractAudit = (id: string, signal?: AbortSignal) => api.get<ContractAudit>(`${contractPath(id)}/audit`, signal);

/** The signed PDF, for a plain download link: the server names the file after the contract number. */
export const contractPdfUrl = (id: string) => apiUrl(`${contractPath(id)}/pdf`);

/** The evidence report (出证报告), signed by Party B. */
export const contractEvidenceUrl = (id: string) => apiUrl(`${contractPath(id)}/evidence.pdf`);

/** The unsigned draft, watermarked by the server, to show in the wizard's preview step. */
export const previewFramework = (terms: FrameworkTerms, signal?: AbortSignal) => api.postBlob('/contracts/framework/preview', terms, signal);

export const voidContract = (id: string, reason: string) => api.post<{ contract: Contract }>(`${contractPath(id)}/void`, { reason });
export const terminateContract = (id: string, reason: string) =>
  api.post<{ contract: Contract }>(`/admin${contractPath(id)}/terminate`, { reason });

/** Public 验真: the PDF's bytes as they are. */
export const verifyPdf = (bytes: ArrayBuffer) => api.postRaw<VerifyResponse>('/verify', bytes, 'application/pdf');
export const stampedScanUrl = (id: string) => apiUrl(`${contractPath(id)}/stamped-scan.pdf`);

/** What the account may apply for now, and every reason why not (the server's own rules). */
export const fetchEligibility = (signal?: AbortSignal) => api.get<EligibilityResponse>('/contracts/eligibility', signal);

export const updateContract = (id: string, body: PatchContractBody) => api.patch<{ contract: Contract }>(contractPath(id), body);
