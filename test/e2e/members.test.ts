import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts, outbox } from '../../src/server/db/schema/index.js';
import { integrationToken, } from '../helpers/app.js';
import {
  apiInPage,
  customerWithFrameworkViaApi,
  enterSigningCode,
  hasChromium,
  polling,
  screenshots,
  type TestServer,
  setUpChromium,
} from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

// An owner invites a colleague as 财务 on 成员与权限; the colleague sets a password from the
// e-mailed link, applies for an attachment under the framework agreement, and finds 作废 disabled
// with the reason — and the API refuses it too.

const { newContext, newPage } = setUpChromium('members');
const shot = screenshots('members-', { settleMs: 300 });
const { text, count } = polling(15_000);

describe.skipIf(!hasChromium)('members and permissions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ verifierMode: 'auto' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('an owner invites a 财务 member, who joins, applies for an attachment and cannot void it', async () => {
    const ownerPage = await newPage(await newContext());
    const { accountId, framework } = await customerWithFrameworkViaApi(ownerPage, server, `owner-${Date.now()}@example.com`);
    const order = { product: '云服务器 ECS', spec: '通用型 g7 · 4 vCPU 16 GiB · 1 年', quantity: 1, amountFen: 12_800, paidAt: '2026-09-01T10:00:00+08:00', status: 'paid' };
    const pushed = await fetch(`${server.url}/api/v1/integration/accounts/${accountId}/orders/E2E-MEMBER-001`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${integrationToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    expect(pushed.status).toBe(201);

    // 成员与权限: invite as 财务 (the default role of the form).
    await ownerPage.goto(`${server.url}/contracts`);
    await ownerPage.getByRole('menuitem', { name: '成员与权限' }).click();
    await ownerPage.waitForURL('**/members');
    const financeEmail = `finance-${Date.now()}@example.com`;
    await ownerPage.getByTestId('invite-email').fill(financeEmail);
    await text(ownerPage.getByTestId('invite-role')).toContain('财务');
    await ownerPage.getByTestId('invite-submit').click();
    await text(ownerPage.locator('body')).toContain('待接受的邀请');
    await text(ownerPage.locator('body')).toContain(financeEmail);
    await shot(ownerPage, '01-invited');

    const [mail] = await server.app.ctx.db.select().from(outbox).where(eq(outbox.toAddress, financeEmail)).orderBy(desc(outbox.createdAt)).limit(1);
    const link = /(https?:\/\/\S+\/invitations\/[A-Za-z0-9_-]+)/.exec(mail!.body)![1]!;

    // The colleague opens the link, chooses a password and is in the organisation.
    const page = await newPage(await newContext());
    await page.goto(link);
    await page.getByTestId('invitation-password').fill('finance-password-2026');
    await page.getByTestId('invitation-accept-terms').check();
    await page.getByTestId('accept-invitation').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/invitations/'));
    await page.getByTestId('account-menu').click();
    await text(page.locator('.ant-dropdown')).toContain('财务');
    await page.keyboard.press('Escape');

    // 申请附件 on the framework's row, one order, confirm, accept, submit.
    await page.goto(`${server.url}/contracts`);
    const frameworkRow = page.locator('tr.ant-table-row-level-0').filter({ hasText: framework.number });
    await text(frameworkRow).toContain('已生效');
    await frameworkRow.getByTestId('apply-attachment').click();
    await page.getByTestId('apply-attachment-order_attachment').click();
    await page.waitForURL('**/attachments/new?kind=order_attachment');
    await count(page.locator('[data-testid=item-table] .ant-spin-spinning')).toBe(0);
    await page.getByTestId('item-table').locator('tr.ant-table-row').filter({ hasText: 'E2E-MEMBER-001' }).locator('input[type=checkbox]').check();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('preview-frame').waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('apply-submit').click();
    await enterSigningCode(page, server.app);
    await page.getByTestId('apply-success').waitFor({ timeout: 30_000 });
    const number = ((await page.getByTestId('generated-number').textContent()) ?? '').trim();
    expect(number).toBe(`${framework.number}-A01`);
    const [attachment] = await server.app.ctx.db.select().from(contracts).where(eq(contracts.number, number));
    expect(attachment).toMatchObject({ status: 'effective' });

    // Its page: 作废 is there but disabled, with the reason on hover.
    await page.goto(`${server.url}/contracts/${attachment!.id}`);
    const voidButton = page.getByTestId('void-contract');
    await voidButton.waitFor();
    expect(await voidButton.isDisabled()).toBe(true);
    await voidButton.locator('..').hover();
    await text(page.locator('.ant-tooltip')).toContain('作废合同');
    await shot(page, '02-void-disabled');
    const refused = await apiInPage<{ code: string }>(page, 'POST', `/contracts/${attachment!.id}/void`, { reason: '财务试图作废' });
    expect([refused.status, refused.body.code]).toEqual([403, 'permission_denied']);
    const [still] = await server.app.ctx.db.select().from(contracts).where(eq(contracts.id, attachment!.id));
    expect(still!.status).toBe('effective');
  }, 120_000);
});
