import { and, eq, like, sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { queryRows } from '../../src/server/db/client.js';
import { outbox, partyAProfiles, stampingRequests, stampingReturnAddresses } from '../../src/server/db/schema/index.js';
import { createMailer, deliverOutbox } from '../../src/server/notifications/deliver-outbox.js';
import { completeReturnedRequests } from '../../src/server/stamping/advance-request.js';
import { createTestApp, type Caller, type TestApp } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';
import { pdfTool } from '../helpers/tools.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const returnAddress = {
  recipient: '陈静',
  phone: '13800138000',
  province: '福建省',
  city: '福州市',
  district: '鼓楼区',
  street: '示例路 88 号 12 层',
  postalCode: '350001',
};
const courier = { carrier: 'SF', trackingNumber: 'sf123456789012' };

async function customerWithContract() {
  const c = await t.verifiedCustomer();
  const contract = (await t.signFramework(c, { termYears: 1, copies: 3 })).json().contract;
  return { c, contract };
}
const submit = (c: Caller, contractIds: string[], extra: object = {}) =>
  t.request(c, 'POST', '/api/v1/stamping-requests', { contractIds, courier, returnAddress, ...extra });

describe('offline stamping', () => {
  it('goes submitted → received → stamped → returned → completed with history, audit and e-mails', async () => {
    const { c, contract } = await customerWithContract();
    const op = await t.operator();
    const created = await submit(c, [contract.id]);
    expect(created.statusCode).toBe(201);
    const request = created.json().request;
    expect(request).toMatchObject({
      status: 'submitted',
      courier: { carrier: 'SF', trackingNumber: 'SF123456789012' },
      contracts: [{ id: contract.id, number: contract.number, copies: 3 }],
      returnAddress,
    });
    expect(request.number).toMatch(/^SR\d{10}$/);
    expect((await t.request(c, 'GET', `/api/v1/contracts/${contract.id}`)).json().contract.stampingStatus).toBe('submitted');

    const path = `/api/v1/admin/stamping-requests/${request.id}`;
    expect((await t.request(op, 'POST', `${path}/stamp`)).json().code).toBe('invalid_state');
    expect((await t.request(op, 'POST', `${path}/receive`)).json().request.status).toBe('received');
    expect((await t.request(c, 'POST', `/api/v1/stamping-requests/${request.id}/cancel`)).json().code).toBe('invalid_state');
    expect((await t.request(op, 'POST', `${path}/stamp`)).json().request.status).toBe('stamped');
    const badReturn = await t.request(op, 'POST', `${path}/return`, { courier: { carrier: 'EMS', trackingNumber: 'RR473124828GB' } });
    expect(badReturn.json().code).toBe('invalid_tracking_number');
    const returned = await t.request(op, 'POST', `${path}/return`, { courier: { carrier: 'EMS', trackingNumber: 'RR473124829GB' } });
    expect(returned.json().request).toMatchObject({ status: 'returned', returnCourier: { carrier: 'EMS', trackingNumber: 'RR473124829GB' } });
    const done = await t.request(c, 'POST', `/api/v1/stamping-requests/${request.id}/confirm-receipt`);
    expect(done.json().request.status).toBe('completed');
    expect(done.json().request.history.map((h: { status: string }) => h.status)).toEqual(['submitted', 'received', 'stamped', 'returned', 'completed']);

    const audit = (await t.request(c, 'GET', `/api/v1/contracts/${contract.id}/audit`)).json();
    expect(audit.chainValid).toBe(true);
    expect(audit.events.map((e: { action: string }) => e.action)).toEqual([
      'contract.generated',
      'stamping.submitted',
      'stamping.received',
      'stamping.stamped',
      'stamping.returned',
      'stamping.completed',
    ]);
    // The signing codes (and their SMS) are left out: they are not stamping messages.
    const mails = await t.app.ctx.db.select().from(outbox).where(and(eq(outbox.accountId, c.accountId!), eq(outbox.carriesCode, false)));
    // Each step once to the login and once to the Party A contact e-mail.
    for (const to of [c.email, 'finance@example.com']) {
      expect(mails.filter((m) => m.toAddress === to).map((m) => m.subject).filter((s) => s.includes(request.number))).toHaveLength(5);
    }
    expect(mails.every((m) => m.toAddress === c.email || m.toAddress === 'finance@example.com')).toBe(true);

    // Both sides have stamped a paper copy: the customer can no longer void it.
    const voided = await t.request(c, 'POST', `/api/v1/contracts/${contract.id}/void`, { reason: '想要作废' });
    expect(voided.statusCode).toBe(409);
    expect(voided.json().code).toBe('invalid_state');
  });

  it('checks tracking numbers, keeps one open request per contract, corrects the tracking number only while submitted', async () => {
    const { c, contract } = await customerWithContract();
    const bad = await submit(c, [contract.id], { courier: { carrier: 'SF', trackingNumber: '12345' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('invalid_tracking_number');
    const first = (await submit(c, [contract.id])).json().request;
    const second = await submit(c, [contract.id]);
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('contract_in_open_request');
    expect((await t.request(c, 'POST', `/api/v1/contracts/${contract.id}/void`, { reason: '作废试试' })).json().code).toBe('contract_in_open_request');

    const fixed = await t.request(c, 'PATCH', `/api/v1/stamping-requests/${first.id}`, { courier: { carrier: 'YTO', trackingNumber: 'YT1234567890123' } });
    expect(fixed.json().request.courier).toEqual({ carrier: 'YTO', trackingNumber: 'YT1234567890123' });
    const locked = await t.request(c, 'PATCH', `/api/v1/stamping-requests/${first.id}`, { returnAddress: { ...returnAddress, street: '另一个地址' } });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().code).toBe('return_address_locked');

    const cancelled = await t.request(c, 'POST', `/api/v1/stamping-requests/${first.id}/cancel`);
    expect(cancelled.json().request.status).toBe('cancelled');
    expect((await t.request(c, 'PATCH', `/api/v1/stamping-requests/${first.id}`, { courier })).json().code).toBe('invalid_state');
    expect((await submit(c, [contract.id])).statusCode).toBe(201);
  });

  it('refuses a direct SQL change of the return address', async () => {
    const { c, contract } = await customerWithContract();
    const request = (await submit(c, [contract.id])).json().request;
    await expect(
      t.app.ctx.db.update(stampingReturnAddresses).set({ street: '篡改后的地址' }).where(eq(stampingReturnAddresses.requestId, request.id)),
    ).rejects.toThrow();
    await expect(t.app.ctx.db.execute(sql`delete from stamping_return_addresses where request_id = ${request.id}`)).rejects.toThrow();
    const [row] = await queryRows<{ street: string }>(t.app.ctx.db, sql`select street from stamping_return_addresses where request_id = ${request.id}`);
    expect(row!.street).toBe(returnAddress.street);
  });

  it('rejects with a reason, keeps roles and accounts apart, and serves the print package', async () => {
    const { c, contract } = await customerWithContract();
    const op = await t.operator();
    const stranger = await t.verifiedCustomer();
    const request = (await submit(c, [contract.id])).json().request;
    expect((await t.request(stranger, 'GET', `/api/v1/stamping-requests/${request.id}`)).statusCode).toBe(404);
    expect((await t.request(stranger, 'POST', `/api/v1/stamping-requests/${request.id}/cancel`)).statusCode).toBe(404);
    expect((await t.request(c, 'GET', '/api/v1/admin/stamping-requests')).statusCode).toBe(403);
    expect((await t.request(c, 'POST', `/api/v1/admin/stamping-requests/${request.id}/receive`)).statusCode).toBe(403);
    expect((await submit(stranger, [contract.id])).statusCode).toBe(404);

    expect((await t.request(stranger, 'GET', `/api/v1/stamping-requests/${request.id}/print.pdf`)).statusCode).toBe(404);

    const pdf = await t.request(c, 'GET', `/api/v1/stamping-requests/${request.id}/print.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // A clean unsigned document: the contracts' signature widgets stay behind, and each font
    // program has a subset tag of its own, although every contract names its subsets alike.
    const contractPdf = (await t.request(c, 'GET', `/api/v1/contracts/${contract.id}/pdf`)).rawPayload;
    const pages = (file: Buffer) => Number(/Pages:\s+(\d+)/.exec(pdfTool('pdfinfo', ['-'], file))![1]);
    // The cover, then the contract's 3 paper originals (一式叁份).
    expect(pages(pdf.rawPayload)).toBe(1 + 3 * pages(contractPdf));
    expect(pdfTool('pdfsig', ['-'], pdf.rawPayload)).toMatch(/does not contain any signatures/);
    expect(pdfTool('pdfsig', ['-'], contractPdf)).toMatch(/Signature #1/);
    const fonts = pdfTool('pdffonts', ['-'], pdf.rawPayload)
      .split('\n')
      .slice(2)
      .map((line) => line.split(/\s+/))
      .filter((cols) => /^[A-Z]{6}\+/.test(cols[0] ?? ''));
    const programs = new Set(fonts.map((cols) => cols.at(-2)));
    expect(new Set(fonts.map((cols) => cols[0])).size).toBe(programs.size);
    expect(programs.size).toBeGreaterThan(2);

    const queue = (await t.request(op, 'GET', `/api/v1/admin/stamping-requests?status=submitted&q=${encodeURIComponent(contract.number)}`)).json();
    expect(queue.items.map((r: { id: string }) => r.id)).toEqual([request.id]);
    expect(queue.counts.submitted).toBe(1);
    const byTracking = (await t.request(op, 'GET', '/api/v1/admin/stamping-requests?q=SF123456789012')).json();
    expect(byTracking.items.length).toBeGreaterThan(0);

    expect((await t.request(op, 'POST', `/api/v1/admin/stamping-requests/${request.id}/reject`, {})).statusCode).toBe(400);
    const rejected = await t.request(op, 'POST', `/api/v1/admin/stamping-requests/${request.id}/reject`, { reason: '缺少骑缝章' });
    expect(rejected.json().request).toMatchObject({ status: 'rejected', rejectReason: '缺少骑缝章' });
    expect((await submit(c, [contract.id])).statusCode).toBe(201);
  });

  it('completes a request 15 days after its return, once', async () => {
    const { c, contract } = await customerWithContract();
    const op = await t.operator();
    const request = (await submit(c, [contract.id])).json().request;
    for (const step of ['receive', 'stamp']) await t.request(op, 'POST', `/api/v1/admin/stamping-requests/${request.id}/${step}`);
    await t.request(op, 'POST', `/api/v1/admin/stamping-requests/${request.id}/return`, { courier: { carrier: 'SF', trackingNumber: 'SF1234567890123' } });
    expect(await completeReturnedRequests(t.app.ctx)).toBe(0);
    await t.app.ctx.db.update(stampingRequests).set({ returnedAt: new Date(Date.now() - 16 * 24 * 3600 * 1000) }).where(eq(stampingRequests.id, request.id));
    expect(await completeReturnedRequests(t.app.ctx)).toBe(1);
    expect(await completeReturnedRequests(t.app.ctx)).toBe(0);
    const after = (await t.request(c, 'GET', `/api/v1/stamping-requests/${request.id}`)).json().request;
    expect(after.status).toBe('completed');
    expect(after.history.at(-1)).toMatchObject({ status: 'completed', actorRole: 'system' });
  });

  it('delivers the outbox over SMTP once, retrying after a failure', async () => {
    const received: { to: string; subject: string }[] = [];
    let failNext = true;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => {
          raw += chunk.toString('utf8');
        });
        stream.on('end', () => {
          if (failNext) {
            failNext = false;
            const error = new Error('mailbox busy') as Error & { responseCode: number };
            error.responseCode = 451;
            return callback(error);
          }
          const subject = /^Subject: (.*)$/m.exec(raw)?.[1] ?? '';
          received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), subject });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as { port: number }).port;
    try {
      const { c, contract } = await customerWithContract();
      // The contact e-mail is the login's: one message, not two.
      await t.app.ctx.db.update(partyAProfiles).set({ contactEmail: c.email }).where(eq(partyAProfiles.accountId, c.accountId!));
      await t.app.ctx.db.update(outbox).set({ sentAt: new Date() });
      await submit(c, [contract.id]);
      const mailer = createMailer(`smtp://127.0.0.1:${port}`);
      expect(await deliverOutbox(t.app.ctx.db, { mailer, from: 'qiyue@example.com' })).toBe(0);
      const [failed] = await t.app.ctx.db.select().from(outbox).where(and(eq(outbox.accountId, c.accountId!), like(outbox.subject, '%线下盖章%')));
      expect(failed).toMatchObject({ attempts: 1, sentAt: null });
      expect(failed!.lastError).toMatch(/busy/);
      await t.app.ctx.db.update(outbox).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(outbox.id, failed!.id));
      expect(await deliverOutbox(t.app.ctx.db, { mailer, from: 'qiyue@example.com' })).toBe(1);
      expect(await deliverOutbox(t.app.ctx.db, { mailer, from: 'qiyue@example.com' })).toBe(0);
      expect(received).toHaveLength(1);
      expect(received[0]!.to).toBe(c.email);
      mailer.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it.runIf(testDatabaseKind === 'postgres')('accepts exactly one of 20 simultaneous submissions for one contract on two instances', async () => {
    const { c, contract } = await customerWithContract();
    const second = await buildApp({ ...t.config, operator: undefined });
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? second : t.app).inject({
            method: 'POST',
            url: '/api/v1/stamping-requests',
            headers: { cookie: c.cookie, 'x-csrf-token': c.csrfToken },
            payload: { contractIds: [contract.id], courier, returnAddress },
          }),
        ),
      );
      expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
      expect(results.filter((r) => r.statusCode === 409 && r.json().code === 'contract_in_open_request')).toHaveLength(19);
    } finally {
      await second.close();
    }
  });
});
