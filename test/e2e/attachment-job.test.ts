import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workContractJobs } from '../../src/server/contract-jobs/run-contract-job.js';
import { attachmentItems, contractJobs, orders } from '../../src/server/db/schema/index.js';
import { consentVersion } from '../../src/shared/schemas/verification.js';
import {
  apiInPage,
  applyFrameworkViaApi,
  companyName,
  hasChromium,
  legalRepresentative,
  partyAContact,
  password,
  polling,
  screenshots,
  setUpChromium,
  type TestServer,
  validCreditCode,
} from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

// A 1,000-item order attachment in Chromium: the customer ticks every order (twenty pages of
// 加载更多), confirms, and lands on the job's page with its progress bar; leaves for 合同管理
// and comes back by the address; the job runs, the bar moves, and the attachment opens.

const { newContext, newPage } = setUpChromium('attachment-job');
const shot = screenshots('attachment-job-', { settleMs: 300 });
const { text } = polling(30_000);
const itemCount = 1000;

describe.skipIf(!hasChromium)('a big attachment in the background', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A worker thread renders, so the server answers the page and records progress meanwhile.
    server = await startTestServer({ verifierMode: 'auto', renderThreads: 1 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('shows the progress of a 1,000-item attachment, survives leaving the page, and opens the attachment', async () => {
    const context = await newContext();
    const page = await newPage(context);
    await page.goto(`${server.url}/login`);
    const { accountId } = await page.evaluate(
      async ({ email, password }) => {
        const res = await fetch('/api/v1/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, acceptTerms: true }) });
        return (await res.json()) as { accountId: string };
      },
      { email: `attachment-job-${Date.now()}@example.com`, password },
    );
    expect((await apiInPage(page, 'POST', '/verification', { subjectType: 'enterprise', name: companyName, creditCode: validCreditCode, legalRepresentative, consent: { version: consentVersion } })).status).toBe(201);
    expect((await apiInPage(page, 'PUT', '/party-a', partyAContact)).status).toBe(200);
    const framework = await applyFrameworkViaApi(page, { termYears: 1, copies: 2 });
    await server.app.ctx.db.insert(orders).values(
      Array.from({ length: itemCount }, (_, i) => ({
        accountId,
        orderNo: `BULK-${String(i + 1).padStart(4, '0')}`,
        product: '云服务器 ECS',
        spec: `通用型 g7 · 4 vCPU 16 GiB · 第 ${i + 1} 台`,
        quantity: 1,
        amountFen: 12_800,
        paidAt: new Date(Date.UTC(2026, 8, 1, 0, 0, i)),
        status: 'paid' as const,
      })),
    );

    // No instance starts the job until the test lets it: the page is seen while it waits.
    server.app.ctx.config.startContractJobs = false;
    await page.goto(`${server.url}/contracts/${framework.id}/attachments/new?kind=order_attachment`);
    // The table lays out only the rows in view once it is long: 加载更多 until every order is there.
    const t0 = Date.now();
    const loadedAll = page.getByText(`已显示全部 ${itemCount} 个订单`);
    await page.getByTestId('load-more-items').waitFor();
    while (!(await loadedAll.isVisible())) {
      expect(Date.now() - t0, 'loading every order took too long').toBeLessThan(120_000);
      const more = page.locator('[data-testid=load-more-items]:not(.ant-btn-loading)');
      if (await more.isVisible()) await more.click();
      await page.waitForTimeout(100);
    }
    await page.getByTestId('item-table').locator('thead input[type=checkbox]').check();
    await text(page.getByTestId('selection-count')).toContain(String(itemCount));
    await page.getByTestId('wizard-next').click();
    await text(page.getByTestId('confirm-count')).toBe(`共 ${itemCount} 项`);
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('apply-submit').click();

    await page.waitForURL('**/contracts/jobs/*');
    const jobUrl = page.url();
    const jobId = jobUrl.split('/').pop()!;
    await text(page.getByTestId('contract-job-state')).toBe('排队中');
    await text(page.getByTestId('contract-job')).toContain(`共 ${itemCount} 项`);
    expect(await page.getByTestId('contract-job-progress').getAttribute('data-progress')).toBe('0');
    await shot(page, '01-queued');

    // Leave, and come back by the address.
    await page.goto(`${server.url}/contracts`);
    await page.goto(jobUrl);
    await text(page.getByTestId('contract-job-state')).toBe('排队中');

    // The job runs: the bar is seen part way (rendering reports it), then the attachment opens.
    const seen = new Set<string>();
    const watching = (async () => {
      while (!page.url().endsWith(`/contracts/${jobId}`) && !/\/contracts\/(?!jobs)[^/]+$/.test(page.url())) {
        const value = await page.getByTestId('contract-job-progress').getAttribute('data-progress', { timeout: 1000 }).catch(() => null);
        if (value) seen.add(value);
        await page.waitForTimeout(50);
      }
    })();
    const running = workContractJobs(server.app.ctx);
    const [job] = await Promise.all([
      (async () => {
        await running;
        return (await server.app.ctx.db.select().from(contractJobs).where(eq(contractJobs.id, jobId)))[0]!;
      })(),
      page.waitForURL(/\/contracts\/(?!jobs\/)[0-9a-f-]{36}$/, { timeout: 60_000 }),
    ]);
    await watching;
    expect(job).toMatchObject({ state: 'done', progress: 100 });
    expect(page.url()).toBe(`${server.url}/contracts/${job.contractId}`);
    expect([...seen].some((v) => Number(v) > 0 && Number(v) < 100), `progress seen: ${[...seen].join(', ')}`).toBe(true);
    await text(page.getByTestId('attachment-items')).toContain(`合计（${itemCount} 项）`);
    await shot(page, '02-opened');
    const items = await server.app.ctx.db.select().from(attachmentItems).where(eq(attachmentItems.contractId, job.contractId!));
    expect(items).toHaveLength(itemCount);
    server.app.ctx.config.startContractJobs = true;
    await context.close();
  }, 240_000);
});
