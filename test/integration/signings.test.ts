import { createPublicKey, sign, X509Certificate } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custodyNotices, policyOids } from '../../src/server/pki/platform-pki.js';
import { auditEvents, outbox, pkiCertificates, signings } from '../../src/server/db/schema/index.js';
import { createTestApp, type Caller, type TestApp } from '../helpers/app.js';
import { latestCode, p256Key } from '../helpers/signing.js';
import { hasTool, pdfTool } from '../helpers/tools.js';

const hasPoppler = hasTool('pdfsig');

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const start = (c: Caller, body: object = { kind: 'framework', termYears: 1, copies: 2 }) => t.request(c, 'POST', '/api/v1/signings', body);
const confirm = (c: Caller, id: string, body: object) => t.request(c, 'POST', `/api/v1/signings/${id}/confirm`, body);
const complete = (c: Caller, id: string, signature: string) => t.request(c, 'POST', `/api/v1/signings/${id}/complete`, { signature });
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const verify = (bytes: Buffer) => t.app.inject({ method: 'POST', url: '/api/v1/verify', headers: { 'content-type': 'application/pdf' }, payload: bytes });

function hasPolicy(certPem: string, oid: string) {
  // The OID's DER inside the certificatePolicies extension is enough for a test.
  return new X509Certificate(certPem).raw.includes(oidDer(oid));
}
function oidDer(oid: string): Buffer {
  const parts = oid.split('.').map(BigInt);
  const bytes: number[] = [Number(parts[0]! * 40n + parts[1]!)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [];
    let v = p;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    bytes.push(...chunk);
  }
  return Buffer.from(bytes);
}

describe('signings: the API path with a key made by the caller', () => {
  let customer: Caller;
  let contractId: string;
  const key = p256Key();

  beforeAll(async () => {
    customer = await t.verifiedCustomer();
  });

  it('answers confirmation_required on the direct route, naming POST /signings', async () => {
    const res = await t.request(customer, 'POST', '/api/v1/contracts/framework', { termYears: 1, copies: 2, accept: true });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('confirmation_required');
    expect(res.json().detail).toContain('POST /api/v1/signings');
  });

  it('starts: the draft hashed, a code to the masked e-mail and mobile, stored only as a hash', async () => {
    const res = await start(customer);
    expect(res.statusCode, res.body).toBe(201);
    const s = res.json().signing;
    expect(s).toMatchObject({ kind: 'framework', status: 'awaiting_code', confirmation: { channel: 'email+sms', destination: 'f***@example.com, 138****8000' } });
    const draft = await t.request(customer, 'GET', `/api/v1/signings/${s.id}/draft.pdf`);
    expect(draft.statusCode).toBe(200);
    expect((await import('node:crypto')).createHash('sha256').update(draft.rawPayload).digest('hex')).toBe(s.draftSha256);
    const code = await latestCode(t.app, customer.accountId!);
    const sms = await t.app.ctx.db.select().from(outbox).where(and(eq(outbox.accountId, customer.accountId!), eq(outbox.channel, 'sms')));
    expect(sms.at(-1)?.toAddress).toBe('13800138000');
    expect(sms.at(-1)?.body).toContain(code);
    const [row] = await t.app.ctx.db.select().from(signings).where(eq(signings.id, s.id));
    expect(JSON.stringify(row)).not.toContain(`"${code}"`);
    expect(row!.codeHash).toMatch(/^[0-9a-f]{64}$/);

    const confirmed = await confirm(customer, s.id, { code, publicKey: key.publicJwk });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const prepared = confirmed.json().signing;
    expect(prepared.status).toBe('awaiting_signature');
    expect(prepared.number).toMatch(/^FA\d{4}\d+/);
    const cert = new X509Certificate(prepared.certificatePem);
    // The certificate holds exactly the caller's public key, marked as held by the signer.
    expect(cert.publicKey.export({ format: 'jwk' })).toMatchObject({ x: key.publicJwk.x, y: key.publicJwk.y });
    expect(hasPolicy(prepared.certificatePem, policyOids.keyHeldBySigner)).toBe(true);
    expect(hasPolicy(prepared.certificatePem, policyOids.keyHeldByPlatform)).toBe(false);
    // Said in words as well, as the policy's user notice.
    expect(new X509Certificate(prepared.certificatePem).raw.includes(Buffer.from(custodyNotices.signer))).toBe(true);
    expect(new X509Certificate(prepared.certificatePem).raw.includes(Buffer.from('托管密钥'))).toBe(false);

    const toBeSigned = Buffer.from(prepared.toBeSigned, 'base64');
    const other = p256Key();
    const forged = sign('sha256', toBeSigned, { key: other.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64');
    const refused = await complete(customer, s.id, forged);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('invalid_signature');

    const signature = sign('sha256', toBeSigned, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64');
    const done = await complete(customer, s.id, signature);
    expect(done.statusCode, done.body).toBe(201);
    const contract = done.json().contract;
    contractId = contract.id;
    expect(contract).toMatchObject({ kind: 'framework', status: 'effective', number: prepared.number, termYears: 1, copies: 2 });
    // What Party A confirmed is what was signed: the number was in it from the start, and the
    // signed file is that very document with the signatures appended as incremental updates.
    expect(s.number).toBe(prepared.number);
    const signedPdf = (await t.request(customer, 'GET', `/api/v1/contracts/${contract.id}/pdf`)).rawPayload;
    expect(signedPdf.subarray(0, draft.rawPayload.length).equals(draft.rawPayload)).toBe(true);
    expect(contract.signatures[0]).toMatchObject({ role: 'party_a', keyCustody: 'signer', certificateSerial: cert.serialNumber });

    // Used once: the same code, or the same signature, does nothing more.
    expect((await confirm(customer, s.id, { code, publicKey: key.publicJwk })).json().code).toBe('invalid_state');
    expect((await complete(customer, s.id, signature)).json().code).toBe('invalid_state');

    const events = await t.app.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.subjectType, 'signing'), eq(auditEvents.subjectId, s.id)));
    const confirmedEvent = events.find((e) => e.action === 'signing.confirmed');
    expect(confirmedEvent?.data).toMatchObject({ channel: 'email+sms', destinations: { email: 'f***@example.com', sms: '138****8000' }, keyCustody: 'signer' });
    expect(confirmedEvent?.ip).toBeTruthy();
    expect(confirmedEvent?.userAgent).toBeTruthy();
  });

  it('is valid for /verify (Party A key held by the signer), pdfsig and the stored bytes', async () => {
    const pdf = (await t.request(customer, 'GET', `/api/v1/contracts/${contractId}/pdf`)).rawPayload;
    const report = (await verify(pdf)).json();
    expect(report).toMatchObject({ authentic: true, known: true, level: 'PAdES-B-LTA', problems: [] });
    expect(report.signatures.find((s: { role: string }) => s.role === 'party_a')).toMatchObject({ keyCustody: 'signer', valid: true });
    if (hasPoppler) expect(pdfTool('pdfsig', ['-'], pdf).match(/Signature is Valid/g)).toHaveLength(2);
  });
});

