import { QueryClient, type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { ApiError } from './client';

// Server state lives in one TanStack Query cache, keyed by resource. Keys start with the area
// (`contracts`, `stamping`, …) so that a change invalidates everything of its area at once.

export const queryKeys = {
  me: ['me'] as const,
  contracts: ['contracts'] as const,
  eligibility: ['contracts', 'eligibility'] as const,
  contract: (id: string) => ['contracts', 'detail', id] as const,
  contractAudit: (id: string) => ['contracts', 'audit', id] as const,
  contractJob: (id: string) => ['contracts', 'job', id] as const,
  contractJobs: ['contracts', 'jobs'] as const,
  contractList: (filter: object) => ['contracts', 'list', filter] as const,
  frameworkAttachments: (frameworkId: string) => ['contracts', 'attachments', frameworkId] as const,
  stamping: ['stamping'] as const,
  verification: ['verification'] as const,
  partyA: ['party-a'] as const,
  outbox: ['outbox'] as const,
};

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refused request (404, 403, a bad filter) answers the same the second time.
      retry: (failureCount, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failureCount < 2,
      staleTime: 15_000,
      refetchOnWindowFocus: false,
    },
  },
});

/**
 * After a change: the area's cached answers are stale, and those on screen are fetched again.
 * The answer of a change may be leaner than the record's own GET (a voided contract comes back
 * without its items), so the page must not be left showing that answer alone.
 */
export function useInvalidate() {
  const client = useQueryClient();
  return useCallback((...keys: QueryKey[]) => Promise.all(keys.map((queryKey) => client.invalidateQueries({ queryKey }))), [client]);
}
