import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sessionCookieName } from '../auth/sessions.js';

// How the console's files and the API's text answers travel: compressed, and cached as long as
// their names allow. Vite names every file under /assets after a hash of its content, so those
// never change and may be kept a year; index.html names the current ones and must be revalidated.

export const immutableCacheControl = 'public, max-age=31536000, immutable';
export const revalidateCacheControl = 'no-cache';

/**
 * brotli and gzip for JSON, HTML and other text answers made per request. Brotli's default
 * quality (11) costs tens of milliseconds per answer; 5 keeps most of the gain for a fraction.
 * The console's own files are compressed once at build time (vite.config.ts) and sent as they are.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } },
    zlibOptions: { level: 6 },
  });
}

export type StaticAssets = {
  /** The console's index page, for every client-side route. */
  sendIndex(request: FastifyRequest, reply: FastifyReply): FastifyReply;
};

/**
 * Serves the built console from `webDir` (null when it is not built). The index page says
 * whether the request carried a session cookie, so that an anonymous visitor's console does
 * not ask `GET /me` only to be told 401 (an error in every visitor's browser console).
 */
export async function registerStaticAssets(app: FastifyInstance, webDir: string | undefined): Promise<StaticAssets | null> {
  if (!webDir) return null;
  const indexPath = path.join(webDir, 'index.html');
  if (!fs.existsSync(indexPath)) return null;

  await app.register(fastifyStatic, {
    root: webDir,
    wildcard: false,
    index: false,
    // The .br and .gz files written by the build, chosen by the request's Accept-Encoding.
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, filePath) => {
      const isHashed = path.relative(webDir, filePath).split(path.sep)[0] === 'assets';
      reply.header('cache-control', isHashed ? immutableCacheControl : revalidateCacheControl);
    },
  });

  // Read again only when the build replaced it, so a rebuilt console is served without a restart.
  let cached: { mtimeMs: number; html: string } | null = null;
  const indexHtml = () => {
    const { mtimeMs } = fs.statSync(indexPath);
    if (!cached || cached.mtimeMs !== mtimeMs) cached = { mtimeMs, html: fs.readFileSync(indexPath, 'utf8') };
    return cached.html;
  };

  return {
    sendIndex(request, reply) {
      const hasSession = Boolean(request.cookies?.[sessionCookieName]);
      const hint = `<meta name="qiyue-session" content="${hasSession ? 'present' : 'absent'}" />`;
      return reply
        .header('cache-control', revalidateCacheControl)
        .header('vary', 'Cookie')
        .type('text/html; charset=utf-8')
        .send(indexHtml().replace('</head>', `    ${hint}\n  </head>`));
    },
  };
}