describe('signings: the draft held by the instance that started them', () => {
  it('completes from the database on an instance that does not hold the draft, and never signs a draft the row does not name', async () => {
    const customer = await t.verifiedCustomer();
    const key = p256Key();
    const s = (await start(customer)).json().signing;
    // Another instance (or a restart) confirms: it reads the draft from the database.
    t.app.ctx.signingDrafts.delete(s.id);
    const code = await latestCode(t.app, customer.accountId!);
    const prepared = (await confirm(customer, s.id, { code, publicKey: key.publicJwk })).json().signing;
    // And a third completes, holding a stale draft under the signing's id: only the draft whose
    // hash the row records is used.
    t.app.ctx.signingDrafts.set(s.id, 'f'.repeat(64), Buffer.from('%PDF-1.7 not this one'));
    const signature = sign('sha256', Buffer.from(prepared.toBeSigned, 'base64'), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64');
    const done = await complete(customer, s.id, signature);
    expect(done.statusCode, done.body).toBe(201);
    const pdf = (await t.request(customer, 'GET', `/api/v1/contracts/${done.json().contract.id}/pdf`)).rawPayload;
    const draft = (await t.request(customer, 'GET', `/api/v1/signings/${s.id}/draft.pdf`)).rawPayload;
    expect(pdf.subarray(0, draft.length).equals(draft)).toBe(true);
    expect((await verify(pdf)).json()).toMatchObject({ authentic: true, level: 'PAdES-B-LTA', problems: [] });
  });
});

describe('signings: the platform-held key', () => {
  it('signs at confirmation, and says so in the certificate, the contract and /verify', async () => {
    const c = await t.verifiedCustomer();
    const s = (await start(c)).json().signing;
    const res = await confirm(c, s.id, { code: await latestCode(t.app, c.accountId!), keyCustody: 'platform' });
    expect(res.statusCode, res.body).toBe(201);
    const contract = res.json().contract;
    expect(contract.signatures[0]).toMatchObject({ role: 'party_a', keyCustody: 'platform' });
    const pdf = (await t.request(c, 'GET', `/api/v1/contracts/${contract.id}/pdf`)).rawPayload;
    // What Party A confirmed is what was signed, as with a key of its own: the draft's very
    // bytes, its number and its dates, not a second rendering.
    const draft = (await t.request(c, 'GET', `/api/v1/signings/${s.id}/draft.pdf`)).rawPayload;
    expect(pdf.subarray(0, draft.length).equals(draft)).toBe(true);
    expect(contract.number).toBe(s.number);
    const report = (await verify(pdf)).json();
    expect(report).toMatchObject({ authentic: true, level: 'PAdES-B-LTA' });
    expect(report.signatures.find((x: { role: string }) => x.role === 'party_a')).toMatchObject({ keyCustody: 'platform', valid: true });
    const [row] = await t.app.ctx.db.select().from(signings).where(eq(signings.id, s.id));
    expect(row).toMatchObject({ status: 'completed', keyCustody: 'platform', contractId: contract.id });
    // The event certificate says so: the platform-held policy, and 托管密钥 in its user notice.
    const [issued] = await t.app.ctx.db.select().from(pkiCertificates).where(eq(pkiCertificates.serial, contract.signatures[0].certificateSerial.toUpperCase()));
    const certPem = new X509Certificate(issued!.der).toString();
    expect(hasPolicy(certPem, policyOids.keyHeldByPlatform)).toBe(true);
    expect(hasPolicy(certPem, policyOids.keyHeldBySigner)).toBe(false);
    expect(Buffer.from(issued!.der).includes(Buffer.from(custodyNotices.platform))).toBe(true);
    expect(custodyNotices.platform).toContain('托管密钥');
    // The confirmation is recorded with the contract: channel, masked destinations, IP, user agent.
    const [confirmed] = await t.app.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, s.id), eq(auditEvents.action, 'signing.confirmed')));
    expect(confirmed).toMatchObject({ data: { channel: 'email+sms', keyCustody: 'platform', number: contract.number } });
    expect(confirmed!.ip).toBeTruthy();
  });
});

