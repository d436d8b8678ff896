import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';

export const healthRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/health', { schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => {
    try {
      await ctx.db.execute(sql`select 1`);
    } catch {
      throw new AppError('service_unavailable', 'The database does not answer');
    }
    return { status: 'ok' as const };
  });
};
