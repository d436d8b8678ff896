import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { consent, operatorLogin, testConfig, tinyPng } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { type CodeSource, codeInText, fetchStep, signThrough } from '../helpers/signing.js';

/** The text of a single-part message as nodemailer writes it (quoted-printable or base64). */
function mailText(raw: string): string {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const encoding = /^Content-Transfer-Encoding: *(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

// The rest of the suite renders in the request's thread and runs no periodic jobs; this file
// runs as production does: a PDF worker pool, the job timers, over a real socket.
let app: FastifyInstance;
let base: string;
let smtp: SMTPServer;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
const received: { to: string; subject: string; text: string }[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8');
      });
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '', text: mailText(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as { port: number }).port;
  database = await createTestDatabase();
  app = await buildApp(
    testConfig({
      databaseUrl: database.databaseUrl,
      dataDir: database.dataDir,
      renderThreads: 1,
      runJobs: true,
      smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
      verifierMode: 'manual',
    }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1`;
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
});

async function call(method: string, path: string, body?: unknown, session?: { cookie: string; csrf: string }) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res;
}

async function uploadLicence(session: { cookie: string; csrf: string }): Promise<string> {
  const res = await fetch(`${base}/verification/documents`, {
    method: 'POST',
    headers: { 'content-type': 'image/png', cookie: session.cookie, 'x-csrf-token': session.csrf },
    body: new Uint8Array(tinyPng()),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { document: { id: string } }).document.id;
}

async function signIn(path: string, body: unknown) {
  const res = await call('POST', path, body);
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return { cookie: res.headers.getSetCookie()[0]!.split(';')[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

describe('production mode over HTTP', () => {
  it('delivers the approval e-mail through the outbox job and generates contracts in the worker pool', async () => {
    const email = `prod-${Date.now()}@example.com`;
    const customer = await signIn('/auth/register', { email, password: 'correct-horse-battery', acceptTerms: true });
    const submitted = await call(
      'POST',
      '/verification',
      { subjectType: 'enterprise', name: '福州示例云计算有限公司', creditCode: '91350100M000100Y43', legalRepresentative: '林晓明', consent, documents: [await uploadLicence(customer)] },
      customer,
    );
    expect(submitted.status).toBe(201);
    const verification = ((await submitted.json()) as { verification: { id: string; status: string } }).verification;
    expect(verification.status).toBe('pending');
    const operator = await signIn('/auth/login', operatorLogin);
    expect((await call('POST', `/admin/verifications/${verification.id}/approve`, undefined, operator)).status).toBe(200);

    // Nobody calls deliverOutbox here: the periodic job (every 2 s) sends it.
    await expect.poll(() => received.filter((m) => m.to === email).length, { timeout: 30_000, interval: 250 }).toBe(1);

    expect(
      (
        await call(
          'PUT',
          '/party-a',
          { address: '福建省福州市鼓楼区示例路 88 号', contactName: '陈静', contactPhone: '13800138000', contactEmail: 'finance@example.com' },
          customer,
        )
      ).status,
    ).toBe(200);
    // Party A's codes come by SMTP: the job delivers them to the contact e-mail.
    const codeByMail: CodeSource = async (s) => {
      await expect.poll(() => received.some((m) => m.text.includes(s.draftSha256)), { timeout: 30_000, interval: 100 }).toBe(true);
      return codeInText(received.find((m) => m.text.includes(s.draftSha256))!.text);
    };
    const step = fetchStep(base.replace(/\/api\/v1$/, ''), { cookie: customer.cookie, 'x-csrf-token': customer.csrf });
    const applied = await Promise.all([
      signThrough(step, codeByMail, { kind: 'framework', termYears: 1, copies: 2 }),
      signThrough(step, codeByMail, { kind: 'framework', termYears: 2, copies: 2 }),
    ]);
    // Two at once through the pool: one agreement in force per account, the other refused.
    expect(applied.map((r) => r.status).sort(), JSON.stringify(applied.map((r) => r.body))).toEqual([201, 409]);
    const contract = applied.find((r) => r.status === 201)!.body.contract as { id: string; sha256: string };
    // With SMTP the desk never sees a code in its outbox view.
    const desk = await call('GET', '/admin/outbox', undefined, operator);
    expect(((await desk.json()) as { items: { carriesCode: boolean }[] }).items.some((m) => m.carriesCode)).toBe(false);
    const pdf = Buffer.from(await (await call('GET', `/contracts/${contract.id}/pdf`, undefined, customer)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(contract.sha256);
    expect(pdf.includes('/ByteRange')).toBe(true);
  });
});
