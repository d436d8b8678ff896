import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueMissingSupplements } from '../../src/server/contracts/issue-supplement.js';
import { consent, createTestApp, type TestApp, tinyPng } from '../helpers/app.js';
import { hasPyhanko, hasTool, pdfTool, pyhankoPath } from '../helpers/tools.js';

/** The PDF's text without white space (pdftotext breaks lines where the layout does). */
function textOf(pdf: Buffer): string {
  const file = path.join(os.tmpdir(), `qiyue-rename-${process.pid}-${Date.now()}.pdf`);
  fs.writeFileSync(file, pdf);
  try {
    return spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
  } finally {
    fs.rmSync(file, { force: true });
  }
}

// Issue 11 point 4 and issue 12 point 5: a verified company renamed under the same credit code
// re-verifies its new name; each framework agreement in force gets a supplementary agreement
// signed by both parties, and Party A carries the new name from then on.
const pyhanko = pyhankoPath;
const _inCi = process.env.CI === 'true' || process.env.CI === '1';
const pyhankoRuns = hasPyhanko();
const tools = { pdfsig: hasTool('pdfsig'), pdftotext: hasTool('pdftotext') };

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type Contract = { id: string; number: string; kind: string; status: string; frameworkId?: string; partyA: { name: string } };

const oldName = '福州示例云计算有限公司';
const newName = '福州星海云科技有限公司';

