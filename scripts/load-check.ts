/**
 * Load checks of issue 10 against the production entry point in a child process (not timed
 * tests; the figures depend on the machine):
 *
 *   npx tsx scripts/load-check.ts fairness   200 concurrent GET /contracts on a freshly started
 *                                            and on a warm server; the slowest answer and /health
 *   npx tsx scripts/load-check.ts memory     RSS after 10,000 and after 20,000 mixed requests
 *
 * PGlite by default; DATABASE_URL=postgres://… runs it on PostgreSQL (a new database is made).
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { consent, uniqueCreditCode } from '../test/helpers/app.js';
import { type ChildServer, productionEnv, productionNodeFlags, startChildServer } from '../test/helpers/child-server.js';
import { codeFromOutboxView, fetchStep, signThrough } from '../test/helpers/signing.js';

const mode = process.argv[2] ?? 'fairness';
const dataDir = mkdtempSync(path.join(tmpdir(), 'qiyue-load-'));
let databaseUrl: string | undefined;
if (process.env.DATABASE_URL) {
  const name = `${process.env.LOAD_DB_PREFIX ?? "qiyue_load"}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
}
// As in production on two cores: one PDF worker thread beside the request thread.
const env = {
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
  QIYUE_RATE_LIMIT: '0',
  QIYUE_RENDER_THREADS: '1',
  LOG_LEVEL: 'warn',
  ...productionEnv,
};

type Session = { cookie: string; csrf: string; accountId: string };

async function call(server: ChildServer, method: string, url: string, body?: unknown, s?: Session, extra: Record<string, string> = {}) {
  return fetch(`${server.url}/api/v1${url}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}), ...extra },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function customer(server: ChildServer, n: number): Promise<Session> {
  const reg = await call(server, 'POST', '/auth/register', { email: `load${n}-${Date.now()}@example.com`, password: 'correct-horse-battery', acceptTerms: true });
  const body = (await reg.json()) as { csrfToken: string; accountId: string };
  const s = { cookie: reg.headers.getSetCookie()[0]!.split(';')[0]!, csrf: body.csrfToken, accountId: body.accountId };
  await call(server, 'POST', '/verification', { subjectType: 'enterprise', name: '福州示例云计算有限公司', creditCode: uniqueCreditCode(), legalRepresentative: '林晓明', consent }, s);
  await call(server, 'PUT', '/party-a', { address: '福建省福州市鼓楼区示例路 88 号', contactName: '陈静', contactPhone: '13800138000', contactEmail: 'finance@example.com' }, s);
  return s;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;

async function burst(server: ChildServer, s: Session, label: string) {
  const healthTimes: number[] = [];
  let done = false;
  const probe = (async () => {
    while (!done) {
      const t = performance.now();
      await call(server, 'GET', '/health');
      healthTimes.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const times = await Promise.all(
    Array.from({ length: 200 }, async () => {
      const t = performance.now();
      const res = await call(server, 'GET', '/contracts', undefined, s);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET /contracts: ${res.status}`);
      return performance.now() - t;
    }),
  );
  done = true;
  await probe;
  console.log(
    `${label}: 200 concurrent GET /contracts: median ${quantile(times, 0.5).toFixed(0)} ms, p95 ${quantile(times, 0.95).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms; /health max ${Math.max(...healthTimes).toFixed(0)} ms  [target: none > 2000 ms]`,
  );
}

function rssMb(pid: number) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

// As `npm start` runs it (see child-server.ts).
const production = { nodeFlags: productionNodeFlags, compiled: true };
let server = await startChildServer(env, production);
try {
  await server.waitForHealth();
  const s = await customer(server, 0);
  // Party A signs as the console does; the code is read in the desk's outbox view (no SMTP here).
  const desk = await call(server, 'POST', '/auth/login', { email: 'desk@qiyue.test', password: 'operator-password-1' });
  const deskStep = fetchStep(server.url, { cookie: desk.headers.getSetCookie()[0]!.split(';')[0]!, 'x-csrf-token': ((await desk.json()) as { csrfToken: string }).csrfToken });
  const partyA = fetchStep(server.url, { cookie: s.cookie, 'x-csrf-token': s.csrf });
  const sign = async (body: object) => {
    const answer = await signThrough(partyA, codeFromOutboxView(deskStep), body);
    if (answer.status !== 201) throw new Error(`signing failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.contract as { id: string };
  };
  const framework = await sign({ kind: 'framework', termYears: 1, copies: 2 });
  const token = 'test-integration-token-0123';
  for (let i = 0; i < 30; i++)
    await call(server, 'PUT', `/integration/accounts/${s.accountId}/orders/LOAD${i}`, { product: '云服务器', spec: '4 vCPU', quantity: 1, amountFen: 100 + i, paidAt: '2026-10-01T08:00:00+08:00', status: 'paid' }, undefined, { authorization: `Bearer ${token}` });
  const orders = ((await (await call(server, 'GET', '/orders?limit=100', undefined, s)).json()) as { items: { id: string }[] }).items;
  for (const o of orders.slice(0, 10)) await sign({ kind: 'order_attachment', frameworkId: framework.id, itemIds: [o.id] });

  if (mode === 'fairness') {
    await server.kill();
    server = await startChildServer(env, production);
    await server.waitForHealth();
    const fresh = await call(server, 'POST', '/auth/login', { email: 'desk@qiyue.test', password: 'operator-password-1' });
    const op = { cookie: fresh.headers.getSetCookie()[0]!.split(';')[0]!, csrf: ((await fresh.json()) as { csrfToken: string }).csrfToken, accountId: '' };
    await burst(server, op, `${databaseUrl ? 'PostgreSQL' : 'PGlite'}, freshly started`);
    await burst(server, op, `${databaseUrl ? 'PostgreSQL' : 'PGlite'}, warm`);
  } else {
    const mixed = async (n: number) => {
      const free = orders.slice(10);
      const requests = [
        () => call(server, 'GET', '/contracts', undefined, s),
        () => call(server, 'GET', `/contracts/${framework.id}`, undefined, s),
        () => call(server, 'GET', '/orders', undefined, s),
        () => call(server, 'GET', '/me', undefined, s),
        () => call(server, 'GET', '/health'),
        () => call(server, 'GET', `/contracts/${framework.id}/pdf`, undefined, s),
        () => call(server, 'PUT', '/party-a', { address: '福建省福州市鼓楼区示例路 88 号', contactName: '陈静', contactPhone: '13800138000', contactEmail: 'finance@example.com' }, s),
        () => call(server, 'POST', '/contracts/framework', { termYears: 9 }, s),
        () => call(server, 'POST', '/auth/login', { email: 'nobody@example.com', password: 'x'.repeat(12) }, undefined, { 'x-forwarded-for': String(Math.random()) }),
        () => call(server, 'POST', `/contracts/${framework.id}/attachments/preview`, { kind: 'order_attachment', itemIds: [free[n % free.length]!.id] }, s),
      ];
      for (let i = 0; i < n; i += 8)
        await Promise.all(
          Array.from({ length: 8 }, async (_, k) => {
            const res = await requests[(i + k) % requests.length]!();
            await res.arrayBuffer();
          }),
        );
    };
    console.log(`${databaseUrl ? 'PostgreSQL' : 'PGlite'}: RSS of the first start (creating the database) after seeding ${rssMb(server.process.pid!).toFixed(0)} MB`);
    // The steady state is a server started on an existing database, as after any restart.
    await server.kill();
    server = await startChildServer(env, production);
    await server.waitForHealth();
    const pid = server.process.pid!;
    console.log(`RSS after a restart ${rssMb(pid).toFixed(0)} MB`);
    await mixed(10_000);
    const first = rssMb(pid);
    console.log(`RSS after 10,000 mixed requests: ${first.toFixed(0)} MB  [target ≤ ${databaseUrl ? 300 : 450} MB]`);
    await mixed(10_000);
    const second = rssMb(pid);
    console.log(`RSS after 20,000 mixed requests: ${second.toFixed(0)} MB (${(((second - first) / first) * 100).toFixed(1)} % over the second 10,000)  [target ±10 %]`);
  }
} finally {
  await server.kill();
  rmSync(dataDir, { recursive: true, force: true });
  if (databaseUrl && process.env.DATABASE_URL) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${new URL(databaseUrl).pathname.slice(1)} with (force)`);
    await admin.end();
  }
}
