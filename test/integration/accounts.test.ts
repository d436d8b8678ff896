import { and, eq, like, sql } from 'drizzle-orm';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, passwordResetTokens, users } from '../../src/server/db/schema/index.js';
import { createTestApp, operatorLogin, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const login = (email: string, password: string, remoteAddress = '127.0.0.1', headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, headers, payload: { email, password } });

/** The token of the newest reset e-mail to the address, read from the link in it. */
async function resetTokenFor(email: string): Promise<string> {
  const [mail] = await t.app.ctx.db.select().from(outbox).where(and(eq(outbox.toAddress, email), like(outbox.subject, '%重置密码%'))).orderBy(sql`${outbox.createdAt} desc`).limit(1);
  const match = /reset-password\?token=([\w-]+)/.exec(mail?.body ?? '');
  if (!match) throw new Error('no reset e-mail');
  return match[1]!;
}

describe('registration consent', () => {
  it('refuses a registration that does not accept the terms, and stores no user', async () => {
    for (const payload of [
      { email: 'no-terms@example.com', password: 'correct-horse-battery' },
      { email: 'no-terms@example.com', password: 'correct-horse-battery', acceptTerms: false },
    ]) {
      const res = await t.request(null, 'POST', '/api/v1/auth/register', payload);
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('terms_required');
    }
    expect(await t.app.ctx.db.select().from(users).where(eq(users.email, 'no-terms@example.com'))).toHaveLength(0);
  });

  it('refuses a verification without the separate consent to process the ID number', async () => {
    const c = await t.register();
    const res = await t.request(c, 'POST', '/api/v1/verification', { subjectType: 'personal', name: '张三', idNumber: '11010519491231002X' });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('consent_required');
    const old = await t.request(c, 'POST', '/api/v1/verification', { subjectType: 'personal', name: '张三', idNumber: '11010519491231002X', consent: { version: '2020-01-01' } });
    expect(old.json().code).toBe('consent_required');
    expect((await t.request(c, 'GET', '/api/v1/verification')).json().verification).toBeNull();
  });
});

describe('password reset', () => {
  it('answers 202 for any e-mail, mails a link to a registered one only, and the link works once', async () => {
    const c = await t.register('forgetful@example.com', 'old-password-123');
    const unknown = await t.request(null, 'POST', '/api/v1/auth/password-reset', { email: 'nobody-here@example.com' });
    expect(unknown.statusCode).toBe(202);
    expect(await t.app.ctx.db.select().from(outbox).where(eq(outbox.toAddress, 'nobody-here@example.com'))).toHaveLength(0);

    expect((await t.request(null, 'POST', '/api/v1/auth/password-reset', { email: 'Forgetful@example.com' })).statusCode).toBe(202);
    const token = await resetTokenFor('forgetful@example.com');
    // Only the hash is stored.
    const stored = await t.app.ctx.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, c.userId));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id).not.toContain(token);

    const done = await t.request(null, 'POST', '/api/v1/auth/password-reset/complete', { token, password: 'new-password-456' });
    expect(done.statusCode).toBe(204);
    // Every session ended: the one open before the reset is signed out.
    expect((await t.request(c, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await login('forgetful@example.com', 'old-password-123')).statusCode).toBe(401);
    expect((await login('forgetful@example.com', 'new-password-456')).statusCode).toBe(200);

    const again = await t.request(null, 'POST', '/api/v1/auth/password-reset/complete', { token, password: 'third-password-789' });
    expect(again.statusCode).toBe(422);
    expect(again.json().code).toBe('invalid_reset_token');
    expect((await login('forgetful@example.com', 'new-password-456')).statusCode).toBe(200);
  });

  it('refuses an expired link', async () => {
    const c = await t.register('late@example.com', 'old-password-123');
    await t.request(null, 'POST', '/api/v1/auth/password-reset', { email: 'late@example.com' });
    const token = await resetTokenFor('late@example.com');
    await t.app.ctx.db.update(passwordResetTokens).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(passwordResetTokens.userId, c.userId));
    const res = await t.request(null, 'POST', '/api/v1/auth/password-reset/complete', { token, password: 'new-password-456' });
    expect(res.json().code).toBe('invalid_reset_token');
    expect((await t.request(c, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await login('late@example.com', 'old-password-123')).statusCode).toBe(200);
  });
});

