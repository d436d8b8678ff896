import { ConfigError, loadConfig } from './config.js';
import { isDatabaseUnavailable, openDatabase } from './db/client.js';

// A connection that dies under a query in flight surfaces where the query was awaited; one that
// dies where nothing awaits it (a fire-and-forget write) must not end the process either.
process.on('unhandledRejection', (reason) => {
  if (isDatabaseUnavailable(reason)) {
    console.error(`database unavailable: ${(reason as Error).message}`);
    return;
  }
  throw reason;
});

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // The embedded database starts (WebAssembly compilation, recovery) while the rest of the
  // server's modules load: together they are most of the start-up time.
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const [{ buildApp }, { demoLogins }, { warmUp }] = await Promise.all([import('./app.js'), import('./demo/seed-demo.js'), import('./warm-up.js')]);
  const app = await buildApp(config, { database: await database });
  const warmStart = performance.now();
  await warmUp(app);
  app.log.info({ ms: Math.round(performance.now() - warmStart) }, 'warmed up');
  await app.listen({ port: config.port, host: config.host });
  app.ctx.renderer.warm();

  const url = `http://localhost:${config.port}`;
  const lines = [
    '',
    `  Qiyue console:   ${url}`,
    `  API reference:   ${url}/api/docs`,
    `  Database:        ${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`}`,
  ];
  if (config.demo) {
    lines.push(
      '  Demo logins:',
      `    verified enterprise customer  ${demoLogins.verifiedCustomer.email} / ${demoLogins.verifiedCustomer.password}`,
      `    unverified customer           ${demoLogins.unverifiedCustomer.email} / ${demoLogins.unverifiedCustomer.password}`,
    );
  }
  if (config.operator && config.demo) {
    lines.push(`    operator                      ${config.operator.email} / ${config.operator.password}`);
    if (config.requireOperatorTotp) lines.push('      (operators turn on two-step verification under 账号安全 before they can act; QIYUE_OPERATOR_TOTP=0 turns that off)');
  }
  console.log(`${lines.join('\n')}\n`);

  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

void main();
