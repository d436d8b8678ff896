/**
 * `npm run bench`: contract generation through the real operations and HTTP, in a warm
 * process, on PGlite (or on PostgreSQL with BENCH_DATABASE_URL). Every contract is signed as
 * the console signs it: start a signing (draft, one-time code), confirm the code with a P-256
 * public key made by WebCrypto (event certificate, the signed attributes to sign), sign them
 * with WebCrypto, complete (Party A's signature timestamped, Party B's, DSS, store):
 *  - a framework agreement end to end: the server's time (the three requests) as median and
 *    p95 over 50, then contracts per second with 4 concurrent HTTP clients;
 *  - a 500-item order attachment: median over 20.
 * The 5,000-item attachment through its background job is bench/attachment-job.ts, against a
 * server in its own process, so that its memory is the server's.
 */
import { webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, like } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/server/app.js';
import { outbox } from '../src/server/db/schema/index.js';
import { defaultRenderThreads } from '../src/server/config.js';
import { creditCodeCheckChar } from '../src/shared/ids.js';
import { consentVersion } from '../src/shared/schemas/verification.js';
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

/** One request: its answer and how long the server took to give it. */
// biome-ignore lint/suspicious/noExplicitAny: answers are read as the API documents them
type Send = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<{ status: number; body: any; ms: number }>;

const injectAs =
  (c: Customer): Send =>
  async (method, path, body) => {
    const t0 = performance.now();
    const r = await app.inject({ method, url: `/api/v1${path}`, headers: { cookie: c.cookie, 'x-csrf-token': c.csrf }, payload: body as object });
    return { status: r.statusCode, body: r.json(), ms: performance.now() - t0 };
  };

const fetchAs =
  (c: Customer, port: number): Send =>
  async (method, path, body) => {
    const t0 = performance.now();
    const r = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
      method,
      headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await r.json();
    return { status: r.status, body: answer, ms: performance.now() - t0 };
  };

/** The code Party A received, as the outbox holds it (the bench plays Party A's inbox). */
async function codeFor(accountId: string, draftSha256: string): Promise<string> {
  const rows = await app.ctx.db
    .select({ body: outbox.body })
    .from(outbox)
    .where(and(eq(outbox.accountId, accountId), eq(outbox.carriesCode, true), eq(outbox.channel, 'email'), like(outbox.body, `%${draftSha256}%`)));
  const code = rows.map((r) => /验证码：(\d{6})/.exec(r.body)?.[1]).find(Boolean);
  if (!code) throw new Error('no signing code in the outbox');
  return code;
}

/**
 * Party A signs as the console does, with a WebCrypto key; answers the contract and the
 * server's time: the three requests, not the bench's own key, signature and code lookup.
 */