describe('password change and sessions', () => {
  it('changes the password with the current one and ends the other sessions only', async () => {
    const here = await t.register('changer@example.com', 'old-password-123');
    const elsewhere = await t.login('changer@example.com', 'old-password-123');
    const wrong = await t.request(here, 'POST', '/api/v1/auth/password', { currentPassword: 'not-it-at-all', newPassword: 'new-password-456' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().code).toBe('wrong_password');
    expect((await t.request(elsewhere, 'GET', '/api/v1/me')).statusCode).toBe(200);

    const ok = await t.request(here, 'POST', '/api/v1/auth/password', { currentPassword: 'old-password-123', newPassword: 'new-password-456' });
    expect(ok.statusCode).toBe(204);
    expect((await t.request(here, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await t.request(elsewhere, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await login('changer@example.com', 'new-password-456')).statusCode).toBe(200);
  });

  it('lists the sessions with device and address, and signs one out', async () => {
    const here = await t.register('devices@example.com', 'device-password-1');
    const phone = await login('devices@example.com', 'device-password-1', '198.51.100.20', {
      'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1',
    });
    const phoneCookie = `qiyue_session=${phone.cookies.find((k) => k.name === 'qiyue_session')!.value}`;
    const list = await t.request(here, 'GET', '/api/v1/auth/sessions');
    expect(list.statusCode).toBe(200);
    const items = list.json().items as { id: string; device: string; ip: string; isCurrent: boolean; lastSeenAt: string }[];
    expect(items).toHaveLength(2);
    expect(items.filter((s) => s.isCurrent)).toHaveLength(1);
    const other = items.find((s) => !s.isCurrent)!;
    expect(other).toMatchObject({ device: 'Safari · iOS', ip: '198.51.100.20' });

    // Another user cannot end it.
    const stranger = await t.register();
    expect((await t.request(stranger, 'DELETE', `/api/v1/auth/sessions/${other.id}`)).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: phoneCookie } })).statusCode).toBe(200);

    expect((await t.request(here, 'DELETE', `/api/v1/auth/sessions/${other.id}`)).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: phoneCookie } })).statusCode).toBe(401);
    expect((await t.request(here, 'GET', '/api/v1/auth/sessions')).json().items).toHaveLength(1);
  });
});

describe('login throttling', () => {
  it("slows an attacker's address without locking the owner out from another", async () => {
    await t.register('finance-login@example.com', 'owner-password-1');
    const attacker = '203.0.113.66';
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await login('finance-login@example.com', `guess-${i}-password`, attacker)).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    // Even the right password is held back from the attacker's address...
    expect((await login('finance-login@example.com', 'owner-password-1', attacker)).statusCode).toBe(429);
    // ...while the owner, from an address without failures, signs in.
    const owner = await login('finance-login@example.com', 'owner-password-1', '192.0.2.10');
    expect(owner.statusCode).toBe(200);
  });

  it('makes each wait after the limit twice as long, and lets the right password in once it has passed', async () => {
    await t.register('slowed@example.com', 'owner-password-2');
    const attacker = '203.0.113.77';
    const key = `pair:slowed@example.com|${attacker}`;
    // The clock moved past the current wait, not the code.
    const waitPassed = () => t.app.ctx.db.execute(sql`update login_throttle set blocked_until = now() - interval '1 second' where key = ${key}`);
    for (let i = 0; i < 5; i++) expect((await login('slowed@example.com', `guess-${i}-password`, attacker)).statusCode).toBe(401);
    const waits: number[] = [];
    for (let round = 0; round < 3; round++) {
      const held = await login('slowed@example.com', 'another-guess-pw', attacker);
      expect(held.statusCode).toBe(429);
      waits.push(Number(held.headers['retry-after']));
      await waitPassed();
      expect((await login('slowed@example.com', `late-guess-${round}-pw`, attacker)).statusCode).toBe(401);
    }
    expect(waits).toEqual([2, 4, 8]);
    const fourth = await login('slowed@example.com', 'another-guess-pw', attacker);
    expect(Number(fourth.headers['retry-after'])).toBe(16);
    await waitPassed();
    expect((await login('slowed@example.com', 'owner-password-2', attacker)).statusCode).toBe(200);
    // A success forgets the pair's attempts: the next mistake is answered at once again.
    expect((await login('slowed@example.com', 'typo-password', attacker)).statusCode).toBe(401);
  });

  it('never waits longer than 15 minutes, and forgets an address after 15 quiet minutes', async () => {
    await t.register('patient@example.com', 'owner-password-3');
    const attacker = '203.0.113.78';
    const key = `pair:patient@example.com|${attacker}`;
    await t.app.ctx.db.execute(sql`insert into login_throttle (key, failures, window_started_at, blocked_until) values (${key}, 40, now(), now() - interval '1 second')`);
    expect((await login('patient@example.com', 'guess-password-x', attacker)).statusCode).toBe(401);
    expect(Number((await login('patient@example.com', 'guess-password-y', attacker)).headers['retry-after'])).toBe(900);
    await t.app.ctx.db.execute(
      sql`update login_throttle set blocked_until = now() - interval '1 second', window_started_at = now() - interval '16 minutes' where key = ${key}`,
    );
    for (let i = 0; i < 5; i++) expect((await login('patient@example.com', `fresh-guess-${i}`, attacker)).statusCode).toBe(401);
  });
});

