import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceReports } from '../../src/server/db/schema/index.js';
import { type Caller, createTestApp, type TestApp } from '../helpers/app.js';
import { hasTool } from '../helpers/tools.js';

const hasPoppler = hasTool('pdftotext', '-v');

let t: TestApp;
let dir: string;
let customer: Caller;
let contract: { id: string; number: string; sha256: string; effectiveAt: string; expiresAt: string };
let contractBytes: Buffer;
let report: Buffer;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const verify = (bytes: Buffer, query = '') =>
  t.app.inject({ method: 'POST', url: `/api/v1/verify${query}`, headers: { 'content-type': 'application/pdf' }, payload: bytes });
/** pdftotext's text without the spaces and line breaks layout puts in. */
const textOf = (bytes: Buffer) => {
  const file = path.join(dir, `${sha256(bytes)}.pdf`);
  fs.writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qiyue-evidence-'));
  t = await createTestApp();
  customer = await t.verifiedCustomer();
  const res = await t.signFramework(customer, { termYears: 1, copies: 2 });
  expect(res.statusCode).toBe(201);
  contract = res.json().contract;
  // The first download makes the report and stores it; it costs a contract's answer nothing.
  contractBytes = (await t.request(customer, 'GET', `/api/v1/contracts/${contract.id}/pdf`)).rawPayload;
  const download = await t.request(customer, 'GET', `/api/v1/contracts/${contract.id}/evidence.pdf`);
  expect(download.statusCode).toBe(200);
  expect(download.headers['content-type']).toBe('application/pdf');
  report = download.rawPayload;
}, 120_000);

