import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { operatorLogin, type startTestServer } from './server.js';
import { missingTool } from './tools.js';
import { consent, uniqueCreditCode } from './app.js';
import { codeFromDatabase, type SigningOptions, type Step, signThrough } from './signing.js';
import type { FastifyInstance } from 'fastify';
import { desc, eq } from 'drizzle-orm';
import { signings } from '../../src/server/db/schema/index.js';
import { creditCodeCheckChar } from '../../src/shared/ids.js';

// What the browser tests share: Chromium, screenshots, polling assertions and the flows every
// test needs before it reaches what it is about (a registered, verified customer; the desk).

export const chromiumPath = '/usr/bin/chromium';
// In CI a missing Chromium fails the run (missingTool throws) instead of skipping every e2e test.
export const hasChromium = existsSync(chromiumPath) || missingTool(`Chromium at ${chromiumPath}`);

const screenshotDir = path.resolve('test-results/screenshots');

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** The enterprise customer the tests register: valid check characters, Party A complete. */
export const password = 'correct-horse-battery';
export const validCreditCode = '91350100M000100Y43';
/** A second company's code: a credit code belongs to one account, so a second customer needs its own. */
export const otherCreditCode = `91350100MA0000001${creditCodeCheckChar('91350100MA0000001')}`;
export const companyName = '福州示例云计算有限公司';
export const legalRepresentative = '林晓明';
export const partyAContact = {
  address: '福建省福州市鼓楼区示例路88号',
  contactName: '陈静',
  contactPhone: '0591-87654321',
  contactEmail: 'finance@example.com',
};

/**
 * Chromium for the test file that calls it (at the top level), launched once. A script error
 * in any page fails the test, not only a missing element. Suites use `describe.skipIf(!hasChromium)`.
 */
export function setUpChromium(suite: string) {
  if (!hasChromium) console.warn(`${suite} e2e skipped: no Chromium at ${chromiumPath} (apt-get install chromium)`);
  let browser: Browser | undefined;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is missing: run `npx vite build` (npm run test:e2e does)');
    mkdirSync(screenshotDir, { recursive: true });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(() => {
    pageErrors = [];
  });
  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  return {
    /** A 1366 px laptop in Chinese unless told otherwise (a phone's viewport, another time zone). */
    newContext: (options: BrowserContextOptions = {}): Promise<BrowserContext> =>
      browser!.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN', acceptDownloads: true, ...options }),
    async newPage(context: BrowserContext): Promise<Page> {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      return page;
    },
  };
}

export type Shot = (page: Page, name: string) => Promise<unknown>;

/**
 * Full-page screenshots as `test-results/screenshots/<prefix><name>.png`. With `settleMs`, from
 * the top (a shot taken scrolled down paints the sticky header mid-page) once that many
 * milliseconds have let transitions and a PDF viewer repaint.
 */
export function screenshots(prefix: string, { settleMs }: { settleMs?: number } = {}): Shot {
  return async (page, name) => {
    if (settleMs !== undefined) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(settleMs);
    }
    await page.screenshot({ path: path.join(screenshotDir, `${prefix}${name}.png`), fullPage: true });
  };
}

/** playwright-core has no web-first assertions: poll until the page shows what is expected. */
export function polling(timeout: number) {
  const poll = { timeout };
  return {
    poll,
    text: (locator: Locator) => expect.poll(async () => (await locator.textContent()) ?? '', poll),
    count: (locator: Locator) => expect.poll(() => locator.count(), poll),
  };
}

/**
 * A button by its label: antd puts a space between the two characters of a two-character CJK
 * label, and an icon's name comes before the label.
 */
export const button = (scope: Page | Locator, label: string) => scope.getByRole('button', { name: new RegExp(`(^|\\s)${[...label].join('\\s*')}$`) });

