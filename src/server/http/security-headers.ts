import type { FastifyInstance } from 'fastify';
import { isAnonymousAccess } from './request-context.js';

// Nothing in the console uses these browser features; a page injected into it gets none either.
const permissionsPolicy = [
  'accelerometer=()',
  'camera=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'usb=()',
  'browsing-topics=()',
].join(', ');

/**
 * Headers beside helmet's: answers of a signed-in session are never stored by a browser or a
 * proxy (they hold names, ID numbers, contracts); HSTS only where the request came over
 * HTTPS, since over plain HTTP the header is meaningless and pins a host that may never have
 * TLS; a Permissions-Policy on everything.
 */
export function registerSecurityHeaders(app: FastifyInstance) {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('permissions-policy', permissionsPolicy);
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    const access = request.routeOptions.config?.access;
    const isAuthenticated = Boolean(request.session) || (access !== undefined && !isAnonymousAccess(access));
    // A login or registration answer carries the new session's cookie and CSRF token.
    const isPersonal = isAuthenticated || Boolean(request.headers.authorization) || reply.hasHeader('set-cookie');
    if (isPersonal && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
