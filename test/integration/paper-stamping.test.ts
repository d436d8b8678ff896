import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Caller, type TestApp } from '../helpers/app.js';
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
const courier = { carrier: 'SF', trackingNumber: 'SF123456789012' };

async function customerWithFramework(copies: 2 | 3) {
  const c = await t.verifiedCustomer();
  const contract = (await t.signFramework(c, { termYears: 1, copies })).json().contract;
  return { c, contract };
}

async function withAttachment(c: Caller, framework: { id: string }) {
  for (let i = 0; i < 3; i++)
    await t.push(`${c.accountId}/orders/P${i}-${c.userId.slice(0, 8)}`, {
      product: '云服务器 ECS',
      spec: `通用型 g7 · 第 ${i} 台`,
      quantity: 1,
      amountFen: 123_450,
      paidAt: '2026-10-01T08:00:00+08:00',
      status: 'paid',
    });
  const orders = (await t.request(c, 'GET', '/api/v1/orders?limit=500')).json().items as { id: string }[];
  const res = await t.signAttachment(c, framework.id, { kind: 'order_attachment', itemIds: orders.map((o) => o.id) });
  expect(res.statusCode).toBe(201);
  return res.json().contract;
}

const create = (c: Caller, contractIds: string[], extra: object = {}) => t.request(c, 'POST', '/api/v1/stamping-requests', { contractIds, returnAddress, ...extra });
const pageCount = (pdf: Buffer) => Number(/Pages:\s+(\d+)/.exec(pdfTool('pdfinfo', ['-'], pdf))![1]);
function pageTexts(pdf: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'qiyue-text-'));
  try {
    writeFileSync(join(dir, 'f.pdf'), pdf);
    const run = spawnSync('pdftotext', ['-layout', join(dir, 'f.pdf'), join(dir, 'f.txt')]);
    if (run.status !== 0) throw new Error(String(run.stderr));
    return readFileSync(join(dir, 'f.txt'), 'utf8').split('\f').slice(0, -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pixels of a page that are clearly red (a printed seal), at 40 dpi. */
function redPixels(pdf: Buffer, pageNo: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'qiyue-red-'));
  try {
    writeFileSync(join(dir, 'f.pdf'), pdf);
    const run = spawnSync('pdftoppm', ['-r', '40', '-f', String(pageNo), '-l', String(pageNo), '-singlefile', join(dir, 'f.pdf'), join(dir, 'p')]);
    if (run.status !== 0) throw new Error(String(run.stderr));
    const ppm = readFileSync(join(dir, 'p.ppm'));
    // P6\n<w> <h>\n255\n then RGB triples.
    let offset = 0;
    for (let fields = 0; fields < 4; ) {
      while (ppm[offset] === 0x20 || ppm[offset] === 0x0a) offset++;
      while (ppm[offset] !== 0x20 && ppm[offset] !== 0x0a) offset++;
      fields++;
    }
    offset++;
    let red = 0;
    for (let i = offset; i + 2 < ppm.length; i += 3) if (ppm[i]! > 150 && ppm[i + 1]! < 110 && ppm[i + 2]! < 110) red++;
    return red;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('stamping in the order a person does it', () => {
  it('creates the request awaiting shipment, prints its number, then ships it; refuses steps out of order', async () => {
    const { c, contract } = await customerWithFramework(2);
    const op = await t.operator();
    const created = await create(c, [contract.id]);
    expect(created.statusCode).toBe(201);
    const request = created.json().request;
    expect(request).toMatchObject({ status: 'awaiting_shipment', courier: null, returnAddress });
    expect(request.number).toMatch(/^SR\d{10}$/);
    expect((await t.request(c, 'GET', `/api/v1/contracts/${contract.id}`)).json().contract.stampingStatus).toBe('awaiting_shipment');
    // The contract is in an open request from creation on.
    expect((await create(c, [contract.id])).json().code).toBe('contract_in_open_request');

    const pdf = await t.request(c, 'GET', `/api/v1/stamping-requests/${request.id}/print.pdf`);
    expect(pdf.statusCode).toBe(200);
    const cover = pageTexts(pdf.rawPayload)[0]!;
    expect(cover).toContain(request.number);
    expect(cover).not.toContain('待提交');
    expect(cover).not.toMatch(/写在封面|[☐☒□]/);
    // The print package before submission is gone: the request comes first.
    expect((await t.request(c, 'POST', '/api/v1/stamping/print-package', { contractIds: [contract.id] })).statusCode).toBe(404);

    const path = `/api/v1/stamping-requests/${request.id}`;
    expect((await t.request(op, 'POST', `/api/v1/admin/stamping-requests/${request.id}/receive`)).json().code).toBe('invalid_state');
    expect((await t.request(c, 'PATCH', path, { courier })).json().code).toBe('invalid_state');
    expect((await t.request(c, 'POST', `${path}/ship`, {})).statusCode).toBe(400);
    expect((await t.request(c, 'POST', `${path}/ship`, { courier: { carrier: 'SF', trackingNumber: '12345' } })).json().code).toBe('invalid_tracking_number');
    const shipped = await t.request(c, 'POST', `${path}/ship`, { courier });
    expect(shipped.statusCode).toBe(200);
    expect(shipped.json().request).toMatchObject({ status: 'submitted', courier });
    const twice = await t.request(c, 'POST', `${path}/ship`, { courier });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('invalid_state');

    // A corrected tracking number reaches the timeline: old → new, by whom, when.
    const fixed = await t.request(c, 'PATCH', path, { courier: { carrier: 'YTO', trackingNumber: 'YT1234567890123' } });
    expect(fixed.json().request.courier).toEqual({ carrier: 'YTO', trackingNumber: 'YT1234567890123' });
    const history = fixed.json().request.history;
    expect(history.map((h: { status: string; kind: string }) => `${h.kind}:${h.status}`)).toEqual([
      'status:awaiting_shipment',
      'status:submitted',
      'courier_changed:submitted',
    ]);
    expect(history[2]).toMatchObject({ note: 'SF SF123456789012 → YTO YT1234567890123', actorRole: 'customer', actorEmail: c.email });
    expect(Date.parse(history[2].at)).toBeGreaterThanOrEqual(Date.parse(history[1].at));
    const opView = (await t.request(op, 'GET', `/api/v1/admin/stamping-requests?q=YT1234567890123`)).json();
    expect(opView.items.map((r: { id: string }) => r.id)).toEqual([request.id]);

    const audit = (await t.request(c, 'GET', `/api/v1/contracts/${contract.id}/audit`)).json();
    expect(audit.events.map((e: { action: string }) => e.action)).toEqual([
      'contract.generated',
      'stamping.awaiting_shipment',
      'stamping.submitted',
      'stamping.courier_changed',
    ]);
  });

  it('cancels in both early states, and a cancelled request cannot be shipped', async () => {
    const { c, contract } = await customerWithFramework(2);
    const early = (await create(c, [contract.id])).json().request;
    const cancelled = await t.request(c, 'POST', `/api/v1/stamping-requests/${early.id}/cancel`);
    expect(cancelled.json().request.status).toBe('cancelled');
    const ship = await t.request(c, 'POST', `/api/v1/stamping-requests/${early.id}/ship`, { courier });
    expect(ship.statusCode).toBe(409);
    expect(ship.json().code).toBe('invalid_state');

    // A courier at creation starts in submitted directly, as before; it can be cancelled too.
    const direct = (await create(c, [contract.id], { courier })).json().request;
    expect(direct).toMatchObject({ status: 'submitted', courier });
    expect((await t.request(c, 'POST', `/api/v1/stamping-requests/${direct.id}/ship`, { courier })).json().code).toBe('invalid_state');
    expect((await t.request(c, 'POST', `/api/v1/stamping-requests/${direct.id}/cancel`)).json().request.status).toBe('cancelled');
    expect((await create(c, [contract.id])).statusCode).toBe(201);
  });
});

describe('the print package', () => {
  it('holds copies × pages clean paper originals of each contract after the cover, with no e-seals and no signature fields', async () => {
    const { c, contract: framework } = await customerWithFramework(3);
    const attachment = await withAttachment(c, framework);
    const request = (await create(c, [framework.id, attachment.id])).json().request;
    const pdf = (await t.request(c, 'GET', `/api/v1/stamping-requests/${request.id}/print.pdf`)).rawPayload;

    const signedFramework = (await t.request(c, 'GET', `/api/v1/contracts/${framework.id}/pdf`)).rawPayload;
    const signedAttachment = (await t.request(c, 'GET', `/api/v1/contracts/${attachment.id}/pdf`)).rawPayload;
    const frameworkPages = pageCount(signedFramework);
    const attachmentPages = pageCount(signedAttachment);
    const texts = pageTexts(pdf);
    const coverPages = texts.filter((p) => p.includes('线下盖章打印包')).length;
    expect(coverPages).toBeGreaterThanOrEqual(1);
    expect(pageCount(pdf)).toBe(3 * frameworkPages + 3 * attachmentPages + coverPages);
    expect(texts.slice(0, coverPages).every((p) => p.includes('线下盖章打印包'))).toBe(true);

    // Every page of an original is marked as the paper version and has the cross-page seal strip.
    const originals = texts.slice(coverPages);
    // The strip's caption runs down the margin one character a line, between the body's lines.
    expect(originals.every((p) => p.includes('纸质签署版') && ['骑', '缝', '章', '处'].every((ch) => p.includes(ch)))).toBe(true);
    expect(originals.filter((p) => p.includes(`合同编号：${framework.number}`) && !p.includes(attachment.number))).toHaveLength(3 * frameworkPages);
    expect(originals.filter((p) => p.includes(attachment.number))).toHaveLength(3 * attachmentPages);

    // Party A gets one original of each contract back; Party B keeps the other two of each.
    const cover = texts.slice(0, coverPages).join('\n');
    expect(cover).toMatch(/将 2 份原件（每份合同壹份）寄回甲方/);
    expect(cover).toMatch(/其余 4 份由乙方留存/);
    expect(cover).toMatch(/共 6 份/);

    expect(pdfTool('pdfsig', ['-'], pdf)).toMatch(/does not contain any signatures/);
    // The signed contract's last page shows the red e-seals; the paper original's does not.
    expect(redPixels(signedFramework, frameworkPages)).toBeGreaterThan(50);
    const firstOriginalLastPage = coverPages + frameworkPages;
    expect(texts[firstOriginalLastPage - 1]).toMatch(/盖\s*章\s*处/);
    expect(redPixels(pdf, firstOriginalLastPage)).toBe(0);
    expect(redPixels(pdf, coverPages + 3 * frameworkPages + attachmentPages)).toBe(0);
  });
});

async function tinyPdf(text: string) {
  const doc = await PDFDocument.create();
  doc.addPage([200, 200]).drawText(text, { x: 20, y: 100 });
  return Buffer.from(await doc.save());
}

describe('archived stamped copies', () => {
  it('takes one PDF scan per contract once stamped, refuses garbage, and serves it to the customer and operators', async () => {
    const { c, contract } = await customerWithFramework(2);
    const op = await t.operator();
    const stranger = await t.verifiedCustomer();
    const request = (await create(c, [contract.id], { courier })).json().request;
    const scanUrl = `/api/v1/admin/stamping-requests/${request.id}/scan`;
    const upload = (bytes: Buffer, who: Caller = op, type = 'application/pdf') => t.request(who, 'POST', scanUrl, bytes, { 'content-type': type });
    const scan = await tinyPdf('stamped scan');

    expect((await upload(scan)).json().code).toBe('invalid_state');
    for (const step of ['receive', 'stamp']) await t.request(op, 'POST', `/api/v1/admin/stamping-requests/${request.id}/${step}`);
    expect((await upload(scan, c)).statusCode).toBe(403);

    const garbage = await upload(Buffer.from('not a pdf at all, just some words'));
    expect(garbage.statusCode).toBe(422);
    expect(garbage.json().code).toBe('invalid_document');
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    expect((await upload(png)).json().code).toBe('invalid_document');
    const truncated = await upload(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x41)]));
    expect(truncated.json().code).toBe('invalid_document');
    const oversize = await upload(Buffer.concat([scan, Buffer.alloc(20 * 1024 * 1024)]));
    expect(oversize.statusCode).toBe(413);
    const asText = await upload(scan, op, 'text/plain');
    expect(asText.statusCode).toBeGreaterThanOrEqual(400);
    expect(asText.statusCode).toBeLessThan(500);
    expect((await t.request(c, 'GET', `/api/v1/contracts/${contract.id}`)).json().contract.stampedScan).toBeUndefined();
    expect((await t.request(c, 'GET', `/api/v1/contracts/${contract.id}/stamped-scan.pdf`)).statusCode).toBe(404);

    const accepted = await upload(scan);
    expect(accepted.statusCode).toBe(201);
    const sha256 = createHash('sha256').update(scan).digest('hex');
    expect(accepted.json()).toMatchObject({ contractId: contract.id, sha256 });
    expect((await upload(await tinyPdf('another'))).json().code).toBe('scan_exists');

    await t.request(op, 'POST', `/api/v1/admin/stamping-requests/${request.id}/return`, { courier: { carrier: 'EMS', trackingNumber: 'RR473124829GB' } });
    const shown = (await t.request(c, 'GET', `/api/v1/contracts/${contract.id}`)).json().contract.stampedScan;
    expect(shown).toMatchObject({
      sha256,
      sealRecord: {
        requestId: request.id,
        requestNumber: request.number,
        courier,
        returnCourier: { carrier: 'EMS', trackingNumber: 'RR473124829GB' },
      },
    });
    expect(shown.sealRecord.partyBStampedAt).toEqual(expect.any(String));
    for (const who of [c, op]) {
      const download = await t.request(who, 'GET', `/api/v1/contracts/${contract.id}/stamped-scan.pdf`);
      expect(download.statusCode).toBe(200);
      expect(download.headers['content-type']).toBe('application/pdf');
      expect(download.rawPayload.equals(scan)).toBe(true);
    }
    expect((await t.request(stranger, 'GET', `/api/v1/contracts/${contract.id}/stamped-scan.pdf`)).statusCode).toBe(404);
    const audit = (await t.request(c, 'GET', `/api/v1/contracts/${contract.id}/audit`)).json();
    expect(audit.events.map((e: { action: string }) => e.action)).toContain('stamping.scan_uploaded');
  });
});
