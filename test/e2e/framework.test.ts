import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts, evidenceReports, signings, users } from '../../src/server/db/schema/index.js';
import { codeInText } from '../helpers/signing.js';
import { hasTool, pdfTool } from '../helpers/tools.js';
import { operatorLogin } from '../helpers/app.js';
import {
  button,
  companyName,
  hasChromium,
  login,
  loginAsOperator,
  logout,
  password,
  polling,
  screenshots,
  type TestServer,
  setUpChromium,
  validCreditCode,
  verifiedCustomer,
} from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

// The framework agreement in Chromium: a new enterprise customer applies through the wizard,
// downloads the signed PDF and checks it on the public 验真 page (also a tampered copy), then
// the contract desk terminates it. What the database holds is checked along the way.

const { newContext, newPage } = setUpChromium('framework');
const shot = screenshots('framework-');
const { poll, text, count } = polling(15_000);

/** An operator's session headers for calls through inject. */
async function operatorHeaders(server: TestServer) {
  const login = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: operatorLogin });
  const cookie = login.cookies.find((c) => c.name === 'qiyue_session')!;
  return { cookie: `qiyue_session=${cookie.value}`, 'x-csrf-token': login.json().csrfToken as string };
}

/** The public 验真 page: upload, then the verdict's title. */
async function verifyFile(page: Page, name: string, bytes: Buffer) {
  await page.locator('input[type=file]').setInputFiles({ name, mimeType: 'application/pdf', buffer: bytes });
  await page.getByTestId('verify-verdict').waitFor(poll);
  return (await page.getByTestId('verify-title').textContent()) ?? '';
}

