import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  apiInPage,
  customerWithFrameworkViaApi,
  signViaApiInPage,
  companyName,
  hasChromium,
  legalRepresentative,
  login,
  loginAsOperator,
  partyAContact,
  password,
  polling,
  type TestServer,
  setUpChromium,
} from '../helpers/browser.js';
import { driveSigning, requesterFor } from '../helpers/signing.js';
import { consent, integrationToken, uniqueCreditCode } from '../helpers/app.js';
import { startTestServer } from '../helpers/server.js';

// What a new user meets on a 1366 px laptop and on a 390 px phone, in both languages: no cell
// whose text is cut, nothing wider than the window, one h1, no serious axe finding, no error in
// the browser's console. Then China dates from a browser in Los Angeles, state kept in the URL
// across Back and refresh, and the size of the login page's JavaScript.

const { newContext, newPage } = setUpChromium('console quality');
const { text, count } = polling(15_000);
const shotDir = path.resolve('test/e2e/screenshots');

const viewports = {
  laptop: { width: 1366, height: 860 },
  phone: { width: 390, height: 844 },
} as const;
type Viewport = keyof typeof viewports;

/** Errors printed in the browser's console, page by page (a 401 from /me counts). */
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} @ ${message.location().url}`);
  });
  return errors;
}

async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await count(page.locator('.ant-spin-spinning')).toBe(0);
  // antd's enter animations and the PDF canvas.
  await page.waitForTimeout(300);
}

/** The layout, accessibility and console checks of one page, with its screenshot. */
async function checkPage(page: Page, errors: string[], name: string) {
  await settle(page);
  const layout = await page.evaluate(() => {
    const clipped: string[] = [];
    const selectors = [
      '.ant-table-cell',
      '.ant-descriptions-item-content',
      '.ant-descriptions-item-label',
      '.ant-tag',
      '.ant-btn',
      '.ant-menu-title-content',
      '.ant-breadcrumb-link',
      '.ant-card-head-title',
      '.ant-steps-item-title',
    ];
    for (const element of document.querySelectorAll<HTMLElement>(selectors.join(','))) {
      if (!element.offsetParent || element.closest('.ant-table-measure-row')) continue;
      if (element.scrollWidth > element.clientWidth + 1) clipped.push(`${element.className.split(' ')[0]} "${(element.textContent ?? '').slice(0, 40)}"`);
      // A column squeezed until its words wrap letter by letter.
      if (element.matches('.ant-table-cell') && element.clientWidth < 40 && (element.textContent ?? '').trim().length > 2) {
        clipped.push(`narrow cell "${(element.textContent ?? '').slice(0, 40)}"`);
      }
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      clipped,
      headings: document.querySelectorAll('h1').length,
      title: document.title,
    };
  });
  mkdirSync(shotDir, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shotDir, `${name}.png`), fullPage: true });
  expect(layout.clipped, `${name}: clipped text`).toEqual([]);
  expect(layout.scrollWidth, `${name}: page wider than the window`).toBeLessThanOrEqual(layout.innerWidth);
  expect(layout.headings, `${name}: h1 count`).toBe(1);
  expect(layout.title, `${name}: document title`).toMatch(/.+ - (契约 Qiyue|Qiyue)$/);
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1] ?? ''}`).join(' | ')}`);
  expect(serious, `${name}: axe`).toEqual([]);
  expect(errors, `${name}: console errors`).toEqual([]);
  return layout;
}

async function pushOrder(baseUrl: string, accountId: string, orderNo: string, paidAt: string) {
  const res = await fetch(`${baseUrl}/api/v1/integration/accounts/${accountId}/orders/${orderNo}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${integrationToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ product: '云服务器 ECS', spec: '通用型 g7 · 4 vCPU 16 GiB · 1 年', quantity: 1, amountFen: 12_800, paidAt, status: 'paid' }),
  });
  expect(res.status).toBe(201);
}

async function setLocale(page: Page, locale: 'zh-CN' | 'en') {
  await page.evaluate((value) => localStorage.setItem('qiyue.locale', value), locale);
}