describe('TOTP second factor', () => {
  // A code of the step before, the current one or the next: what a phone shows around now.
  const codeAt = (secret: string, offsetSteps: number) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

  it('enrols with a confirmed code; login then needs the code, refuses a wrong or replayed one', async () => {
    const c = await t.register('two-factor@example.com', 'two-factor-pass');
    const started = await t.request(c, 'POST', '/api/v1/auth/totp');
    expect(started.statusCode).toBe(200);
    const { secret, otpauthUri, qrDataUrl } = started.json();
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/.*two-factor%40example\.com\?secret=/);
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    // Not in force before a code confirms it.
    expect((await login('two-factor@example.com', 'two-factor-pass')).statusCode).toBe(200);

    const wrongCode = codeAt(secret, 0) === '000000' ? '111111' : '000000';
    expect((await t.request(c, 'POST', '/api/v1/auth/totp/confirm', { code: wrongCode })).json().code).toBe('invalid_totp');
    expect((await t.request(c, 'POST', '/api/v1/auth/totp/confirm', { code: codeAt(secret, -1) })).statusCode).toBe(204);
    expect((await t.request(c, 'GET', '/api/v1/me')).json().user.hasTotp).toBe(true);

    const withoutCode = await login('two-factor@example.com', 'two-factor-pass');
    expect(withoutCode.statusCode).toBe(401);
    expect(withoutCode.json().code).toBe('totp_required');
    expect(withoutCode.cookies).toHaveLength(0);
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'two-factor@example.com', password: 'two-factor-pass', totp: wrongCode } });
    expect(wrong.json().code).toBe('invalid_totp');
    const code = codeAt(secret, 0);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'two-factor@example.com', password: 'two-factor-pass', totp: code } });
    expect(ok.statusCode).toBe(200);
    const replayed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'two-factor@example.com', password: 'two-factor-pass', totp: code } });
    expect(replayed.json().code).toBe('invalid_totp');
    // A code does not replace the password.
    const noPassword = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'two-factor@example.com', password: 'not-the-password', totp: codeAt(secret, 1) } });
    expect(noPassword.json().code).toBe('invalid_credentials');
  });

});

describe('second factor required for operators', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await createTestApp({ requireOperatorTotp: true });
  });
  afterAll(() => strict?.close());
  const codeNow = (secret: string) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) });

  it('lets an operator without TOTP do nothing but enrol; with it, login takes the code as a second step', async () => {
    const login = await strict.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: operatorLogin });
    expect(login.statusCode).toBe(200);
    expect(login.json().totpEnrolmentRequired).toBe(true);
    const op = await strict.operator();
    expect((await strict.request(op, 'GET', '/api/v1/me')).json()).toMatchObject({ totpEnrolmentRequired: true, user: { hasTotp: false } });
    for (const url of ['/api/v1/admin/verifications', '/api/v1/admin/stamping-requests', '/api/v1/admin/operators']) {
      const refused = await strict.request(op, 'GET', url);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('totp_enrolment_required');
    }
    // A customer is not asked.
    const customer = await strict.register();
    expect((await strict.request(customer, 'GET', '/api/v1/me')).json().totpEnrolmentRequired).toBe(false);
    expect((await strict.request(customer, 'GET', '/api/v1/contracts')).statusCode).toBe(200);

    const { secret } = (await strict.request(op, 'POST', '/api/v1/auth/totp')).json();
    expect((await strict.request(op, 'POST', '/api/v1/auth/totp/confirm', { code: codeNow(secret) })).statusCode).toBe(204);
    // The same session acts at once.
    expect((await strict.request(op, 'GET', '/api/v1/admin/verifications')).statusCode).toBe(200);
    expect((await strict.request(op, 'GET', '/api/v1/me')).json().totpEnrolmentRequired).toBe(false);

    const first = await strict.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: operatorLogin });
    expect(first.statusCode).toBe(401);
    expect(first.json().code).toBe('totp_required');
    // The enrolment used the current step; the next one is what the phone shows 30 s on.
    const next = generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const second = await strict.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { ...operatorLogin, totp: next } });
    expect(second.statusCode).toBe(200);
    expect(second.json().totpEnrolmentRequired).toBe(false);
  });
});
