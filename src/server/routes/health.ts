import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { databaseUnavailable } from '../http/problem.js';

export const healthRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/health', { config: { access: { anonymous: 'load balancers probe it' } }, schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => {
    try {
      await ctx.db.execute(sql`select 1`);
    } catch {
      throw databaseUnavailable();
    }
    return { status: 'ok' as const };
  });
};