describe('signings: the code', () => {
  it('ends after 5 wrong tries, telling the tries left', async () => {
    const c = await t.verifiedCustomer();
    const s = (await start(c)).json().signing;
    const code = await latestCode(t.app, c.accountId!);
    for (let left = 4; left >= 0; left--) {
      const res = await confirm(c, s.id, { code: wrongCode(code), keyCustody: 'platform' });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'invalid_code', errors: [{ path: 'code', message: `${left} tries left` }] });
    }
    const late = await confirm(c, s.id, { code, keyCustody: 'platform' });
    expect(late.statusCode).toBe(410);
    expect(late.json().code).toBe('signing_expired');
  });

  it('expires after its lifetime', async () => {
    const c = await t.verifiedCustomer();
    const s = (await start(c)).json().signing;
    expect(new Date(s.confirmation.expiresAt).getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
    await t.app.ctx.db.update(signings).set({ codeExpiresAt: sql`now() - interval '1 second'` }).where(eq(signings.id, s.id));
    const res = await confirm(c, s.id, { code: await latestCode(t.app, c.accountId!), keyCustody: 'platform' });
    expect(res.statusCode).toBe(410);
  });

  it('is bound to its signing, its user and its account', async () => {
    const c = await t.verifiedCustomer();
    const first = (await start(c)).json().signing;
    const firstCode = await latestCode(t.app, c.accountId!);
    const second = (await start(c, { kind: 'framework', termYears: 2, copies: 3 })).json().signing;
    const secondCode = await latestCode(t.app, c.accountId!);
    expect(second.draftSha256).not.toBe(first.draftSha256);
    // Another document's code.
    if (firstCode !== secondCode) expect((await confirm(c, second.id, { code: firstCode, keyCustody: 'platform' })).json().code).toBe('invalid_code');
    // Another account, and another user (who cannot see it either way).
    const stranger = await t.verifiedCustomer();
    expect((await confirm(stranger, second.id, { code: secondCode, keyCustody: 'platform' })).statusCode).toBe(404);
    expect((await t.request(stranger, 'GET', `/api/v1/signings/${second.id}/draft.pdf`)).statusCode).toBe(404);
    const [owner] = await t.app.ctx.db.select({ userId: signings.userId }).from(signings).where(eq(signings.id, second.id));
    await t.app.ctx.db.update(signings).set({ userId: stranger.userId }).where(eq(signings.id, second.id));
    expect((await confirm(c, second.id, { code: secondCode, keyCustody: 'platform' })).statusCode).toBe(404);
    await t.app.ctx.db.update(signings).set({ userId: owner!.userId }).where(eq(signings.id, second.id));
    expect((await confirm(c, second.id, { code: secondCode, keyCustody: 'platform' })).statusCode).toBe(201);
  });

  it('throttles resends, and a resent code replaces the old one', async () => {
    const c = await t.verifiedCustomer();
    const s = (await start(c)).json().signing;
    const old = await latestCode(t.app, c.accountId!);
    const tooSoon = await t.request(c, 'POST', `/api/v1/signings/${s.id}/resend`);
    expect(tooSoon.statusCode).toBe(429);
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);
    await t.app.ctx.db.update(signings).set({ codeSentAt: sql`now() - interval '2 minutes'` }).where(eq(signings.id, s.id));
    expect((await t.request(c, 'POST', `/api/v1/signings/${s.id}/resend`)).statusCode).toBe(200);
    const fresh = await latestCode(t.app, c.accountId!);
    if (fresh !== old) expect((await confirm(c, s.id, { code: old, keyCustody: 'platform' })).json().code).toBe('invalid_code');
    expect((await confirm(c, s.id, { code: fresh, keyCustody: 'platform' })).statusCode).toBe(201);
  });
});