describe.skipIf(!hasChromium)('framework agreement', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ verifierMode: 'auto' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is applied for, downloaded, verified in public and terminated by the desk', async () => {
    const customerContext = await newContext();
    // Test instrumentation only: keeps the key pairs the page makes, to ask the browser about
    // them afterwards; and notes the public keys the page sends. The console exposes neither.
    await customerContext.addInitScript(() => {
      const made: CryptoKeyPair[] = [];
      (window as unknown as { __madeKeys: CryptoKeyPair[] }).__madeKeys = made;
      const generateKey = crypto.subtle.generateKey.bind(crypto.subtle) as (...args: unknown[]) => Promise<CryptoKeyPair>;
      (crypto.subtle as unknown as { generateKey: unknown }).generateKey = async (...args: unknown[]) => {
        const pair = await generateKey(...args);
        if ('privateKey' in pair) made.push(pair);
        return pair;
      };
    });
    const sentPublicKeys: JsonWebKey[] = [];
    customerContext.on('request', (request) => {
      if (/\/api\/v1\/signings\/[^/]+\/confirm$/.test(request.url())) {
        const body = request.postDataJSON() as { publicKey?: JsonWebKey; code: string };
        if (body.publicKey) sentPublicKeys.push(body.publicKey);
      }
    });
    const page = await newPage(customerContext);
    const email = `framework-${Date.now()}@example.com`;
    await verifiedCustomer(page, server.url, email);

    // The list: empty, 申请合同 open.
    await page.getByRole('menuitem', { name: '合同管理' }).last().click();
    await page.waitForURL('**/contracts');
    await text(page.getByTestId('contract-table')).toContain('暂无合同');
    await expect.poll(() => page.getByTestId('apply-contract').isEnabled(), poll).toBe(true);
    await shot(page, '01-list-empty');
    await page.getByTestId('apply-contract').click();
    await page.waitForURL('**/contracts/apply');

    // 1 甲方信息: prefilled from the profile, identity read-only.
    await text(page.getByTestId('party-a-identity')).toContain(validCreditCode);
    await expect.poll(() => page.getByLabel('联系人').inputValue(), poll).toBe('陈静');
    await shot(page, '02-wizard-party-a');
    await button(page, '保存并下一步').click();

    // 2 合同条款
    await page.getByTestId('terms-form').waitFor();
    await page.locator('label').filter({ hasText: /^一式叁份$/ }).click();
    await page.locator('label').filter({ hasText: /^2 年$/ }).click();
    await shot(page, '03-wizard-terms');
    await page.getByTestId('wizard-next').click();

    // 3 预览: the server's draft in an iframe, labelled as a draft.
    await page.getByTestId('preview-frame').waitFor({ state: 'visible', timeout: 30_000 });
    await text(page.getByTestId('draft-label')).toBe('草稿 · 仅供预览');
    expect(await page.getByTestId('preview-frame').getAttribute('src')).toMatch(/^blob:/);
    await page.waitForTimeout(1000); // let the PDF viewer paint for the screenshot
    await shot(page, '04-wizard-preview');
    await page.getByTestId('wizard-next').click();

    // 4 确认: acceptance is required before anything is sent.
    await text(page.getByTestId('apply-summary')).toContain('一式叁份');
    await text(page.getByTestId('apply-summary')).toContain('2 年');
    await page.getByTestId('apply-submit').click();
    await page.getByTestId('accept-required').waitFor();
    await shot(page, '05-wizard-confirm-required');
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('apply-submit').click();

    // 意愿认证: the code goes to Party A's contact e-mail, masked on the page.
    await text(page.getByTestId('code-destination')).toBe('验证码已发送至 f***@example.com，10 分钟内有效');
    await shot(page, '06-wizard-code');
    const [user] = await server.app.ctx.db.select().from(users).where(eq(users.email, email));
    const accountId = user!.accountId!;
    const [started] = await server.app.ctx.db.select().from(signings).where(eq(signings.accountId, accountId));
    expect(started).toMatchObject({ kind: 'framework', status: 'awaiting_code' });
    // The code as the operators' outbox view shows it without SMTP (the demo's set-up).
    const desk = await server.app.inject({ method: 'GET', url: '/api/v1/admin/outbox', headers: await operatorHeaders(server) });
    const code = codeInText((desk.json().items as { body: string; carriesCode: boolean }[]).find((m) => m.carriesCode && m.body.includes(started!.draftSha256))!.body);
    // A wrong code counts, and says how many tries are left.
    await page.getByTestId('signing-code-input').fill(code === '000000' ? '111111' : '000000');
    await page.getByTestId('signing-submit').click();
    await text(page.getByTestId('signing-error')).toBe('验证码错误，还可尝试 4 次');
    await shot(page, '06-wizard-wrong-code');
    await page.getByTestId('signing-code-input').fill(code);
    await page.getByTestId('signing-submit').click();
    await page.getByTestId('apply-success').waitFor({ timeout: 30_000 });
    const number = ((await page.getByTestId('generated-number').textContent()) ?? '').trim();
    expect(number).toMatch(/^FA\d{4}\d{6}$/);
    await text(page.getByTestId('apply-success')).toContain('已生效');
    await shot(page, '06-wizard-success');

    const rows = await server.app.ctx.db.select().from(contracts).where(eq(contracts.accountId, accountId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ number, kind: 'framework', status: 'effective', copies: 3, termYears: 2 });

    // Party A's certificate holds the public key this browser generated and sent — and only
    // that: the private key was made non-extractable, so not even the page can export it.
    // One key per signing: the retry after the wrong code sent the same one.
    expect(new Set(sentPublicKeys.map((k) => `${k.x}.${k.y}`)).size).toBe(1);
    const [signing] = await server.app.ctx.db.select().from(signings).where(eq(signings.id, started!.id));
    expect(signing).toMatchObject({ status: 'completed', keyCustody: 'signer', contractId: rows[0]!.id });
    const certificateKey = new X509Certificate(signing!.certificatePem!).publicKey.export({ format: 'jwk' });
    expect({ x: certificateKey.x, y: certificateKey.y }).toEqual({ x: sentPublicKeys[0]!.x, y: sentPublicKeys[0]!.y });
    expect(rows[0]!.signatures[0]).toMatchObject({ role: 'party_a', keyCustody: 'signer', certificateSerial: new X509Certificate(signing!.certificatePem!).serialNumber });
    const made = await page.evaluate(async () => {
      const pairs = (window as unknown as { __madeKeys: CryptoKeyPair[] }).__madeKeys;
      const pair = pairs[0]!;
      const publicJwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
      let pkcs8: string;
      try {
        await crypto.subtle.exportKey('pkcs8', pair.privateKey);
        pkcs8 = 'exported';
      } catch (error) {
        pkcs8 = (error as DOMException).name;
      }
      return { count: pairs.length, extractable: pair.privateKey.extractable, algorithm: pair.privateKey.algorithm, x: publicJwk.x, y: publicJwk.y, pkcs8 };
    });
    expect(made).toMatchObject({ count: 1, extractable: false, algorithm: { name: 'ECDSA', namedCurve: 'P-256' }, x: certificateKey.x, y: certificateKey.y });
    expect(made.pkcs8).toBe('InvalidAccessError');

    // The list shows it in force, and the application is closed while it is.
    await button(page, '返回合同列表').click();
    await page.waitForURL('**/contracts');
    const row = page.getByRole('row').filter({ hasText: number });
    await text(row).toContain('已生效');
    await text(row).toContain(companyName);
    await text(row).toContain('框架协议');
    await text(page.getByTestId('apply-contract')).toContain('已有生效中的框架协议');
    expect(await page.getByTestId('apply-contract').isDisabled()).toBe(true);
    await shot(page, '07-list-effective');

    // Detail: the generation event on the timeline, the chain intact.
    await row.getByTestId('view-contract').click();
    await page.waitForURL(`**/contracts/${rows[0]!.id}`);
    await text(page.getByTestId('contract-number')).toBe(number);
    await text(page.getByTestId('audit-timeline')).toContain('生成合同并签署');
    await text(page.getByTestId('audit-chain')).toContain('链完整');
    await text(page.getByTestId('signature-table')).toContain(companyName);
    await text(page.getByTestId('contract-details')).toContain('一式叁份');
    const shownSha256 = ((await page.getByTestId('contract-sha256').textContent()) ?? '').trim();
    expect(shownSha256).toMatch(/^[0-9a-f]{64}$/);
    await shot(page, '08-detail');

    // The download is exactly the signed file: its SHA-256 is the one on the page.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()]);
    expect(download.suggestedFilename()).toBe(`${number}.pdf`);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // poppler's own validator: Party A's (the browser's key) and Party B's signatures valid.
    if (hasTool('pdfsig')) {
      const checked = pdfTool('pdfsig', ['-'], pdf);
      expect(checked.match(/Signature Validation: Signature is Valid\./g), checked).toHaveLength(2);
      expect(checked).not.toMatch(/Signature is Invalid|Digest Mismatch/);
    }
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(shownSha256);

    // The term's last day is the day before the anniversary, China time, as the contract says.
    const lastDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(rows[0]!.expiresAt.getTime() - 1));
    expect(rows[0]!.expiresAt.toISOString()).toMatch(/T16:00:00\.000Z$/);
    await text(page.getByTestId('contract-details')).toContain(lastDay);

    // The evidence report: Party B's signed PDF, the one stored for this contract.
    const [evidence] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-evidence').click()]);
    expect(evidence.suggestedFilename()).toBe(`${number}-出证报告.pdf`);
    const report = readFileSync((await evidence.path())!);
    const reportSha256 = createHash('sha256').update(report).digest('hex');
    const stored = await server.app.ctx.db.select({ sha256: evidenceReports.sha256 }).from(evidenceReports).where(eq(evidenceReports.contractId, rows[0]!.id));
    expect(stored.map((r) => r.sha256)).toContain(reportSha256);

    // The public 验真 page, signed out, as the QR code in the footer opens it.
    await logout(page, shot);
    await page.goto(`${server.url}/verify?number=${number}`);
    await text(page.getByTestId('verify-for-number')).toBe(`请上传合同编号 ${number} 的 PDF 文件进行验真`);
    await count(page.getByTestId('account-menu')).toBe(0);
    // The trust anchor a relying party installs: its fingerprint is that of /pki/root.crt.
    const rootDer = Buffer.from(await (await fetch(`${server.url}/pki/root.crt`)).arrayBuffer());
    const fingerprint = createHash('sha256').update(rootDer).digest('hex').toUpperCase().match(/../g)!.join(':');
    await text(page.getByTestId('trust-fingerprint')).toBe(fingerprint);
    await shot(page, '09-verify-public');
    expect(await verifyFile(page, `${number}.pdf`, pdf)).toBe('文件真实有效');
    await text(page.getByTestId('verify-contract')).toContain(number);
    await text(page.getByTestId('verify-contract')).toContain('已生效');
    // Names are masked for the public.
    await text(page.getByTestId('verify-signatures')).not.toContain(companyName);
    await shot(page, '10-verify-authentic');

    // The evidence report is recognised as such, naming its contract and that file's hash.
    await button(page, '验证其他文件').click();
    expect(await verifyFile(page, `${number}-出证报告.pdf`, report)).toBe('文件真实有效');
    await text(page.getByTestId('verify-evidence')).toContain(number);
    await text(page.getByTestId('verify-evidence')).toContain(shownSha256);

    const tampered = Buffer.from(pdf);
    const middle = Math.floor(tampered.length / 2);
    tampered[middle] = tampered[middle]! ^ 0x01;
    await button(page, '验证其他文件').click();
    expect(await verifyFile(page, 'tampered.pdf', tampered)).toContain('未通过');
    await page.getByTestId('verify-problems').waitFor();
    await page.getByTestId('verify-unknown').waitFor();
    await shot(page, '11-verify-tampered');

    // The contract desk terminates it from its own list.
    const operatorContext = await newContext();
    const operator = await newPage(operatorContext);
    await loginAsOperator(operator, server.url);
    await operator.getByRole('menuitem', { name: /(^|\s)合同$/ }).click();
    await operator.waitForURL('**/admin/contracts');
    await operator.getByTestId('contract-search').locator('input').fill(number);
    await operator.getByTestId('contract-search').locator('input').press('Enter');
    const operatorRow = operator.getByRole('row').filter({ hasText: number });
    await count(operator.getByRole('row').filter({ hasText: /FA\d+/ })).toBe(1);
    await text(operatorRow).toContain(companyName);
    await count(operator.locator('.ant-table-wrapper .ant-spin-spinning')).toBe(0);
    await shot(operator, '12-operator-list');
    await operatorRow.getByTestId('view-contract').click();
    await operator.waitForURL(`**/admin/contracts/${rows[0]!.id}`);
    await operator.getByTestId('terminate-contract').click();
    const dialog = operator.getByRole('dialog');
    await dialog.getByTestId('reason-ok').click();
    await dialog.getByText('此项为必填项').waitFor();
    await dialog.getByLabel('终止原因').fill('客户申请解除合作');
    await shot(operator, '13-operator-terminate');
    await dialog.getByTestId('reason-ok').click();
    await operator.getByText(`合同 ${number} 已终止`).waitFor();
    await text(operator.getByTestId('status-reason')).toContain('客户申请解除合作');
    await text(operator.getByTestId('audit-timeline')).toContain('终止合同');
    await text(operator.getByTestId('audit-chain')).toContain('链完整');
    await shot(operator, '14-operator-terminated');
    const [terminated] = await server.app.ctx.db.select().from(contracts).where(eq(contracts.id, rows[0]!.id));
    expect(terminated).toMatchObject({ status: 'terminated', statusReason: '客户申请解除合作' });

    // The customer sees it terminated, and 申请合同 is open again.
    await login(page, server.url, email, password);
    await page.waitForURL('**/contracts');
    await text(page.getByRole('row').filter({ hasText: number })).toContain('已终止');
    await expect.poll(() => page.getByTestId('apply-contract').isEnabled(), poll).toBe(true);
    await shot(page, '15-list-terminated');

    // The same file is still authentic, but no longer in force: 验真 says so.
    await page.getByRole('menuitem', { name: '合同验真' }).click();
    await page.waitForURL('**/verify');
    expect(await verifyFile(page, `${number}.pdf`, pdf)).toBe('文件真实，但合同已终止');
    await shot(page, '16-verify-terminated');

    await operatorContext.close();
    await customerContext.close();
  });
});
