import { useRef } from 'react';

/** crypto.randomUUID needs a secure context; a console served over plain HTTP on a LAN has none. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One key per wizard run and request body: a double click or a retry after a lost answer gets
 * what the first request made. Another body is another request, so it gets another key.
 */
export function useIdempotencyKey(): (body: unknown) => string {
  const current = useRef<{ key: string; body: string } | null>(null);
  return (body) => {
    const text = JSON.stringify(body);
    if (current.current?.body !== text) current.current = { key: newIdempotencyKey(), body: text };
    return current.current.key;
  };
}
