/**
 * `npm run bench:scale` (not a test): Qiyue's lists at about a million contracts on PostgreSQL.
 *
 *  1. Seeds the database `BENCH_SCALE_DB` (default qiyue_bench_scale_<accounts>) on the server
 *     of BENCH_DATABASE_URL with SQL generate_series: BENCH_SCALE_ACCOUNTS accounts (default
 *     10,000), each with four framework agreements and 96 attachments (1,000,000 contracts),
 *     five stamping requests of two contracts (100,000 links) and ten orders. A database that
 *     already holds the same seed is reused; BENCH_SCALE_RESEED=1 seeds it again.
 *  2. Starts the real server as `npm start` does (compiled) as a child process on that database, and a
 *     bare Fastify + pg route (bench/scale-bare-server.ts) as another.
 *  3. Measures with autocannon (BENCH_SCALE_CONNECTIONS=50, a warm-up, then
 *     BENCH_SCALE_SECONDS=15 each): a customer's first page, their page 50 deep, a search by
 *     number; an operator's first page, a page 100,000 rows deep, a search by part of a
 *     company name; the bare route's first page. Prints req/s, p99, the CPU a request cost the
 *     Node server and PostgreSQL, the ratio app ÷ bare, and the server's largest RSS, sampled
 *     throughout. BENCH_SCALE_ONLY=text measures only the routes whose name contains it.
 *  4. Times the expiry sweep with nothing due (its usual run) and with four accounts' contracts
 *     due (100; a million contracts of one to three years see about ten expire in ten minutes).
 *
 * Targets: ratio ≥ 0.5; p99 ≤ 50 ms on the customer's pages, the deep one as fast as the
 * first; operator search p99 ≤ 100 ms; sweep ≤ 50 ms; RSS ≤ 300 MB.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { createPasswordHasher } from '../src/server/auth/passwords.js';
import { loadConfig } from '../src/server/config.js';
import { expireContracts } from '../src/server/contracts/expire-contracts.js';
import { openDatabase } from '../src/server/db/client.js';
import { encodeCursor } from '../src/server/db/keyset.js';
import { companyName, type ScaleSeed, scaleSeedStatements, seedEmail } from '../test/fixtures/scale-seed.js';
import { productionEnv, productionNodeFlags, serverEntry } from '../test/helpers/child-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const adminUrl = env.BENCH_DATABASE_URL;
if (!adminUrl) {
  console.error('bench:scale needs BENCH_DATABASE_URL=postgres://… (a PostgreSQL server it may create a database on)');
  process.exit(2);
}
const accounts = Number(env.BENCH_SCALE_ACCOUNTS ?? 10_000);
const seconds = Number(env.BENCH_SCALE_SECONDS ?? 15);
const warmupSeconds = Number(env.BENCH_SCALE_WARMUP_SECONDS ?? 3);
const connections = Number(env.BENCH_SCALE_CONNECTIONS ?? 50);
const appPort = Number(env.BENCH_SCALE_PORT ?? 3150);
const barePort = appPort + 1;
const dbName = env.BENCH_SCALE_DB ?? `qiyue_bench_scale_${accounts}`;
if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new Error(`BENCH_SCALE_DB must be a plain identifier: ${dbName}`);
const seed: ScaleSeed = { accounts, frameworks: 4, attachmentsPerFramework: 24, requests: 5, contractsPerRequest: 2, orders: 10 };
const password = 'bench-scale-password-1';
const operator = { email: 'desk@bench.test', password: 'bench-operator-password-1' };

const databaseUrl = (() => {
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
})();

const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates, migrates and seeds the bench database unless it already holds this seed. */
async function ensureSeeded() {
  const exists = await withClient(adminUrl!, async (admin) => {
    if (env.BENCH_SCALE_RESEED === '1') await admin.query(`drop database if exists ${dbName} with (force)`);
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [dbName]);
    if (!rowCount) await admin.query(`create database ${dbName}`);
    return Boolean(rowCount);
  });
  const handle = await openDatabase({ databaseUrl, dataDir: 'unused' });
  await handle.close();
  const seeded = exists
    ? await withClient(databaseUrl, async (c) => {
        const { rows } = await c.query("select count(*)::int as n from users where email like 'seed%@scale.test'");
        return rows[0].n === accounts;
      })
    : false;
  if (seeded) {
    console.log(`Reusing ${dbName} (${accounts} accounts); BENCH_SCALE_RESEED=1 seeds it again.`);
    // The last run's sweep changed contracts' status, an indexed column: each update added
    // entries to the trigram indexes' pending lists, which every search then reads (an
    // operator's search 209 req/s before, 257 after). Autovacuum would clear them in time; a
    // run measures the database as it keeps it.
    await withClient(databaseUrl, (c) => c.query('vacuum analyze contracts'));
    return;
  }
  if (exists) throw new Error(`${dbName} exists with another seed: run with BENCH_SCALE_RESEED=1`);
  console.log(`Seeding ${dbName}: ${accounts * seed.frameworks * (1 + seed.attachmentsPerFramework)} contracts…`);
  const start = process.hrtime.bigint();
  await withClient(databaseUrl, async (c) => {
    for (const statement of scaleSeedStatements(seed)) {
      const t0 = process.hrtime.bigint();
      await c.query(statement);
      console.log(`  ${statement.trim().split('\n')[0]!.slice(0, 60).padEnd(60)} ${(elapsed(t0) / 1000).toFixed(1)} s`);
    }
    await c.query('vacuum analyze');
  });
  console.log(`Seeded in ${(elapsed(start) / 1000).toFixed(0)} s.`);
}

