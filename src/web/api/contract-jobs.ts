import type { ContractJob } from '../../shared/schemas/contract-job';
import { api } from './client';

export type { ContractJob };

export const isFinished = (job: ContractJob) => job.state === 'done' || job.state === 'failed';

export const fetchRecentContractJobs = (signal?: AbortSignal) => api.get<{ items: ContractJob[] }>('/contract-jobs', signal);

export const fetchContractJob = (id: string, signal?: AbortSignal) => api.get<{ job: ContractJob }>(`/contract-jobs/${encodeURIComponent(id)}`, signal);

/** Where the console shows a job: the user may leave and come back to this address. */
export const contractJobPath = (id: string) => `/contracts/jobs/${encodeURIComponent(id)}`;
