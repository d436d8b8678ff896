import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, auditEvents, invitations, outbox } from '../../src/server/db/schema/index.js';
import { actionsOf, recordRouteAccess, type RouteAccess } from '../../src/server/http/request-context.js';
import { type BuiltInRole, builtInRolePermissions, builtInRoles } from '../../src/shared/permissions.js';
import { type Caller, createTestApp, type TestApp } from '../helpers/app.js';
import { codeFromDatabase, type Step, signThrough } from '../helpers/signing.js';

let t: TestApp;
let owner: Caller;
const members = {} as Record<BuiltInRole, Caller>;
const password = 'member-password-2026';

/** The link of the latest invitation e-mail to this address. */
async function invitationToken(email: string): Promise<string> {
  const [message] = await t.app.ctx.db.select().from(outbox).where(eq(outbox.toAddress, email)).orderBy(desc(outbox.createdAt)).limit(1);
  const match = /\/invitations\/([A-Za-z0-9_-]+)/.exec(message!.body);
  return match![1]!;
}

async function invite(by: Caller, email: string, role: string) {
  const res = await t.request(by, 'POST', '/api/v1/org/invitations', { email, role });
  expect(res.statusCode, res.body).toBe(201);
  return invitationToken(email);
}

async function join(token: string, as: Caller | null = null, body: object = { password, acceptTerms: true }) {
  return t.request(as, 'POST', `/api/v1/invitations/${token}/accept`, body);
}

function callerOf(res: Awaited<ReturnType<typeof join>>): Caller {
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'qiyue_session')!;
  const body = res.json();
  return { cookie: `qiyue_session=${cookie.value}`, csrfToken: body.csrfToken, userId: body.user.id, accountId: body.accountId, email: body.user.email };
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.verifiedCustomer();
  members.owner = owner;
  for (const role of builtInRoles.filter((r) => r !== 'owner')) {
    const email = `${role}-${Date.now()}@example.com`;
    members[role] = callerOf(await join(await invite(owner, email, role)));
  }
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, () => randomUUID());
const routeKey = (r: Pick<RouteAccess, 'method' | 'url'>) => `${r.method} ${r.url}`;

function codeOf(res: { statusCode: number; body: string }): string | undefined {
  try {
    return JSON.parse(res.body).code;
  } catch {
    return undefined;
  }
}

describe('every route declares its access', () => {
  it('refuses to start with a route without one, or with a bare "public"', async () => {
    for (const config of [{}, { access: 'public' }, { access: 'customer' }, { access: { anonymous: '' } }, { access: ['contracts.view', 'no.such'] }]) {
      const app = Fastify();
      const recorded = recordRouteAccess(app);
      app.get('/api/v1/somewhere', { config: config as never }, async () => 'x');
      await app.ready();
      expect(() => recorded.assert()).toThrow(/GET \/api\/v1\/somewhere/);
      await app.close();
    }
    const app = Fastify();
    const recorded = recordRouteAccess(app);
    app.get('/api/v1/fine', { config: { access: 'contracts.view' } }, async () => 'x');
    await app.ready();
    expect(() => recorded.assert()).not.toThrow();
    await app.close();
  });

  it('records every /api/v1 route of the running app', () => {
    const keys = new Set(t.app.routeAccess.map(routeKey));
    expect(keys.has('GET /api/v1/contracts')).toBe(true);
    expect(keys.has('POST /api/v1/org/api-keys')).toBe(true);
    expect(t.app.routeAccess.length).toBeGreaterThan(40);
  });
});

