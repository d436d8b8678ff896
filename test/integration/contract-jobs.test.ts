import { sign } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workContractJobs } from '../../src/server/contract-jobs/run-contract-job.js';
import { queryRows } from '../../src/server/db/client.js';
import { contractJobs, orders, signings } from '../../src/server/db/schema/index.js';
import { type Caller, createTestApp, type TestApp } from '../helpers/app.js';
import { latestCode, p256Key } from '../helpers/signing.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

async function customerWithFramework() {
  const c = await t.verifiedCustomer();
  const framework = (await t.signFramework(c, { termYears: 1, copies: 2 }, { custody: 'platform' })).json().contract;
  return { c, framework };
}

/** Paid orders of the account, inserted as the billing system's pushes would leave them. */
async function seedOrders(c: Caller, count: number, prefix = 'JOB') {
  const rows = await t.app.ctx.db
    .insert(orders)
    .values(
      Array.from({ length: count }, (_, i) => ({
        accountId: c.accountId!,
        orderNo: `${prefix}-${String(i).padStart(5, '0')}`,
        product: '云服务器 ECS',
        spec: `通用型 g7 · 4 vCPU 16 GiB · 第 ${i + 1} 台`,
        quantity: 1,
        amountFen: 10_000 + i,
        paidAt: new Date('2026-10-01T00:00:00Z'),
        status: 'paid' as const,
      })),
    )
    .returning({ id: orders.id });
  return rows.map((r) => r.id);
}

