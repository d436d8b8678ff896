import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts, invitations, outbox } from '../../src/server/db/schema/index.js';
import { apiInPage, companyName, customerWithFrameworkViaApi, hasChromium, polling, screenshots, setUpChromium, type TestServer } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

// Issue 11 and issue 12 point 5 in the console: an owner withdraws an invitation, a 只读 member
// finds the actions of other roles disabled with the reason, and a company rename re-verified on
// the verification page puts a supplementary agreement under the framework agreement.

const { newContext, newPage } = setUpChromium('accounts');
const shot = screenshots('accounts-', { settleMs: 300 });
const { text, count } = polling(15_000);
const newName = '福州星海云科技有限公司';

describe.skipIf(!hasChromium)('accounts in the console', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ verifierMode: 'auto' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('withdraws an invitation; a viewer sees what other roles may do, disabled with the reason', async () => {
    const ownerPage = await newPage(await newContext());
    const { framework } = await customerWithFrameworkViaApi(ownerPage, server, `owner-a-${Date.now()}@example.com`);
    const viewerEmail = `viewer-${Date.now()}@example.com`;
    const withdrawnEmail = `withdrawn-${Date.now()}@example.com`;
    for (const email of [viewerEmail, withdrawnEmail]) {
      expect((await apiInPage(ownerPage, 'POST', '/org/invitations', { email, role: 'viewer' })).status).toBe(201);
    }

    await ownerPage.goto(`${server.url}/members`);
    await text(ownerPage.locator('body')).toContain(withdrawnEmail);
    await ownerPage.getByTestId(`withdraw-invitation-${withdrawnEmail}`).click();
    await ownerPage.locator('.ant-popconfirm').getByRole('button', { name: /撤\s*回/ }).click();
    await text(ownerPage.locator('body')).toContain(`已撤回发给 ${withdrawnEmail} 的邀请`);
    await count(ownerPage.getByTestId(`withdraw-invitation-${withdrawnEmail}`)).toBe(0);
    await shot(ownerPage, '01-withdrawn');
    const [withdrawn] = await server.app.ctx.db.select().from(invitations).where(eq(invitations.email, withdrawnEmail));
    expect(withdrawn!.revokedAt).not.toBeNull();

    const [mail] = await server.app.ctx.db.select().from(outbox).where(eq(outbox.toAddress, viewerEmail)).orderBy(desc(outbox.createdAt)).limit(1);
    const link = /(https?:\/\/\S+\/invitations\/[A-Za-z0-9_-]+)/.exec(mail!.body)![1]!;
    const page = await newPage(await newContext());
    await page.goto(link);
    await page.getByTestId('invitation-password').fill('viewer-password-2026');
    await page.getByTestId('invitation-accept-terms').check();
    await page.getByTestId('accept-invitation').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/invitations/'));

    // The framework's page: no download, no preview, no renewal; each says which permission it needs.
    await page.goto(`${server.url}/contracts/${framework.id}`);
    const download = page.getByTestId('download-pdf');
    await download.waitFor();
    expect(await download.isDisabled()).toBe(true);
    await download.locator('..').hover();
    await text(page.locator('.ant-tooltip')).toContain('下载合同');
    await page.getByTestId('permission-notice-contracts.download').waitFor();
    expect(await page.getByTestId('void-contract').isDisabled()).toBe(true);
    await shot(page, '02-viewer-contract');

    // The list: 下载 and 批量申请线下盖章 in view, disabled, for a role without them.
    await page.goto(`${server.url}/contracts`);
    const listDownload = page.getByTestId('download-contract').first();
    await listDownload.waitFor();
    expect(await listDownload.getAttribute('data-permission')).toBe('contracts.download');
    expect(await page.getByTestId('batch-stamping').isDisabled()).toBe(true);

    // 线下盖章: 申请 disabled; the wizard itself says why.
    await page.goto(`${server.url}/stamping`);
    expect(await page.getByTestId('new-stamping').isDisabled()).toBe(true);
    await page.goto(`${server.url}/stamping/new`);
    await page.getByTestId('permission-result-stamping.request').waitFor();
    await page.goto(`${server.url}/contracts/apply`);
    await page.getByTestId('permission-result-framework.apply').waitFor();

    // 甲方信息: read-only with the reason.
    await page.goto(`${server.url}/party-a`);
    await page.getByTestId('permission-notice-party_a.edit').waitFor();
    expect(await page.getByTestId('party-a-form').locator('input').first().isDisabled()).toBe(true);
    expect(await page.getByTestId('party-a-submit').isDisabled()).toBe(true);
    await shot(page, '03-viewer-party-a');

    // 实名认证: the rename is not theirs either.
    await page.goto(`${server.url}/verification`);
    expect(await page.getByTestId('rename-start').isDisabled()).toBe(true);
  }, 120_000);

  it('re-verifies a new company name on the verification page; the supplement appears under the framework', async () => {
    const page = await newPage(await newContext());
    const { framework } = await customerWithFrameworkViaApi(page, server, `owner-r-${Date.now()}@example.com`);
    await page.goto(`${server.url}/verification`);
    await page.getByTestId('rename-start').click();
    const form = page.getByTestId('rename-form');
    await form.waitFor();
    expect(await form.getByLabel('统一社会信用代码').isDisabled()).toBe(true);
    await form.getByLabel('企业名称').fill(newName);
    await form.getByTestId('verification-consent').check();
    await shot(page, '04-rename-form');
    await form.getByTestId('verification-submit').click();
    await text(page.locator('body')).toContain('新名称已认证');
    await text(page.getByTestId('verification-details')).toContain(newName);

    const [supplement] = await server.app.ctx.db.select().from(contracts).where(eq(contracts.kind, 'supplement'));
    expect(supplement).toMatchObject({ number: `${framework.number}-S01`, frameworkId: framework.id });

    // 合同列表: nested under its framework.
    await page.goto(`${server.url}/contracts`);
    const child = page.locator('tr.ant-table-row-level-1').filter({ hasText: `${framework.number}-S01` });
    await text(child).toContain('补充协议');
    await shot(page, '05-supplement-in-list');
    // The framework's page lists it; its own page explains it and names the new Party A.
    await page.goto(`${server.url}/contracts/${framework.id}`);
    await text(page.getByTestId('framework-attachments')).toContain(`${framework.number}-S01`);
    await text(page.getByTestId('party-a-card')).toContain(companyName);
    await page.goto(`${server.url}/contracts/${supplement!.id}`);
    await page.getByTestId('supplement-note').waitFor();
    await text(page.getByTestId('party-a-card')).toContain(newName);
    await text(page.getByTestId('framework-link')).toContain(framework.number);
    await shot(page, '06-supplement-detail');
    await page.goto(`${server.url}/party-a`);
    await text(page.locator('body')).toContain(newName);
  }, 120_000);
});