async function signAsBrowser(send: Send, c: Customer, body: object) {
  const started = await send('POST', '/signings', body);
  if (started.status !== 201) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
  const { id, draftSha256 } = started.body.signing;
  const [code, pair] = await Promise.all([
    codeFor(c.accountId, draftSha256),
    webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']),
  ]);
  const { kty, crv, x, y } = await webcrypto.subtle.exportKey('jwk', pair.publicKey);
  const confirmed = await send('POST', `/signings/${id}/confirm`, { code, publicKey: { kty, crv, x, y } });
  let prepared = confirmed.body.signing;
  // Above 200 items a contract job prepares the signature: its time counts as the server's.
  if (confirmed.status === 202) {
    const waitStart = performance.now();
    for (;;) {
      const job = (await send('GET', `/contract-jobs/${confirmed.body.job.id}`)).body.job;
      if (job.state === 'awaiting_signature') break;
      if (job.state === 'failed') throw new Error(`job failed: ${JSON.stringify(job.error)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    prepared = (await send('GET', `/signings/${id}`)).body.signing;
    confirmed.ms += performance.now() - waitStart;
  } else if (confirmed.status !== 200) throw new Error(`confirm failed: ${JSON.stringify(confirmed.body)}`);
  const toBeSigned = Buffer.from(prepared.toBeSigned, 'base64');
  const signature = Buffer.from(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, toBeSigned)).toString('base64');
  const completed = await send('POST', `/signings/${id}/complete`, { signature });
  if (completed.status !== 201) throw new Error(`complete failed: ${JSON.stringify(completed.body)}`);
  return { contract: completed.body.contract as { id: string }, serverMs: started.ms + confirmed.ms + completed.ms };
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'qiyue-bench-'));
const app = await buildApp(
  testConfig({
    databaseUrl: process.env.BENCH_DATABASE_URL,
    // A directory, as `npm start` keeps its data (./data), not the tests' in-memory file system.
    dataDir,
    operator: undefined,
    // As in production: PDFs render and are signed in a pool of worker threads.
    renderThreads: Number(process.env.QIYUE_RENDER_THREADS ?? defaultRenderThreads),
  }),
);
const apply = { kind: 'framework', termYears: 1, copies: 2 };

// Warm the font caches, the database and the JIT, in this thread and in the PDF worker (which
// sees nothing but contracts).
const warm = await customer(app, -1);
for (let i = 0; i < 20; i++) {
  const { contract } = await signAsBrowser(injectAs(warm), warm, apply);
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/void`, headers: { cookie: warm.cookie, 'x-csrf-token': warm.csrf }, payload: { reason: '预热' } });
}

console.log(`Qiyue benchmarks on ${app.ctx.config.databaseUrl ? 'PostgreSQL' : 'PGlite'}, Node ${process.version}`);

// 1. One framework agreement at a time, end to end.
const customers = await Promise.all(Array.from({ length: 50 }, (_, i) => customer(app, i)));
const times: number[] = [];
const signed: { c: Customer; id: string }[] = [];
for (const c of customers) {
  const { contract, serverMs } = await signAsBrowser(injectAs(c), c, apply);
  times.push(serverMs);
  signed.push({ c, id: contract.id });
}
console.log(`framework agreement, start + confirm + complete (render, certificate, 2 signatures, store): server ${fmt(times)}  [target median ≤ 60 ms]`);

// The evidence report is rendered and signed on its first download, then served as stored.
const evidenceTimes: number[] = [];
for (const { c, id } of signed.slice(0, 30)) {
  const t = performance.now();
  const r = await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/evidence.pdf`, headers: { cookie: c.cookie, 'x-csrf-token': c.csrf } });
  if (r.statusCode !== 200) throw new Error(`evidence report: ${r.statusCode} ${r.body.slice(0, 200)}`);
  evidenceTimes.push(performance.now() - t);
}
console.log(`evidence report, first download (render, Party B's signature, timestamp, DSS, store): ${fmt(evidenceTimes)}  [target ≤ 30 ms]`);

// 2. Throughput: 4 HTTP clients over a real socket.
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;
const perClient = 15;
const pool = await Promise.all(Array.from({ length: 4 * perClient }, (_, i) => customer(app, 1000 + i)));
// The socket path (HTTP parsing, the fetch client) is new code to this warm process: five
// contracts per client first, as the sequential phase above was warmed through inject.
const warmPool = await Promise.all(Array.from({ length: 4 * 5 }, (_, i) => customer(app, 3000 + i)));
await Promise.all(
  Array.from({ length: 4 }, async (_, client) => {
    for (let k = 0; k < 5; k++) await signAsBrowser(fetchAs(warmPool[client * 5 + k]!, port), warmPool[client * 5 + k]!, apply);
  }),
);
const t0 = performance.now();
await Promise.all(
  Array.from({ length: 4 }, async (_, client) => {
    for (let k = 0; k < perClient; k++) {
      const c = pool[client * perClient + k]!;
      await signAsBrowser(fetchAs(c, port), c, apply);
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


const attachmentTimes: number[] = [];
for (let i = 0; i < 21; i++) {
  const { contract, serverMs } = await signAsBrowser(injectAs(owner), owner, { kind: 'order_attachment', frameworkId: framework.id, itemIds: orderIds });
  if (i > 0) attachmentTimes.push(serverMs); // the first run warms the table code paths
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/void`, headers, payload: { reason: '基准测试' } });
}
console.log(`500-item order attachment, start + confirm + complete: server ${fmt(attachmentTimes)}  [target median ≤ 400 ms]`);

await app.close();
rmSync(dataDir, { recursive: true, force: true });
