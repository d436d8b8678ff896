/**
 * `npm run bench`: contract generation through the real operations and HTTP, in a warm
 * process, on PGlite (or on PostgreSQL with BENCH_DATABASE_URL):
 *  - a framework agreement generated end to end (render, event certificate, two signatures,
 *    store): median and p95 over 50, then contracts per second with 4 concurrent HTTP clients;
 *  - a 500-item order attachment (render, sign, store): median over 20; above 200 items an
 *    attachment is a background job, so this is end to end through it (202, then polling the
 *    job until it is done);
 *  - a 5,000-item order attachment through the job, with the peak RSS of the process (server
 *    and its render workers) while it runs: median over 5.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/server/app.js';
import { defaultRenderThreads } from '../src/server/config.js';
import { creditCodeCheckChar } from '../src/shared/ids.js';
import { consentVersion } from '../src/shared/schemas/verification.js';
import { orders } from '../src/server/db/schema/index.js';
import { testConfig } from '../test/helpers/app.js';

// Each account its own company: a credit code belongs to one account.
const benchCreditCode = (i: number) => {
  const first17 = `91350100MA${String(i + 2_000_000).slice(-7)}`;
  return first17 + creditCodeCheckChar(first17);
};

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const fmt = (xs: number[]) => `median ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms (n=${xs.length})`;

type Customer = { cookie: string; csrf: string; accountId: string };

// Every customer a different company, so that no two contracts draw the same names (whose
// glyphs go into each contract's own font subset) and nothing is served from a cache.
const cities = ['福州', '厦门', '泉州', '漳州', '莆田', '宁德', '南平', '三明', '龙岩', '杭州', '宁波', '温州', '嘉兴', '湖州', '绍兴', '金华'];
const trades = ['云计算', '数据科技', '网络信息', '智能制造', '电子商务', '软件开发', '物联网', '文化传媒', '医疗器械', '新能源'];
const streets = ['鼓楼区五四路', '思明区湖滨南路', '丰泽区刺桐路', '西湖区文三路', '鄞州区天童南路', '鹿城区车站大道'];
const people = ['陈静', '林晓明', '黄丽娟', '郑国强', '王雪梅', '吴志远', '刘佳怡', '蔡文斌'];
const pick = <T>(xs: T[], i: number) => xs[Math.abs(i) % xs.length]!;

async function customer(app: FastifyInstance, i: number): Promise<Customer> {
  const reg = await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { email: `bench${i}-${Date.now()}@example.com`, password: 'bench-password-1', acceptTerms: true } });
  const body = reg.json();
  const c = { cookie: `qiyue_session=${reg.cookies[0]!.value}`, csrf: body.csrfToken as string, accountId: body.accountId as string };
  const headers = { cookie: c.cookie, 'x-csrf-token': c.csrf };
  await app.inject({
    method: 'POST',
    url: '/api/v1/verification',
    headers,
    payload: {
      subjectType: 'enterprise',
      name: `${pick(cities, i)}${pick(trades, Math.floor(i / cities.length) + i)}${i < 0 ? '预热' : ''}有限公司`,
      creditCode: benchCreditCode(i),
      consent: { version: consentVersion },
      legalRepresentative: pick(people, i + 3),
    },
  });
  await app.inject({
    method: 'PUT',
    url: '/api/v1/party-a',
    headers,
    payload: {
      address: `${pick(cities, i)}市${pick(streets, i)} ${100 + i} 号`,
      contactName: pick(people, i),
      contactPhone: `138${String(10_000_000 + i).padStart(8, '0')}`,
      contactEmail: `finance${i}@example.com`,
    },
  });
  return c;
}

const app = await buildApp(
  testConfig({
    databaseUrl: process.env.BENCH_DATABASE_URL,
    dataDir: 'memory://',
    operator: undefined,
    // As in production: PDFs render and are signed in a pool of worker threads.
    renderThreads: Number(process.env.QIYUE_RENDER_THREADS ?? defaultRenderThreads),
  }),
);
const apply = { termYears: 1, copies: 2, accept: true };

// Warm the font caches, the database and the JIT, in this thread and in the PDF worker (which
// sees nothing but contracts).
const warm = await customer(app, -1);
for (let i = 0; i < 20; i++) {
  const r = await app.inject({ method: 'POST', url: '/api/v1/contracts/framework', headers: { cookie: warm.cookie, 'x-csrf-token': warm.csrf }, payload: apply });
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${r.json().contract.id}/void`, headers: { cookie: warm.cookie, 'x-csrf-token': warm.csrf }, payload: { reason: '预热' } });
}

console.log(`Qiyue benchmarks on ${app.ctx.config.databaseUrl ? 'PostgreSQL' : 'PGlite'}, Node ${process.version}`);

// 1. One framework agreement at a time, end to end.
const customers = await Promise.all(Array.from({ length: 50 }, (_, i) => customer(app, i)));
const times: number[] = [];
for (const c of customers) {
  const t0 = performance.now();
  const r = await app.inject({ method: 'POST', url: '/api/v1/contracts/framework', headers: { cookie: c.cookie, 'x-csrf-token': c.csrf }, payload: apply });
  times.push(performance.now() - t0);
  if (r.statusCode !== 201) throw new Error(`apply failed: ${r.body}`);
}
console.log(`framework agreement, full generation (render + 2 signatures + store): ${fmt(times)}  [target median ≤ 60 ms]`);

// 2. Throughput: 4 HTTP clients over a real socket.
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;
const perClient = 15;
const pool = await Promise.all(Array.from({ length: 4 * perClient }, (_, i) => customer(app, 1000 + i)));
const t0 = performance.now();
await Promise.all(
  Array.from({ length: 4 }, async (_, client) => {
    for (let k = 0; k < perClient; k++) {
      const c = pool[client * perClient + k]!;
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/contracts/framework`, {
        method: 'POST',
        headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' },
        body: JSON.stringify(apply),
      });
      if (r.status !== 201) throw new Error(`apply failed: ${r.status} ${await r.text()}`);
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
console.log(`framework agreements with 4 concurrent HTTP clients: ${((4 * perClient) / seconds).toFixed(1)} contracts/s  [target ≥ 20/s]`);

// 3. A 500-item order attachment.
const owner = customers[0]!;
const headers = { cookie: owner.cookie, 'x-csrf-token': owner.csrf };
const token = app.ctx.config.integrationToken!;
const orderIds: string[] = [];
for (let i = 0; i < 500; i++) {
  await app.inject({
    method: 'PUT',
    url: `/api/v1/integration/accounts/${owner.accountId}/orders/BENCH${String(i).padStart(5, '0')}`,
    headers: { authorization: `Bearer ${token}` },
    payload: { product: '云服务器 ECS', spec: '通用型 g7 · 4 vCPU 16 GiB · 包年', quantity: 1 + (i % 3), amountFen: 186_000 + i, paidAt: '2026-10-01T08:00:00+08:00', status: 'paid' },
  });
}
const list = await app.inject({ method: 'GET', url: '/api/v1/orders?limit=500', headers });
for (const o of list.json().items) orderIds.push(o.id);
const framework = (await app.inject({ method: 'GET', url: '/api/v1/contracts?kind=framework&status=effective', headers })).json().items[0];

/** POSTs an attachment and, when it is a job (202), polls it until done: the time a customer waits. */
async function attachEndToEnd(itemIds: string[]) {
  const r = await app.inject({ method: 'POST', url: `/api/v1/contracts/${framework.id}/attachments`, headers, payload: { kind: 'order_attachment', itemIds, accept: true } });
  if (r.statusCode === 201) return r.json().contract.id as string;
  if (r.statusCode !== 202) throw new Error(`attachment failed: ${r.body}`);
  const jobId = r.json().job.id as string;
  for (;;) {
    const job = (await app.inject({ method: 'GET', url: `/api/v1/contract-jobs/${jobId}`, headers })).json().job;
    if (job.state === 'done') return job.contract.id as string;
    if (job.state === 'failed') throw new Error(`job failed: ${JSON.stringify(job.error)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const voidAttachment = (id: string) => app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/void`, headers, payload: { reason: '基准测试' } });

const attachmentTimes: number[] = [];
for (let i = 0; i < 21; i++) {
  const t = performance.now();
  const id = await attachEndToEnd(orderIds);
  const elapsed = performance.now() - t;
  if (i > 0) attachmentTimes.push(elapsed); // the first run warms the table code paths
  await voidAttachment(id);
}
console.log(`500-item order attachment, through the job (render + 2 signatures + store + poll): ${fmt(attachmentTimes)}  [target median ≤ 400 ms]`);

// 4. A 5,000-item order attachment through the job, with the process's memory meanwhile.
const bigIds = (
  await app.ctx.db
    .insert(orders)
    .values(
      Array.from({ length: 5000 }, (_, i) => ({
        accountId: owner.accountId,
        orderNo: `BIG${String(i).padStart(5, '0')}`,
        product: '云服务器 ECS',
        spec: `通用型 g7 · 4 vCPU 16 GiB · 包年 · 第 ${i + 1} 台`,
        quantity: 1 + (i % 3),
        amountFen: 186_000 + i,
        paidAt: new Date(Date.UTC(2026, 8, 1, 0, 0, i)),
        status: 'paid' as const,
      })),
    )
    .returning({ id: orders.id })
).map((o) => o.id);
const bigTimes: number[] = [];
const rssBefore = process.memoryUsage().rss;
let peakRss = 0;
for (let i = 0; i < 6; i++) {
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 25);
  const t = performance.now();
  const id = await attachEndToEnd(bigIds);
  const elapsed = performance.now() - t;
  clearInterval(sampler);
  if (i > 0) bigTimes.push(elapsed);
  await voidAttachment(id);
}
console.log(
  `5,000-item order attachment, through the job: ${fmt(bigTimes)}  [target ≤ 2 s]; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB (${(rssBefore / 2 ** 20).toFixed(0)} MB before)  [target ≤ 400 MB]`,
);

await app.close();