// Hand-written: what each built-in role may do on the routes where a mistake would hurt. The
// matrix below checks the server against the table; these check the table against intent.
const sensitive: [string, BuiltInRole[]][] = [
  ['POST /api/v1/contracts/:id/void', ['owner', 'admin', 'legal']],
  ['POST /api/v1/contracts/framework', ['owner', 'admin', 'finance']],
  ['POST /api/v1/contracts/:frameworkId/attachments', ['owner', 'admin', 'finance']],
  ['POST /api/v1/signings', ['owner', 'admin', 'finance']],
  ['POST /api/v1/signings/:id/confirm', ['owner', 'admin', 'finance']],
  ['POST /api/v1/signings/:id/complete', ['owner', 'admin', 'finance']],
  ['GET /api/v1/contracts/:id/pdf', ['owner', 'admin', 'finance', 'legal']],
  ['GET /api/v1/contracts', ['owner', 'admin', 'finance', 'legal', 'viewer']],
  ['PUT /api/v1/party-a', ['owner', 'admin', 'legal']],
  ['POST /api/v1/verification', ['owner', 'admin', 'legal']],
  ['POST /api/v1/stamping-requests', ['owner', 'admin', 'finance']],
  ['POST /api/v1/org/invitations', ['owner', 'admin']],
  ['DELETE /api/v1/org/invitations/:id', ['owner', 'admin']],
  ['PATCH /api/v1/org/members/:userId', ['owner', 'admin']],
  ['DELETE /api/v1/org/members/:userId', ['owner', 'admin']],
  ['POST /api/v1/org/roles', ['owner', 'admin']],
  ['POST /api/v1/org/api-keys', ['owner', 'admin']],
  ['GET /api/v1/org/api-keys', ['owner', 'admin']],
  ['POST /api/v1/admin/contracts/:id/terminate', []],
  ['POST /api/v1/admin/verifications/:id/approve', []],
  ['POST /api/v1/admin/stamping-requests/:id/receive', []],
  ['POST /api/v1/admin/certificates/:serial/revoke', []],
  ['GET /api/v1/admin/outbox', []],
];

