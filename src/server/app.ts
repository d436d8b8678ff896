import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { AppError } from '../shared/errors.js';
import { ensureOperator } from './auth/ensure-operator.js';
import { createPasswordHasher } from './auth/passwords.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { type DatabaseHandle, openDatabase } from './db/client.js';
import { createRenderer } from './pdf/renderer.js';
import { startJobs } from './jobs.js';
import { ensurePlatformPki } from './pki/stored-platform-pki.js';
import { createTrustServices } from './pki/trust-services.js';
import { onCertificateRollover } from './pki/revoke-certificate.js';
import { preparePartyASigning, transferableSigningKeys } from './contracts/sign-contract-document.js';
import { pkiRoutes, trustRoutes } from './routes/pki.js';
import { seedDemo } from './demo/seed-demo.js';
import { apiDescription, registerApiReference } from './http/api-reference.js';
import { answerClientError, errorHandler, sendProblem } from './http/problem.js';
import { registerInputGuard } from './http/input-guard.js';
import { registerRateLimits } from './http/rate-limits.js';
import { openApiTransform } from './http/openapi-security.js';
import { recordRouteMethods } from './http/route-methods.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { type RouteAccess, recordRouteAccess, registerSessionHooks } from './http/request-context.js';
import { registerCompression, registerStaticAssets } from './http/static-assets.js';
import { orgRoutes } from './routes/org.js';
import { attachmentRoutes } from './routes/attachments.js';
import { contractJobRoutes } from './routes/contract-jobs.js';
import { authRoutes } from './routes/auth.js';
import { integrationRoutes } from './routes/integration.js';
import { contractRoutes } from './routes/contracts.js';
import { healthRoutes } from './routes/health.js';
import { outboxRoutes } from './routes/outbox.js';
import { partyARoutes } from './routes/party-a.js';
import { signingRoutes } from './routes/signings.js';
import { stampingRoutes } from './routes/stamping.js';
import { verificationRoutes } from './routes/verification.js';
import { verifyRoutes } from './routes/verify.js';
import { createSigningDrafts } from './signings/draft-cache.js';
import { createPdfVerifier } from './validation/verify-pool.js';
import { verifierFor } from './verification/verifier.js';

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
    /** Every API route with its declared access, for the permission matrix test. */
    routeAccess: RouteAccess[];
  }
}

export const apiPrefix = '/api/v1';

