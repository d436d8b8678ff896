import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, startChildServer } from '../helpers/child-server.js';
import { testDatabaseKind } from '../helpers/database.js';
import { startPrivatePostgres } from '../helpers/private-postgres.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Outcome = { email: string; status: number; retryAfter: string | null; code?: string; at: number };

// PostgreSQL only: it stops and restarts a private server of its own under write load.
describe.runIf(testDatabaseKind === 'postgres')('PostgreSQL outage', () => {
  let database: Awaited<ReturnType<typeof startPrivatePostgres>>;
  const servers: ChildServer[] = [];

  beforeAll(async () => {
    database = await startPrivatePostgres();
  });
  afterAll(async () => {
    for (const s of servers) await s.kill('SIGKILL');
    await database?.destroy();
  });

  it('keeps the server running under write load, answers only 503 meanwhile and loses nothing acknowledged', async () => {
    const server = await startChildServer({ DATABASE_URL: database.url, QIYUE_RATE_LIMIT: '0' });
    servers.push(server);
    await server.waitForHealth();

    const outcomes: Outcome[] = [];
    let stop = false;
    let n = 0;
    const writer = async () => {
      while (!stop) {
        const email = `outage${n++}@example.com`;
        const res = await fetch(`${server.url}/api/v1/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: 'correct-horse-battery', acceptTerms: true }),
        }).catch(() => null);
        if (!res) {
          outcomes.push({ email, status: 0, retryAfter: null, at: Date.now() });
          continue;
        }
        const body = (await res.json().catch(() => ({}))) as { code?: string };
        outcomes.push({ email, status: res.status, retryAfter: res.headers.get('retry-after'), code: body.code, at: Date.now() });
        if (res.status === 503) await sleep(50);
      }
    };
    const writers = Array.from({ length: 6 }, writer);

    await sleep(1500);
    database.stop('fast');
    const stoppedAt = Date.now();
    await sleep(3000);
    const health = await fetch(`${server.url}/api/v1/health`);
    expect(health.status).toBe(503);
    expect((await health.json()).code).toBe('database_unavailable');
    expect(health.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(server.isRunning()).toBe(true);

    database.start();
    await server.waitForHealth(60_000);
    const recoveredAt = Date.now();
    await sleep(1500);
    stop = true;
    await Promise.all(writers);

    expect(server.isRunning(), server.output()).toBe(true);
    // Connections refused (status 0) would mean the process went away; a 500 that an outage leaked.
    expect(outcomes.filter((o) => o.status !== 201 && o.status !== 503)).toEqual([]);
    const unavailable = outcomes.filter((o) => o.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const o of unavailable) {
      expect(o.code).toBe('database_unavailable');
      expect(o.retryAfter).toMatch(/^\d+$/);
    }
    expect(outcomes.filter((o) => o.status === 201 && o.at < stoppedAt).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.status === 201 && o.at > recoveredAt).length).toBeGreaterThan(0);

    // Every acknowledged registration is in the database.
    const acknowledged = outcomes.filter((o) => o.status === 201).map((o) => o.email);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query('select email from users where email = any($1)', [acknowledged]);
    await client.end();
    expect(rows.length).toBe(acknowledged.length);
    await server.kill();
  }, 180_000);

  it('waits for a database that is down at start, saying so, and serves once it is up', async () => {
    database.stop('fast');
    const server = await startChildServer({ DATABASE_URL: database.url, QIYUE_RATE_LIMIT: '0' });
    servers.push(server);
    await sleep(4000);
    expect(server.isRunning(), server.output()).toBe(true);
    expect(server.output()).toMatch(/PostgreSQL is not reachable .* retrying/);
    database.start();
    await server.waitForHealth(60_000);
    await server.kill();
  }, 180_000);
});