describe('the permission matrix: every route × every built-in role', () => {
  it('answers 403 permission_denied exactly where the table denies the role', async () => {
    const routes = t.app.routeAccess.filter((r) => actionsOf(r.access).length > 0);
    expect(routes.length).toBeGreaterThan(30);
    const failures: string[] = [];
    for (const route of routes) {
      for (const role of builtInRoles) {
        const isAllowed = actionsOf(route.access).some((a) => (builtInRolePermissions[role] as readonly string[]).includes(a));
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
        const res = await t.request(members[role], route.method as 'GET', concrete(route.url), body);
        const denied = res.statusCode === 403 && codeOf(res) === 'permission_denied';
        if (isAllowed === denied || res.statusCode >= 500 || res.statusCode === 401)
          failures.push(`${role} ${routeKey(route)} → ${res.statusCode} ${codeOf(res)} (table: ${isAllowed ? 'allowed' : 'denied'})`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('matches the hand-written expectations for the sensitive routes', async () => {
    const byKey = new Map(t.app.routeAccess.map((r) => [routeKey(r), r]));
    for (const [key, allowed] of sensitive) {
      const route = byKey.get(key);
      expect(route, key).toBeDefined();
      const [method, url] = key.split(' ') as ['GET', string];
      for (const role of builtInRoles) {
        const res = await t.request(members[role], method, concrete(url), method === 'GET' || method === 'DELETE' ? undefined : {});
        const denied = res.statusCode === 403 && codeOf(res) === 'permission_denied';
        expect({ key, role, denied }).toEqual({ key, role, denied: !allowed.includes(role) });
      }
    }
  }, 60_000);

  it('lets whoever may void hide an ended contract, and a remark also to whoever applies for attachments', async () => {
    // One route, two decisions: the body says which one is asked for (a missing contract answers 404 past the check).
    const expected: Record<string, BuiltInRole[]> = { hidden: ['owner', 'admin', 'legal'], remark: ['owner', 'admin', 'finance', 'legal'] };
    for (const [field, allowed] of Object.entries(expected)) {
      for (const role of builtInRoles) {
        const res = await t.request(members[role], 'PATCH', `/api/v1/contracts/${randomUUID()}`, field === 'hidden' ? { hidden: true } : { remark: '备注' });
        const denied = res.statusCode === 403 && codeOf(res) === 'permission_denied';
        expect({ field, role, denied }).toEqual({ field, role, denied: !allowed.includes(role) });
      }
    }
  });

  it('gives the operator its operator routes and none of a customer’s', async () => {
    const op = await t.operator();
    const terminate = await t.request(op, 'POST', `/api/v1/admin/contracts/${randomUUID()}/terminate`, { reason: '测试' });
    expect(codeOf(terminate)).not.toBe('permission_denied');
    const voidIt = await t.request(op, 'POST', `/api/v1/contracts/${randomUUID()}/void`, { reason: '测试' });
    expect(codeOf(voidIt)).toBe('permission_denied');
    const me = (await t.request(op, 'GET', '/api/v1/me')).json();
    expect(me.operatorRoles).toEqual(expect.arrayContaining(['verification_reviewer', 'stamping_desk', 'contract_admin', 'operator_admin']));
  });

  it('tells the console what the member may do', async () => {
    const me = (await t.request(members.finance, 'GET', '/api/v1/me')).json();
    expect(me.memberRole).toBe('finance');
    expect(me.permissions).toContain('attachments.apply');
    expect(me.permissions).not.toContain('contracts.void');
    expect(me.organisations).toHaveLength(1);
  });
});

describe('API keys', () => {
  it('work as Bearer without CSRF, only within their permissions, and can be revoked', async () => {
    const created = await t.request(owner, 'POST', '/api/v1/org/api-keys', { name: 'ERP', permissions: ['contracts.view', 'contracts.download'] });
    expect(created.statusCode, created.body).toBe(201);
    const { key, secret } = created.json();
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await t.request(null, 'GET', '/api/v1/contracts', undefined, bearer)).statusCode).toBe(200);
    const voided = await t.request(null, 'POST', `/api/v1/contracts/${randomUUID()}/void`, { reason: 'x' }, bearer);
    expect([voided.statusCode, codeOf(voided)]).toEqual([403, 'permission_denied']);
    // A key is not a session: its own session-only routes are refused.
    expect((await t.request(null, 'GET', '/api/v1/me', undefined, bearer)).statusCode).toBe(403);

    const listed = (await t.request(owner, 'GET', '/api/v1/org/api-keys')).json().items;
    const stored = listed.find((k: { id: string }) => k.id === key.id);
    expect(stored.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(secret);
    const [row] = await t.app.ctx.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row!.secretHash).not.toContain(secret);

    expect((await t.request(owner, 'DELETE', `/api/v1/org/api-keys/${key.id}`)).statusCode).toBe(204);
    expect((await t.request(null, 'GET', '/api/v1/contracts', undefined, bearer)).statusCode).toBe(401);
  });

  it('sign as any API caller does, with the caller’s own key, and only the kinds the key may apply for', async () => {
    const onlyAttachments = (await t.request(owner, 'POST', '/api/v1/org/api-keys', { name: '附件', permissions: ['attachments.apply'] })).json();
    const refused = await t.request(null, 'POST', '/api/v1/signings', { kind: 'framework', termYears: 1, copies: 2 }, { authorization: `Bearer ${onlyAttachments.secret}` });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('permission_denied');
    expect(refused.json().detail).toContain('framework.apply');

    const erp = (await t.request(owner, 'POST', '/api/v1/org/api-keys', { name: 'ERP 签署', permissions: ['framework.apply', 'contracts.view'] })).json();
    const step: Step = async (method, path, body, headers = {}) => {
      const res = await t.app.inject({ method, url: `/api/v1${path}`, headers: { authorization: `Bearer ${erp.secret}`, ...headers }, ...(body === undefined ? {} : { payload: body as object }) });
      return { status: res.statusCode, body: res.json() };
    };
    const signed = await signThrough(step, codeFromDatabase(t.app, owner.accountId!), { kind: 'framework', termYears: 1, copies: 2 });
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
    expect(signed.body.contract.signatures[0]).toMatchObject({ role: 'party_a', keyCustody: 'signer' });
    const [generated] = await t.app.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'contract.generated'), eq(auditEvents.subjectId, signed.body.contract.id)));
    expect(generated).toMatchObject({ actorApiKeyId: erp.key.id, actorUserId: owner.userId });
  });

  it('need no CSRF token on unsafe methods, and the audit names the key', async () => {
    const { key, secret } = (await t.request(owner, 'POST', '/api/v1/org/api-keys', { name: 'HR', permissions: ['members.manage', 'contracts.view'] })).json();
    const res = await t.request(null, 'POST', '/api/v1/org/roles', { name: 'ERP 角色', permissions: ['contracts.view'] }, { authorization: `Bearer ${secret}` });
    expect(res.statusCode, res.body).toBe(201);
    const [event] = await t.app.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'role.created'));
    expect(event).toMatchObject({ actorApiKeyId: key.id, actorUserId: owner.userId, actorEmail: owner.email });
  });

  it('refuse a session cookie token as a key, and a key beyond the creator’s role', async () => {
    const cookieToken = owner.cookie.split('=')[1]!;
    expect((await t.request(null, 'GET', '/api/v1/contracts', undefined, { authorization: `Bearer ${cookieToken}` })).statusCode).toBe(401);
    const beyond = await t.request(members.admin, 'POST', '/api/v1/org/api-keys', { name: 'x', permissions: ['contracts.view'] });
    expect(beyond.statusCode).toBe(201);
    const denied = await t.request(members.finance, 'POST', '/api/v1/org/api-keys', { name: 'x', permissions: ['contracts.view'] });
    expect(codeOf(denied)).toBe('permission_denied');
  });

  it('shrink with their creator: a demoted admin’s key loses what the new role lacks', async () => {
    const email = `keyholder-${Date.now()}@example.com`;
    const admin = callerOf(await join(await invite(owner, email, 'admin')));
    const { secret } = (await t.request(admin, 'POST', '/api/v1/org/api-keys', { name: 'k', permissions: ['contracts.view', 'members.manage'] })).json();
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await t.request(null, 'GET', '/api/v1/org/members', undefined, bearer)).statusCode).toBe(200);
    expect((await t.request(null, 'POST', '/api/v1/org/roles', { name: 'r1', permissions: ['contracts.view'] }, bearer)).statusCode).toBe(201);
    expect((await t.request(owner, 'PATCH', `/api/v1/org/members/${admin.userId}`, { role: 'viewer' })).statusCode).toBe(200);
    const after = await t.request(null, 'POST', '/api/v1/org/roles', { name: 'r2', permissions: ['contracts.view'] }, bearer);
    expect(codeOf(after)).toBe('permission_denied');
    expect((await t.request(owner, 'DELETE', `/api/v1/org/members/${admin.userId}`)).statusCode).toBe(204);
    expect((await t.request(null, 'GET', '/api/v1/contracts', undefined, bearer)).statusCode).toBe(401);
  });
});