/** Opens the database, applies migrations, creates the operator and demo data, and wires the routes. */
export async function buildApp(config: Config, options: { database?: DatabaseHandle } = {}): Promise<FastifyInstance> {
  const database = options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, template: config.pgliteTemplate }));
  const pki = await ensurePlatformPki(database.db, { key: config.key, partyB: config.partyB, publicUrl: config.publicUrl, partyBP12: config.partyBP12 });
  const trust = createTrustServices({ db: database.db, pki, config });
  const ctx: AppContext = {
    db: database.db,
    config,
    passwords: createPasswordHasher(config.passwordHash),
    verifier: verifierFor(config.verifierMode),
    pki,
    trust,
    renderer: signingRenderer(),
    pdfVerifier: createPdfVerifier({ threads: config.verifyThreads, trustedRootsPem: trust.trustedRoots().map((c) => c.toString()) }),
    signingDrafts: createSigningDrafts(),
  };
  function signingRenderer() {
    return createRenderer(config.renderThreads, {
      keys: transferableSigningKeys(pki, trust),
      preparePartyA: (identity, accountId) => preparePartyASigning({ db: database.db, pki, trust }, identity, accountId),
    });
  }
  // The signing threads hold copies of Party B's and the TSA's keys: a revocation that rolls
  // one over gets new threads; the old ones finish what they are signing.
  onCertificateRollover(pki, () => {
    const old = ctx.renderer;
    ctx.renderer = signingRenderer();
    void old.close();
  });

  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: 1024 * 1024,
    // A client that sends its headers or body slowly holds a socket: the whole request must
    // arrive within 30 s (20 MB at 5 Mbit/s), an idle socket closes after 60 s.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 5_000,
    // Only the last `trustProxy` hops of X-Forwarded-For are ours: an address a client wrote
    // further left is never taken for its own.
    trustProxy: config.trustProxy > 0 ? (_address: string, hop: number) => hop < config.trustProxy : false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Answered by the hook below instead, as problem+json like every other refusal.
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
  });
  // While the server drains, requests still arriving on open connections are sent elsewhere.
  let isClosing = false;
  app.addHook('preClose', async () => {
    isClosing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!isClosing) return;
    reply.header('connection', 'close');
    throw new AppError('service_unavailable', 'The server is shutting down', { headers: { 'retry-after': '1' } });
  });
  app.decorate('ctx', ctx);
  app.addHook('onClose', async () => {
    await ctx.renderer.close();
    await ctx.pdfVerifier.close();
    await database.close();
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  await app.register(cookie);
  await registerCompression(app);
  registerSecurityHeaders(app);
  const routeMethods = recordRouteMethods(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Qiyue API', version: '1.0.0', description: apiDescription },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'qiyue_session', description: 'The session cookie set by /auth/login and /auth/register' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The csrfToken of /me or of the login answer; on every unsafe method of a session' },
          bearer: { type: 'http', scheme: 'bearer', description: 'QIYUE_INTEGRATION_TOKEN, for the upstream integration API' },
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: "An organisation's API key (POST /org/api-keys): `Authorization: Bearer <secret>`, no CSRF; limited to the key's permissions",
          },
        },
      },
    },
    transform: openApiTransform(jsonSchemaTransform),
  });
  await registerApiReference(app);

  if (config.rateLimit) await registerRateLimits(app, ctx.db);
  registerSessionHooks(app, ctx.db, { idleMinutes: config.sessionIdleMinutes, requireOperatorTotp: config.requireOperatorTotp });
  registerInputGuard(app);

  // Every route of the API and of /pki declares its access (request-context.ts) or the app does not start.
  const routeAccess = recordRouteAccess(app);
  app.decorate('routeAccess', routeAccess.routes);
  await app.register(
    async (api) => {
      await api.register(healthRoutes, { ctx });
      await api.register(orgRoutes, { ctx });
      await api.register(authRoutes, { ctx });
      await api.register(verificationRoutes, { ctx });
      await api.register(partyARoutes, { ctx });
      await api.register(contractRoutes, { ctx });
      await api.register(verifyRoutes, { ctx });
      await api.register(attachmentRoutes, { ctx });
      await api.register(contractJobRoutes, { ctx });
      await api.register(signingRoutes, { ctx });
      await api.register(integrationRoutes, { ctx });
      await api.register(stampingRoutes, { ctx });
      await api.register(outboxRoutes, { ctx });
      await api.register(trustRoutes, { ctx });
      api.get('/openapi.json', { config: { access: { anonymous: 'the API description' } }, schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: apiPrefix },
  );
  // At the root: the certificates name these locations, and relying parties fetch them anonymously.
  await app.register(pkiRoutes, { ctx });
  routeAccess.assert();

  const web = await registerStaticAssets(app, config.webDir);
  app.setNotFoundHandler((request, reply) => {
    const wantsPage = request.method === 'GET' && !request.url.startsWith('/api/');
    // Client-side routes of the console all answer its index page.
    if (web && wantsPage) return web.sendIndex(request, reply);
    const path = request.url.split('?')[0]!;
    const allowed = routeMethods.allowedFor(path);
    if (allowed.length)
      return sendProblem(reply, new AppError('method_not_allowed', `${request.method} is not allowed on ${path}`, { headers: { allow: allowed.join(', ') } }));
    return sendProblem(reply, new AppError('not_found', `No route ${request.method} ${path}`));
  });

  if (config.operator) await ensureOperator(ctx, config.operator);
  if (config.demo) await seedDemo(ctx);
  if (config.runJobs) {
    const stopJobs = startJobs(ctx, app.log);
    app.addHook('onClose', async () => stopJobs());
  }
  return app;
}
