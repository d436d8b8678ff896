/**
 * A 5,000-item order attachment end to end through its background job, against the production
 * entry point in a child process (as `npm start` runs it: PGlite, one PDF worker thread), so
 * that the memory is the server's own and not a benchmark's: start the signing (draft, code),
 * confirm with a platform-held key (202 and a job), poll the job until the contract exists.
 * Reports the median time over 5 runs after one warm-up and the server's peak RSS meanwhile.
 * Run: npx tsx bench/attachment-job.ts (PGlite, inside the server process), or with
 * BENCH_DATABASE_URL=postgres://… on PostgreSQL (a new database is made on that server).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { consent, uniqueCreditCode } from '../test/helpers/app.js';
import { productionEnv, productionNodeFlags, startChildServer } from '../test/helpers/child-server.js';
import { codeFromOutboxView, fetchStep, signThrough, type Step } from '../test/helpers/signing.js';

const items = Number(process.env.ITEMS ?? 5000);
const runs = Number(process.env.RUNS ?? 5);
const dataDir = mkdtempSync(path.join(tmpdir(), 'qiyue-bench-job-'));
let databaseUrl: string | undefined;
if (process.env.BENCH_DATABASE_URL) {
  const name = `qiyue_bench_job_${Date.now()}`;
  const admin = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(process.env.BENCH_DATABASE_URL);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
}
const server = await startChildServer(
  {
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
    QIYUE_RATE_LIMIT: '0',
    QIYUE_RENDER_THREADS: '1',
    QIYUE_DAILY_CONTRACT_LIMIT: '1000',
    ...productionEnv,
  },
  { nodeFlags: productionNodeFlags, compiled: true },
);
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.process.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

try {
  await server.waitForHealth();
  const login = async (email: string, password: string) => {
    const res = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    return { cookie: res.headers.getSetCookie()[0]!.split(';')[0]!, 'x-csrf-token': ((await res.json()) as { csrfToken: string }).csrfToken };
  };
  const reg = await fetch(`${server.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-job-${Date.now()}@example.com`, password: 'correct-horse-battery', acceptTerms: true }),
  });
  const registered = (await reg.json()) as { csrfToken: string; accountId: string };
  const session = { cookie: reg.headers.getSetCookie()[0]!.split(';')[0]!, 'x-csrf-token': registered.csrfToken };
  const customer: Step = fetchStep(server.url, session);
  await customer('POST', '/verification', { subjectType: 'enterprise', name: '福州示例云计算有限公司', creditCode: uniqueCreditCode(), legalRepresentative: '林晓明', consent });
  await fetch(`${server.url}/api/v1/party-a`, {
    method: 'PUT',
    headers: { ...session, 'content-type': 'application/json' },
    body: JSON.stringify({ address: '福建省福州市鼓楼区示例路 88 号', contactName: '陈静', contactPhone: '13800138000', contactEmail: 'finance@example.com' }),
  });
  const code = codeFromOutboxView(fetchStep(server.url, await login('desk@qiyue.test', 'operator-password-1')));
  const framework = await signThrough(customer, code, { kind: 'framework', termYears: 1, copies: 2 });
  if (framework.status !== 201) throw new Error(`framework: ${JSON.stringify(framework.body)}`);
  const frameworkId = framework.body.contract.id as string;

  // The billing system pushes the orders, twenty at a time.
  const push = (i: number) =>
    fetch(`${server.url}/api/v1/integration/accounts/${registered.accountId}/orders/BIG${String(i).padStart(5, '0')}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-integration-token-0123' },
      body: JSON.stringify({ product: '云服务器 ECS', spec: `通用型 g7 · 4 vCPU 16 GiB · 包年 · 第 ${i + 1} 台`, quantity: 1 + (i % 3), amountFen: 186_000 + i, paidAt: '2026-09-01T08:00:00+08:00', status: 'paid' }),
    });
  for (let i = 0; i < items; i += 20) await Promise.all(Array.from({ length: Math.min(20, items - i) }, (_, k) => push(i + k)));
  const ids: string[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await customer('GET', `/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...(page.body.items as { id: string }[]).map((o) => o.id));
    cursor = page.body.nextCursor;
    if (!cursor) break;
  }

  const once = async () => {
    const t0 = performance.now();
    const confirmed = await signThrough(customer, code, { kind: 'order_attachment', frameworkId, itemIds: ids.slice(0, items) }, { custody: 'platform' });
    if (confirmed.status !== 202) throw new Error(`confirm did not start a job: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
    for (;;) {
      const { body } = await customer('GET', `/contract-jobs/${confirmed.body.job.id}`);
      if (body.job.state === 'done') return { ms: performance.now() - t0, contractId: body.job.contract.id as string };
      if (body.job.state === 'failed') throw new Error(`job failed: ${JSON.stringify(body.job.error)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const times: number[] = [];
  const before = rssMb();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 20);
  for (let i = 0; i <= runs; i++) {
    const { ms, contractId } = await once();
    if (i > 0) times.push(ms);
    await customer('POST', `/contracts/${contractId}/void`, { reason: '基准测试作废' });
  }
  clearInterval(sampler);
  times.sort((a, b) => a - b);
  console.log(
    `${items.toLocaleString('en')}-item order attachment through its job (start + confirm with a platform-held key + the job), server in a child process on ${databaseUrl ? 'PostgreSQL' : 'PGlite'}: median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, slowest ${times.at(-1)!.toFixed(0)} ms (n=${times.length})  [target ≤ 2 s]; server RSS peak ${peak.toFixed(0)} MB, ${before.toFixed(0)} MB before  [target ≤ 400 MB]`,
  );
} finally {
  await server.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
