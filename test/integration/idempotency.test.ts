import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeys, signings } from '../../src/server/db/schema/index.js';
import { consent, createTestApp, type TestApp, uniqueCreditCode } from '../helpers/app.js';
import { type ChildServer, startChildServer } from '../helpers/child-server.js';
import { createTestDatabase } from '../helpers/database.js';

// The creating POST under test: a signing's start (the contract routes answer confirmation_required).
const apply = { kind: 'framework', termYears: 1, copies: 2 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Idempotency-Key after a request died', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ idempotencyLeaseMs: 1000 });
  });
  afterAll(() => t?.close());

  it('runs the work when the key was claimed by a request that died before its commit', async () => {
    const c = await t.verifiedCustomer();
    // What a crash between the claim and the commit leaves: a claim without effect or answer.
    await t.app.ctx.db
      .insert(idempotencyKeys)
      .values({ userId: c.userId, key: 'died-early', route: 'POST /api/v1/signings', requestHash: 'x', lockedUntil: sql`now() - interval '1 second'` });
    // Another body under the key is still refused: the hash is the request's.
    const other = await t.request(c, 'POST', '/api/v1/signings', apply, { 'idempotency-key': 'died-early' });
    expect(other.json().code).toBe('idempotency_key_reused');

    await t.app.ctx.db.delete(idempotencyKeys).where(eq(idempotencyKeys.key, 'died-early'));
    const first = await t.request(c, 'POST', '/api/v1/signings', apply, { 'idempotency-key': 'lease-1' });
    expect(first.statusCode).toBe(201);
    // Pretend that request died right after claiming: no answer, no effect, lease still live.
    await t.app.ctx.db
      .update(idempotencyKeys)
      .set({ statusCode: null, response: null, effectId: null, lockedUntil: sql`now() + interval '1 second'` })
      .where(and(eq(idempotencyKeys.userId, c.userId), eq(idempotencyKeys.key, 'lease-1')));
    const running = await t.request(c, 'POST', '/api/v1/signings', apply, { 'idempotency-key': 'lease-1' });
    expect(running.statusCode).toBe(409);
    expect(running.json().code).toBe('invalid_state');
    expect(running.headers['retry-after']).toMatch(/^\d+$/);
    await sleep(1100);
    const retried = await t.request(c, 'POST', '/api/v1/signings', apply, { 'idempotency-key': 'lease-1' });
    expect(retried.statusCode).toBe(201);
    expect(retried.json().signing.id).not.toBe(first.json().signing.id);
    const again = await t.request(c, 'POST', '/api/v1/signings', apply, { 'idempotency-key': 'lease-1' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().signing.id).toBe(retried.json().signing.id);
  });

  it('answers from the committed row when the request died between its commit and its answer', async () => {
    const c = await t.verifiedCustomer();
    const first = await t.request(c, 'POST', '/api/v1/signings', apply, { 'idempotency-key': 'commit-1' });
    expect(first.statusCode).toBe(201);
    const [key] = await t.app.ctx.db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.userId, c.userId), eq(idempotencyKeys.key, 'commit-1')));
    // The effect's id was written by the operation's own transaction.
    expect(key!.effectId).toBe(first.json().signing.id);
    await t.app.ctx.db
      .update(idempotencyKeys)
      .set({ statusCode: null, response: null, lockedUntil: sql`now() - interval '1 second'` })
      .where(and(eq(idempotencyKeys.userId, c.userId), eq(idempotencyKeys.key, 'commit-1')));
    const retried = await t.request(c, 'POST', '/api/v1/signings', apply, { 'idempotency-key': 'commit-1' });
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.json().signing).toEqual(first.json().signing);
    const started = await t.app.ctx.db.select().from(signings).where(eq(signings.accountId, c.accountId!));
    expect(started).toHaveLength(1);
  });
});

describe('Idempotency-Key across a crash of the server process', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;
  const servers: ChildServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'qiyue-idem-'));
  });
  afterAll(async () => {
    for (const s of servers) await s.kill('SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const server = await startChildServer({
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : { DATA_DIR: dataDir }),
      QIYUE_IDEMPOTENCY_LEASE_SECONDS: '2',
      QIYUE_RATE_LIMIT: '0',
    });
    servers.push(server);
    await server.waitForHealth();
    return server;
  };

  async function customer(server: ChildServer, n: number) {
    const call = async (method: string, url: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${server.url}/api/v1${url}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return res;
    };
    const reg = await call('POST', '/auth/register', { email: `crash${n}-${Date.now()}@example.com`, password: 'correct-horse-battery', acceptTerms: true });
    const cookie = reg.headers.getSetCookie()[0]!.split(';')[0]!;
    const headers = { cookie, 'x-csrf-token': ((await reg.json()) as { csrfToken: string }).csrfToken };
    await call('POST', '/verification', { subjectType: 'enterprise', name: '福州示例云计算有限公司', creditCode: uniqueCreditCode(), legalRepresentative: '林晓明', consent }, headers);
    await call('PUT', '/party-a', { address: '福建省福州市鼓楼区示例路 88 号', contactName: '陈静', contactPhone: '13800138000', contactEmail: 'finance@example.com' }, headers);
    return headers;
  }

  it('answers the retry of a request whose server was killed with SIGKILL mid-request', async () => {
    let server = await start();
    // Kills at several moments of the request: before, during and after its transaction.
    for (const [n, delay] of [0, 30, 120, 400].entries()) {
      const headers = { ...(await customer(server, n)), 'content-type': 'application/json', 'idempotency-key': `crash-${n}` };
      const post = () => fetch(`${server.url}/api/v1/signings`, { method: 'POST', headers, body: JSON.stringify(apply) });
      const cut = post().catch(() => null);
      await sleep(delay);
      await server.kill('SIGKILL');
      await cut;
      server = await start();

      let answer: Response | undefined;
      for (let attempt = 0; attempt < 20; attempt++) {
        answer = await post();
        if (answer.status !== 409) break;
        expect(((await answer.json()) as { code: string }).code).toBe('invalid_state');
        await sleep(Number(answer.headers.get('retry-after') ?? 1) * 1000);
      }
      expect(answer!.status, `kill after ${delay} ms`).toBe(201);
      const signing = ((await answer!.json()) as { signing: { id: string; kind: string } }).signing;
      expect(signing.kind).toBe('framework');
      // Answered from the one signing the first request made, or made once by the retry.
      const again = await post();
      expect(((await again.json()) as { signing: { id: string } }).signing.id).toBe(signing.id);
    }
  }, 240_000);
});
