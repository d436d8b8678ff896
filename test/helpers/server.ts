import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.js';
import type { Config } from '../../src/server/config.js';
import { testConfig } from './app.js';
import { createTestDatabase } from './database.js';

export { operatorLogin } from './app.js';

/**
 * The API and the built console (dist/web) on a random local port with a fresh database,
 * for the browser tests.
 */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<{ url: string; app: FastifyInstance; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const app = await buildApp(
    testConfig({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, webDir: path.resolve('dist/web'), ...overrides }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  app.ctx.config.publicUrl = url;
  return {
    url,
    app,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
