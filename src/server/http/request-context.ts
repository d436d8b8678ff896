import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { type Action, isAction } from '../../shared/permissions.js';
import type { Actor } from '../audit/events.js';
import { findApiKey, findSession, isCsrfTokenValid, type SessionUser, sessionCookieName } from '../auth/sessions.js';
import type { Database } from '../db/client.js';

/**
 * Who may call a route — every route under /api/v1 and /pki declares one, or the app does not
 * start (assertEveryRouteDeclaresAccess):
 * - an action, or a list of actions any one of which suffices: a member, operator or API key
 *   holding it (src/shared/permissions.ts says which roles hold which);
 * - 'signed_in': any signed-in person, whatever their role (their own session, /me); no API key;
 * - { anonymous: 'why' }: anyone, signed in or not; the reason is written where the route is;
 * - { integration: true }: the upstream systems' bearer token, checked by those routes.
 */
export type Access = Action | readonly Action[] | 'signed_in' | { anonymous: string } | { integration: true };

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionUser | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export const isAnonymousAccess = (a: Access): a is { anonymous: string } => typeof a === 'object' && !Array.isArray(a) && 'anonymous' in a;
export const isIntegrationAccess = (a: Access): a is { integration: true } => typeof a === 'object' && !Array.isArray(a) && 'integration' in a;
/** The actions of which a route needs one; empty for 'signed_in', anonymous and integration routes. */
export const actionsOf = (a: Access): readonly Action[] => (typeof a === 'string' ? (a === 'signed_in' ? [] : [a]) : Array.isArray(a) ? a : []);

/** Why a declared access is not acceptable, or null. */
export function accessProblem(access: unknown): string | null {
  if (access === undefined) return 'declares no access';
  if (access === 'signed_in') return null;
  if (typeof access === 'string') return isAction(access) ? null : `declares '${access}', which is no action (use an action, 'signed_in' or { anonymous: 'why' })`;
  if (Array.isArray(access)) return access.length > 0 && access.every((a) => typeof a === 'string' && isAction(a)) ? null : 'lists an unknown action';
  if (access && typeof access === 'object') {
    const a = access as Record<string, unknown>;
    if ('anonymous' in a) return typeof a.anonymous === 'string' && a.anonymous.trim().length >= 8 ? null : 'is anonymous without saying why';
    if (a.integration === true) return null;
  }
  return 'declares an access this app does not know';
}

export type RouteAccess = { method: string; url: string; access: Access };

/**
 * Records every route of `app`'s scope with its access, refusing unknown ones; call
 * `assert()` once the routes are registered: a route without one stops the start, all of them
 * listed at once.
 */
export function recordRouteAccess(app: FastifyInstance) {
  const routes: RouteAccess[] = [];
  const problems: string[] = [];
  app.addHook('onRoute', (route) => {
    // The console's static files and the API documentation (registered outside) hold no data.
    if (!route.url.startsWith('/api/v1') && !route.url.startsWith('/pki/')) return;
    const access = (route.config as { access?: unknown } | undefined)?.access;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => String(m).toUpperCase()).filter((m) => m !== 'HEAD');
    const problem = accessProblem(access);
    for (const method of methods) {
      if (problem) problems.push(`${method} ${route.url} ${problem}`);
      else routes.push({ method, url: route.url, access: access as Access });
    }
  });
  return {
    routes,
    assert() {
      if (problems.length) throw new Error(`Routes without a valid access setting:\n  ${problems.join('\n  ')}`);
    },
  };
}

export function actorOf(request: FastifyRequest): Actor {
  const s = request.session;
  return {
    userId: s?.userId ?? null,
    email: s?.email ?? null,
    apiKeyId: s?.apiKeyId ?? null,
    role: s?.role ?? 'system',
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? null,
  };
}

/** The signed-in user (or API key); routes that name an action or 'signed_in' always have one. */
export function sessionOf(request: FastifyRequest): SessionUser {
  if (!request.session) throw new AppError('unauthenticated');
  return request.session;
}

/** The customer's current organisation; refused to operators. */
export function accountOf(request: FastifyRequest): string {
  const accountId = sessionOf(request).accountId;
  if (!accountId) throw new AppError('forbidden');
  return accountId;
}

/** True when the caller holds the action (for checks inside a route that serves several). */
export const can = (session: SessionUser | null, action: Action) => Boolean(session?.permissions.includes(action));

/**
 * The one place that decides whether a request may reach its route: who the caller is (session
 * cookie, or an API key as `Authorization: Bearer`), CSRF for a session's unsafe methods, and
 * the route's declared action. Routes without an access setting here are only the console's
 * static files and the API documentation, which hold no data.
 */
export function registerSessionHooks(app: FastifyInstance, db: Database, options: { idleMinutes: number; requireOperatorTotp: boolean }) {
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access || isIntegrationAccess(access)) return;
    const isAnonymous = isAnonymousAccess(access);
    const authorization = request.headers.authorization;
    if (!isAnonymous && typeof authorization === 'string' && authorization.startsWith('Bearer ')) {
      const secret = authorization.slice('Bearer '.length).trim();
      request.session = secret.length > 0 && secret.length < 200 ? await findApiKey(db, secret) : null;
      if (!request.session) throw new AppError('invalid_token');
    } else {
      const token = request.cookies[sessionCookieName];
      request.session = token && token.length < 200 ? await findSession(db, token, options) : null;
      if (!isAnonymous && !request.session) throw new AppError('unauthenticated');
      if (request.session && !safeMethods.has(request.method)) {
        const header = request.headers['x-csrf-token'];
        if (!isCsrfTokenValid(request.session, typeof header === 'string' ? header : undefined)) throw new AppError('csrf_invalid');
      }
    }
    if (isAnonymous) return;
    const session = request.session!;
    if (access === 'signed_in') {
      if (session.apiKeyId) throw new AppError('permission_denied', 'An API key cannot use this route');
      return;
    }
    // An operator's password alone is not enough to act for the provider: their own session
    // routes ('signed_in') stay open so that they can enrol the second factor.
    if (session.role === 'operator' && options.requireOperatorTotp && !session.hasTotp) throw new AppError('totp_enrolment_required');
    const needed = actionsOf(access);
    if (!needed.some((a) => session.permissions.includes(a)))
      throw new AppError('permission_denied', `This needs the permission ${needed.join(' or ')}`);
  });
}
