import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../src/server/db/schema/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ trustProxy: 1 });
});
afterAll(() => t?.close());

describe('response headers', () => {
  it('marks every answer of a signed-in session no-store, and sends a Permissions-Policy', async () => {
    const c = await t.verifiedCustomer();
    for (const url of ['/api/v1/me', '/api/v1/verification', '/api/v1/party-a', '/api/v1/contracts']) {
      const res = await t.request(c, 'GET', url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    const refused = await t.request(c, 'GET', '/api/v1/admin/verifications');
    expect(refused.json().code).toBe('permission_denied');
    expect(refused.headers['cache-control']).toBe('no-store');
    const login = await t.request(null, 'POST', '/api/v1/auth/login', { email: c.email, password: 'correct-horse-battery' });
    expect(login.statusCode).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const health = await t.request(null, 'GET', '/api/v1/health');
    expect(health.headers['permissions-policy']).toContain('camera=()');
    expect(health.headers['cache-control']).toBeUndefined();
  });

  it('sends HSTS over HTTPS only', async () => {
    const plain = await t.request(null, 'GET', '/api/v1/health');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const tls = await t.request(null, 'GET', '/api/v1/health', undefined, { 'x-forwarded-proto': 'https' });
    expect(tls.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});

describe('sessions', () => {
  it('end after the idle timeout although their absolute expiry is hours away', async () => {
    const c = await t.register();
    expect((await t.request(c, 'GET', '/api/v1/me')).statusCode).toBe(200);
    await t.app.ctx.db.update(sessions).set({ lastSeenAt: sql`now() - interval '29 minutes'` }).where(eq(sessions.userId, c.userId));
    // Used within the idle time: still valid, and its last use moves forward.
    expect((await t.request(c, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const [renewed] = await t.app.ctx.db.select({ stale: sql<boolean>`${sessions.lastSeenAt} < now() - interval '1 minute'` }).from(sessions).where(eq(sessions.userId, c.userId));
    expect(renewed!.stale).toBe(false);
    await t.app.ctx.db.update(sessions).set({ lastSeenAt: sql`now() - interval '31 minutes'` }).where(eq(sessions.userId, c.userId));
    const idle = await t.request(c, 'GET', '/api/v1/me');
    expect(idle.statusCode).toBe(401);
    expect(idle.json().code).toBe('unauthenticated');
  });
});

describe('OpenAPI document', () => {
  it('declares the security of each operation', async () => {
    const doc = (await t.request(null, 'GET', '/api/v1/openapi.json')).json();
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer', 'csrf', 'session']);
    expect(doc.paths['/api/v1/me'].get.security).toEqual([{ session: [] }]);
    expect(doc.paths['/api/v1/contracts/framework'].post.security).toEqual([{ session: [], csrf: [] }, { apiKey: [] }]);
    expect(doc.paths['/api/v1/contracts/framework'].post.description).toContain('framework.apply');
    expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([{}, { session: [], csrf: [] }]);
    expect(doc.paths['/api/v1/health'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/integration/accounts/{accountId}/orders/{orderNo}'].put.security).toEqual([{ bearer: [] }]);
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown }>>))
      for (const [method, operation] of Object.entries(operations)) expect(operation.security, `${method} ${path}`).toBeDefined();
  });
});
