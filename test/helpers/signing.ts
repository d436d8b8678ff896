import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { AppContext } from '../../src/server/context.js';
import { outbox } from '../../src/server/db/schema/index.js';

type Requester = (
  caller: { accountId: string | null } & Record<string, unknown>,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
) => Promise<LightMyRequestResponse>;

export type SigningOptions = {
  custody?: 'platform' | 'signer';
  /** The signer's key; one is made per signing otherwise. */
  key?: KeyObject;
};

/** The latest code e-mailed to the account, as the outbox holds it. */
export async function latestCode(app: FastifyInstance, accountId: string): Promise<string> {
  const ctx = (app as unknown as { ctx: AppContext }).ctx;
  const [row] = await ctx.db
    .select({ body: outbox.body })
    .from(outbox)
    .where(and(eq(outbox.accountId, accountId), eq(outbox.carriesCode, true), eq(outbox.channel, 'email')))
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
  const started = await request(caller, 'POST', '/api/v1/signings', body);
  if (started.statusCode !== 201) return started;
  const id = started.json().signing.id as string;
  const code = await latestCode(app, caller.accountId!);
  if (o.custody === 'platform') return request(caller, 'POST', `/api/v1/signings/${id}/confirm`, { code, keyCustody: 'platform' });
  const key = o.key ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const jwk = (await import('node:crypto')).createPublicKey(key).export({ format: 'jwk' });
  const confirmed = await request(caller, 'POST', `/api/v1/signings/${id}/confirm`, { code, publicKey: jwk });
  if (confirmed.statusCode !== 200) return confirmed;
  const toBeSigned = Buffer.from(confirmed.json().signing.toBeSigned as string, 'base64');
  const signature = sign('sha256', toBeSigned, { key, dsaEncoding: 'ieee-p1363' }).toString('base64');
  return request(caller, 'POST', `/api/v1/signings/${id}/complete`, { signature });
}