describe('signings: attachments', () => {
  const order = (i: number) => ({ product: '云服务器 ECS', spec: `第 ${i} 台`, quantity: 1, amountFen: 10_000 + i, paidAt: '2026-10-01T08:00:00+08:00', status: 'paid' });

  it('a signing left unfinished uses no number: the next attachment gets the consecutive one', async () => {
    const c = await t.verifiedCustomer();
    const framework = (await t.signFramework(c, { termYears: 1, copies: 2 })).json().contract;
    for (const i of [1, 2, 3]) expect((await t.push(`${c.accountId}/orders/S${i}`, order(i))).statusCode).toBe(201);
    const orders = (await t.request(c, 'GET', '/api/v1/orders?limit=10')).json().items as { id: string }[];
    const first = await t.signAttachment(c, framework.id, { kind: 'order_attachment', itemIds: [orders[0]!.id] });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().contract.number).toBe(`${framework.number}-A01`);

    // Confirmed with its own key, never completed: it holds A02 meanwhile…
    const abandoned = (await start(c, { kind: 'order_attachment', frameworkId: framework.id, itemIds: [orders[1]!.id] })).json().signing;
    const held = await confirm(c, abandoned.id, { code: await latestCode(t.app, c.accountId!), publicKey: p256Key().publicJwk });
    expect(held.json().signing.number).toBe(`${framework.number}-A02`);
    const blocked = await t.signAttachment(c, framework.id, { kind: 'order_attachment', itemIds: [orders[2]!.id] }, { custody: 'platform' });
    expect(blocked.json().code).toBe('signing_in_progress');
    // …until it expires.
    await t.app.ctx.db.update(signings).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(signings.id, abandoned.id));
    const late = await complete(c, abandoned.id, Buffer.alloc(64).toString('base64'));
    expect(late.statusCode).toBe(410);
    const next = await t.signAttachment(c, framework.id, { kind: 'order_attachment', itemIds: [orders[2]!.id] });
    expect(next.statusCode, next.body).toBe(201);
    expect(next.json().contract.number).toBe(`${framework.number}-A02`);
    const pdf = (await t.request(c, 'GET', `/api/v1/contracts/${next.json().contract.id}/pdf`)).rawPayload;
    expect((await verify(pdf)).json()).toMatchObject({ authentic: true, level: 'PAdES-B-LTA' });
  });
});

// Keeps the import used when poppler is missing.
void createPublicKey;

describe('signings: the operators outbox view', () => {
  it('shows the codes in the demo (no SMTP), marked, and never with SMTP configured', async () => {
    const c = await t.verifiedCustomer();
    await start(c);
    const code = await latestCode(t.app, c.accountId!);
    const op = await t.operator();
    const demo = (await t.request(op, 'GET', '/api/v1/admin/outbox')).json();
    const shown = demo.items.filter((m: { body: string }) => m.body.includes(code));
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(shown.every((m: { carriesCode: boolean }) => m.carriesCode)).toBe(true);
    expect(shown.map((m: { channel: string }) => m.channel).sort()).toEqual(['email', 'sms']);
    const smtp = t.app.ctx.config.smtpUrl;
    t.app.ctx.config.smtpUrl = 'smtp://127.0.0.1:1';
    try {
      const live = (await t.request(op, 'GET', '/api/v1/admin/outbox')).json();
      expect(live.smtpConfigured).toBe(true);
      expect(live.items.some((m: { body: string; carriesCode: boolean }) => m.carriesCode || m.body.includes(code))).toBe(false);
    } finally {
      t.app.ctx.config.smtpUrl = smtp;
    }
  });
});
