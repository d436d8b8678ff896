import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, stampingRequests, stampingReturnAddresses } from '../../src/server/db/schema/index.js';
import {
  applyFrameworkViaApi,
  button,
  companyName,
  hasChromium,
  loginAsOperator,
  otherCreditCode,
  partyAContact,
  polling,
  screenshots,
  type TestServer,
  setUpChromium,
  verifiedCustomer,
} from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

// Offline stamping in Chromium: a customer with a framework agreement picks it in 合同管理,
// chooses it and the return address, which creates the request (待寄出) with its number;
// downloads the print package, then enters the tracking number (a wrong one is caught inline);
// the contract desk finds the request by tracking number, receives, stamps, archives the scan
// and mails it back; the customer confirms receipt and downloads the scan. Both timelines, the contract list, the e-mails sent
// and what the database holds are checked.

const outboundTracking = 'SF123456789012';
const returnTracking = 'RR473124829GB';

const { newContext, newPage } = setUpChromium('stamping');
// Once antd's transitions (modals, checkboxes, errors) are over.
const shot = screenshots('stamping-', { settleMs: 400 });
const { poll, text, count } = polling(15_000);

/** A stamping request straight through the API, for the tests that start after submission. */
async function submitViaApi(page: Page, contractId: string, trackingNumber: string): Promise<{ id: string; number: string }> {
  return page.evaluate(
    async ({ contractId, trackingNumber }) => {
      const me = (await (await fetch('/api/v1/me')).json()) as { csrfToken: string };
      const res = await fetch('/api/v1/stamping-requests', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrfToken, 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({
          contractIds: [contractId],
          courier: { carrier: 'SF', trackingNumber },
          returnAddress: { recipient: '陈静', phone: '13800138000', province: '福建省', city: '福州市', district: '鼓楼区', street: '示例路88号', postalCode: '350001' },
        }),
      });
      if (res.status !== 201) throw new Error(`stamping: ${res.status} ${await res.text()}`);
      const { request } = (await res.json()) as { request: { id: string; number: string } };
      return { id: request.id, number: request.number };
    },
    { contractId, trackingNumber },
  );
}

/**
 * An antd Select: open it, pick the option by its label, and look that it took. In a CI run
 * on a loaded machine the pick inside a dialog that had just opened was lost (the form then
 * said 请选择快递公司); a person who sees the field still empty picks again.
 */
async function choose(page: Page, select: Locator, label: string) {
  for (let attempt = 1; ; attempt++) {
    await select.click();
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: label }).click();
    const took = await select.getByText(label).waitFor({ timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (took || attempt === 2) return;
  }
}

/** Confirms the open Popconfirm with its OK button. */
async function confirmPopover(page: Page, label: string) {
  const popover = page.locator('.ant-popover:visible');
  await button(popover, label).click();
}

const timelineSteps = (page: Page) => page.getByTestId('stamping-timeline').locator('.ant-steps-item');
const finishedSteps = (page: Page) => page.getByTestId('stamping-timeline').locator('.ant-steps-item-finish');

