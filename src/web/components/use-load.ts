import { type QueryKey, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';

/**
 * One resource from the query cache, under `key`: what the pages used before TanStack Query,
 * kept as a thin shape (`data`, `error`, `loading`, `reload`, `setData`) so pages stay small.
 * `setData` lays a change's answer over the cached record (it may omit parts the GET has) and
 * marks the record stale, so the full record comes back from the server right after.
 */
export function useLoad<T>(key: QueryKey, load: (signal: AbortSignal) => Promise<T>, options: { enabled?: boolean } = {}) {
  const client = useQueryClient();
  const query = useQuery({ queryKey: key, queryFn: ({ signal }) => load(signal), enabled: options.enabled });
  const { refetch } = query;
  const reload = useCallback(() => {
    refetch();
  }, [refetch]);
  const keyHash = JSON.stringify(key);
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyHash stands for key, whose content (not identity) names the resource.
  const setData = useCallback(
    (data: T) => {
      client.setQueryData<T>(key, (previous) => mergeAnswer(previous, data));
      client.invalidateQueries({ queryKey: key });
    },
    [client, keyHash],
  );
  return { data: query.data, error: query.error ?? undefined, loading: query.isFetching, reload, setData };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{ contract }` over `{ contract }`: the fields of the answer win, the others stay. */
function mergeAnswer<T>(previous: T | undefined, next: T): T {
  if (!isPlainObject(previous) || !isPlainObject(next)) return next;
  const merged: Record<string, unknown> = { ...previous };
  for (const [key, value] of Object.entries(next)) {
    const before = previous[key];
    merged[key] = isPlainObject(before) && isPlainObject(value) ? { ...before, ...value } : value;
  }
  return merged as T;
}
