import type { FieldError, Problem } from '../../shared/errors';

// A thin fetch wrapper: JSON in and out, problem+json errors as ApiError, and the CSRF token
// (kept in memory only) sent on every state-changing request.

const basePath = '/api/v1';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A problem whose code may also be `network_error` when no answer came back at all. */
export type ClientProblem = Omit<Problem, 'code'> & { code: Problem['code'] | 'network_error' | 'unknown' };

export class ApiError extends Error {
  readonly problem: ClientProblem;
  readonly retryAfterSeconds?: number;

  constructor(problem: ClientProblem, retryAfterSeconds?: number) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get code(): ClientProblem['code'] {
    return this.problem.code;
  }

  get status(): number {
    return this.problem.status;
  }

  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session is gone, so the console can go to the login page. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

type RequestOptions = {
  body?: unknown;
  /** Bytes sent as they are (a PDF to verify), with their own content type. */
  raw?: { data: ArrayBuffer | Blob; contentType: string };
  headers?: Record<string, string>;
  accept?: string;
  signal?: AbortSignal;
};

async function readProblem(res: Response): Promise<ClientProblem> {
  const fallback: ClientProblem = {
    type: 'about:blank',
    title: res.statusText || 'Error',
    status: res.status,
    // 502–504 without a problem body come from a proxy in front of an unreachable server.
    code: res.status >= 502 && res.status <= 504 ? 'service_unavailable' : res.status >= 500 ? 'internal_error' : 'unknown',
  };
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return fallback;
  try {
    const body = (await res.json()) as Partial<Problem>;
    return typeof body.code === 'string' ? { ...fallback, ...body, status: res.status } : fallback;
  } catch {
    return fallback;
  }
}

function parseRetryAfter(res: Response): number | undefined {
  const value = res.headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

async function send(method: Method, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json', ...options.headers };
  if (options.raw) headers['Content-Type'] = options.raw.contentType;
  else if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(basePath + path, {
      method,
      headers,
      body: options.raw ? options.raw.data : options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ type: 'about:blank', title: 'Network error', status: 0, code: 'network_error' });
  }
}

/** Sends the request; a rotated CSRF token is fetched again and the request retried once. */
async function sendChecked(method: Method, path: string, options: RequestOptions): Promise<Response> {
  let res = await send(method, path, options);
  if (res.status === 403 && method !== 'GET') {
    const problem = await readProblem(res.clone());
    // The token may have rotated (another tab signed in again): fetch the current one, retry once.
    if (problem.code === 'csrf_invalid') {
      const me = await send('GET', '/me', {});
      if (me.ok) {
        setCsrfToken(((await me.json()) as { csrfToken: string }).csrfToken);
        res = await send(method, path, options);
      }
    }
  }
  if (!res.ok) {
    const problem = await readProblem(res);
    if (problem.code === 'unauthenticated') onUnauthenticated?.();
    throw new ApiError(problem, parseRetryAfter(res));
  }
  return res;
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const res = await sendChecked(method, path, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A binary answer (a draft PDF), with the same CSRF handling and problem+json errors. */
export async function requestBlob(method: Method, path: string, options: RequestOptions = {}): Promise<Blob> {
  const res = await sendChecked(method, path, { ...options, accept: options.accept ?? 'application/pdf, application/problem+json' });
  return res.blob();
}

/** The URL of an API resource for a plain link (GET downloads ride on the session cookie). */
export const apiUrl = (path: string) => basePath + path;

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, { signal }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, { body, headers }),
  postBlob: (path: string, body: unknown, signal?: AbortSignal) => requestBlob('POST', path, { body, signal }),
  postRaw: <T>(path: string, data: ArrayBuffer | Blob, contentType: string) => request<T>('POST', path, { raw: { data, contentType } }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
};
