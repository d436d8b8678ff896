import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
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
import { seedDemo } from './demo/seed-demo.js';
import { apiDescription, registerApiReference } from './http/api-reference.js';
import { errorHandler, sendProblem } from './http/problem.js';
import { registerInputGuard } from './http/input-guard.js';
import { registerSessionHooks } from './http/request-context.js';
import { registerCompression, registerStaticAssets } from './http/static-assets.js';
import { attachmentRoutes } from './routes/attachments.js';
import { authRoutes } from './routes/auth.js';
import { integrationRoutes } from './routes/integration.js';
import { contractRoutes } from './routes/contracts.js';
import { healthRoutes } from './routes/health.js';
import { outboxRoutes } from './routes/outbox.js';
import { partyARoutes } from './routes/party-a.js';
import { stampingRoutes } from './routes/stamping.js';
import { verificationRoutes } from './routes/verification.js';
import { verifyRoutes } from './routes/verify.js';
import { verifierFor } from './verification/verifier.js';

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

export const apiPrefix = '/api/v1';

/** Opens the database, applies migrations, creates the operator and demo data, and wires the routes. */
export async function buildApp(config: Config, options: { database?: DatabaseHandle } = {}): Promise<FastifyInstance> {
  const database = options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const pki = await ensurePlatformPki(database.db, { key: config.key, partyB: config.partyB });
  const ctx: AppContext = {
    db: database.db,
    config,
    passwords: createPasswordHasher(config.passwordHash),
    verifier: verifierFor(config.verifierMode),
    pki,
    renderer: createRenderer(config.renderThreads, pki),
  };

  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  app.decorate('ctx', ctx);
  app.addHook('onClose', async () => {
    await ctx.renderer.close();
    await database.close();
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  await app.register(cookie);
  await registerCompression(app);
  await app.register(helmet, {
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
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Qiyue API', version: '1.0.0', description: apiDescription },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'qiyue_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
          bearer: { type: 'http', scheme: 'bearer', description: 'QIYUE_INTEGRATION_TOKEN, for the upstream integration API' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await registerApiReference(app);

  registerSessionHooks(app, ctx.db);
  registerInputGuard(app);

  await app.register(
    async (api) => {
      await api.register(healthRoutes, { ctx });
      await api.register(authRoutes, { ctx });
      await api.register(verificationRoutes, { ctx });
      await api.register(partyARoutes, { ctx });
      await api.register(contractRoutes, { ctx });
      await api.register(verifyRoutes, { ctx });
      await api.register(attachmentRoutes, { ctx });
      await api.register(integrationRoutes, { ctx });
      await api.register(stampingRoutes, { ctx });
      await api.register(outboxRoutes, { ctx });
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: apiPrefix },
  );

  const web = await registerStaticAssets(app, config.webDir);
  app.setNotFoundHandler((request, reply) => {
    const wantsPage = request.method === 'GET' && !request.url.startsWith('/api/');
    // Client-side routes of the console all answer its index page.
    if (web && wantsPage) return web.sendIndex(request, reply);
    return sendProblem(reply, new AppError('not_found', `No route ${request.method} ${request.url.split('?')[0]}`));
  });

  if (config.operator) await ensureOperator(ctx, config.operator);
  if (config.demo) await seedDemo(ctx);
  if (config.runJobs) {
    const stopJobs = startJobs(ctx, app.log);
    app.addHook('onClose', async () => stopJobs());
  }
  return app;
}
