import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { and, desc, eq, like } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { AppContext } from '../../src/server/context.js';
import { outbox } from '../../src/server/db/schema/index.js';

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
};

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
  const code = row && /验证码：(\d{6})/.exec(row.body)?.[1];
  if (!code) throw new Error('no code in the outbox');
  return code;
}

export function p256Key(): { privateKey: KeyObject; publicJwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown> };
}

/**
 * Drives a signing as the console does: start → the code from the outbox → confirm → (with the
 * signer's own key) sign the signed attributes in P1363 → complete. Answers the first response
 * that is not a step forward, or the final one carrying the contract.
 */
export async function driveSigning(app: FastifyInstance, request: Requester, caller: Parameters<Requester>[0], body: unknown, o: SigningOptions = {}) {
  const h = (step: string): Record<string, string> => (o.idempotencyKey ? { 'idempotency-key': `${o.idempotencyKey}:${step}` } : {});
  const started = await request(caller, 'POST', '/api/v1/signings', body, h('start'));
  if (started.statusCode !== 201) return started;
  const { id, draftSha256 } = started.json().signing as { id: string; draftSha256: string };
  const code = await latestCode(app, caller.accountId!, draftSha256);
  // A replayed start is a signing confirmed already: its confirmation is replayed too.
  if (o.custody === 'platform') return request(caller, 'POST', `/api/v1/signings/${id}/confirm`, { code, keyCustody: 'platform' }, h('confirm'));
  const key = o.key ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const jwk = (await import('node:crypto')).createPublicKey(key).export({ format: 'jwk' });
  const confirmed = await request(caller, 'POST', `/api/v1/signings/${id}/confirm`, { code, publicKey: jwk }, h('confirm'));
  if (confirmed.statusCode !== 200) return confirmed;
  const toBeSigned = Buffer.from(confirmed.json().signing.toBeSigned as string, 'base64');
  const signature = sign('sha256', toBeSigned, { key, dsaEncoding: 'ieee-p1363' }).toString('base64');
  return request(caller, 'POST', `/api/v1/signings/${id}/complete`, { signature }, h('complete'));
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
