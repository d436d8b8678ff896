import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions, users } from '../../src/server/db/schema/index.js';
import { consent, createTestApp, operatorLogin, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('accounts and sessions', () => {
  it('registers, answers /me, logs out and forgets the session', async () => {
    const res = await t.request(null, 'POST', '/api/v1/auth/register', { email: ' New.User@Example.com ', password: 'long-enough-pw', acceptTerms: true });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({ email: 'new.user@example.com', role: 'customer' });
    expect(body.accountId).toMatch(/^[0-9a-f-]{36}$/);
    const cookie = res.headers['set-cookie'] as string;
    expect(cookie).toMatch(/qiyue_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/);

    const [stored] = await t.app.ctx.db.select().from(users).where(eq(users.email, 'new.user@example.com'));
    expect(stored!.passwordHash).toMatch(/^\$argon2id\$/);

    const caller = { cookie: `qiyue_session=${res.cookies[0]!.value}`, csrfToken: body.csrfToken, userId: body.user.id, accountId: body.accountId, email: body.user.email };
    const me = await t.request(caller, 'GET', '/api/v1/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { email: 'new.user@example.com' }, account: { id: body.accountId, verificationStatus: 'unverified' } });
    expect(me.json().csrfToken).toEqual(expect.any(String));

    expect((await t.request(caller, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await t.request(caller, 'GET', '/api/v1/me')).statusCode).toBe(401);
    const left = await t.app.ctx.db.select().from(sessions).where(eq(sessions.userId, body.user.id));
    expect(left).toHaveLength(0);
  });

  it('refuses a taken e-mail, whatever its case, and short passwords', async () => {
    await t.register('taken@example.com');
    const again = await t.request(null, 'POST', '/api/v1/auth/register', { email: 'TAKEN@example.com', password: 'another-password', acceptTerms: true });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(again.json()).toMatchObject({ code: 'email_taken', status: 409 });
    const short = await t.request(null, 'POST', '/api/v1/auth/register', { email: 'short@example.com', password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().code).toBe('validation_failed');
    expect(short.json().errors[0].path).toBe('password');
  });

  it('gives a new session id at every login and keeps the old ones apart', async () => {
    await t.register('twice@example.com', 'twice-password');
    const a = await t.login('twice@example.com', 'twice-password');
    const b = await t.login('twice@example.com', 'twice-password');
    expect(a.cookie).not.toBe(b.cookie);
    // A CSRF token belongs to its own session only.
    const crossed = await t.request({ ...a, csrfToken: b.csrfToken }, 'PUT', '/api/v1/party-a', {});
    expect(crossed.statusCode).toBe(403);
    expect(crossed.json().code).toBe('csrf_invalid');
  });

  it('refuses a state change without the CSRF token', async () => {
    const c = await t.register();
    const res = await t.request({ ...c, csrfToken: '' }, 'POST', '/api/v1/verification', {
      subjectType: 'personal',
      name: '张三',
      idNumber: '11010519491231002X',
      consent,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('csrf_invalid');
    expect((await t.request(c, 'GET', '/api/v1/verification')).json().verification).toBeNull();
  });

  it('answers invalid_credentials, then throttles the e-mail with Retry-After', async () => {
    await t.register('victim@example.com', 'victim-password');
    for (let i = 0; i < 5; i++) {
      const res = await t.request(null, 'POST', '/api/v1/auth/login', { email: 'victim@example.com', password: 'wrong-password' });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('invalid_credentials');
    }
    const blocked = await t.request(null, 'POST', '/api/v1/auth/login', { email: 'victim@example.com', password: 'victim-password' });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('too_many_requests');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('throttles one IP that tries many e-mails', async () => {
    const ip = { 'x-forwarded-for': '203.0.113.9' };
    // Without trustProxy every inject comes from 127.0.0.1; use a dedicated app address instead.
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '198.51.100.7',
        headers: ip,
        payload: { email: `nobody${i}@example.com`, password: 'whatever-password' },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('creates the configured operator at start, who can sign in', async () => {
    const op = await t.operator();
    const me = await t.request(op, 'GET', '/api/v1/me');
    expect(me.json()).toMatchObject({ user: { email: operatorLogin.email, role: 'operator' }, account: null });
  });

  it('sends security headers', async () => {
    const res = await t.request(null, 'GET', '/api/v1/health');
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  });
});