afterAll(async () => {
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('evidence report', () => {
  it('is made on the first download and stored once with its hash; the next download is that stored report', async () => {
    const rows = await t.app.ctx.db.select().from(evidenceReports).where(eq(evidenceReports.contractId, contract.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sha256).toBe(sha256(report));
    expect(rows[0]!.contractSha256).toBe(contract.sha256);
    const again = await t.request(customer, 'GET', `/api/v1/contracts/${contract.id}/evidence.pdf`);
    expect(sha256(again.rawPayload)).toBe(sha256(report));
  });

  it.runIf(hasPoppler)("states the contract's SHA-256, each signature and every audit event's hash, and how to verify", async () => {
    const text = textOf(report);
    expect(sha256(contractBytes)).toBe(contract.sha256);
    for (const s of ['电子合同出证报告', contract.number, contract.sha256, '甲方签名', '乙方签名', '文档时间戳', '证书SHA-256指纹', '时间戳机构', '签署人持有', '审计链校验：完整', '/verify']) {
      expect(text).toContain(s);
    }
    // Party A's key was the signer's own: the report never calls it platform-held.
    expect(text).not.toContain('托管密钥：由平台生成');
    // The willingness confirmation: channel, masked destinations, time, IP and user agent.
    const confirmation = text.slice(text.indexOf('三、意愿认证'), text.indexOf('四、审计记录'));
    for (const s of ['signing.started', 'signing.confirmed', '渠道=邮件和短信', '发送至=f***@example.com、138****8000', '确认时间=', 'IP=127.0.0.1', 'UA=lightMyRequest', '密钥保管=签署人持有']) {
      expect(confirmation).toContain(s);
    }
    const audit = (await t.request(customer, 'GET', `/api/v1/contracts/${contract.id}/audit`)).json();
    expect(audit.events.length).toBeGreaterThan(0);
    for (const e of audit.events) expect(text).toContain(e.hash);
    const rootDer = Buffer.from(t.app.ctx.pki.root.cert.raw);
    expect(text).toContain(sha256(rootDer));
  });

  it.runIf(hasPoppler)('says so when Party A asked the platform to hold its key (托管密钥)', async () => {
    const c = await t.verifiedCustomer();
    const held = (await t.signFramework(c, { termYears: 1, copies: 2 }, { custody: 'platform' })).json().contract;
    const text = textOf((await t.request(c, 'GET', `/api/v1/contracts/${held.id}/evidence.pdf`)).rawPayload);
    expect(text).toContain('托管密钥：由平台生成并代为持有');
    expect(text).toContain('密钥保管=托管密钥（平台持有）');
    expect(text).not.toContain('签署人持有');
  });

  it.runIf(hasTool('pdfsig'))('is signed by Party B with a signature timestamp, then a document timestamp over the whole file', () => {
    const file = path.join(dir, 'report.pdf');
    fs.writeFileSync(file, report);
    const out = execFileSync('pdfsig', [file], { encoding: 'utf8' });
    const signatures = out.split(/Signature #\d+:/).slice(1);
    expect(signatures).toHaveLength(2);
    expect(signatures[0]).toContain('Signature Validation: Signature is Valid.');
    expect(signatures[0]).toContain('ETSI.CAdES.detached');
    expect(signatures[1]).toContain('Total document signed');
  });

  it('downloads for its owner and operators only; 404 for another customer', async () => {
    const other = await t.register();
    const refused = await t.request(other, 'GET', `/api/v1/contracts/${contract.id}/evidence.pdf`);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().code).toBe('not_found');
    expect((await t.request(null, 'GET', `/api/v1/contracts/${contract.id}/evidence.pdf`)).statusCode).toBe(401);
    const op = await t.operator();
    const asOperator = await t.request(op, 'GET', `/api/v1/contracts/${contract.id}/evidence.pdf`);
    expect(asOperator.statusCode).toBe(200);
    expect(asOperator.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('/verify recognises it and says whether a contract file matches the hash it states', async () => {
    const plain = await verify(report);
    expect(plain.statusCode).toBe(200);
    expect(plain.json()).toMatchObject({
      authentic: true,
      known: true,
      contract: { number: contract.number, kind: 'framework' },
      evidence: { contractNumber: contract.number, contractSha256: contract.sha256, contractMatches: null },
      problems: [],
    });
    const matching = await verify(report, `?contractSha256=${sha256(contractBytes)}`);
    expect(matching.json().evidence.contractMatches).toBe(true);
    const otherFile = Buffer.concat([contractBytes, Buffer.from('\n')]);
    const mismatching = await verify(report, `?contractSha256=${sha256(otherFile)}`);
    expect(mismatching.json().evidence.contractMatches).toBe(false);
    expect((await verify(report, '?contractSha256=nothex')).statusCode).toBe(400);
  });

  it('/verify does not take the contract itself, or a changed report, for an evidence report', async () => {
    const asContract = (await verify(contractBytes)).json();
    expect(asContract.authentic).toBe(true);
    expect(asContract.evidence).toBeNull();
    // One byte of the page content changed: Party B's signature no longer holds.
    const changed = Buffer.from(report);
    const at = changed.indexOf('QiyueContractSha256');
    changed[at + 30] = changed[at + 30] === 0x61 ? 0x62 : 0x61;
    const res = (await verify(changed)).json();
    expect(res.authentic).toBe(false);
    expect(res.evidence).toBeNull();
  });

  it('a later audit event of the contract makes the next download a new report listing it', async () => {
    const ended = await t.request(await t.operator(), 'POST', `/api/v1/admin/contracts/${contract.id}/terminate`, { reason: '双方协商一致终止' });
    expect(ended.statusCode).toBe(200);
    const next = await t.request(customer, 'GET', `/api/v1/contracts/${contract.id}/evidence.pdf`);
    expect(next.statusCode).toBe(200);
    expect(sha256(next.rawPayload)).not.toBe(sha256(report));
    const audit = (await t.request(customer, 'GET', `/api/v1/contracts/${contract.id}/audit`)).json();
    if (hasPoppler) {
      const text = textOf(next.rawPayload);
      for (const e of audit.events) expect(text).toContain(e.hash);
    }
    expect(await t.app.ctx.db.select({ id: evidenceReports.id }).from(evidenceReports).where(eq(evidenceReports.contractId, contract.id))).toHaveLength(2);
  });
});

describe('term of a one-year framework agreement', () => {
  it('ends at the end of the day before the anniversary, China time, in the API and the PDF', () => {
    const chinaDay = (iso: string, shiftMs = 0) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(new Date(iso).getTime() + shiftMs));
    const [y, m, d] = chinaDay(contract.effectiveAt).split('-').map(Number) as [number, number, number];
    // Midnight China time of the anniversary is 16:00 UTC the day before.
    const expected = new Date(Date.UTC(y + 1, m - 1, d) - 8 * 3600_000).toISOString();
    expect(contract.expiresAt).toBe(expected);
    if (hasPoppler) {
      const [ly, lm, ld] = chinaDay(contract.expiresAt, -1).split('-').map(Number) as [number, number, number];
      expect(textOf(contractBytes)).toContain(`至${ly}年${lm}月${ld}日止`);
    }
  });
});
