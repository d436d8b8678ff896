import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { isAnonymousAccess } from './request-context.js';

const helmetOptions: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      // antd writes its CSS-in-JS into <style> elements at run time.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      frameSrc: ["'self'", 'blob:'],
      objectSrc: ["'self'", 'blob:'],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
      baseUri: ["'self'"],
      upgradeInsecureRequests: null,
    },
  },
  referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  crossOriginEmbedderPolicy: false,
  // Sent only over HTTPS, below.
  strictTransportSecurity: false,
};

/**
 * Helmet's headers, worked out once: they are the same on every answer (no nonces), and the
 * Fastify plugin built helmet's middleware, its policy parsed again, on every request.
 */
function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(helmetOptions)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

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
 * Helmet's headers, and these beside them: answers of a signed-in session are never stored by a browser or a
 * proxy (they hold names, ID numbers, contracts); HSTS only where the request came over
 * HTTPS, since over plain HTTP the header is meaningless and pins a host that may never have
 * TLS; a Permissions-Policy on everything.
 */
export function registerSecurityHeaders(app: FastifyInstance) {
  const fromHelmet = helmetHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(fromHelmet);
    done();
  });
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
