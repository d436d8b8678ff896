import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { filingNumberParam, icpFilingPushBody, orderNoParam, orderPushBody } from '../../shared/schemas/attachment.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { pushIcpFiling } from '../upstream/push-icp-filing.js';
import { pushOrder } from '../upstream/push-order.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares digests so that neither the token's length nor its content leaks through timing. */
function isTokenValid(header: string | undefined, expected: string | undefined): boolean {
  if (!expected || !header?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice('Bearer '.length)), digest(expected));
}

const pushed = z.object({ created: z.boolean() });

/** Upstream billing and ICP systems push an account's orders and filings here; PUT is idempotent. */
export const integrationRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', async (request) => {
    if (!isTokenValid(request.headers.authorization, ctx.config.integrationToken)) throw new AppError('invalid_token');
  });
  const actorOf = (ip: string, userAgent?: string): Actor => ({ userId: null, role: 'integration', ip, userAgent });

  app.put(
    '/integration/accounts/:accountId/orders/:orderNo',
    {
      config: { access: { integration: true } },
      schema: {
        tags: ['integration'],
        security: [{ bearer: [] }],
        params: z.object({ accountId: z.uuid(), orderNo: orderNoParam }),
        body: orderPushBody,
        response: { 200: pushed, 201: pushed },
      },
    },
    async (request, reply) => {
      const result = await pushOrder(ctx, {
        ...request.params,
        body: request.body,
        actor: actorOf(request.ip, request.headers['user-agent']),
      });
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );

  app.put(
    '/integration/accounts/:accountId/icp-filings/:filingNumber',
    {
      config: { access: { integration: true } },
      schema: {
        tags: ['integration'],
        security: [{ bearer: [] }],
        params: z.object({ accountId: z.uuid(), filingNumber: filingNumberParam }),
        body: icpFilingPushBody,
        response: { 200: pushed, 201: pushed },
      },
    },
    async (request, reply) => {
      const result = await pushIcpFiling(ctx, {
        ...request.params,
        body: request.body,
        actor: actorOf(request.ip, request.headers['user-agent']),
      });
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );
};
