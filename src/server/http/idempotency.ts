import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import type { Database } from '../db/client.js';
import { withCommitHook } from '../db/commit-hook.js';
import { idempotencyKeys } from '../db/schema/index.js';
import { sessionOf } from './request-context.js';

type Answer<T> = { status: number; body: T };

const leaseInterval = (ms: number) => sql`now() + make_interval(secs => ${ms / 1000})`;

/**
 * Runs a creating POST at most once per Idempotency-Key: the same key with the same body
 * answers the first result again; with another body, 422 idempotency_key_reused.
 *
 * The key is claimed before the work starts, so two concurrent retries cannot both do it, and
 * the claim is a lease that the running request renews: a request that died (a crash, a lost
 * database) frees its key within `leaseMs`. The id of the row the work created is written in
 * the same transaction as the row itself, so a request that died after its commit but before
 * its answer was stored is answered from that row (`replay`) rather than performed again.
 */
export async function idempotent<T>(
  db: Database,
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<Answer<T>>,
  options: { replay?: (effectId: string) => Promise<Answer<T>> } = {},
) {
  const header = request.headers['idempotency-key'];
  if (header === undefined) {
    const result = await run();
    return reply.code(result.status).send(result.body);
  }
  if (typeof header !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(header))
    throw new AppError('validation_failed', 'Idempotency-Key must be 1–200 visible ASCII characters');

  const leaseMs = request.server.ctx.config.idempotencyLeaseMs;
  const userId = sessionOf(request).userId;
  const route = `${request.method} ${request.routeOptions.url}`;
  const requestHash = createHash('sha256')
    .update(`${route}\n${request.url}\n${canonicalize(request.body ?? null)}`)
    .digest('hex');
  const keyWhere = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, header));

  let claimed = (
    await db
      .insert(idempotencyKeys)
      .values({ userId, key: header, route, requestHash, lockedUntil: leaseInterval(leaseMs) })
      .onConflictDoNothing()
      .returning()
  ).length > 0;
  if (!claimed) {
    const [previous] = await db.select().from(idempotencyKeys).where(keyWhere);
    if (!previous || previous.requestHash !== requestHash) throw new AppError('idempotency_key_reused');
    if (previous.statusCode !== null) {
      reply.header('idempotent-replayed', 'true');
      return reply.code(previous.statusCode).send(previous.response as T);
    }
    if (previous.effectId && options.replay) {
      const result = await options.replay(previous.effectId);
      await db.update(idempotencyKeys).set({ statusCode: result.status, response: result.body as object }).where(keyWhere);
      reply.header('idempotent-replayed', 'true');
      return reply.code(result.status).send(result.body);
    }
    // The request that claimed the key stopped renewing it: take the key over, atomically, so
    // that of several retries one runs.
    if (!previous.effectId) {
      const taken = await db
        .update(idempotencyKeys)
        .set({ lockedUntil: leaseInterval(leaseMs) })
        .where(
          and(
            keyWhere,
            isNull(idempotencyKeys.statusCode),
            isNull(idempotencyKeys.effectId),
            sql`coalesce(${idempotencyKeys.lockedUntil}, ${idempotencyKeys.createdAt}) < now()`,
          ),
        )
        .returning();
      claimed = taken.length > 0;
    }
    if (!claimed) {
      const seconds = Math.max(1, Math.ceil(((previous.lockedUntil?.getTime() ?? Date.now()) - Date.now()) / 1000));
      throw new AppError('invalid_state', 'A request with this Idempotency-Key is still running', {
        headers: { 'retry-after': String(Math.min(seconds, Math.ceil(leaseMs / 1000))) },
      });
    }
  }

  const renew = setInterval(
    () => void db.update(idempotencyKeys).set({ lockedUntil: leaseInterval(leaseMs) }).where(and(keyWhere, isNull(idempotencyKeys.statusCode))).catch(() => {}),
    Math.max(500, leaseMs / 3),
  );
  renew.unref();
  let effectCommitted = false;
  try {
    const result = await withCommitHook(async (tx, row) => {
      const id = (row as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') return;
      await tx.update(idempotencyKeys).set({ effectId: id }).where(keyWhere);
      effectCommitted = true;
    }, run);
    clearInterval(renew);
    await db.update(idempotencyKeys).set({ statusCode: result.status, response: result.body as object, lockedUntil: null }).where(keyWhere);
    return reply.code(result.status).send(result.body);
  } catch (error) {
    clearInterval(renew);
    // A refused request did nothing: the key may be used again to retry it. One whose work
    // committed keeps its key, so that the retry answers from what was created.
    if (!effectCommitted) await db.delete(idempotencyKeys).where(and(keyWhere, isNull(idempotencyKeys.effectId))).catch(() => {});
    throw error;
  }
}
