import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { and, eq } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import type { Database } from '../db/client.js';
import { idempotencyKeys } from '../db/schema/index.js';
import { sessionOf } from './request-context.js';

/**
 * Runs a creating POST at most once per Idempotency-Key: the same key with the same body
 * answers the first result again; with another body, 422 idempotency_key_reused. The key is
 * claimed before the work starts, so two concurrent retries cannot both do it.
 */
export async function idempotent<T>(
  db: Database,
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<{ status: number; body: T }>,
) {
  const header = request.headers['idempotency-key'];
  if (header === undefined) {
    const result = await run();
    return reply.code(result.status).send(result.body);
  }
  if (typeof header !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(header))
    throw new AppError('validation_failed', 'Idempotency-Key must be 1–200 visible ASCII characters');

  const userId = sessionOf(request).userId;
  const route = `${request.method} ${request.routeOptions.url}`;
  const requestHash = createHash('sha256')
    .update(`${route}\n${request.url}\n${canonicalize(request.body ?? null)}`)
    .digest('hex');
  const keyWhere = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, header));

  const claimed = await db.insert(idempotencyKeys).values({ userId, key: header, route, requestHash }).onConflictDoNothing().returning();
  if (!claimed.length) {
    const [previous] = await db.select().from(idempotencyKeys).where(keyWhere);
    if (!previous || previous.requestHash !== requestHash) throw new AppError('idempotency_key_reused');
    if (previous.statusCode === null) throw new AppError('invalid_state', 'A request with this Idempotency-Key is still running');
    reply.header('idempotent-replayed', 'true');
    return reply.code(previous.statusCode).send(previous.response as T);
  }

  try {
    const result = await run();
    await db.update(idempotencyKeys).set({ statusCode: result.status, response: result.body as object }).where(keyWhere);
    return reply.code(result.status).send(result.body);
  } catch (error) {
    // A refused request did nothing: the key may be used again to retry it.
    await db.delete(idempotencyKeys).where(keyWhere);
    throw error;
  }
}