export async function register(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/register`);
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByLabel('确认密码').fill(password);
  await page.getByTestId('accept-terms').check();
  await button(page, '注册').click();
  // A new customer starts at the verification page.
  await page.waitForURL('**/verification');
  await page.getByText('提交认证信息').waitFor();
}

/** On the verification page, with automatic verification. */
export async function verifyEnterprise(page: Page, creditCode = validCreditCode) {
  await page.getByLabel('企业名称').fill(companyName);
  await page.getByLabel('统一社会信用代码').fill(creditCode);
  await page.getByLabel('法定代表人').fill(legalRepresentative);
  await page.getByTestId('verification-consent').check();
  await button(page, '提交认证').click();
  await page.getByText('实名认证已通过').first().waitFor();
}

export async function fillPartyA(page: Page) {
  await page.getByRole('menuitem', { name: '甲方信息' }).click();
  await page.waitForURL('**/party-a');
  await page.getByLabel('注册地址').fill(partyAContact.address);
  await page.getByLabel('联系人').fill(partyAContact.contactName);
  await page.getByLabel('联系电话').fill(partyAContact.contactPhone);
  await page.getByLabel('联系邮箱').fill(partyAContact.contactEmail);
  await button(page, '保存').click();
  await page.getByText('信息完整').waitFor();
}

/** Registration, enterprise verification and Party A, as the console test does them in detail. */
export async function verifiedCustomer(page: Page, baseUrl: string, email: string, creditCode = validCreditCode) {
  await register(page, baseUrl, email);
  await verifyEnterprise(page, creditCode);
  await fillPartyA(page);
}

export async function login(page: Page, baseUrl: string, email: string, pw: string) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码', { exact: true }).fill(pw);
  await button(page, '登录').click();
}

/** The contract desk's operator, who lands on the verification queue. */
export async function loginAsOperator(page: Page, baseUrl: string) {
  await login(page, baseUrl, operatorLogin.email, operatorLogin.password);
  await page.waitForURL('**/admin/verifications');
}

/** From the account menu; when the login page does not come, a screenshot shows what did. */
export async function logout(page: Page, shot: Shot) {
  await page.getByTestId('account-menu').click();
  const item = page.getByRole('menuitem', { name: /退出登录/ });
  await item.waitFor({ state: 'visible' });
  await item.click();
  const loginPage = page.getByRole('heading', { name: '登录' });
  // On a loaded machine a click could land while the menu was still opening and be lost (the
  // menu stayed open, nothing was sent); a person clicks again, and so does this.
  if (!(await loginPage.waitFor({ timeout: 10_000 }).then(() => true, () => false)) && (await item.isVisible())) await item.click();
  await loginPage.waitFor().catch(async (error: unknown) => {
    await shot(page, 'zz-logout-failed');
    throw error;
  });
}

/** A JSON call from the page, riding on its session cookie, with the CSRF token from /me. */
export async function apiInPage<T>(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const me = await fetch('/api/v1/me');
      const csrf = me.ok ? ((await me.json()) as { csrfToken: string }).csrfToken : '';
      const res = await fetch(`/api/v1${url}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    { method, url, body },
  );
}

/** The page's signed-in organisation. */
async function accountOfPage(page: Page): Promise<string> {
  const me = await apiInPage<{ account: { id: string } | null }>(page, 'GET', '/me');
  if (!me.body.account) throw new Error(`no organisation for the page's user: ${JSON.stringify(me.body)}`);
  return me.body.account.id;
}

/**
 * A contract signed from the page's session through the API, as an API caller would: the
 * signing's code read from the server's outbox, the key the test's own (the wizard has its
 * own tests, with the browser's key).
 */
export async function signViaApiInPage(page: Page, app: FastifyInstance, body: object, options: SigningOptions = {}) {
  const step: Step = (method, url, b) => apiInPage(page, method, url, b);
  const answer = await signThrough(step, codeFromDatabase(app, await accountOfPage(page)), body, options);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.contract as { id: string; number: string };
}

/** The signed-in customer's framework agreement through the API (the wizard has its own test). */
export async function applyFrameworkViaApi(page: Page, app: FastifyInstance, terms: { termYears: number; copies: number }): Promise<{ id: string; number: string }> {
  const contract = await signViaApiInPage(page, app, { kind: 'framework', ...terms });
  return { id: contract.id, number: contract.number };
}

/**
 * The console's signing step after 获取验证码并签署: the code Party A received (read from the
 * server's outbox, as the inbox shows it) typed in, then 确认签署; the browser makes the key.
 */
export async function enterSigningCode(page: Page, app: FastifyInstance) {
  await page.getByTestId('signing-code').waitFor({ timeout: 30_000 });
  const signingId = await latestSigningOfPage(page, app);
  await page.getByTestId('signing-code-input').fill(await codeFromDatabase(app, await accountOfPage(page))(signingId));
  await page.getByTestId('signing-submit').click();
}

async function latestSigningOfPage(page: Page, app: FastifyInstance) {
  const accountId = await accountOfPage(page);
  const [row] = await app.ctx.db
    .select({ id: signings.id, draftSha256: signings.draftSha256 })
    .from(signings)
    .where(eq(signings.accountId, accountId))
    .orderBy(desc(signings.createdAt))
    .limit(1);
  if (!row) throw new Error('no signing started');
  return row;
}

/**
 * A new customer as the page's user, through the API: registration (terms accepted), an
 * enterprise verification with consent and a company of its own, Party A and a framework
 * agreement.
 */
export async function customerWithFrameworkViaApi(page: Page, server: Pick<TestServer, 'url' | 'app'>, email: string) {
  const baseUrl = server.url;
  await page.goto(`${baseUrl}/login`);
  const registered = await page.evaluate(
    async ({ email, password }) => {
      const res = await fetch('/api/v1/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, acceptTerms: true }) });
      return (await res.json()) as { accountId: string };
    },
    { email, password },
  );
  const verification = { subjectType: 'enterprise', name: companyName, creditCode: uniqueCreditCode(), legalRepresentative, consent };
  expect((await apiInPage(page, 'POST', '/verification', verification)).status).toBe(201);
  expect((await apiInPage(page, 'PUT', '/party-a', partyAContact)).status).toBe(200);
  const framework = await applyFrameworkViaApi(page, server.app, { termYears: 1, copies: 2 });
  return { accountId: registered.accountId, framework };
}