describe.skipIf(!hasChromium)('console quality', () => {
  let server: TestServer;
  const email = `quality-${Date.now()}@example.com`;
  let framework: { id: string; number: string };
  let attachmentId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startTestServer({ verifierMode: 'auto' });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await server?.close();
  });

  /** A context of the shared Chromium with this viewport (and zone, language). */
  async function open(viewport: Viewport, options: { timezoneId?: string } = {}) {
    const context = await newContext({ viewport: viewports[viewport], ...options });
    contexts.push(context);
    const page = await newPage(context);
    return { context, page, errors: watchConsole(page) };
  }

  it('seeds a customer with a framework agreement and an order attachment', async () => {
    const { page } = await open('laptop');
    const seeded = await customerWithFrameworkViaApi(page, server, email);
    framework = seeded.framework;
    await pushOrder(server.url, seeded.accountId, 'QUALITY-ORDER-001', '2026-09-01T10:00:00+08:00');
    await pushOrder(server.url, seeded.accountId, 'QUALITY-ORDER-002', '2026-09-02T10:00:00+08:00');
    const orders = await apiInPage<{ items: { id: string; orderNo: string }[] }>(page, 'GET', '/orders');
    const first = orders.body.items.find((o) => o.orderNo === 'QUALITY-ORDER-001')!;
    const attachment = await signViaApiInPage(page, server.app, { kind: 'order_attachment', frameworkId: framework.id, itemIds: [first.id] });
    attachmentId = attachment.id;
  });

  for (const viewport of ['laptop', 'phone'] as const) {
    it(`shows the visitor's pages whole at ${viewports[viewport].width} px, without console errors`, async () => {
      const { page, errors } = await open(viewport);
      const scripts: Promise<number>[] = [];
      page.on('response', (res) => {
        if (res.url().endsWith('.js')) scripts.push(res.request().sizes().then((s) => s.responseBodySize));
      });
      await page.goto(`${server.url}/login`);
      await page.getByRole('heading', { name: '登录' }).waitFor();
      await checkPage(page, errors, `${viewport}-login`);
      // Only the login page's chunks, compressed, on a first visit with an empty cache.
      const loginBytes = (await Promise.all(scripts)).reduce((sum, n) => sum + n, 0);
      expect(loginBytes).toBeGreaterThan(0);
      expect(loginBytes).toBeLessThanOrEqual(250_000);

      for (const [route, name] of [
        ['/register', 'register'],
        ['/verify', 'verify'],
        ['/faq', 'faq'],
      ] as const) {
        await page.goto(`${server.url}${route}`);
        await checkPage(page, errors, `${viewport}-${name}`);
      }
      await setLocale(page, 'en');
      await page.goto(`${server.url}/login`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await checkPage(page, errors, `${viewport}-login-en`);
    });

    it(`shows the customer's pages whole at ${viewports[viewport].width} px, in Chinese and English`, async () => {
      const { page, errors } = await open(viewport);
      await login(page, server.url, email, password);
      await page.waitForURL('**/contracts');
      await text(page.getByTestId(viewport === 'phone' ? 'contract-cards' : 'contract-table')).toContain(framework.number);
      await checkPage(page, errors, `${viewport}-contracts`);

      if (viewport === 'phone') {
        // The header folds into a menu; the account menu with 退出登录 stays in reach.
        await page.getByTestId('menu-toggle').click();
        await page.getByTestId('menu-drawer').getByRole('menuitem', { name: '甲方信息' }).waitFor();
        await page.screenshot({ path: path.join(shotDir, 'phone-menu.png') });
        await page.getByTestId('menu-drawer').getByRole('menuitem', { name: '甲方信息' }).click();
        await page.waitForURL('**/party-a');
        await page.getByTestId('account-menu').click();
        await page.getByRole('menuitem', { name: /退出登录/ }).waitFor({ state: 'visible' });
        const box = await page.getByRole('menuitem', { name: /退出登录/ }).boundingBox();
        expect(box!.x + box!.width).toBeLessThanOrEqual(viewports.phone.width);
        await page.keyboard.press('Escape');
      }

      const pages: [string, string][] = [
        [`/contracts/${framework.id}`, 'framework'],
        [`/contracts/${attachmentId}`, 'attachment'],
        ['/verification', 'verification'],
        ['/party-a', 'party-a'],
        ['/stamping', 'stamping'],
        ['/stamping/new', 'stamping-new'],
        [`/contracts/${framework.id}/attachments/new?kind=order_attachment`, 'attachment-wizard'],
        ['/contracts/00000000-0000-4000-8000-000000000000', 'unknown-contract'],
      ];
      for (const [route, name] of pages) {
        await page.goto(`${server.url}${route}`);
        if (name === 'framework' || name === 'attachment') {
          // The preview loads as it comes near the viewport: below the details on a phone.
          await page.getByTestId('pdf-preview').scrollIntoViewIfNeeded();
          await page.getByTestId('pdf-preview-page').waitFor();
        }
        if (name === 'unknown-contract') {
          // The one error Chromium prints by itself: the API's true 404 for the unknown id.
          await page.getByTestId('contract-not-found').waitFor();
          const notFound = errors.splice(0).filter((e) => !/status of 404 .*\/api\/v1\/contracts\/00000000-/.test(e));
          expect(notFound).toEqual([]);
        }
        await checkPage(page, errors, `${viewport}-${name}`);
      }
      await text(page.getByTestId('contract-not-found')).toContain('合同不存在或无权查看');
      await page.getByRole('button', { name: '返回合同列表' }).click();
      await page.waitForURL('**/contracts');

      // The attachment sits under its framework in the breadcrumb, as a link.
      await page.goto(`${server.url}/contracts/${attachmentId}`);
      await page.locator('.ant-breadcrumb').getByRole('link', { name: framework.number }).click();
      await page.waitForURL(`**/contracts/${framework.id}`);

      await setLocale(page, 'en');
      for (const [route, name] of [
        ['/contracts', 'contracts-en'],
        [`/contracts/${framework.id}`, 'framework-en'],
        [`/contracts/${attachmentId}`, 'attachment-en'],
        ['/stamping', 'stamping-en'],
      ] as const) {
        await page.goto(`${server.url}${route}`);
        await checkPage(page, errors, `${viewport}-${name}`);
      }
      await setLocale(page, 'zh-CN');
    });

    it(`shows the operator's pages whole at ${viewports[viewport].width} px`, async () => {
      const { page, errors } = await open(viewport);
      await loginAsOperator(page, server.url);
      for (const [route, name] of [
        ['/admin/verifications', 'admin-verifications'],
        ['/admin/contracts', 'admin-contracts'],
        [`/admin/contracts/${framework.id}`, 'admin-contract'],
        ['/admin/stamping', 'admin-stamping'],
        ['/admin/outbox', 'admin-outbox'],
      ] as const) {
        await page.goto(`${server.url}${route}`);
        await checkPage(page, errors, `${viewport}-${name}`);
      }
    });
  }

  it('shows the PDF\'s China date in a browser in Los Angeles', async () => {
    // A contract made at 01:30 in Shanghai, when it is still the previous day in Los Angeles.
    const instant = new Date();
    instant.setUTCHours(17, 30, 0, 0);
    // In the past: a clock moved ahead would find the session idle for hours and end it.
    if (instant.getTime() >= Date.now()) instant.setUTCDate(instant.getUTCDate() - 1);
    const chinaDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(instant);
    const losAngelesDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles' }).format(instant);
    expect(chinaDay).not.toBe(losAngelesDay);

    const { context, page, errors } = await open('laptop', { timezoneId: 'America/Los_Angeles' });
    const tzEmail = `tz-${Date.now()}@example.com`;
    await page.goto(`${server.url}/login`);
    await page.evaluate(
      async ({ email, password }) => {
        await fetch('/api/v1/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, acceptTerms: true }) });
      },
      { email: tzEmail, password },
    );
    expect((await apiInPage(page, 'POST', '/verification', { subjectType: 'enterprise', name: companyName, creditCode: uniqueCreditCode(), legalRepresentative, consent })).status).toBe(201);
    expect((await apiInPage(page, 'PUT', '/party-a', partyAContact)).status).toBe(200);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const me = await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    // The server's clock at that instant while it makes the contract (sessions are checked by the database's clock).
    vi.useFakeTimers({ toFake: ['Date'], now: instant });
    let created: { contract: { id: string; effectiveAt: string } };
    try {
      const caller = { cookie, csrfToken: me.json().csrfToken as string, accountId: me.json().account.id as string };
      const res = await driveSigning(server.app, requesterFor(server.app), caller, { kind: 'framework', termYears: 1, copies: 2 });
      expect(res.statusCode, res.body).toBe(201);
      created = res.json();
    } finally {
      vi.useRealTimers();
    }
    expect(new Date(created.contract.effectiveAt).getTime()).toBe(instant.getTime());

    const pdf = await context.request.get(`${server.url}/api/v1/contracts/${created.contract.id}/pdf`);
    expect(pdf.status()).toBe(200);
    const file = path.join(tmpdir(), `qiyue-tz-${Date.now()}.pdf`);
    writeFileSync(file, await pdf.body());
    const pdfText = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const [y, m, d] = chinaDay.split('-').map(Number);
    expect(pdfText.replace(/\s+/g, '')).toContain(`${y}年${m}月${d}日`);

    await page.goto(`${server.url}/contracts/${created.contract.id}`);
    await text(page.getByTestId('contract-details')).toContain(chinaDay);
    await text(page.getByTestId('contract-details')).not.toContain(losAngelesDay);
    await text(page.getByTestId('contract-details')).toContain('UTC+8');
    await page.goto(`${server.url}/contracts`);
    await text(page.getByTestId('contract-table')).toContain(chinaDay);
    await checkPage(page, errors, 'laptop-contracts-los-angeles');
  });

  it('keeps list filters and the attachment wizard in the URL across refresh, Back and Forward', async () => {
    const { page, errors } = await open('laptop');
    await login(page, server.url, email, password);
    await page.waitForURL('**/contracts');

    // A filter survives a refresh.
    await page.getByTestId('filter-status').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '已生效' }).click();
    await page.waitForURL(/status=effective/);
    await page.reload();
    await text(page.getByTestId('filter-status')).toContain('已生效');
    await text(page.getByTestId('contract-table')).toContain(framework.number);

    // 导出 Excel: the rows of the filtered list, dates in China time.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-contracts').click()]);
    const file = path.join(tmpdir(), `qiyue-export-${Date.now()}.xlsx`);
    await download.saveAs(file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).text).toBe('合同编号');
    const numbers = sheet.getColumn(1).values.slice(2).map(String);
    expect(numbers).toContain(framework.number);
    // The voided attachment is filtered out with 已生效 (when the 作废 test ran first) or listed as in force.
    for (let row = 2; row <= sheet.rowCount; row++) expect(sheet.getRow(row).getCell(6).text).toBe('已生效');

    // The wizard: choose, 下一步, refresh, Back, Forward.
    await page.goto(`${server.url}/contracts/${framework.id}/attachments/new?kind=order_attachment`);
    const row = page.getByTestId('item-table').locator('tr.ant-table-row').filter({ hasText: 'QUALITY-ORDER-002' });
    await row.locator('input[type=checkbox]').check();
    await text(page.getByTestId('selection-count')).toContain('1');
    await page.getByTestId('wizard-next').click();
    await page.waitForURL(/step=confirm/);
    expect(page.url()).toMatch(/items=/);
    await text(page.getByTestId('confirm-count')).toBe('共 1 项');
    await page.reload();
    await text(page.getByTestId('confirm-count')).toBe('共 1 项');
    await page.goBack();
    await text(page.getByTestId('selection-count')).toContain('1');
    await page.goForward();
    await text(page.getByTestId('confirm-count')).toBe('共 1 项');

    // Leaving with a choice made asks first; staying keeps it.
    await page.getByRole('menuitem', { name: '甲方信息' }).click();
    await page.locator('.ant-modal-confirm-title').filter({ hasText: '离开此页？' }).waitFor();
    await page.getByRole('button', { name: '留在此页' }).click();
    expect(page.url()).toMatch(/attachments\/new/);
    // The first dialog gone before the second is asked for: on a loaded machine its closing
    // animation outlived the next click, whose 离开 then went to the dialog already answered.
    await page.locator('.ant-modal-confirm').waitFor({ state: 'hidden' });
    await page.getByRole('menuitem', { name: '甲方信息' }).click();
    await page.locator('.ant-modal-confirm:visible').getByTestId('leave-confirm').click();
    await page.waitForURL('**/party-a');
    expect(errors).toEqual([]);
  });

  it('keeps the framework wizard\'s step and terms in the URL across refresh, Back and Forward', async () => {
    const { page, errors } = await open('laptop');
    const wizardEmail = `wizard-${Date.now()}@example.com`;
    await page.goto(`${server.url}/login`);
    await page.evaluate(
      async ({ email, password }) => {
        await fetch('/api/v1/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, acceptTerms: true }) });
      },
      { email: wizardEmail, password },
    );
    expect((await apiInPage(page, 'POST', '/verification', { subjectType: 'enterprise', name: companyName, creditCode: uniqueCreditCode(), legalRepresentative, consent })).status).toBe(201);
    expect((await apiInPage(page, 'PUT', '/party-a', partyAContact)).status).toBe(200);
    await page.goto(`${server.url}/contracts/apply`);
    await page.getByTestId('party-a-identity').waitFor();
    await page.getByRole('button', { name: /保存并下一步/ }).click();
    await page.getByTestId('terms-form').waitFor();
    await page.waitForURL(/step=1/);
    await page.locator('label').filter({ hasText: /^3 年$/ }).click();
    await page.getByTestId('wizard-next').click();
    await page.waitForURL(/step=2.*years=3/);
    const current = page.getByTestId('apply-steps').locator('.ant-steps-item-process');
    await text(current).toContain('预览');
    await page.reload();
    await text(current).toContain('预览');
    await page.goBack();
    await page.getByTestId('terms-form').waitFor();
    expect(await page.locator('label').filter({ hasText: /^3 年$/ }).locator('input').isChecked()).toBe(true);
    await page.goForward();
    await text(current).toContain('预览');
    expect(errors).toEqual([]);
  });

  it('shows an attachment\'s items right after 作废, without a reload, and explains disabled actions', async () => {
    const { page, errors } = await open('laptop');
    await login(page, server.url, email, password);
    await page.waitForURL('**/contracts');
    await page.goto(`${server.url}/contracts/${attachmentId}`);
    await text(page.getByTestId('attachment-items')).toContain('QUALITY-ORDER-001');
    await page.getByTestId('void-contract').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('作废原因').fill('订单有误，需重新开具附件');
    await dialog.getByTestId('reason-ok').click();
    await text(page.getByTestId('contract-status').first()).toBe('已作废');
    await text(page.getByTestId('attachment-items')).toContain('QUALITY-ORDER-001');
    // 作废 stays in view, disabled, with the reason on hover.
    expect(await page.getByTestId('void-contract').isDisabled()).toBe(true);
    await page.getByTestId('disabled-reason').first().hover();
    await page.getByRole('tooltip').filter({ hasText: '合同已不在生效状态' }).waitFor();
    // The list shows the new state without a reload either.
    await page.locator('.ant-breadcrumb').getByRole('link', { name: '合同管理' }).click();
    await page.waitForURL('**/contracts');
    const child = page.locator('tr.ant-table-row-level-1').filter({ hasText: '-A01' });
    await text(child).toContain('已作废');
    expect(errors).toEqual([]);
  });
});
