import { and, eq } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentItems, contractJobs, contracts, orders } from '../../src/server/db/schema/index.js';
import { consentVersion } from '../../src/shared/schemas/verification.js';
import { integrationToken } from '../helpers/app.js';
import {
  apiInPage,
  applyFrameworkViaApi,
  enterSigningCode,
  signViaApiInPage,
  button,
  companyName,
  hasChromium,
  legalRepresentative,
  partyAContact,
  password,
  polling,
  screenshots,
  type TestServer,
  setUpChromium,
  validCreditCode,
} from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

// Attachments in Chromium: a customer with a framework agreement ticks 3 orders (a refunded one
// is shown disabled), confirms, finds the attachment under its framework in 合同管理, reads its
// orders and total, voids it, and in a new 申请附件 the 3 orders are selectable again; an order
// taken meanwhile by another request is named and dropped; 1,000 orders go through a contract
// job with its progress bar and land on the contract. Then the FAQ, signed in and out.

const { newContext, newPage } = setUpChromium('attachments');
// An iframe's PDF viewer repaints after the scroll to the top.
const shot = screenshots('attachments-', { settleMs: 300 });
const { text, count } = polling(15_000);

/** Registration, enterprise verification, Party A and a framework agreement, through the API. */
async function customerWithFramework(page: Page, server: TestServer, email: string) {
  const baseUrl = server.url;
  await page.goto(`${baseUrl}/login`);
  const registered = await page.evaluate(
    async ({ email, password }) => {
      const res = await fetch('/api/v1/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, acceptTerms: true }) });
      return (await res.json()) as { accountId: string };
    },
    { email, password },
  );
  const verified = await apiInPage(page, 'POST', '/verification', { subjectType: 'enterprise', name: companyName, creditCode: validCreditCode, legalRepresentative, consent: { version: consentVersion } });
  expect(verified.status).toBe(201);
  const partyA = await apiInPage(page, 'PUT', '/party-a', partyAContact);
  expect(partyA.status).toBe(200);
  const framework = await applyFrameworkViaApi(page, server.app, { termYears: 1, copies: 2 });
  return { accountId: registered.accountId, framework };
}

/** What the billing system pushes: PUT per order, bearer token. */
async function pushOrder(baseUrl: string, accountId: string, orderNo: string, order: object) {
  const { orderNo: _, ...body } = order as { orderNo?: string };
  const res = await fetch(`${baseUrl}/api/v1/integration/accounts/${accountId}/orders/${orderNo}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${integrationToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
}

async function pushFiling(baseUrl: string, accountId: string, filingNumber: string, filing: object) {
  const res = await fetch(`${baseUrl}/api/v1/integration/accounts/${accountId}/icp-filings/${encodeURIComponent(filingNumber)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${integrationToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(filing),
  });
  expect(res.status).toBe(201);
}

/** A row of the 选择 table, by the order or filing number it shows. */
const itemRow = (page: Page, label: string) => page.getByTestId('item-table').locator('tr.ant-table-row').filter({ hasText: label });

/** 申请附件 on a framework, then the kind from its menu. */
async function openWizard(trigger: Locator, page: Page, kind: 'order_attachment' | 'icp_attachment') {
  await trigger.click();
  const item = page.getByTestId(`apply-attachment-${kind}`);
  await item.waitFor({ state: 'visible' });
  await item.click();
  await page.waitForURL(`**/attachments/new?kind=${kind}`);
  await count(page.locator('[data-testid=item-table] .ant-spin-spinning')).toBe(0);
}

describe.skipIf(!hasChromium)('attachments', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ verifierMode: 'auto' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('are generated from ticked orders, nested under the framework, voided and their orders freed', async () => {
    const context = await newContext();
    const page = await newPage(context);
    const { accountId, framework } = await customerWithFramework(page, server, `attachments-${Date.now()}@example.com`);

    const chosen = [
      { orderNo: 'E2E-ORDER-001', product: '云服务器 ECS', spec: '通用型 g7 · 4 vCPU 16 GiB · 1 年', quantity: 2, amountFen: 12_800, paidAt: '2026-09-01T10:00:00+08:00', status: 'paid' },
      { orderNo: 'E2E-ORDER-002', product: '对象存储 OSS', spec: '标准存储包 · 500 GiB · 1 年', quantity: 1, amountFen: 99_900, paidAt: '2026-09-02T10:00:00+08:00', status: 'paid' },
      { orderNo: 'E2E-ORDER-003', product: '云数据库 RDS', spec: 'MySQL 8.0 · 高可用版 · 8 vCPU 32 GiB', quantity: 1, amountFen: 350_050, paidAt: '2026-09-03T10:00:00+08:00', status: 'paid' },
    ];
    for (const order of chosen) await pushOrder(server.url, accountId, order.orderNo, order);
    await pushOrder(server.url, accountId, 'E2E-ORDER-004', { ...chosen[0], status: 'refunded', paidAt: '2026-09-04T10:00:00+08:00' });
    await pushOrder(server.url, accountId, 'E2E-ORDER-005', { ...chosen[1], paidAt: '2026-09-05T10:00:00+08:00' });
    await pushFiling(server.url, accountId, '闽ICP备20260001号-1', { siteName: '示例官网', domains: ['example.cn', 'www.example.cn'], entityName: companyName, status: 'active', approvedAt: '2025-03-01T00:00:00Z' });
    await pushFiling(server.url, accountId, '京ICP备20260002号-1', { siteName: '别家站点', domains: ['other.cn'], entityName: '北京别家科技有限公司', status: 'active', approvedAt: '2025-04-01T00:00:00Z' });
    const totalText = '¥4,627.50'; // 128.00 + 999.00 + 3,500.50

    // 合同管理: 申请附件 on the framework's row.
    await page.goto(`${server.url}/contracts`);
    const frameworkRow = page.locator('tr.ant-table-row-level-0').filter({ hasText: framework.number });
    await text(frameworkRow).toContain('已生效');

    // The ICP kind first: the filing under another entity is listed, disabled, with the reason.
    await openWizard(frameworkRow.getByTestId('apply-attachment'), page, 'icp_attachment');
    await text(itemRow(page, '京ICP备20260002号-1')).toContain('备案主体与甲方不一致');
    expect(await itemRow(page, '京ICP备20260002号-1').locator('input[type=checkbox]').isDisabled()).toBe(true);
    expect(await itemRow(page, '闽ICP备20260001号-1').locator('input[type=checkbox]').isEnabled()).toBe(true);
    await shot(page, '01-select-filings');
    await page.goBack();
    await page.waitForURL('**/contracts');

    // 1 选择订单: the refunded order is disabled with 已退款; 3 paid ones ticked.
    await openWizard(frameworkRow.getByTestId('apply-attachment'), page, 'order_attachment');
    await text(page.getByTestId('apply-steps')).toContain('选择订单');
    const refunded = itemRow(page, 'E2E-ORDER-004');
    await text(refunded).toContain('已退款');
    expect(await refunded.locator('input[type=checkbox]').isDisabled()).toBe(true);
    expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
    for (const order of chosen) await itemRow(page, order.orderNo).locator('input[type=checkbox]').check();
    await text(page.getByTestId('selection-count')).toContain('3');
    await text(page.getByTestId('selection-total')).toBe(totalText);
    // A server-side search keeps what was ticked.
    await page.getByTestId('item-search').locator('input').fill('OSS');
    await page.getByTestId('item-search').locator('input').press('Enter');
    await count(page.getByTestId('item-table').locator('tr.ant-table-row')).toBe(2);
    await text(page.getByTestId('selection-count')).toContain('3');
    await page.getByTestId('item-search').locator('input').fill('');
    await page.getByTestId('item-search').locator('input').press('Enter');
    await count(page.getByTestId('item-table').locator('tr.ant-table-row')).toBe(5);
    await count(page.getByTestId('item-table').locator('tr.ant-table-row-selected')).toBe(3);
    await shot(page, '02-select-orders');
    await page.getByTestId('wizard-next').click();

    // 2 确认: count, total in figures and capitals, the framework, the draft in an iframe.
    const summary = page.getByTestId('apply-summary');
    await text(summary).toContain(framework.number);
    await text(page.getByTestId('confirm-count')).toBe('共 3 项');
    await text(page.getByTestId('confirm-total')).toBe(totalText);
    await text(page.getByTestId('confirm-total-capitals')).toContain('肆仟陆佰贰拾柒元伍角整');
    await page.getByTestId('preview-frame').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.getByTestId('preview-frame').getAttribute('src')).toMatch(/^blob:/);
    await page.getByTestId('apply-submit').click();
    await page.getByTestId('accept-required').waitFor();
    await page.waitForTimeout(1500); // let the PDF viewer paint for the screenshot
    await shot(page, '03-confirm');
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('apply-submit').click();
    await enterSigningCode(page, server.app);
    await page.getByTestId('apply-success').waitFor({ timeout: 30_000 });
    const number = ((await page.getByTestId('generated-number').textContent()) ?? '').trim();
    expect(number).toBe(`${framework.number}-A01`);
    await shot(page, '04-success');

    const [attachment] = await server.app.ctx.db.select().from(contracts).where(eq(contracts.number, number));
    expect(attachment).toMatchObject({ kind: 'order_attachment', frameworkId: framework.id, status: 'effective' });
    const covered = await server.app.ctx.db
      .select()
      .from(attachmentItems)
      .where(and(eq(attachmentItems.contractId, attachment!.id), eq(attachmentItems.inForce, true)));
    expect(covered).toHaveLength(3);

    // 合同管理: the attachment hangs under its framework agreement.
    await button(page, '返回合同列表').click();
    await page.waitForURL('**/contracts');
    const child = page.locator('tr.ant-table-row-level-1').filter({ hasText: number });
    await text(child).toContain('附件（订单信息）');
    await count(page.locator('tr.ant-table-row-level-0').filter({ hasText: number })).toBe(0);
    await count(page.locator('.ant-table-wrapper .ant-spin-spinning')).toBe(0);
    await shot(page, '05-list-nested');

    // Its detail: the 3 orders and the total, a link to the framework agreement.
    await child.getByTestId('view-contract').click();
    await page.waitForURL(`**/contracts/${attachment!.id}`);
    const items = page.getByTestId('attachment-items');
    for (const order of chosen) await text(items).toContain(order.orderNo);
    await text(items).not.toContain('E2E-ORDER-004');
    await text(page.getByTestId('attachment-total')).toBe(totalText);
    await text(page.getByTestId('framework-link')).toBe(framework.number);
    await shot(page, '06-detail');

    // 作废 with a reason frees its orders.
    await page.getByTestId('void-contract').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('作废原因').fill('订单有误，需重新开具附件');
    await dialog.getByTestId('reason-ok').click();
    await page.getByText(`合同 ${number} 已作废`).waitFor();
    await text(page.getByTestId('contract-status').first()).toBe('已作废');
    // 作废 stays in view, disabled: the contract is no longer in force.
    expect(await page.getByTestId('void-contract').isDisabled()).toBe(true);

    // The framework's detail lists it, voided; a new 申请附件 finds the 3 orders selectable.
    await page.getByTestId('framework-link').click();
    await page.waitForURL(`**/contracts/${framework.id}`);
    await text(page.getByTestId('framework-attachments')).toContain(number);
    await text(page.getByTestId('framework-attachments')).toContain('已作废');
    await shot(page, '07-framework-detail');
    await openWizard(page.getByTestId('framework-attachments').getByTestId('apply-attachment'), page, 'order_attachment');
    for (const order of chosen) expect(await itemRow(page, order.orderNo).locator('input[type=checkbox]').isEnabled()).toBe(true);
    for (const order of chosen) await itemRow(page, order.orderNo).locator('input[type=checkbox]').check();
    await text(page.getByTestId('selection-count')).toContain('3');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('preview-frame').waitFor({ state: 'visible', timeout: 30_000 });

    // Meanwhile another request takes order 002: the wizard names it and goes back to 选择.
    const taken = await signViaApiInPage(page, server.app, {
      kind: 'order_attachment',
      frameworkId: framework.id,
      itemIds: [covered.find((c) => c.position === 1)!.itemId],
    });
    expect(taken.number).toBe(`${framework.number}-A02`);
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('apply-submit').click();
    await text(page.getByTestId('items-refused')).toContain(`订单 E2E-ORDER-002：已在附件 ${framework.number}-A02 中`);
    await text(page.getByTestId('selection-count')).toContain('2');
    await text(itemRow(page, 'E2E-ORDER-002')).toContain(`已在附件 ${framework.number}-A02 中`);
    expect(await itemRow(page, 'E2E-ORDER-002').locator('input[type=checkbox]').isDisabled()).toBe(true);
    await shot(page, '08-reselect-after-conflict');

    // The rest goes through as A03.
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('apply-submit').click();
    await enterSigningCode(page, server.app);
    await page.getByTestId('apply-success').waitFor({ timeout: 30_000 });
    await text(page.getByTestId('generated-number')).toBe(`${framework.number}-A03`);

    // 1,000 orders from billing (seeded in the database): above 200 items a contract job prepares
    // the document while its progress bar runs, then this browser signs with the key it kept.
    const big = await server.app.ctx.db
      .insert(orders)
      .values(
        Array.from({ length: 1000 }, (_, i) => ({
          accountId,
          orderNo: `E2E-BULK-${String(i).padStart(4, '0')}`,
          product: '云服务器 ECS',
          spec: `通用型 g7 · 2 vCPU 8 GiB · 第 ${i + 1} 台`,
          quantity: 1,
          amountFen: 10_000,
          paidAt: new Date('2026-10-01T02:00:00Z'),
          status: 'paid' as const,
        })),
      )
      .returning({ id: orders.id });
    await page.goto(`${server.url}/contracts/${framework.id}/attachments/new?kind=order_attachment`);
    await count(page.locator('[data-testid=item-table] .ant-spin-spinning')).toBe(0);
    await page.getByTestId('item-search').locator('input').fill('E2E-BULK');
    await page.getByTestId('item-search').locator('input').press('Enter');
    await text(page.getByTestId('item-table')).not.toContain('E2E-ORDER-');
    // 加载更多 until the list says every order is loaded (50 a page).
    while (await page.getByTestId('load-more-items').isVisible()) {
      const loaded = page.waitForResponse((r) => r.url().includes('cursor='));
      await page.getByTestId('load-more-items').click();
      await loaded;
      await count(page.locator('[data-testid=load-more-items].ant-btn-loading')).toBe(0);
    }
    await page.getByTestId('item-table').locator('thead input[type=checkbox]').check();
    await text(page.getByTestId('selection-count')).toContain('1000');
    await page.getByTestId('wizard-next').click();
    await text(page.getByTestId('confirm-count')).toBe('共 1000 项');
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('apply-submit').click();
    // Every value the job's bar shows, recorded in the page (the console navigates within it).
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenProgress: string[] }).seenProgress = seen;
      new MutationObserver(() => {
        const value = document.querySelector('[data-testid=contract-job-progress]')?.getAttribute('data-progress');
        if (value != null && seen.at(-1) !== value) seen.push(value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await enterSigningCode(page, server.app);
    await page.waitForURL('**/contracts/jobs/*', { timeout: 30_000 });
    await page.waitForURL((url) => /\/contracts\/[0-9a-f-]{36}$/.test(url.pathname), { timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { seenProgress: string[] }).seenProgress.map(Number));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((p) => p > 0 && p < 100), `progress seen: ${seen}`).toBe(true);
    await text(page.getByTestId('attachment-items')).toContain('E2E-BULK-0000');
    const bulkId = page.url().split('/').at(-1)!;
    const [bulk] = await server.app.ctx.db.select().from(contracts).where(eq(contracts.id, bulkId));
    expect(bulk).toMatchObject({ number: `${framework.number}-A04`, kind: 'order_attachment', status: 'effective' });
    const bulkItems = await server.app.ctx.db.select({ itemId: attachmentItems.itemId }).from(attachmentItems).where(eq(attachmentItems.contractId, bulkId));
    expect(new Set(bulkItems.map((i) => i.itemId))).toEqual(new Set(big.map((o) => o.id)));
    const [job] = await server.app.ctx.db.select().from(contractJobs).where(eq(contractJobs.contractId, bulkId));
    expect(job).toMatchObject({ state: 'done', progress: 100 });
    // The key kept for the signature is gone once it completed.
    const keptKeys = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('qiyue-signing-keys');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const request = open.result.transaction('keys').objectStore('keys').count();
            request.onsuccess = () => resolve(request.result);
          };
        }),
    );
    expect(keptKeys).toBe(0);
    await shot(page, '09-bulk-attachment');

    // 合同常见问题 from the menu.
    await page.getByRole('menuitem', { name: '合同常见问题' }).click();
    await page.waitForURL('**/faq');
    await text(page.getByTestId('faq')).toContain('框架协议');
    await page.getByText('在线签署的电子合同有法律效力吗？').click();
    await text(page.getByTestId('faq-topic-legal')).toContain('《中华人民共和国电子签名法》');
    await page.getByText('线下盖章需要多长时间？').click();
    await text(page.getByTestId('faq-topic-stamping')).toContain('3 至 5 个工作日');
    await page.waitForTimeout(400); // the panels' open animation
    await shot(page, '10-faq');

    await context.close();
  });

  it('FAQ is open to visitors, in both languages', async () => {
    const context = await newContext();
    const page = await newPage(context);
    await page.goto(`${server.url}/faq`);
    await text(page.getByTestId('faq')).toContain('为什么要先完成实名认证？');
    await count(page.getByTestId('account-menu')).toBe(0);
    // The switch names the other language and changes to it in one click.
    await page.getByTestId('language-switch').click();
    await text(page.getByTestId('faq')).toContain('Why must I complete real-name verification first?');
    await page.getByText('How long does offline stamping take?').click();
    await text(page.getByTestId('faq-topic-stamping')).toContain('3 to 5 working days');
    await page.waitForTimeout(400);
    await shot(page, '11-faq-public-en');
    await context.close();
  });
});
