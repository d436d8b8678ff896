import { and, desc, eq, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts, signings } from '../../src/server/db/schema/index.js';
import { integrationToken } from '../helpers/app.js';
import {
  apiInPage,
  customerWithFrameworkViaApi,
  enterSigningCode,
  hasChromium,
  polling,
  screenshots,
  setUpChromium,
  signViaApiInPage,
  type TestServer,
} from '../helpers/browser.js';
import { latestCode } from '../helpers/signing.js';
import { startTestServer } from '../helpers/server.js';

// The signing step beyond the first success: a renewal (续签) signed in a dialog with the
// browser's key, an expired code and the way to a new one, and the resend countdown; then the
// old agreement's attachment re-issued (重新签发) under the successor.

const { newContext, newPage } = setUpChromium('signing');
const shot = screenshots('signing-', { settleMs: 300 });
const { text, count } = polling(15_000);

describe.skipIf(!hasChromium)('signing in the console', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ verifierMode: 'auto' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('renews a framework agreement through the code and the browser key; an expired code asks for a new one; re-issues its attachment', async () => {
    const page = await newPage(await newContext());
    const { accountId, framework } = await customerWithFrameworkViaApi(page, server, `signing-${Date.now()}@example.com`);
    // An attachment of two orders under the agreement, through the API.
    for (const n of [1, 2]) {
      const res = await fetch(`${server.url}/api/v1/integration/accounts/${accountId}/orders/E2E-RENEW-${n}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${integrationToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ product: '云服务器 ECS', spec: `第 ${n} 台`, quantity: 1, amountFen: 10_000 * n, paidAt: '2026-09-01T10:00:00+08:00', status: 'paid' }),
      });
      expect(res.status).toBe(201);
    }
    const orders = await apiInPage<{ items: { id: string }[] }>(page, 'GET', '/orders');
    const attachment = await signViaApiInPage(page, server.app, { kind: 'order_attachment', frameworkId: framework.id, itemIds: orders.body.items.map((o) => o.id) });
    // Thirty days before its end (its attachment's with it): the renewal window (60 days) is open.
    await server.app.ctx.db
      .update(contracts)
      .set({ effectiveAt: new Date(Date.now() - 335 * 86_400_000), expiresAt: new Date(Date.now() + 30 * 86_400_000) })
      .where(or(eq(contracts.id, framework.id), eq(contracts.frameworkId, framework.id)));

    await page.goto(`${server.url}/contracts/${framework.id}`);
    await page.getByTestId('renew-contract').click();
    // The popconfirm's own button (a page-wide role query may find the page's 续签 while it opens).
    await page.locator('.ant-popconfirm-buttons .ant-btn-primary').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('signing-code').waitFor({ timeout: 30_000 });
    await text(dialog.getByTestId('code-destination')).toBe('验证码已发送至 f***@example.com，10 分钟内有效');
    // A new code no sooner than a minute later: the button counts down.
    expect(await dialog.getByTestId('signing-resend').isDisabled()).toBe(true);
    await text(dialog.getByTestId('signing-resend')).toMatch(/^\d+ 秒后可重新发送$/);
    await shot(page, '01-renewal-code');

    // The code expires (the clock moved): the page says so and offers a new one.
    const [first] = await server.app.ctx.db.select().from(signings).where(eq(signings.accountId, accountId)).orderBy(desc(signings.createdAt)).limit(1);
    expect(first).toMatchObject({ kind: 'renewal', frameworkId: framework.id, status: 'awaiting_code' });
    await server.app.ctx.db.update(signings).set({ codeExpiresAt: new Date(Date.now() - 1000) }).where(eq(signings.id, first!.id));
    await dialog.getByTestId('signing-code-input').fill(await latestCode(server.app, accountId, first!.draftSha256));
    await dialog.getByTestId('signing-submit').click();
    await text(dialog.getByTestId('signing-error').locator('.ant-alert-title')).toBe('验证码已过期或本次签署已结束，请重新获取验证码');
    await shot(page, '02-renewal-expired');
    await dialog.getByTestId('signing-restart').click();

    // A new signing, a new code: signed with a key made in this browser.
    await enterSigningCode(page, server.app);
    await page.waitForURL((url) => !url.pathname.endsWith(framework.id) && /\/contracts\/[0-9a-f-]{36}$/.test(url.pathname), { timeout: 30_000 });
    await count(page.getByRole('dialog')).toBe(0);
    const [successor] = await server.app.ctx.db.select().from(contracts).where(and(eq(contracts.accountId, accountId), eq(contracts.renewsId, framework.id)));
    expect(successor).toMatchObject({ kind: 'framework', status: 'scheduled' });
    expect(successor!.signatures[0]).toMatchObject({ role: 'party_a', keyCustody: 'signer' });
    expect(page.url()).toContain(successor!.id);
    const done = await server.app.ctx.db.select().from(signings).where(and(eq(signings.accountId, accountId), eq(signings.kind, 'renewal')));
    expect(done.map((s) => s.status).sort()).toEqual(['awaiting_code', 'completed']);
    await shot(page, '03-renewal-signed');

    // 重新签发 on the successor's page: the wizard under the successor, the same orders chosen.
    await page.getByTestId(`reissue-${attachment.number}`).click();
    await page.waitForURL(`**/contracts/${successor!.id}/attachments/new?**`);
    await page.getByTestId('reissue-notice').waitFor();
    await count(page.getByTestId('item-table').locator('tr.ant-table-row-selected')).toBe(2);
    await shot(page, '04-reissue-select');
    await page.getByTestId('wizard-next').click();
    await text(page.getByTestId('apply-summary')).toContain('随续签协议于');
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('apply-submit').click();
    await enterSigningCode(page, server.app);
    await page.getByTestId('apply-success').waitFor({ timeout: 30_000 });
    await text(page.getByTestId('generated-number')).toBe(`${successor!.number}-A01`);
    await text(page.getByTestId('apply-success')).toContain('待生效');
    await shot(page, '05-reissued');
  });
});
