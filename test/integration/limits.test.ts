import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';

describe('login throttling under parallel guesses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('lets exactly the limit of 40 simultaneous guesses for one e-mail from one address reach the password check', async () => {
    await t.register('parallel-victim@example.com', 'victim-password-1');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          // The (e-mail, address) pair's limit is what holds; other addresses keep their own
          // counts, so that an attacker cannot lock the owner out (accounts.test.ts).
          remoteAddress: '198.51.100.1',
          payload: { email: 'parallel-victim@example.com', password: `guess-${i}-password` },
        }),
      ),
    );
    const codes = answers.map((a) => a.json().code);
    expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(5);
    expect(codes.filter((c) => c === 'too_many_requests')).toHaveLength(35);
    for (const a of answers.filter((r) => r.statusCode === 429)) expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('per-IP rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ rateLimit: true, trustProxy: 1 });
  });
  afterAll(() => t?.close());

  const register = (i: number, headers: Record<string, string>, remoteAddress = '127.0.0.1') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      remoteAddress,
      headers,
      payload: { email: `limited${i}-${Date.now()}@example.com`, password: 'correct-horse-battery', acceptTerms: true },
    });

  it('refuses the 21st registration of an address with 429 rate_limited and Retry-After, whatever it writes into X-Forwarded-For', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof register>> | undefined;
    for (let i = 0; i < 21; i++) {
      // The proxy appends the real client address; what the client put before it rotates.
      last = await register(i, { 'x-forwarded-for': `10.0.${i}.1, 203.0.113.50` });
      statuses.push(last.statusCode);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(201));
    expect(statuses[20]).toBe(429);
    expect(last!.json().code).toBe('rate_limited');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    // Another client behind the same proxy is not affected.
    expect((await register(99, { 'x-forwarded-for': '203.0.113.51' })).statusCode).toBe(201);
  });

  it('limits /verify uploads per address before reading them', async () => {
    const answers = [];
    for (let i = 0; i < 31; i++)
      answers.push(
        await t.app.inject({ method: 'POST', url: '/api/v1/verify', remoteAddress: '192.0.2.77', headers: { 'content-type': 'text/plain' }, payload: 'not a pdf' }),
      );
    expect(answers.slice(0, 30).every((a) => a.statusCode === 415 && a.json().code === 'unsupported_media_type')).toBe(true);
    expect(answers[30]!.statusCode).toBe(429);
    expect(answers[30]!.json().code).toBe('rate_limited');
  });

  it.runIf(testDatabaseKind === 'postgres')('counts the requests of every instance together', async () => {
    const second = await buildApp(t.config);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) {
        const app = i % 2 ? second : t.app;
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/register',
          remoteAddress: '192.0.2.200',
          payload: { email: `shared${i}-${Date.now()}@example.com`, password: 'correct-horse-battery', acceptTerms: true },
        });
        statuses.push(res.statusCode);
      }
      expect(statuses.filter((s) => s === 201)).toHaveLength(20);
      expect(statuses[20]).toBe(429);
    } finally {
      await second.close();
    }
  });
});
