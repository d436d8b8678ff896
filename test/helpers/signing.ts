import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { and, desc, eq, like } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { AppContext } from '../../src/server/context.js';
import { outbox } from '../../src/server/db/schema/index.js';

// The one place the tests know the signing flow (意愿认证, then Party A's own key or a
// platform-held one): start → the one-time code → confirm → sign the signed attributes → complete.

export type Requester = (
  caller: { accountId: string | null } & Record<string, unknown>,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<LightMyRequestResponse>;

export type SigningOptions = {
  custody?: 'platform' | 'signer';
  /** The signer's key; one is made per signing otherwise. */
  key?: KeyObject;
  /** An Idempotency-Key: each step sends it with its own suffix. */
  idempotencyKey?: string;
  /** Hears the 202 answer of a confirmation that started a contract job (Party A's own key). */
  onJob?: (job: { id: string; state: string; progress: number; signingId?: string }) => void | Promise<void>;
};

/** One call of the flow under /api/v1, however it travels (inject, fetch, a page's fetch). */
// biome-ignore lint/suspicious/noExplicitAny: answers are read as the API documents them
export type Step = (method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: any }>;

/** Where the test reads the code Party A received. */
export type CodeSource = (signing: { id: string; draftSha256: string }) => Promise<string>;

const codeIn = (text: string) => /验证码：(\d{6})/.exec(text)?.[1];

/** The latest code e-mailed to the account, as the outbox holds it. */
export async function latestCode(app: FastifyInstance, accountId: string, draftSha256?: string): Promise<string> {
  const ctx = (app as unknown as { ctx: AppContext }).ctx;
  const [row] = await ctx.db
    .select({ body: outbox.body })
    .from(outbox)
    .where(
      and(
        eq(outbox.accountId, accountId),
        eq(outbox.carriesCode, true),
        eq(outbox.channel, 'email'),
        // The message names the draft it confirms: simultaneous signings of one account.
        draftSha256 ? like(outbox.body, `%${draftSha256}%`) : undefined,
      ),
    )
    .orderBy(desc(outbox.createdAt))
    .limit(1);
  const code = row && codeIn(row.body);
  if (!code) throw new Error('no code in the outbox');
  return code;
}

/** The code from the database of an app in this process. */
export const codeFromDatabase =
  (app: FastifyInstance, accountId: string): CodeSource =>
  (s) =>
    latestCode(app, accountId, s.draftSha256);

/** The code as the operators' outbox view shows it without SMTP (the demo), read by an operator. */
export const codeFromOutboxView =
  (operator: Step): CodeSource =>
  async (s) => {
    const view = await operator('GET', '/admin/outbox');
    const items = view.body.items as { body: string; channel: string; carriesCode: boolean }[];
    const message = items.find((m) => m.carriesCode && m.channel === 'email' && m.body.includes(s.draftSha256));
    const code = message && codeIn(message.body);
    if (!code) throw new Error(`no code for signing ${s.id} in the outbox view (${view.status})`);
    return code;
  };

/** The code in an e-mail's text (SMTP). */
export const codeInText = (text: string): string => {
  const code = codeIn(text);
  if (!code) throw new Error('no code in the message');
  return code;
};

export function p256Key(): { privateKey: KeyObject; publicJwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown> };
}

/**
 * Drives a signing as the console does: start → the code → confirm → (with the signer's own
 * key) sign the signed attributes in P1363, as WebCrypto does → complete. Answers the first
 * answer that is not a step forward, or the final one carrying the contract.
 */
export async function signThrough(step: Step, code: CodeSource, body: unknown, o: SigningOptions = {}) {
  const h = (name: string): Record<string, string> => (o.idempotencyKey ? { 'idempotency-key': `${o.idempotencyKey}:${name}` } : {});
  const started = await step('POST', '/signings', body, h('start'));
  if (started.status !== 201) return started;
  const signing = started.body.signing as { id: string; draftSha256: string };
  const theCode = await code(signing);
  if (o.custody === 'platform') return step('POST', `/signings/${signing.id}/confirm`, { code: theCode, keyCustody: 'platform' }, h('confirm'));
  const key = o.key ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const publicKey = createPublicKey(key).export({ format: 'jwk' });
  const confirmed = await step('POST', `/signings/${signing.id}/confirm`, { code: theCode, publicKey }, h('confirm'));
  let prepared = confirmed.body?.signing as { toBeSigned: string } | undefined;
  // Above 200 items a contract job prepares the signature: wait until it asks for it.
  if (confirmed.status === 202) {
    if (o.onJob) await o.onJob(confirmed.body.job);
    const waited = await waitForJob(step, confirmed.body.job.id as string, (job) => job.state !== 'queued' && job.state !== 'running');
    if (waited.body.job.state !== 'awaiting_signature') return waited;
    prepared = (await step('GET', `/signings/${signing.id}`)).body.signing;
  } else if (confirmed.status !== 200) return confirmed;
  const toBeSigned = Buffer.from(prepared!.toBeSigned, 'base64');
  const signature = sign('sha256', toBeSigned, { key, dsaEncoding: 'ieee-p1363' }).toString('base64');
  return step('POST', `/signings/${signing.id}/complete`, { signature }, h('complete'));
}

/** Polls a contract job until `until` holds (60 s at most); answers the last GET. */
export async function waitForJob(step: Step, jobId: string, until: (job: { state: string; progress: number }) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await step('GET', `/contract-jobs/${jobId}`);
    if (res.status !== 200 || until(res.body.job)) return res;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${res.body.job.state} at ${res.body.job.progress}%`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** signThrough with app.inject, answering the last response itself (tests read .json(), .statusCode). */
export async function driveSigning(app: FastifyInstance, request: Requester, caller: Parameters<Requester>[0], body: unknown, o: SigningOptions = {}) {
  let last: LightMyRequestResponse | undefined;
  const step: Step = async (method, path, b, headers) => {
    last = await request(caller, method, `/api/v1${path}`, b, headers);
    return { status: last.statusCode, body: last.body ? last.json() : null };
  };
  await signThrough(step, codeFromDatabase(app, caller.accountId!), body, o);
  return last!;
}

/** A Step over fetch to a server, as a signed-in session (cookie and CSRF token) or an API key. */
export function fetchStep(baseUrl: string, headers: Record<string, string>): Step {
  return async (method, path, body, extra = {}) => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/** Requests to an app as a signed-in caller (a second instance sharing the database, say). */
export function requesterFor(app: FastifyInstance): Requester {
  return (caller, method, url, body, headers = {}) =>
    app.inject({
      method,
      url,
      headers: { cookie: caller.cookie as string, 'x-csrf-token': caller.csrfToken as string, ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
}
