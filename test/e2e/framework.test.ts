import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts, users } from '../../src/server/db/schema/index.js';
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
    await page.getByTestId('apply-success').waitFor({ timeout: 30_000 });
    const number = ((await page.getByTestId('generated-number').textContent()) ?? '').trim();
    expect(number).toMatch(/^FA\d{4}\d{6}$/);
    await text(page.getByTestId('apply-success')).toContain('已生效');
    await shot(page, '06-wizard-success');

    const [user] = await server.app.ctx.db.select().from(users).where(eq(users.email, email));
    const rows = await server.app.ctx.db.select().from(contracts).where(eq(contracts.accountId, user!.accountId!));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ number, kind: 'framework', status: 'effective', copies: 3, termYears: 2 });

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
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(shownSha256);

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
