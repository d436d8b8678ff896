import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import type { Actor } from '../audit/events.js';
import { findSession, isCsrfTokenValid, type SessionUser, sessionCookieName } from '../auth/sessions.js';
import type { Database } from '../db/client.js';

/** Who may call a route: anyone, any signed-in user, or one role. */
export type Access = 'public' | 'user' | 'customer' | 'operator';

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionUser | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function actorOf(request: FastifyRequest): Actor {
  const s = request.session;
  return {
    userId: s?.userId ?? null,
    role: s?.role ?? 'system',
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? null,
  };
}

/** The signed-in user; routes with access 'customer' or 'operator' always have one. */
export function sessionOf(request: FastifyRequest): SessionUser {
  if (!request.session) throw new AppError('unauthenticated');
  return request.session;
}

/** The customer's account id; 'customer' routes always have one. */
export function accountOf(request: FastifyRequest): string {
  const accountId = sessionOf(request).accountId;
  if (!accountId) throw new AppError('forbidden');
  return accountId;
}

export function registerSessionHooks(app: FastifyInstance, db: Database, options: { idleMinutes: number }) {
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access) return;
    const token = request.cookies[sessionCookieName];
    request.session = token && token.length < 200 ? await findSession(db, token, options) : null;
    if (access !== 'public' && !request.session) throw new AppError('unauthenticated');
    if (request.session && !safeMethods.has(request.method)) {
      const header = request.headers['x-csrf-token'];
      if (!isCsrfTokenValid(request.session, typeof header === 'string' ? header : undefined)) throw new AppError('csrf_invalid');
    }
    if ((access === 'customer' || access === 'operator') && request.session?.role !== access) throw new AppError('forbidden');
  });
}