describe('invitations', () => {
  it('work once', async () => {
    const email = `once-${Date.now()}@example.com`;
    const token = await invite(owner, email, 'viewer');
    callerOf(await join(token));
    const again = await join(token);
    expect([again.statusCode, codeOf(again)]).toEqual([410, 'invitation_invalid']);
  });

  it('expire', async () => {
    const email = `late-${Date.now()}@example.com`;
    const token = await invite(owner, email, 'viewer');
    await t.app.ctx.db.update(invitations).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(invitations.email, email));
    const res = await join(token);
    expect([res.statusCode, codeOf(res)]).toEqual([410, 'invitation_invalid']);
  });

  it('ask an existing login to be signed in as the invited e-mail, then add the organisation to its switcher', async () => {
    const other = await t.register();
    const token = await invite(owner, other.email, 'legal');
    const anonymous = await join(token, null, {});
    expect(anonymous.statusCode).toBe(401);
    const wrong = await join(token, members.viewer, {});
    expect([wrong.statusCode, codeOf(wrong)]).toEqual([403, 'invitation_email_mismatch']);
    const joined = callerOf(await join(token, other, {}));
    expect(joined.accountId).toBe(owner.accountId);
    const me = (await t.request(joined, 'GET', '/api/v1/me')).json();
    expect(me.organisations.map((o: { id: string }) => o.id).sort()).toEqual([owner.accountId, other.accountId].sort());
    expect((await t.request(other, 'POST', '/api/v1/org/switch', { accountId: owner.accountId })).statusCode).toBe(204);
    const switched = (await t.request(other, 'GET', '/api/v1/me')).json();
    expect([switched.account.id, switched.memberRole]).toEqual([owner.accountId, 'legal']);
    const stranger = await t.register();
    expect((await t.request(other, 'POST', '/api/v1/org/switch', { accountId: stranger.accountId })).statusCode).toBe(404);
  });

  it('need a password for a new login, and grant nothing beyond the inviter’s role', async () => {
    const token = await invite(owner, `nopw-${Date.now()}@example.com`, 'viewer');
    expect((await join(token, null, {})).statusCode).toBe(400);
    // A new login agrees to the terms as a registration does; the link stays usable meanwhile.
    const noTerms = await join(token, null, { password });
    expect([noTerms.statusCode, codeOf(noTerms)]).toEqual([422, 'terms_required']);
    const joined = callerOf(await join(token));
    const [event] = await t.app.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'member.joined'), eq(auditEvents.subjectId, joined.userId)));
    expect(event!.data).toMatchObject({ isNewLogin: true, termsVersion: expect.any(String) });
    const asAdmin = await t.request(members.admin, 'POST', '/api/v1/org/invitations', { email: `o-${Date.now()}@example.com`, role: 'owner' });
    expect(codeOf(asAdmin)).toBe('permission_denied');
  });

  it('end a removed member’s sessions at once, and the audit names who removed them', async () => {
    const token = await invite(owner, `gone-${Date.now()}@example.com`, 'finance');
    const member = callerOf(await join(token));
    expect((await t.request(member, 'GET', '/api/v1/contracts')).statusCode).toBe(200);
    expect((await t.request(owner, 'DELETE', `/api/v1/org/members/${member.userId}`)).statusCode).toBe(204);
    expect((await t.request(member, 'GET', '/api/v1/contracts')).statusCode).toBe(401);
    const [event] = await t.app.ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'member.removed'), eq(auditEvents.subjectId, member.userId)));
    expect(event).toMatchObject({ actorUserId: owner.userId, actorEmail: owner.email });
  });

  it('can be withdrawn by a manager: the link stops working, the list drops it, the audit names who withdrew it', async () => {
    const email = `withdrawn-${Date.now()}@example.com`;
    const token = await invite(owner, email, 'finance');
    const listed = (await t.request(owner, 'GET', '/api/v1/org/members')).json().invitations as { id: string; email: string }[];
    const invitation = listed.find((i) => i.email === email)!;
    // Not by a member without members.manage, nor by another organisation's owner.
    expect(codeOf(await t.request(members.finance, 'DELETE', `/api/v1/org/invitations/${invitation.id}`))).toBe('permission_denied');
    const stranger = await t.register();
    expect((await t.request(stranger, 'DELETE', `/api/v1/org/invitations/${invitation.id}`)).statusCode).toBe(404);

    expect((await t.request(members.admin, 'DELETE', `/api/v1/org/invitations/${invitation.id}`)).statusCode).toBe(204);
    const res = await join(token);
    expect([res.statusCode, codeOf(res)]).toEqual([410, 'invitation_invalid']);
    const after = (await t.request(owner, 'GET', '/api/v1/org/members')).json();
    expect(after.invitations.map((i: { email: string }) => i.email)).not.toContain(email);
    expect(after.items.map((m: { email: string }) => m.email)).not.toContain(email);
    // Withdrawing twice, or an accepted invitation, finds nothing open.
    expect((await t.request(owner, 'DELETE', `/api/v1/org/invitations/${invitation.id}`)).statusCode).toBe(404);
    const [event] = await t.app.ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'member.invitation_withdrawn'), eq(auditEvents.subjectId, invitation.id)));
    expect(event).toMatchObject({ actorUserId: members.admin.userId, actorEmail: members.admin.email });
  });

  it('keep one owner', async () => {
    const res = await t.request(owner, 'PATCH', `/api/v1/org/members/${owner.userId}`, { role: 'admin' });
    expect([res.statusCode, codeOf(res)]).toEqual([409, 'last_owner']);
    const byAdmin = await t.request(members.admin, 'DELETE', `/api/v1/org/members/${owner.userId}`);
    expect(codeOf(byAdmin)).toBe('permission_denied');
  });
});

describe('operator roles', () => {
  it('an operator admin creates a stamping-desk operator, who may work the desk but not review verifications', async () => {
    const admin = await t.operator();
    const email = `desk2-${Date.now()}@qiyue.test`;
    const created = await t.request(admin, 'POST', '/api/v1/admin/operators', { email, password: 'desk-password-2026', roles: ['stamping_desk'] });
    expect(created.statusCode, created.body).toBe(201);
    const desk = await t.login(email, 'desk-password-2026');
    expect((await t.request(desk, 'GET', '/api/v1/admin/stamping-requests')).statusCode).toBe(200);
    expect(codeOf(await t.request(desk, 'GET', '/api/v1/admin/verifications'))).toBe('permission_denied');
    expect(codeOf(await t.request(desk, 'GET', '/api/v1/admin/operators'))).toBe('permission_denied');
    const changed = await t.request(admin, 'PATCH', `/api/v1/admin/operators/${desk.userId}`, { roles: ['verification_reviewer'] });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await t.request(desk, 'GET', '/api/v1/admin/verifications')).statusCode).toBe(200);
    expect(codeOf(await t.request(desk, 'GET', '/api/v1/admin/stamping-requests'))).toBe('permission_denied');
  });
});
