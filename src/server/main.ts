import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { demoLogins } from './demo/seed-demo.js';

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
  const app = await buildApp(config);
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
  if (config.operator && config.demo) lines.push(`    operator                      ${config.operator.email} / ${config.operator.password}`);
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
