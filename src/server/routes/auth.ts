import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  authResponse,
  loginBody,
  meResponse,
  passwordChangeBody,
  passwordResetBody,
  passwordResetCompleteBody,
  registerBody,
  sessionList,
  totpConfirmBody,
  totpEnrolment,
} from '../../shared/schemas/auth.js';
import { changePassword } from '../auth/change-password.js';
import { completePasswordReset } from '../auth/complete-password-reset.js';
import { endSession } from '../auth/end-session.js';
import { listSessions } from '../auth/list-sessions.js';
import { requestPasswordReset } from '../auth/request-password-reset.js';
import { confirmTotpEnrolment, hasTotpEnabled, startTotpEnrolment } from '../auth/enrol-totp.js';
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
      return reply.code(201).send({ user: result.user, accountId: result.accountId, csrfToken: result.session.csrfToken, totpEnrolmentRequired: false });
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
      return { user: result.user, accountId: result.accountId, csrfToken: result.session.csrfToken, totpEnrolmentRequired: result.totpEnrolmentRequired };
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
    const hasTotp = await hasTotpEnabled(ctx.db, session.userId);
    const [operator] = session.role === 'operator' ? await ctx.db.select({ roles: users.operatorRoles }).from(users).where(eq(users.id, session.userId)) : [];
    return {
      user: { id: session.userId, email: session.email, role: session.role, hasTotp },
      totpEnrolmentRequired: session.role === 'operator' && ctx.config.requireOperatorTotp && !hasTotp,
      account: session.accountId ? { id: session.accountId, verificationStatus: latest?.status ?? ('unverified' as const) } : null,
      memberRole: session.memberRole,
      permissions: session.permissions,
      operatorRoles: operator?.roles ?? [],
      organisations: session.role === 'customer' ? await listOrganisations(ctx.db, session.userId) : [],
      csrfToken: csrfTokenFor(session),
    };
  });

  app.post(
    '/auth/password-reset',
    {
      config: { access: { anonymous: 'a forgotten password is asked for signed out; the answer is the same for every e-mail' } },
      schema: { tags: ['auth'], description: 'Always 202, whether or not the e-mail is registered.', body: passwordResetBody, response: { 202: z.null() } },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, { email: request.body.email, actor: actorOf(request) });
      return reply.code(202).send(null);
    },
  );

  app.post(
    '/auth/password-reset/complete',
    {
      config: { access: { anonymous: 'the single-use reset token from the e-mail is the credential' } },
      schema: { tags: ['auth'], description: 'Sets the password; every session of the user ends.', body: passwordResetCompleteBody, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await completePasswordReset(ctx, { ...request.body, actor: actorOf(request) });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/password',
    {
      config: { access: 'signed_in' },
      schema: { tags: ['auth'], description: 'The other sessions of the user end.', body: passwordChangeBody, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await changePassword(ctx, { session: sessionOf(request), ...request.body, actor: actorOf(request) });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/sessions',
    { config: { access: 'signed_in' }, schema: { tags: ['auth'], response: { 200: sessionList } } },
    async (request) => ({ items: await listSessions(ctx.db, sessionOf(request)) }),
  );

  app.delete(
    '/auth/sessions/:id',
    {
      config: { access: 'signed_in' },
      schema: { tags: ['auth'], params: z.object({ id: z.string().regex(/^[0-9a-f]{32}$/) }), response: { 204: z.null() } },
    },
    async (request, reply) => {
      await endSession(ctx, { session: sessionOf(request), id: request.params.id, actor: actorOf(request) });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/totp',
    {
      config: { access: 'signed_in' },
      schema: { tags: ['auth'], description: 'Starts TOTP enrolment: a new secret as otpauth URI and QR code; in force after POST /auth/totp/confirm.', response: { 200: totpEnrolment } },
    },
    async (request) => startTotpEnrolment(ctx, { session: sessionOf(request) }),
  );

  app.post(
    '/auth/totp/confirm',
    { config: { access: 'signed_in' }, schema: { tags: ['auth'], body: totpConfirmBody, response: { 204: z.null() } } },
    async (request, reply) => {
      await confirmTotpEnrolment(ctx, { session: sessionOf(request), code: request.body.code, actor: actorOf(request) });
      return reply.code(204).send(null);
    },
  );
};
