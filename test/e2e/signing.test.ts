import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts, signings } from '../../src/server/db/schema/index.js';
import { customerWithFrameworkViaApi, enterSigningCode, hasChromium, polling, screenshots, setUpChromium, type TestServer } from '../helpers/browser.js';
import { latestCode } from '../helpers/signing.js';
import { startTestServer } from '../helpers/server.js';

// The signing step beyond the first success: a renewal (续签) signed in a dialog with the
// browser's key, an expired code and the way to a new one, and the resend countdown.

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

  it('renews a framework agreement through the code and the browser key; an expired code asks for a new one', async () => {
    const page = await newPage(await newContext());
    const { accountId, framework } = await customerWithFrameworkViaApi(page, server, `signing-${Date.now()}@example.com`);
    // Thirty days before its end: the renewal window (60 days) is open.
    await server.app.ctx.db
      .update(contracts)
      .set({ effectiveAt: new Date(Date.now() - 335 * 86_400_000), expiresAt: new Date(Date.now() + 30 * 86_400_000) })
      .where(eq(contracts.id, framework.id));

    await page.goto(`${server.url}/contracts/${framework.id}`);
    await page.getByTestId('renew-contract').click();
    await page.getByRole('button', { name: /续\s*签/ }).last().click();
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
  });
});