describe.skipIf(!hasChromium)('offline stamping', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ verifierMode: 'auto' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is requested by the customer, processed by the desk and confirmed on receipt', async () => {
    const customerContext = await newContext();
    const page = await newPage(customerContext);
    const email = `stamping-${Date.now()}@example.com`;
    await verifiedCustomer(page, server.url, email);
    const framework = await applyFrameworkViaApi(page, server.app, { termYears: 1, copies: 3 });

    // 合同管理: no stamping yet; the contract in force is chosen for a batch request.
    await page.getByRole('menuitem', { name: '合同管理' }).last().click();
    await page.waitForURL('**/contracts');
    const row = page.getByRole('row').filter({ hasText: framework.number });
    await text(row).toContain('已生效');
    expect(await page.getByTestId('batch-stamping').isDisabled()).toBe(true);
    await row.locator('.ant-checkbox-input').check();
    await text(page.getByTestId('batch-stamping')).toContain('(1)');
    await shot(page, '01-list-selected');
    await page.getByTestId('batch-stamping').click();
    await page.waitForURL(`**/stamping/new?contracts=${framework.id}`);

    // 1 选择合同: preselected from the list, with the copies to stamp.
    const chooser = page.getByTestId('choose-contracts');
    await text(chooser).toContain(framework.number);
    await text(chooser).toContain('一式叁份');
    await text(chooser).toContain('需盖章 3 份');
    await text(page.getByTestId('choose-summary')).toBe('已选 1 份合同，共需盖章 3 份');
    await shot(page, '02-wizard-choose');
    await page.getByTestId('wizard-next').filter({ visible: true }).click();

    // 2 回寄地址, then the confirmation that it cannot change afterwards.
    const addressForm = page.getByTestId('address-form');
    await addressForm.waitFor({ state: 'visible' });
    await expect.poll(() => page.getByLabel('收件人').inputValue(), poll).toBe('陈静'); // from Party A
    await page.getByLabel('手机号码').fill('1380013800');
    await page.getByLabel('省/自治区/直辖市').fill('福建省');
    await page.getByLabel('市', { exact: true }).fill('福州市');
    await page.getByLabel('区/县').fill('鼓楼区');
    await page.getByLabel('详细地址').fill('示例路88号示例大厦12层');
    await page.getByLabel('邮政编码').fill('350001');
    await page.getByTestId('stamping-submit').click();
    await text(addressForm).toContain('请输入 11 位中国大陆手机号码');
    await page.getByLabel('手机号码').fill('13800138000');
    await count(addressForm.locator('.ant-form-item-explain-error')).toBe(0);
    await page.getByTestId('stamping-submit').click();
    const dialog = page.getByRole('dialog');
    await text(dialog.getByTestId('confirm-address-warning')).toContain('回寄地址提交后不可修改');
    await text(dialog.getByTestId('confirm-summary')).toContain('示例路88号示例大厦12层');
    await shot(page, '05-wizard-confirm');
    await dialog.getByTestId('confirm-submit').click();

    // The request page: awaiting shipment with its number, the address locked, the print package.
    await page.waitForURL(/\/stamping\/[0-9a-f-]{36}$/, poll);
    const requestNumber = ((await page.getByTestId('request-number').textContent()) ?? '').trim();
    expect(requestNumber).toMatch(/^SR\d{10}$/);
    await text(page.getByTestId('stamping-status').first()).toBe('待寄出');
    await text(page.getByTestId('request-details')).toContain('寄出后填写');
    await text(page.getByTestId('return-address-locked')).toContain('提交后不可修改');
    await text(page.getByTestId('stamping-timeline')).toContain('打印、盖章后寄出，并填写运单号');
    await page.getByTestId('submitted-notice').getByTestId('stamping-destination').waitFor();
    await shot(page, '03-request-awaiting-shipment');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-print-package').click()]);
    expect(download.suggestedFilename()).toBe(`${requestNumber}-打印包.pdf`);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Mailed: the tracking number, checked against the carrier's format before it is sent.
    await page.getByTestId('ship-request').click();
    const shipDialog = page.getByRole('dialog');
    await choose(page, shipDialog.getByTestId('modal-carrier'), '顺丰速运');
    await shipDialog.getByLabel('运单号', { exact: true }).fill('SF12345');
    await shipDialog.getByTestId('courier-ok').click();
    await text(shipDialog).toContain('运单号与顺丰速运的单号格式不符');
    await shot(page, '04-ship-invalid');
    await shipDialog.getByLabel('运单号', { exact: true }).fill(` ${outboundTracking.toLowerCase()} `);
    // The message folds away as the number is corrected, and the dialog's button moves up with
    // it: a click while it moves can land beside the button on a loaded machine.
    await count(shipDialog.locator('.ant-form-item-explain-error')).toBe(0);
    await shipDialog.getByTestId('courier-ok').click();
    await text(page.getByTestId('stamping-status').first()).toBe('已寄出');
    await text(page.getByTestId('outbound-courier')).toContain(outboundTracking);
    expect(await page.getByTestId('outbound-courier').getByTestId('tracking-link').getAttribute('href')).toContain(outboundTracking);
    await text(page.getByTestId('stamping-timeline')).toContain('等待乙方签收寄件');
    await text(page.getByTestId('stamping-timeline')).toContain(`顺丰速运 ${outboundTracking}`);
    await shot(page, '06-request-submitted');

    const [stored] = await server.app.ctx.db.select().from(stampingRequests).where(eq(stampingRequests.number, requestNumber));
    expect(stored).toMatchObject({ status: 'submitted', carrier: 'SF', trackingNumber: outboundTracking });
    const [address] = await server.app.ctx.db.select().from(stampingReturnAddresses).where(eq(stampingReturnAddresses.requestId, stored!.id));
    expect(address).toMatchObject({ recipient: '陈静', phone: '13800138000', postalCode: '350001', district: '鼓楼区' });

    // The desk finds it by the tracking number, then receives, stamps and returns it.
    const operatorContext = await newContext();
    const operator = await newPage(operatorContext);
    await loginAsOperator(operator, server.url);
    await operator.getByRole('menuitem', { name: '线下盖章' }).click();
    await operator.waitForURL('**/admin/stamping');
    await operator.getByTestId('stamping-search').locator('input').fill(outboundTracking);
    await operator.getByTestId('stamping-search').locator('input').press('Enter');
    const operatorRow = operator.getByRole('row').filter({ hasText: requestNumber });
    await count(operator.getByRole('row').filter({ hasText: /SR\d+/ })).toBe(1);
    await text(operatorRow).toContain(companyName);
    await text(operatorRow).toContain(framework.number);
    await text(operator.getByTestId('stamping-tabs')).toContain('待签收');
    await count(operator.locator('.ant-table-wrapper .ant-spin-spinning')).toBe(0);
    await shot(operator, '07-operator-queue');
    await operatorRow.getByTestId('view-request').click();
    await operator.waitForURL(`**/admin/stamping/${stored!.id}`);

    await operator.getByTestId('receive-request').click();
    await confirmPopover(operator, '签收');
    await text(operator.getByTestId('stamping-status').first()).toBe('已签收');
    await operator.getByTestId('stamp-request').click();
    await confirmPopover(operator, '盖章完成');
    await text(operator.getByTestId('stamping-status').first()).toBe('已盖章');
    // The scan of one fully stamped original is archived with the contract.
    await operator.getByTestId('scan-upload').locator('input[type=file]').setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: pdf });
    await text(operator.getByTestId('scan-archived')).toContain('已归档扫描件');
    await operator.getByTestId('return-request').click();
    const returnDialog = operator.getByRole('dialog');
    await choose(operator, returnDialog.getByTestId('modal-carrier'), '中国邮政 EMS');
    await returnDialog.getByLabel('运单号', { exact: true }).fill('RR473124820GB'); // wrong S10 check digit
    await returnDialog.getByTestId('courier-ok').click();
    await text(returnDialog).toContain('运单号与中国邮政 EMS的单号格式不符');
    await returnDialog.getByLabel('运单号', { exact: true }).fill(returnTracking);
    await count(returnDialog.locator('.ant-form-item-explain-error')).toBe(0);
    await shot(operator, '08-operator-return');
    await returnDialog.getByTestId('courier-ok').click();
    await text(operator.getByTestId('stamping-status').first()).toBe('已寄回');
    await text(operator.getByTestId('return-courier')).toContain(returnTracking);
    await count(operator.getByTestId('return-request')).toBe(0);
    await count(operator.getByTestId('reject-request')).toBe(0);

    // The customer confirms receipt: five steps, every one with its time and actor.
    await page.reload();
    await text(page.getByTestId('stamping-status').first()).toBe('已寄回');
    await text(page.getByTestId('stamping-timeline')).toContain(returnTracking);
    await count(page.getByTestId('edit-courier')).toBe(0);
    await count(page.getByTestId('cancel-request')).toBe(0);
    await page.getByTestId('confirm-receipt').click();
    await confirmPopover(page, '确认收货');
    await text(page.getByTestId('stamping-status').first()).toBe('已完成');
    await count(timelineSteps(page)).toBe(6);
    await count(finishedSteps(page)).toBe(6);
    for (const step of ['创建申请', '甲方寄出', '乙方签收', '乙方盖章', '寄回', '确认收货']) await text(page.getByTestId('stamping-timeline')).toContain(step);
    await text(page.getByTestId('stamping-timeline')).toContain('运营人员');
    await text(page.getByTestId('stamping-timeline')).toContain('客户');
    await shot(page, '09-request-completed');

    // 合同管理 shows the stamping as completed; the contract detail and its audit trail too.
    await page.getByRole('menuitem', { name: '合同管理' }).last().click();
    await page.waitForURL('**/contracts');
    await text(page.getByRole('row').filter({ hasText: framework.number }).getByTestId('stamping-status')).toBe('已完成');
    await shot(page, '10-list-completed');
    await page.getByRole('row').filter({ hasText: framework.number }).getByTestId('view-contract').click();
    await page.waitForURL(`**/contracts/${framework.id}`);
    await text(page.getByTestId('contract-details')).toContain('已完成');
    await text(page.getByTestId('audit-timeline')).toContain('线下盖章：已寄回');
    // 纸质合同已归档: the seal record, and the scan exactly as uploaded.
    const sealRecord = page.getByTestId('seal-record');
    await text(sealRecord).toContain('纸质合同已归档');
    await text(sealRecord).toContain(requestNumber);
    await text(sealRecord).toContain(outboundTracking);
    await text(sealRecord).toContain(returnTracking);
    const [scanDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-stamped-scan').click()]);
    expect(readFileSync((await scanDownload.path())!).equals(pdf)).toBe(true);
    await shot(page, '11-contract-detail');

    const [completed] = await server.app.ctx.db.select().from(stampingRequests).where(eq(stampingRequests.id, stored!.id));
    expect(completed).toMatchObject({ status: 'completed', returnCarrier: 'EMS', returnTrackingNumber: returnTracking });

    // The desk sees the same timeline, and the e-mails sent at every step.
    await operator.reload();
    await text(operator.getByTestId('stamping-status').first()).toBe('已完成');
    await count(finishedSteps(operator)).toBe(6);
    await shot(operator, '12-operator-completed');
    await operator.getByRole('menuitem', { name: '邮件通知' }).click();
    await operator.waitForURL('**/admin/outbox');
    await operator.getByTestId('smtp-not-configured').waitFor();
    await text(operator.getByTestId('smtp-not-configured')).toContain('未配置 SMTP，邮件仅在此处查看');
    await operator.getByTestId('outbox-search').locator('input').fill(requestNumber);
    await operator.getByTestId('outbox-search').locator('input').press('Enter');
    const mails = operator.getByTestId('outbox-table').locator('tr.ant-table-row');
    // Each step to the login and to the Party A contact e-mail.
    await count(mails).toBe(12);
    for (const status of ['待寄出', '已寄出', '已签收', '已盖章', '已寄回', '已完成']) {
      await text(operator.getByTestId('outbox-table')).toContain(`线下盖章申请 ${requestNumber} ${status}`);
    }
    await text(operator.getByTestId('outbox-table')).toContain(email);
    await text(operator.getByTestId('outbox-table')).toContain(partyAContact.contactEmail);
    await text(mails.first()).toContain('待发送');
    await mails.first().locator('.ant-table-row-expand-icon').click();
    await text(operator.getByTestId('outbox-body').first()).toContain(`/stamping/${stored!.id}`);
    await shot(operator, '13-operator-outbox');
    const storedMails = await server.app.ctx.db.select().from(outbox).where(eq(outbox.toAddress, email));
    expect(storedMails.filter((m) => m.subject.includes(requestNumber))).toHaveLength(6);

    await operatorContext.close();
    await customerContext.close();
  });

  it('lets the customer correct the tracking number and cancel, and shows a rejection with its reason', async () => {
    const customerContext = await newContext();
    const page = await newPage(customerContext);
    const email = `stamping-reject-${Date.now()}@example.com`;
    await verifiedCustomer(page, server.url, email, otherCreditCode);
    const framework = await applyFrameworkViaApi(page, server.app, { termYears: 1, copies: 3 });

    // Cancelled while submitted: the timeline ends in a red step, the contract is free again.
    const first = await submitViaApi(page, framework.id, 'SF100000000001');
    await page.goto(`${server.url}/stamping/${first.id}`);
    await page.getByTestId('edit-courier').click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByLabel('运单号', { exact: true }).inputValue(), poll).toBe('SF100000000001');
    await dialog.getByLabel('运单号', { exact: true }).fill('SF100000000002');
    await dialog.getByTestId('courier-ok').click();
    await page.getByText('运单号已修改').waitFor();
    await text(page.getByTestId('outbound-courier')).toContain('SF100000000002');
    // The correction is on the timeline, old → new, so the desk checks the parcel against it.
    await text(page.getByTestId('courier-correction')).toContain('更正运单号：顺丰速运 SF100000000001 → 顺丰速运 SF100000000002');
    await text(page.getByTestId('courier-correction')).toContain(email);
    await page.getByTestId('cancel-request').click();
    await confirmPopover(page, '取消申请');
    await text(page.getByTestId('stamping-status').first()).toBe('已取消');
    await count(page.getByTestId('stamping-timeline').locator('.ant-steps-item-error')).toBe(1);
    await count(page.getByTestId('edit-courier')).toBe(0);

    // Rejected by the desk with a reason, which the customer reads on the timeline.
    const second = await submitViaApi(page, framework.id, 'SF100000000003');
    const operatorContext = await newContext();
    const operator = await newPage(operatorContext);
    await loginAsOperator(operator, server.url);
    await operator.goto(`${server.url}/admin/stamping/${second.id}`);
    await operator.getByTestId('reject-request').click();
    const rejectDialog = operator.getByRole('dialog');
    await rejectDialog.getByTestId('reason-ok').click();
    await rejectDialog.getByText('此项为必填项').waitFor();
    await rejectDialog.getByLabel('驳回原因').fill('未收到寄件，请核对运单号');
    await rejectDialog.getByTestId('reason-ok').click();
    await text(operator.getByTestId('stamping-status').first()).toBe('已驳回');
    await count(operator.getByTestId('receive-request')).toBe(0);

    await page.goto(`${server.url}/stamping/${second.id}`);
    await text(page.getByTestId('stamping-timeline')).toContain('原因：未收到寄件，请核对运单号');
    await text(page.getByTestId('reject-reason')).toBe('未收到寄件，请核对运单号');
    await count(page.getByTestId('stamping-timeline').locator('.ant-steps-item')).toBe(2);
    await shot(page, '14-request-rejected');

    // The customer's list: both requests under their states; 合同管理 shows the latest.
    await page.getByRole('menuitem', { name: '线下盖章' }).click();
    await page.waitForURL('**/stamping');
    await count(page.getByTestId('stamping-table').locator('tr.ant-table-row')).toBe(2);
    await text(page.getByTestId('stamping-tabs')).toContain('已驳回');
    await shot(page, '15-request-list');
    await page.getByRole('menuitem', { name: '合同管理' }).last().click();
    await page.waitForURL('**/contracts');
    const row = page.getByRole('row').filter({ hasText: framework.number });
    await text(row.getByTestId('stamping-status')).toBe('已驳回');
    expect(await row.locator('.ant-checkbox-input').isEnabled()).toBe(true);

    await operatorContext.close();
    await customerContext.close();
  });
});