// Both servers as `npm start` runs the real one (see test/helpers/child-server.ts).
function startProcess(name: string, entry: string[], extraEnv: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [...productionNodeFlags, ...entry], {
    cwd: root,
    env: { ...env, ...productionEnv, ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk}`));
  return child;
}

async function waitFor(url: string, child: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited (${child.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer`);
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** The child's resident set, from /proc; 0 where there is none. */
function rssMb(pid: number | undefined): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function login(base: string, email: string, pass: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: pass }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('qiyue_session='));
  return cookie!.split(';')[0]!;
}

async function getJson(url: string, cookie: string) {
  const res = await fetch(url, { headers: { cookie } });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<{ items: { id: string; number: string }[]; nextCursor: string | null }>;
}

/** CPU seconds the process has used, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Waits until the server idles (under a tenth of a core for a second): at start it warms the
 * PDF worker and runs its periodic jobs, which would otherwise land in the first figures.
 */
async function settle(child: ChildProcess) {
  for (let i = 0; i < 60; i++) {
    const before = cpuSeconds(child.pid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (cpuSeconds(child.pid) - before < 0.1) return;
  }
}

/** CPU seconds of every PostgreSQL process on this machine (the server is local to the bench). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

type Figure = { name: string; reqPerSec: number; p99: number; failed: number };
type Target = { name: string; url: string; cookie?: string; server?: ChildProcess };

const load = (target: Target, duration: number) =>
  autocannon({ url: target.url, connections, duration, headers: target.cookie ? { cookie: target.cookie } : undefined });

async function measure(target: Target): Promise<Figure> {
  const { name } = target;
  await load(target, warmupSeconds);
  const [serverBefore, postgresBefore] = [cpuSeconds(target.server?.pid), postgresCpuSeconds()];
  const result = await load(target, seconds);
  // Where a request's time goes: the Node server's CPU and PostgreSQL's, per request.
  const perRequest = (cpu: number) => ((cpu * 1000) / Math.max(1, result.requests.total)).toFixed(2).padStart(5);
  const split = `node ${perRequest(cpuSeconds(target.server?.pid) - serverBefore)}  postgres ${perRequest(postgresCpuSeconds() - postgresBefore)} ms CPU/req`;
  const figure = { name, reqPerSec: result.requests.average, p99: result.latency.p99, failed: result.non2xx + result.errors + result.timeouts };
  console.log(
    `  ${name.padEnd(46)} ${figure.reqPerSec.toFixed(0).padStart(7)} req/s   p99 ${String(figure.p99).padStart(5)} ms   ${split}${figure.failed ? `   ${figure.failed} FAILED` : ''}`,
  );
  return figure;
}

async function main() {
  await ensureSeeded();
  const { customerAccountId, deepKey, customerNumber } = await withClient(databaseUrl, async (c) => {
    // Production cost: the login the bench makes is the only one, and it should look real.
    const hash = await createPasswordHasher(loadConfig({ QIYUE_DEMO: '1' }).passwordHash).hash(password);
    await c.query('update users set password_hash = $1 where email = $2', [hash, seedEmail(1)]);
    const account = await c.query('select account_id from users where email = $1', [seedEmail(1)]);
    const deep = await c.query(
      `select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, id from contracts
        order by created_at desc, id desc offset $1 limit 1`,
      [Math.min(100_000, Math.floor((accounts * seed.frameworks * (1 + seed.attachmentsPerFramework)) / 2))],
    );
    const number = await c.query("select number from contracts where account_id = $1 and kind = 'framework' order by created_at limit 1", [
      account.rows[0].account_id,
    ]);
    return { customerAccountId: account.rows[0].account_id as string, deepKey: deep.rows[0] as { at: string; id: string }, customerNumber: number.rows[0].number as string };
  });

  const serverEnv = {
    DATABASE_URL: databaseUrl,
    PORT: String(appPort),
    HOST: '127.0.0.1',
    QIYUE_DEMO: '0',
    QIYUE_KEY: 'bench-scale-key-0123456789abcdef',
    QIYUE_OPERATOR_EMAIL: operator.email,
    QIYUE_OPERATOR_PASSWORD: operator.password,
    QIYUE_OPERATOR_TOTP: '0',
    LOG_LEVEL: 'warn',
  };
  const app = startProcess('app', await serverEntry({ compiled: true }), serverEnv);
  const bare = startProcess('bare', ['--import', 'tsx', 'bench/scale-bare-server.ts'], { BENCH_DATABASE_URL: databaseUrl, PORT: String(barePort) });
  let maxRss = 0;
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, rssMb(app.pid));
  }, 250);
  const figures: Figure[] = [];
  try {
    const base = `http://127.0.0.1:${appPort}`;
    await waitFor(`${base}/api/v1/health`, app);
    await waitFor(`http://127.0.0.1:${barePort}/contracts?accountId=${customerAccountId}`, bare);
    const customer = await login(base, seedEmail(1), password);
    const desk = await login(base, operator.email, operator.password);

    // The customer's page 50 deep: two contracts a page, following nextCursor as the console does.
    let cursor: string | null = null;
    for (let page = 1; page < 50; page++) {
      const answer = await getJson(`${base}/api/v1/contracts?limit=2${cursor ? `&cursor=${cursor}` : ''}`, customer);
      cursor = answer.nextCursor;
    }
    const operatorSearch = companyName(123).slice(0, 6);
    const allTargets: Target[] = [
      { name: "customer's first page (limit 20)", url: `${base}/api/v1/contracts?limit=20`, cookie: customer },
      { name: "customer's page 50 deep (limit 2)", url: `${base}/api/v1/contracts?limit=2&cursor=${cursor}`, cookie: customer },
      { name: "customer's first page (limit 2)", url: `${base}/api/v1/contracts?limit=2`, cookie: customer },
      { name: `customer search by number (${customerNumber.slice(-7)})`, url: `${base}/api/v1/contracts?q=${customerNumber.slice(-7)}`, cookie: customer },
      { name: "operator's first page (limit 20)", url: `${base}/api/v1/contracts?limit=20`, cookie: desk },
      { name: "operator's page 100,000 rows deep", url: `${base}/api/v1/contracts?limit=20&cursor=${encodeCursor(deepKey)}`, cookie: desk },
      { name: `operator search "${operatorSearch}"`, url: `${base}/api/v1/contracts?q=${encodeURIComponent(operatorSearch)}`, cookie: desk },
      { name: 'bare Fastify + pg, first page (limit 20)', url: `http://127.0.0.1:${barePort}/contracts?accountId=${customerAccountId}`, server: bare },
    ].map((target) => ({ server: app, ...target }));
    // BENCH_SCALE_ONLY=text measures only the routes whose name contains it (no ratio then).
    const only = env.BENCH_SCALE_ONLY;
    const targets = only ? allTargets.filter((target) => target.name.includes(only)) : allTargets;
    await Promise.all([settle(app), settle(bare)]);
    // Every route compiled and every statement prepared before the first figure.
    for (const target of targets) await load(target, warmupSeconds);
    console.log(`\n${connections} connections, ${warmupSeconds} s warm-up, ${seconds} s each:`);
    for (const target of targets) figures.push(await measure(target));
    if (!only) {
      const first = figures[0]!;
      const bareFigure = figures[figures.length - 1]!;
      console.log(`\n  ratio app ÷ bare (first page): ${(first.reqPerSec / bareFigure.reqPerSec).toFixed(2)}   (target ≥ 0.5)`);
    }
    console.log(`  server RSS, largest sample:    ${maxRss.toFixed(0)} MB   (target ≤ 300 MB)`);
  } finally {
    clearInterval(sampler);
    await Promise.all([stop(app), stop(bare)]);
  }

  // The sweep runs every ten minutes on every instance: usually nothing is due.
  const handle = await openDatabase({ databaseUrl, dataDir: 'unused' });
  try {
    await expireContracts(handle.db);
    let start = process.hrtime.bigint();
    const none = await expireContracts(handle.db);
    const idleMs = elapsed(start);
    await withClient(databaseUrl, (c) =>
      c.query(`update contracts set expires_at = now() - interval '1 minute'
                where status = 'effective' and account_id in (
                  select account_id from contracts where kind = 'framework' and status = 'effective' order by account_id limit 4)`),
    );
    start = process.hrtime.bigint();
    const due = await expireContracts(handle.db);
    console.log(`  expiry sweep: ${idleMs.toFixed(1)} ms with ${none} due, ${elapsed(start).toFixed(1)} ms expiring ${due}   (target ≤ 50 ms)`);
  } finally {
    await handle.close();
  }
  const failed = figures.filter((f) => f.failed > 0);
  if (failed.length) {
    console.error(`\nFailed requests in: ${failed.map((f) => f.name).join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
