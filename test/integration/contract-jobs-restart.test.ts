import { sign as signWithKey } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consent, uniqueCreditCode } from '../helpers/app.js';
import { type ChildServer, startChildServer } from '../helpers/child-server.js';
import { createTestDatabase, testDatabaseKind } from '../helpers/database.js';
import { type CodeSource, codeInText, fetchStep, p256Key, signThrough, waitForJob } from '../helpers/signing.js';

type Job = { id: string; state: string; progress: number; items: number; contract?: { id: string; number: string } };
type Answer = { contract?: { id: string; number: string }; job?: Job; code?: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// PostgreSQL only: instances on one database, one of them killed mid-job (a platform-held key's
// job), then another (a job preparing Party A's own-key signature).
describe.runIf(testDatabaseKind === 'postgres')('a contract job survives the instance that ran it', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: pg.Client;
  const servers: ChildServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const s of servers) await s.kill('SIGKILL');
    await db?.end();
    await database?.drop();
  });

  const start = async () => {
    const server = await startChildServer({
      DATABASE_URL: database.databaseUrl!,
      QIYUE_RATE_LIMIT: '0',
      // A worker thread renders, so the instance writes progress while it does.
      QIYUE_RENDER_THREADS: '1',
      QIYUE_CONTRACT_JOB_LEASE_SECONDS: '3',
      QIYUE_DAILY_CONTRACT_LIMIT: '1000',
      // As `npm start` runs it: compiled, with the worker threads loading compiled modules too.
    }, { compiled: true });
    servers.push(server);
    await server.waitForHealth();
    return server;
  };

  it('is finished by the other instance after a kill -9: one contract, numbers intact', async () => {
    // One after the other: the first applies the migrations.
    const first = await start();
    const second = await start();
    // Takes over the own-key job below when the second one dies; started meanwhile.
    const thirdStarting = start();
    db = new pg.Client({ connectionString: database.databaseUrl });
    await db.connect();

    const call = async (server: ChildServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${server.url}/api/v1${path}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Answer };
    };
    const reg = await fetch(`${first.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'jobs-restart@example.com', password: 'correct-horse-battery', acceptTerms: true }),
    });
    const registered = (await reg.json()) as { csrfToken: string; accountId: string };
    const auth = { cookie: reg.headers.getSetCookie()[0]!.split(';')[0]!, 'x-csrf-token': registered.csrfToken };
    const verification = await call(first, 'POST', '/verification', { subjectType: 'enterprise', name: '福州示例云计算有限公司', creditCode: uniqueCreditCode(), legalRepresentative: '林晓明', consent }, auth);
    expect(verification.status).toBe(201);
    await call(first, 'PUT', '/party-a', { address: '福建省福州市鼓楼区示例路 88 号', contactName: '陈静', contactPhone: '13800138000', contactEmail: 'finance@example.com' }, auth);
    // Party A's code, as the outbox holds it for the draft it confirms.
    const code: CodeSource = async (signing) =>
      codeInText(
        (await db.query<{ body: string }>('select body from outbox where carries_code and channel = $1 and body like $2', ['email', `%${signing.draftSha256}%`]))
          .rows[0]?.body ?? '',
      );
    // A platform-held key: its confirmation generates the contract, or above 200 items starts the job.
    const sign = (server: ChildServer, body: unknown) => signThrough(fetchStep(server.url, auth), code, body, { custody: 'platform' }) as Promise<{ status: number; body: Answer }>;
    const framework = (await sign(first, { kind: 'framework', termYears: 1, copies: 2 })).body.contract!;
    expect(framework.number).toMatch(/^FA/);

    const { rows } = await db.query<{ id: string }>(
      `insert into orders (account_id, order_no, product, spec, quantity, amount_fen, paid_at, status)
       select $1, 'KILL-' || lpad(i::text, 5, '0'), '云服务器 ECS', '通用型 g7 · 4 vCPU 16 GiB · 第 ' || i || ' 台', 1, 10000 + i, now(), 'paid'
       from generate_series(1, 5001) as i order by i returning id`,
      [registered.accountId],
    );
    const ids = rows.map((r) => r.id);
    const direct = await sign(first, { kind: 'order_attachment', frameworkId: framework.id, itemIds: [ids[5000]] });
    expect(direct.body.contract!.number).toBe(`${framework.number}-A01`);

    const accepted = await sign(first, { kind: 'order_attachment', frameworkId: framework.id, itemIds: ids.slice(0, 5000) });
    expect(accepted.status).toBe(202);
    const jobId = accepted.body.job!.id;

    // Killed once it is rendering: progress written, no contract yet.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = (await db.query('select state, progress, contract_id from contract_jobs where id = $1', [jobId])).rows[0];
      expect(job.contract_id).toBeNull();
      if (job.state === 'running' && job.progress > 5) break;
      if (Date.now() > deadline) throw new Error(`job never got going: ${JSON.stringify(job)}\n${first.output()}`);
      await sleep(20);
    }
    await first.kill('SIGKILL');
    const killedAt = (await db.query('select progress from contract_jobs where id = $1', [jobId])).rows[0].progress;
    expect(killedAt).toBeLessThan(100);

    let job: Job | undefined;
    const finishBy = Date.now() + 120_000;
    while (Date.now() < finishBy) {
      const res = await call(second, 'GET', `/contract-jobs/${jobId}`, undefined, auth);
      expect(res.status).toBe(200);
      job = res.body.job!;
      if (job.state === 'done' || job.state === 'failed') break;
      await sleep(250);
    }
    expect(job).toMatchObject({ state: 'done', progress: 100, items: 5000, contract: { number: `${framework.number}-A02` } });

    const row = (await db.query('select attempts, contract_id from contract_jobs where id = $1', [jobId])).rows[0];
    expect(row).toEqual({ attempts: 2, contract_id: job!.contract!.id });
    const attachments = (await db.query('select number, attachment_seq from contracts where framework_id = $1 order by attachment_seq', [framework.id])).rows;
    expect(attachments).toEqual([
      { number: `${framework.number}-A01`, attachment_seq: 1 },
      { number: `${framework.number}-A02`, attachment_seq: 2 },
    ]);
    const items = (await db.query('select count(*)::int as n from attachment_items where contract_id = $1', [job!.contract!.id])).rows[0];
    expect(items.n).toBe(5000);
    expect((await db.query('select count(*)::int as n from contract_job_items')).rows[0].n).toBe(0);

    // The next attachment takes the next number.
    const next = await sign(second, { kind: 'order_attachment', frameworkId: framework.id, itemIds: [ids[5000]] });
    expect(next.body.code).toBe('item_already_covered');
    expect(second.isRunning(), second.output()).toBe(true);

    // Party A's own key: the instance preparing its signature dies; the next one prepares it, the
    // signature completes there, once, with the next number.
    const own = await db.query<{ id: string }>(
      `insert into orders (account_id, order_no, product, spec, quantity, amount_fen, paid_at, status)
       select $1, 'OWN-' || lpad(i::text, 5, '0'), '云服务器 ECS', '第 ' || i || ' 台', 1, 10000 + i, now(), 'paid'
       from generate_series(1, 2000) as i order by i returning id`,
      [registered.accountId],
    );
    const onSecond = fetchStep(second.url, auth);
    const started = await onSecond('POST', '/signings', { kind: 'order_attachment', frameworkId: framework.id, itemIds: own.rows.map((r) => r.id) });
    const key = p256Key();
    const confirmed = await onSecond('POST', `/signings/${started.body.signing.id}/confirm`, { code: await code(started.body.signing), publicKey: key.publicJwk });
    expect(confirmed.status).toBe(202);
    const ownJob = confirmed.body.job.id as string;
    const ownDeadline = Date.now() + 60_000;
    for (;;) {
      const row = (await db.query('select state, progress from contract_jobs where id = $1', [ownJob])).rows[0];
      expect(row.state).not.toBe('awaiting_signature');
      // Progress 5 is written as the rendering starts.
      if (row.state === 'running' && row.progress >= 5) break;
      if (Date.now() > ownDeadline) throw new Error(`own-key job never got going: ${JSON.stringify(row)}\n${second.output()}`);
      await sleep(20);
    }
    await second.kill('SIGKILL');
    const onThird = fetchStep((await thirdStarting).url, auth);
    const waited = await waitForJob(onThird, ownJob, (j) => j.state !== 'queued' && j.state !== 'running', 120_000);
    expect(waited.body.job).toMatchObject({ state: 'awaiting_signature', signingId: started.body.signing.id });
    const prepared = (await onThird('GET', `/signings/${started.body.signing.id}`)).body.signing;
    expect(prepared).toMatchObject({ status: 'awaiting_signature', number: `${framework.number}-A03` });
    const signature = signWithKey('sha256', Buffer.from(prepared.toBeSigned, 'base64'), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64');
    const signed = await onThird('POST', `/signings/${started.body.signing.id}/complete`, { signature });
    expect(signed.body.contract.number).toBe(`${framework.number}-A03`);
    expect((await onThird('GET', `/contract-jobs/${ownJob}`)).body.job).toMatchObject({ state: 'done', contract: { id: signed.body.contract.id } });
    expect((await db.query('select attempts from contract_jobs where id = $1', [ownJob])).rows[0].attempts).toBe(2);
    const all = (await db.query('select attachment_seq from contracts where framework_id = $1 order by attachment_seq', [framework.id])).rows;
    expect(all.map((r) => r.attachment_seq)).toEqual([1, 2, 3]);
  }, 240_000);
});