async function pollJob(c: Caller, id: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  const seen: number[] = [];
  for (;;) {
    const res = await t.request(c, 'GET', `/api/v1/contract-jobs/${id}`);
    expect(res.statusCode).toBe(200);
    const job = res.json().job;
    seen.push(job.progress);
    if (job.state === 'done' || job.state === 'failed') return { job, seen };
    if (Date.now() > deadline) throw new Error(`job still ${job.state} at ${job.progress}%`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs the next test's jobs only when it asks (workContractJobs), as if no instance had started them. */
async function withJobsHeld<T>(fn: () => Promise<T>) {
  t.app.ctx.config.startContractJobs = false;
  try {
    return await fn();
  } finally {
    t.app.ctx.config.startContractJobs = true;
  }
}

// With a platform-held key the confirmation generates the attachment (201), or above 200 items
// accepts it as a job (202); with Party A's own key see the describe block at the end.
const attach = (c: Caller, frameworkId: string, itemIds: string[], headers: Record<string, string> = {}) =>
  t.signAttachment(c, frameworkId, { kind: 'order_attachment', itemIds }, { custody: 'platform', ...(headers['idempotency-key'] ? { idempotencyKey: headers['idempotency-key'] } : {}) });

describe('attachments in the background', () => {
  it('lists the jobs to come back to: under way, then done with its contract; another account sees none', async () => {
    const { c, framework } = await customerWithFramework();
    const ids = await seedOrders(c, 201, 'LIST');
    const accepted = await withJobsHeld(() => attach(c, framework.id, ids));
    expect(accepted.statusCode).toBe(202);
    const jobId = accepted.json().job.id as string;
    const listed = await t.request(c, 'GET', '/api/v1/contract-jobs');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toEqual([expect.objectContaining({ id: jobId, state: 'queued', items: 201, frameworkId: framework.id })]);
    const stranger = await t.verifiedCustomer();
    expect((await t.request(stranger, 'GET', '/api/v1/contract-jobs')).json().items).toEqual([]);

    await workContractJobs(t.app.ctx);
    const { job } = await pollJob(c, jobId);
    expect(job.state).toBe('done');
    const after = (await t.request(c, 'GET', '/api/v1/contract-jobs')).json().items;
    expect(after).toEqual([expect.objectContaining({ id: jobId, state: 'done', contract: expect.objectContaining({ number: `${framework.number}-A01` }) })]);
  });

  it('answers 200 items at once and 201 items with a job that ends with the contract', async () => {
    const { c, framework } = await customerWithFramework();
    const ids = await seedOrders(c, 401);

    const direct = await attach(c, framework.id, ids.slice(0, 200));
    expect(direct.statusCode).toBe(201);
    expect(direct.json().contract.number).toBe(`${framework.number}-A01`);

    const accepted = await attach(c, framework.id, ids.slice(200));
    expect(accepted.statusCode).toBe(202);
    const job = accepted.json().job;
    expect(job).toMatchObject({ kind: 'order_attachment', frameworkId: framework.id, items: 201 });
    expect(['queued', 'running']).toContain(job.state);
    expect(accepted.headers.location).toBe(`/api/v1/contract-jobs/${job.id}`);

    const { job: finished } = await pollJob(c, job.id);
    expect(finished).toMatchObject({ state: 'done', progress: 100, contract: { number: `${framework.number}-A02`, kind: 'order_attachment', status: 'effective' } });
    const contract = (await t.request(c, 'GET', `/api/v1/contracts/${finished.contract.id}`)).json().contract;
    expect(contract.items).toHaveLength(201);
    expect(contract.items[0].orderNo).toBe('JOB-00200');

    // The same audit event as the direct path, naming the member who asked.
    const events = await queryRows<{ actor_user_id: string | null; data: { items: number } }>(
      t.app.ctx.db,
      sql`select actor_user_id, data from audit_events where subject_id = ${finished.contract.id} and action = 'contract.generated'`,
    );
    expect(events).toEqual([expect.objectContaining({ actor_user_id: c.userId, data: expect.objectContaining({ items: 201 }) })]);

    // Its items are covered like any attachment's.
    const again = await attach(c, framework.id, [ids[300]!]);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('item_already_covered');
  });

  it('generates a 5,000-item attachment and refuses 5,001 items', async () => {
    const { c, framework } = await customerWithFramework();
    const ids = await seedOrders(c, 5001, 'BIG');
    const tooMany = await attach(c, framework.id, ids);
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().code).toBe('too_many_items');

    const accepted = await attach(c, framework.id, ids.slice(0, 5000));
    expect(accepted.statusCode).toBe(202);
    const { job } = await pollJob(c, accepted.json().job.id, 120_000);
    expect(job).toMatchObject({ state: 'done', items: 5000, contract: { number: `${framework.number}-A01` } });
    const pdf = await t.request(c, 'GET', `/api/v1/contracts/${job.contract.id}/pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const [count] = await queryRows<{ n: number }>(t.app.ctx.db, sql`select count(*)::int as n from attachment_items where contract_id = ${job.contract.id}`);
    expect(count!.n).toBe(5000);
  }, 180_000);

  it('reserves the items of a pending job: another job or a direct request choosing one is refused at once', async () => {
    const { c, framework } = await customerWithFramework();
    const ids = await seedOrders(c, 420, 'RES');
    await withJobsHeld(async () => {
      const accepted = await attach(c, framework.id, ids.slice(0, 210));
      expect(accepted.statusCode).toBe(202);
      expect(accepted.json().job.state).toBe('queued');

      const direct = await attach(c, framework.id, [ids[5]!, ids[300]!]);
      expect(direct.statusCode).toBe(409);
      expect(direct.json()).toMatchObject({ code: 'item_already_covered', errors: [{ path: `itemIds.${ids[5]}` }] });
      const otherJob = await attach(c, framework.id, ids.slice(200, 420));
      expect(otherJob.statusCode).toBe(409);
      expect(otherJob.json().code).toBe('item_already_covered');

      // Items no job holds are free meanwhile: that attachment takes the next number.
      const free = await attach(c, framework.id, [ids[300]!]);
      expect(free.json().contract.number).toBe(`${framework.number}-A01`);

      expect(await workContractJobs(t.app.ctx)).toBeGreaterThanOrEqual(1);
      const { job } = await pollJob(c, accepted.json().job.id);
      expect(job).toMatchObject({ state: 'done', contract: { number: `${framework.number}-A02` } });
    });
  });

  it('fails a job with the code the direct request would have answered, and frees its items', async () => {
    const { c, framework } = await customerWithFramework();
    const ids = await seedOrders(c, 205, 'FAIL');
    const jobId = await withJobsHeld(async () => {
      const accepted = await attach(c, framework.id, ids);
      expect(accepted.statusCode).toBe(202);
      // Refunded after the request was accepted, before any instance ran the job.
      await t.app.ctx.db.update(orders).set({ status: 'refunded' }).where(eq(orders.id, ids[7]!));
      await workContractJobs(t.app.ctx);
      return accepted.json().job.id as string;
    });
    const { job } = await pollJob(c, jobId);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'item_not_selectable' } });
    expect(job.contract).toBeUndefined();
    // No number was used and the other items can be chosen again.
    const retry = await attach(c, framework.id, [ids[0]!, ids[1]!]);
    expect(retry.statusCode).toBe(201);
    expect(retry.json().contract.number).toBe(`${framework.number}-A01`);
  });

  it('replays the same job for the same Idempotency-Key', async () => {
    const { c, framework } = await customerWithFramework();
    const ids = await seedOrders(c, 230, 'IDEM');
    const headers = { 'idempotency-key': `job-${c.userId}` };
    const first = await attach(c, framework.id, ids, headers);
    expect(first.statusCode).toBe(202);
    const replayed = await attach(c, framework.id, ids, headers);
    expect(replayed.statusCode).toBe(202);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.json().job.id).toBe(first.json().job.id);
    await pollJob(c, first.json().job.id);
    const [jobs] = await queryRows<{ n: number }>(t.app.ctx.db, sql`select count(*)::int as n from contract_jobs where framework_id = ${framework.id}`);
    expect(jobs!.n).toBe(1);
    const [contracts] = await queryRows<{ n: number }>(t.app.ctx.db, sql`select count(*)::int as n from contracts where framework_id = ${framework.id}`);
    expect(contracts!.n).toBe(1);
    const reused = await attach(c, framework.id, ids.slice(1), headers);
    expect(reused.json().code).toBe('idempotency_key_reused');
  });

  it('refuses a job at once when the daily limit is reached, as the direct path does', async () => {
    const { c, framework } = await customerWithFramework();
    const ids = await seedOrders(c, 201, 'LIMIT');
    const limit = t.app.ctx.config.dailyContractLimit;
    t.app.ctx.config.dailyContractLimit = 1;
    try {
      const refused = await attach(c, framework.id, ids);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().code).toBe('daily_limit_reached');
    } finally {
      t.app.ctx.config.dailyContractLimit = limit;
    }
    const [jobs] = await queryRows<{ n: number }>(t.app.ctx.db, sql`select count(*)::int as n from contract_jobs where framework_id = ${framework.id}`);
    expect(jobs!.n).toBe(0);
  });

  it('shows a job to its organisation only', async () => {
    const { c, framework } = await customerWithFramework();
    const ids = await seedOrders(c, 201, 'ORG');
    const accepted = await attach(c, framework.id, ids);
    const other = await t.verifiedCustomer();
    const peek = await t.request(other, 'GET', `/api/v1/contract-jobs/${accepted.json().job.id}`);
    expect(peek.statusCode).toBe(404);
    expect(peek.json().code).toBe('not_found');
    expect((await t.request(other, 'GET', '/api/v1/contract-jobs/not-a-uuid')).statusCode).toBe(400);
    await pollJob(c, accepted.json().job.id);
  });

  it('fails a job that no instance could finish after its attempts', async () => {
    const { c, framework } = await customerWithFramework();
    const ids = await seedOrders(c, 202, 'DEAD');
    const jobId = await withJobsHeld(async () => (await attach(c, framework.id, ids)).json().job.id as string);
    // Claimed three times by instances that died (leases long run out).
    await t.app.ctx.db.update(contractJobs).set({ state: 'running', attempts: 3, claimedUntil: sql`now() - interval '1 second'` }).where(eq(contractJobs.id, jobId));
    await workContractJobs(t.app.ctx);
    const { job } = await pollJob(c, jobId);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'contract_job_failed' } });
    expect((await attach(c, framework.id, [ids[0]!])).statusCode).toBe(201);
  });
});

describe("attachments above 200 items with Party A's own key", () => {
  /** Start and confirm with a key made here; the 202 answer, the signing and the key. */
  async function confirmOwnKey(c: Caller, frameworkId: string, itemIds: string[], headers: Record<string, string> = {}) {
    const s = (await t.request(c, 'POST', '/api/v1/signings', { kind: 'order_attachment', frameworkId, itemIds })).json().signing;
    const key = p256Key();
    const code = await latestCode(t.app, c.accountId!, s.draftSha256);
    const body = { code, publicKey: key.publicJwk };
    const confirmed = await t.request(c, 'POST', `/api/v1/signings/${s.id}/confirm`, body, headers);
    return { confirmed, signingId: s.id as string, key, body };
  }
  const signingOf = async (c: Caller, id: string) => (await t.request(c, 'GET', `/api/v1/signings/${id}`)).json().signing;
  const complete = (c: Caller, id: string, toBeSigned: string, key: ReturnType<typeof p256Key>) =>
    t.request(c, 'POST', `/api/v1/signings/${id}/complete`, {
      signature: sign('sha256', Buffer.from(toBeSigned, 'base64'), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64'),
    });

  it('keeps 200 items synchronous; 201 items confirm into a job that prepares, waits for the signature and ends with the one contract', async () => {
    const { c, framework } = await customerWithFramework();
    const ids = await seedOrders(c, 401, 'OWN');
    // Up to 200 items the signed attributes come with the confirmation (200), as before.
    const small = await t.signAttachment(c, framework.id, { kind: 'order_attachment', itemIds: ids.slice(0, 200) });
    expect(small.statusCode).toBe(201);
    expect(small.json().contract.number).toBe(`${framework.number}-A01`);

    await withJobsHeld(async () => {
      const headers = { 'idempotency-key': `own-${c.userId}` };
      const { confirmed, signingId, key, body } = await confirmOwnKey(c, framework.id, ids.slice(200), headers);
      expect(confirmed.statusCode).toBe(202);
      const job = confirmed.json().job;
      expect(job).toMatchObject({ state: 'queued', items: 201, signingId, frameworkId: framework.id });
      expect(confirmed.headers.location).toBe(`/api/v1/contract-jobs/${job.id}`);
      // A lost answer: the same request answers the same job.
      const replayed = await t.request(c, 'POST', `/api/v1/signings/${signingId}/confirm`, body, headers);
      expect(replayed.statusCode).toBe(202);
      expect(replayed.json().job.id).toBe(job.id);

      // Nothing to sign yet; the number is held meanwhile.
      const preparing = await signingOf(c, signingId);
      expect(preparing).toMatchObject({ status: 'preparing', number: `${framework.number}-A02`, keyCustody: 'signer' });
      expect(preparing.toBeSigned).toBeUndefined();
      const early = await t.request(c, 'POST', `/api/v1/signings/${signingId}/complete`, { signature: Buffer.alloc(64, 1).toString('base64') });
      expect(early.json().code).toBe('invalid_state');
      const other = await t.signAttachment(c, framework.id, { kind: 'order_attachment', itemIds: [ids[0]!] }, { custody: 'platform' });
      expect(other.json().code).toBe('item_already_covered');

      // An instance that claimed it died (its lease ran out): the next one prepares it.
      await t.app.ctx.db.update(contractJobs).set({ state: 'running', attempts: 1, claimedUntil: sql`now() - interval '1 second'` }).where(eq(contractJobs.id, job.id));
      expect(await workContractJobs(t.app.ctx)).toBe(1);
      const waiting = (await t.request(c, 'GET', `/api/v1/contract-jobs/${job.id}`)).json().job;
      expect(waiting).toMatchObject({ state: 'awaiting_signature', signingId });
      expect(waiting.progress).toBeGreaterThan(5);
      expect(waiting.progress).toBeLessThan(100);

      const prepared = await signingOf(c, signingId);
      expect(prepared).toMatchObject({ status: 'awaiting_signature', number: `${framework.number}-A02` });
      const done = await complete(c, signingId, prepared.toBeSigned, key);
      expect(done.statusCode).toBe(201);
      const contract = done.json().contract;
      expect(contract).toMatchObject({ number: `${framework.number}-A02`, status: 'effective' });
      expect(contract.signatures[0]).toMatchObject({ role: 'party_a', keyCustody: 'signer' });

      const { job: finished } = await pollJob(c, job.id);
      expect(finished).toMatchObject({ state: 'done', progress: 100, contract: { id: contract.id } });
      const again = await complete(c, signingId, prepared.toBeSigned, key);
      expect(again.json().code).toBe('invalid_state');
      const [n] = await queryRows<{ n: number }>(t.app.ctx.db, sql`select count(*)::int as n from contracts where framework_id = ${framework.id}`);
      expect(n!.n).toBe(2);
      const items = (await t.request(c, 'GET', `/api/v1/contracts/${contract.id}`)).json().contract.items;
      expect(items).toHaveLength(201);
    });
  });

  it('fails the job when its preparation is refused or its signature never comes, and frees the number', async () => {
    const { c, framework } = await customerWithFramework();
    const ids = await seedOrders(c, 420, 'OWNFAIL');
    await withJobsHeld(async () => {
      const refused = await confirmOwnKey(c, framework.id, ids.slice(0, 210));
      expect(refused.confirmed.statusCode).toBe(202);
      // Refunded between the confirmation and the job's run.
      await t.app.ctx.db.update(orders).set({ status: 'refunded' }).where(eq(orders.id, ids[3]!));
      await workContractJobs(t.app.ctx);
      const { job: failed } = await pollJob(c, refused.confirmed.json().job.id);
      expect(failed).toMatchObject({ state: 'failed', error: { code: 'item_not_selectable' } });
      expect((await signingOf(c, refused.signingId)).status).toBe('ended');

      const unsigned = await confirmOwnKey(c, framework.id, ids.slice(210, 420));
      expect((await signingOf(c, unsigned.signingId)).number).toBe(`${framework.number}-A01`);
      await workContractJobs(t.app.ctx);
      // Party A never signs: once the prepared signing expires, the job says so.
      await t.app.ctx.db.update(signings).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(signings.id, unsigned.signingId));
      const { job: expired } = await pollJob(c, unsigned.confirmed.json().job.id);
      expect(expired).toMatchObject({ state: 'failed', error: { code: 'signing_expired' } });
    });
    const next = await t.signAttachment(c, framework.id, { kind: 'order_attachment', itemIds: [ids[0]!] });
    expect(next.json().contract.number).toBe(`${framework.number}-A01`);
  });
});