describe('re-verifying a new company name', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qiyue-rename-'));
    const port = await freePort();
    // pyHanko follows the URLs the certificates name: the app listens where they point.
    t = await createTestApp({ publicUrl: `http://127.0.0.1:${port}` });
    await t.app.listen({ port, host: '127.0.0.1' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const rename = (c: Parameters<TestApp['request']>[0], creditCode: string, name: string, extra: object = {}) =>
    t.request(c, 'POST', '/api/v1/verification', { subjectType: 'enterprise', name, creditCode, legalRepresentative: '林晓明', consent, ...extra });

  it('gives the framework in force a supplement FA…-S01 signed by both parties, stating the old and the new name', async () => {
    const c = await t.verifiedCustomer();
    const framework = (await t.signFramework(c, { termYears: 1, copies: 2 })).json().contract as Contract;
    expect(framework.partyA.name).toBe(oldName);

    const res = await rename(c, c.creditCode, newName);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().verification).toMatchObject({ name: newName, status: 'verified', isRename: true });

    // Nested under its framework.
    const children = (await t.request(c, 'GET', `/api/v1/contracts?frameworkId=${framework.id}`)).json().items as Contract[];
    const supplement = children.find((x) => x.kind === 'supplement')!;
    expect(supplement).toMatchObject({ number: `${framework.number}-S01`, frameworkId: framework.id, status: 'effective' });
    const detail = (await t.request(c, 'GET', `/api/v1/contracts/${supplement.id}`)).json().contract;
    expect(detail.partyA.name).toBe(newName);
    expect(detail.signatures.map((s: { role: string; signer: string }) => [s.role, s.signer])).toEqual([
      ['party_a', newName],
      ['party_b', t.config.partyB.name],
    ]);
    // Party A shows the new name; the framework keeps its snapshot.
    expect((await t.request(c, 'GET', '/api/v1/party-a')).json().name).toBe(newName);
    expect((await t.request(c, 'GET', `/api/v1/contracts/${framework.id}`)).json().contract.partyA.name).toBe(oldName);
    expect((await t.request(c, 'GET', '/api/v1/verification')).json()).toMatchObject({ verification: { name: newName, status: 'verified' }, rename: null });
    expect((await t.request(c, 'GET', '/api/v1/me')).json().account.verificationStatus).toBe('verified');

    const pdf = await t.request(c, 'GET', `/api/v1/contracts/${supplement.id}/pdf`);
    expect(pdf.statusCode).toBe(200);
    const bytes = pdf.rawPayload;
    fs.writeFileSync(path.join(dir, 'supplement.pdf'), bytes);
    if (tools.pdftotext) {
      const text = textOf(bytes);
      expect(text).toContain('补充协议');
      expect(text).toContain(`由“${oldName}”变更为“${newName}”`);
      expect(text).toContain(framework.number);
      expect(text).toContain(c.creditCode);
    }
    if (tools.pdfsig) {
      const out = pdfTool('pdfsig', ['-'], bytes);
      const signatures = out.split(/Signature #\d+:/).slice(1);
      expect(signatures.length, out).toBe(3);
      for (const s of signatures.slice(0, 2)) expect(s, out).toContain('Signature Validation: Signature is Valid.');
      expect(signatures[0]).toContain(newName);
    }
    // The supplement has an audit chain of its own, intact.
    const audit = (await t.request(c, 'GET', `/api/v1/contracts/${supplement.id}/audit`)).json();
    expect(audit.chainValid).toBe(true);

    // Renamed again: -S02 replaces the name of S01.
    const again = await rename(c, c.creditCode, '福州星海数智科技有限公司');
    expect(again.statusCode, again.body).toBe(201);
    const after = (await t.request(c, 'GET', `/api/v1/contracts?frameworkId=${framework.id}`)).json().items as Contract[];
    expect(after.filter((x) => x.kind === 'supplement').map((x) => x.number).sort()).toEqual([`${framework.number}-S01`, `${framework.number}-S02`]);
    const s02 = after.find((x) => x.number.endsWith('-S02'))!;
    if (tools.pdftotext) {
      const text = textOf((await t.request(c, 'GET', `/api/v1/contracts/${s02.id}/pdf`)).rawPayload);
      expect(text).toContain(`由“${newName}”变更为“福州星海数智科技有限公司”`);
    }
    // Its paper originals print like the others': the supplement's text, no e-seals, no signature fields.
    const stamping = await t.request(c, 'POST', '/api/v1/stamping-requests', {
      contractIds: [supplement.id],
      returnAddress: { recipient: '陈静', phone: '13800138000', province: '福建省', city: '福州市', district: '鼓楼区', street: '示例路 88 号', postalCode: '350001' },
    });
    expect(stamping.statusCode, stamping.body).toBe(201);
    const print = await t.request(c, 'GET', `/api/v1/stamping-requests/${stamping.json().request.id}/print.pdf`);
    expect(print.statusCode).toBe(200);
    if (tools.pdftotext) expect(textOf(print.rawPayload)).toContain(`由“${oldName}”变更为“${newName}”`);
    if (tools.pdfsig) expect(pdfTool('pdfsig', ['-'], print.rawPayload)).not.toContain('Signature #1');

    // The catch-up finds nothing left to issue.
    await issueMissingSupplements(t.app.ctx);
    const swept = (await t.request(c, 'GET', `/api/v1/contracts?frameworkId=${framework.id}`)).json().items as Contract[];
    expect(swept.filter((x) => x.kind === 'supplement')).toHaveLength(2);
  }, 120_000);

  it.runIf(pyhankoRuns)('the supplement is PAdES B-LTA to pyHanko with the platform root as the only anchor', async () => {
    const root = await t.app.inject({ method: 'GET', url: '/pki/root.pem' });
    fs.writeFileSync(path.join(dir, 'root.pem'), root.body);
    const args = ['sign', 'validate', '--pretty-print', '--trust', path.join(dir, 'root.pem'), '--trust-replace', '--ltv-profile', 'pades-lta', path.join(dir, 'supplement.pdf')];
    const run = await new Promise<{ status: number | null; out: string }>((resolve) => {
      // Asynchronous: pyHanko fetches from this very process's server.
      const child = spawn(pyhanko, args);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (out += d));
      child.on('close', (status: number | null) => resolve({ status, out }));
    });
    expect(run.out, run.out).not.toMatch(/INVALID|UNTRUSTED|Traceback|error occurred/i);
    expect(run.status, run.out).toBe(0);
    expect(run.out.match(/The signature is judged VALID\./g)?.length, run.out).toBe(2);
  }, 120_000);

  it('refuses a different credit code, a personal identity and the same name as already_verified; another account cannot take the code', async () => {
    const c = await t.verifiedCustomer();
    expect((await rename(c, c.creditCode, oldName)).json().code).toBe('already_verified');
    const other = await t.verifiedCustomer();
    expect((await rename(c, other.creditCode, newName)).json().code).toBe('already_verified');
    const stranger = await t.register();
    const taken = await rename(stranger, c.creditCode, newName);
    expect([taken.statusCode, taken.json().code]).toEqual([409, 'identity_in_use']);
  });

  it('issues no supplement to an account without a framework in force, and still renames Party A', async () => {
    const c = await t.verifiedCustomer();
    expect((await rename(c, c.creditCode, newName)).statusCode).toBe(201);
    expect((await t.request(c, 'GET', '/api/v1/contracts?kind=supplement')).json().items).toEqual([]);
    expect((await t.request(c, 'GET', '/api/v1/party-a')).json().name).toBe(newName);
  });

  it('in manual mode: the pending rename leaves the account verified under the old name until an operator approves it', async () => {
    const manual = await createTestApp({ verifierMode: 'manual' });
    try {
      const c = await manual.verifiedCustomer();
      const framework = (await manual.signFramework(c, { termYears: 1, copies: 2 })).json().contract as Contract;
      const upload = await manual.request(c, 'POST', '/api/v1/verification/documents', tinyPng(), { 'content-type': 'image/png' });
      const body = { subjectType: 'enterprise', name: newName, creditCode: c.creditCode, legalRepresentative: '林晓明', consent };
      expect((await manual.request(c, 'POST', '/api/v1/verification', body)).json().code).toBe('licence_required');
      const pending = await manual.request(c, 'POST', '/api/v1/verification', { ...body, documents: [upload.json().document.id] });
      expect(pending.statusCode, pending.body).toBe(201);
      expect(pending.json().verification).toMatchObject({ status: 'pending', isRename: true });
      const second = await manual.request(c, 'POST', '/api/v1/verification/documents', tinyPng(), { 'content-type': 'image/png' });
      const twice = await manual.request(c, 'POST', '/api/v1/verification', { ...body, name: '又一个名称有限公司', documents: [second.json().document.id] });
      expect([twice.statusCode, twice.json().code]).toEqual([409, 'verification_pending']);

      expect((await manual.request(c, 'GET', '/api/v1/me')).json().account.verificationStatus).toBe('verified');
      expect((await manual.request(c, 'GET', '/api/v1/party-a')).json().name).toBe(oldName);
      expect((await manual.request(c, 'GET', '/api/v1/verification')).json()).toMatchObject({
        verification: { name: oldName, status: 'verified' },
        rename: { name: newName, status: 'pending' },
      });
      expect((await manual.request(c, 'GET', `/api/v1/contracts?frameworkId=${framework.id}`)).json().items).toEqual([]);

      const op = await manual.operator();
      const approved = await manual.request(op, 'POST', `/api/v1/admin/verifications/${pending.json().verification.id}/approve`);
      expect(approved.statusCode, approved.body).toBe(200);
      expect((await manual.request(c, 'GET', '/api/v1/party-a')).json().name).toBe(newName);
      const children = (await manual.request(c, 'GET', `/api/v1/contracts?frameworkId=${framework.id}`)).json().items as Contract[];
      expect(children.map((x) => [x.kind, x.number])).toEqual([['supplement', `${framework.number}-S01`]]);
    } finally {
      await manual.close();
    }
  }, 60_000);
});
