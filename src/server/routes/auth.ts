import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authResponse, loginBody, meResponse, registerBody } from '../../shared/schemas/auth.js';
import { logIn } from '../auth/log-in.js';
import { logOut } from '../auth/log-out.js';
import { registerUser } from '../auth/register-user.js';
import { csrfTokenFor, sessionCookieName } from '../auth/sessions.js';
import type { AppContext } from '../context.js';
import { actorOf, sessionOf } from '../http/request-context.js';
import { getLatestVerification } from '../verification/get-verification.js';
import { users } from '../db/schema/index.js';
import { listOrganisations } from '../org/list-organisations.js';
import { eq } from 'drizzle-orm';

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: { token: string; expiresAt: Date }) {
  reply.setCookie(sessionCookieName, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
    expires: session.expiresAt,
  });
}

export const authRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/auth/register',
    {
      config: { access: { anonymous: 'registration creates the account' } },
      schema: { tags: ['auth'], body: registerBody, response: { 201: authResponse } },
    },
    async (request, reply) => {
      const result = await registerUser(ctx, { ...request.body, actor: actorOf(request) });
      setSessionCookie(request, reply, result.session);
      return reply.code(201).send({ user: result.user, accountId: result.accountId, csrfToken: result.session.csrfToken });
    },
  );

  app.post(
    '/auth/login',
    {
      config: { access: { anonymous: 'signing in is how a session starts' } },
      schema: { tags: ['auth'], body: loginBody, response: { 200: authResponse } },
    },
    async (request, reply) => {
      const result = await logIn(ctx, { ...request.body, actor: actorOf(request) });
      setSessionCookie(request, reply, result.session);
      return { user: result.user, accountId: result.accountId, csrfToken: result.session.csrfToken };
    },
  );

  app.post(
    '/auth/logout',
    { config: { access: 'signed_in' }, schema: { tags: ['auth'], response: { 204: z.null() } } },
    async (request, reply) => {
      await logOut(ctx, { session: sessionOf(request), actor: actorOf(request) });
      reply.clearCookie(sessionCookieName, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get('/me', { config: { access: 'signed_in' }, schema: { tags: ['auth'], response: { 200: meResponse } } }, async (request) => {
    const session = sessionOf(request);
    const latest = session.accountId ? await getLatestVerification(ctx.db, session.accountId) : null;
    const [operator] = session.role === 'operator' ? await ctx.db.select({ roles: users.operatorRoles }).from(users).where(eq(users.id, session.userId)) : [];
    return {
      user: { id: session.userId, email: session.email, role: session.role },
      account: session.accountId ? { id: session.accountId, verificationStatus: latest?.status ?? ('unverified' as const) } : null,
      memberRole: session.memberRole,
      permissions: session.permissions,
      operatorRoles: operator?.roles ?? [],
      organisations: session.role === 'customer' ? await listOrganisations(ctx.db, session.userId) : [],
      csrfToken: csrfTokenFor(session),
    };
  });
};
