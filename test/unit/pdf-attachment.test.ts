import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossPageSliceWidth, page, wrapText } from '../../src/server/pdf/layout.js';
import {
  type AttachmentInput,
  type AttachmentOrder,
  renderAttachmentDocument,
} from '../../src/server/pdf/render-attachment.js';
import { signContractDocument } from '../../src/server/contracts/sign-contract-document.js';
import { makeSigningSetup, preparePartyA } from '../fixtures/signed-contract.js';
import { redPixels } from '../helpers/pixels.js';
import { amountInChineseCapitals, formatYuan } from '../../src/shared/money.js';
import { frameworkInput, partyBFixture } from '../fixtures/contract-fixtures.js';

const framework = frameworkInput();
const orderHeader = '序号订单号产品规格数量金额（元）';
const icpHeader = '序号备案号网站名称域名备案主体审核通过日期';

const products: [string, string][] = [
  ['云服务器 ECS', '4核 8GB · 系统盘 100GB ESSD · 带宽 5Mbps · 包年 1 年'],
  ['对象存储 OSS', '标准存储包 500GB'],
  ['云数据库 RDS MySQL 8.0 高可用版', '8核 32GB · 500GB SSD · 双可用区'],
  ['内容分发网络 CDN', '流量包 10TB'],
];

/** 20-digit order numbers, 202605… so that they are easy to count in the text. */
function orders(n: number): AttachmentOrder[] {
  return Array.from({ length: n }, (_, i) => {
    const [product, spec] = products[i % products.length]!;
    return {
      orderNo: `20260501${String(i + 1).padStart(4, '0')}${String(31_415_926 + i * 7919).slice(-8)}`,
      product,
      spec,
      quantity: (i % 5) + 1,
      amountFen: 12_345 + i * 100_137,
      paidAt: new Date(Date.UTC(2026, 4, 2, 3, i % 60)),
    };
  });
}

function attachmentInput(overrides: Partial<AttachmentInput> = {}): AttachmentInput {
  return {
    number: 'FA2026000123-A01',
    kind: 'order_attachment',
    templateVersion: 'attachment-v2',
    framework: { number: 'FA2026000123', effectiveAt: framework.effectiveAt, expiresAt: framework.expiresAt },
    partyA: framework.partyA,
    partyB: partyBFixture,
    copies: 2,
    orders: orders(60),
    verifyUrl: 'https://qiyue.example.com/verify?c=FA2026000123-A01',
    draft: false,
    signedAt: new Date('2026-05-10T02:00:00Z'),
    ...overrides,
  };
}

const icpFilings: NonNullable<AttachmentInput['icpFilings']> = [
  {
    filingNumber: '浙ICP备2023012345号-1',
    siteName: '星河数据官网',
    domains: ['xinghe.example.cn'],
    entityName: '杭州星河数据科技有限公司',
    approvedAt: new Date('2023-03-14T06:00:00Z'),
  },
  {
    filingNumber: '浙ICP备2023012345号-2',
    siteName: '星河开发者社区',
    domains: ['dev.xinghe.example', 'docs.xinghe.example', 'api.xinghe.example'],
    entityName: '杭州星河数据科技有限公司',
    // 2024-01-02 01:00 in Shanghai.
    approvedAt: new Date('2024-01-01T17:00:00Z'),
  },
  {
    filingNumber: '浙ICP备2023012345号-3',
    siteName: '星河商城',
    domains: ['shop.xinghe.example'],
    entityName: '杭州星河数据科技有限公司',
    approvedAt: new Date('2025-12-31T16:30:00Z'),
  },
];

let dir: string;
const squash = (s: string) => s.replace(/\s+/g, '');
const count = (text: string, needle: string) => text.split(needle).length - 1;

function write(name: string, pdf: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, pdf);
  return path;
}
const pdfText = (path: string, ...args: string[]) =>
  squash(execFileSync('pdftotext', ['-layout', ...args, path, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
const pageCount = (path: string) =>
  Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))![1]);

/** Every page but the signature page has the table header once; every page the footer. */
function expectHeaderOnEveryPage(path: string, header: string): number {
  const pages = pageCount(path);
  expect(count(pdfText(path), header)).toBe(pages - 1);
  for (let p = 1; p <= pages; p++) {
    const t = pdfText(path, '-f', String(p), '-l', String(p));
    expect(count(t, header)).toBe(p < pages ? 1 : 0);
    expect(t).toContain(`第${p}页/共${pages}页`);
  }
  return pages;
}

let ordersPath: string;
let signedPath: string;
let icpPath: string;
let signed: Buffer;
let rects: Awaited<ReturnType<typeof renderAttachmentDocument>>['signatureRects'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qiyue-attachment-'));
  const input = attachmentInput();
  const { pdf, signatureRects } = await renderAttachmentDocument(input);
  ordersPath = write('orders.pdf', pdf);
  rects = signatureRects;

  const setup = await makeSigningSetup();
  signed = (await signContractDocument(setup.keys, { unsigned: pdf, partyA: await preparePartyA(setup, input.partyA.name), partyBName: partyBFixture.name, widgets: signatureRects })).bytes;
  await setup.close();
  signedPath = write('orders-signed.pdf', signed);

  const icp = await renderAttachmentDocument(
    attachmentInput({ number: 'FA2026000123-A02', kind: 'icp_attachment', orders: undefined, icpFilings, copies: 3 }),
  );
  icpPath = write('icp.pdf', icp.pdf);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('order attachment PDF', () => {
  it('names the attachment, its framework agreement and term, both parties and the clauses', () => {
    const text = pdfText(signedPath);
    for (const s of [
      '附件（订单信息）',
      '合同编号：FA2026000123-A01',
      '《云服务框架协议》',
      'FA2026000123',
      '2026年5月1日至2027年4月30日',
      '杭州星河数据科技有限公司',
      '91330106MA2B3C4D5E',
      '示例云计算有限公司',
      '91110108MA01C2XK3P',
      '不可分割的组成部分',
      '共60笔',
      '按照框架协议关于附件效力的约定处理',
      '至框架协议期满或终止之日终止',
      '一式贰份',
      '订单明细',
      '甲方（盖章）',
      '乙方（盖章）',
      '签署日期：2026年5月10日',
    ]) {
      expect(text).toContain(squash(s));
    }
  });

  it('lists every order once, in order, with its amount, and the total in figures and capitals', () => {
    const text = pdfText(ordersPath);
    const list = orders(60);
    let at = 0;
    for (const o of list) {
      expect(count(text, o.orderNo)).toBe(1);
      const i = text.indexOf(o.orderNo);
      expect(i).toBeGreaterThan(at);
      at = i;
      expect(text).toContain(formatYuan(o.amountFen));
    }
    const total = list.reduce((s, o) => s + o.amountFen, 0);
    // 60 orders: 12,345 × 60 + 100,137 × (0 + … + 59) fen.
    expect(total).toBe(177_983_190);
    expect(text).toContain(`合计：${formatYuan(total)}（大写：${amountInChineseCapitals(total)}）`);
    expect(text).toContain('合计：¥1,779,831.90（大写：壹佰柒拾柒万玖仟捌佰叁拾壹元玖角整）');
    // The total row of the table as well.
    expect(text).toContain(`合计${formatYuan(total)}`);
  });

  it('repeats the table header on every page; the last rows, the total and （以下无正文） share a page, the signature page follows', () => {
    const pages = pageCount(ordersPath);
    expect(pages).toBeGreaterThanOrEqual(3);
    for (let p = 1; p < pages; p++) expect(count(pdfText(ordersPath, '-f', String(p), '-l', String(p)), orderHeader)).toBe(1);
    const lastRows = pdfText(ordersPath, '-f', String(pages - 1), '-l', String(pages - 1));
    expect(lastRows).toContain(orders(60)[59]!.orderNo);
    expect(lastRows).toContain('（以下无正文）');
    const last = pdfText(ordersPath, '-f', String(pages), '-l', String(pages));
    expect(last).toContain('（本页为签署页，无正文）');
    expect(last).toContain('甲方（盖章）');
    expect(last).not.toContain(orderHeader);
  });

  it('is accepted by pdfsig: two valid PAdES signatures, then a document timestamp covering the whole file', () => {
    const out = spawnSync('pdfsig', [signedPath], { encoding: 'utf8' });
    const text = out.stdout + out.stderr;
    const [a, b, ts] = text.split(/Signature #\d+:/).slice(1);
    expect(text.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
    expect(text).not.toContain('Signature #4');
    expect(a).toContain('Signer Certificate Common Name: 杭州星河数据科技有限公司');
    expect(b).toContain('Signer Certificate Common Name: 示例云计算有限公司');
    expect(ts).toContain('Total document signed');
  });

  it('draws both red seals on the last page, each inside its signature block, and no red elsewhere', () => {
    const pages = pageCount(ordersPath);
    const ppm = execFileSync('pdftoppm', ['-r', '50', '-f', String(pages), '-l', String(pages), ordersPath]);
    // The cross-page seals' slices at the right edge are the only other red (pdf-seals.test.ts).
    const edge: [number, number, number, number] = [page.width - crossPageSliceWidth(pages), 0, page.width, page.height];
    const { inside, outside } = redPixels(ppm, 50, [rects.partyA, rects.partyB, edge]);
    expect(inside[0]).toBeGreaterThan(150);
    expect(inside[1]).toBeGreaterThan(150);
    expect(outside).toBe(0);
    for (const [x0, y0, x1, y1] of [rects.partyA, rects.partyB]) {
      expect(x0).toBeGreaterThan(0);
      expect(x1).toBeLessThan(595.28);
      expect(y0).toBeGreaterThan(0);
      expect(y1).toBeLessThan(841.89);
    }
  });

  // Its speed is measured by `npm run bench` (the 500-item attachment), not here.
  it('renders 500 orders with every row and the header on every page', async () => {
    const input = attachmentInput({ orders: orders(500) });
    const { pdf } = await renderAttachmentDocument(input);
    const path = write('orders-500.pdf', pdf);
    const pages = expectHeaderOnEveryPage(path, orderHeader);
    expect(pages).toBeGreaterThanOrEqual(12);
    expect(pages).toBeLessThanOrEqual(30);
    const text = pdfText(path);
    expect(text.match(/20260501\d{12}/g)).toHaveLength(500);
    expect(text).toContain('共500笔');
    const total = input.orders!.reduce((s, o) => s + BigInt(o.amountFen), 0n);
    expect(text).toContain(`合计：${formatYuan(total)}（大写：${amountInChineseCapitals(total)}）`);
  });

  it('marks a draft with a watermark on every page and draws no seal', async () => {
    const { pdf } = await renderAttachmentDocument(attachmentInput({ draft: true, orders: orders(5) }));
    const path = write('draft.pdf', pdf);
    const pages = pageCount(path);
    expect(count(squash(execFileSync('pdftotext', ['-raw', path, '-'], { encoding: 'utf8' })), '草稿·仅供预览')).toBe(pages);
    const ppm = execFileSync('pdftoppm', ['-r', '50', '-f', String(pages), '-l', String(pages), path]);
    expect(redPixels(ppm, 50, []).outside).toBe(0);
  });

  it('labels a personal Party A by ID number and lets the person sign', async () => {
    const { pdf } = await renderAttachmentDocument(
      attachmentInput({
        orders: orders(1),
        partyA: {
          ...framework.partyA,
          subjectType: 'personal',
          name: '欧阳娜娜',
          idCode: '1101**********002X',
          legalRepresentative: null,
        },
      }),
    );
    const text = pdfText(write('personal.pdf', pdf));
    expect(text).toContain('身份证号码：1101**********002X');
    expect(text).toContain('甲方（签名）');
    expect(text).toContain('共1笔');
  });

  it('reports the share of rows drawn in 5 % steps, up to all of them', async () => {
    const reported: number[] = [];
    await renderAttachmentDocument(attachmentInput({ orders: orders(1000) }), { onProgress: (f) => reported.push(f) });
    expect(reported).toHaveLength(20);
    expect(reported[0]).toBe(0.05);
    expect(reported.at(-1)).toBe(1);
    expect([...reported].sort((a, b) => a - b)).toEqual(reported);
  });

  it('refuses what is not an attachment it can render', async () => {
    await expect(renderAttachmentDocument(attachmentInput({ orders: [] }))).rejects.toThrow(/1 to 5000 items/);
    await expect(renderAttachmentDocument(attachmentInput({ orders: orders(5001) }))).rejects.toThrow(/1 to 5000 items/);
    await expect(renderAttachmentDocument(attachmentInput({ templateVersion: 'attachment-v0' }))).rejects.toThrow(
      /template version/,
    );
    await expect(renderAttachmentDocument(attachmentInput({ number: 'FA2026000999-A01' }))).rejects.toThrow(
      /does not belong/,
    );
    await expect(renderAttachmentDocument(attachmentInput({ icpFilings }))).rejects.toThrow(/either/);
    await expect(
      renderAttachmentDocument(attachmentInput({ orders: [{ ...orders(1)[0]!, amountFen: 1.5 }] })),
    ).rejects.toThrow(/integer/);
  });
});

describe('ICP filing attachment PDF', () => {
  it('lists the filings with all their domains and China-time approval dates', () => {
    // Content-stream order keeps the lines of a wrapped cell together.
    const text = squash(execFileSync('pdftotext', ['-raw', icpPath, '-'], { encoding: 'utf8' }));
    for (const s of [
      '附件（备案信息）',
      'FA2026000123-A02',
      'FA2026000123',
      '共3项',
      '备案信息明细',
      '一式叁份',
      '2023年3月14日',
      '2024年1月2日',
      '2026年1月1日',
    ]) {
      expect(text).toContain(squash(s));
    }
    for (const f of icpFilings) {
      expect(text).toContain(f.filingNumber);
      expect(text).toContain(f.siteName);
      for (const d of f.domains) expect(count(text, d)).toBe(1);
    }
    expect(text).not.toContain('合计');
  });

  it('keeps a short table whole, with （以下无正文） under it, and the seals on the signature page after it', () => {
    const pages = pageCount(icpPath);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(count(pdfText(icpPath), icpHeader)).toBe(1);
    const tablePage = pdfText(icpPath, '-f', String(pages - 1), '-l', String(pages - 1));
    expect(count(tablePage, icpHeader)).toBe(1);
    expect(tablePage).toContain('备案信息明细');
    expect(tablePage).toContain('（以下无正文）');
    const last = pdfText(icpPath, '-f', String(pages), '-l', String(pages));
    expect(last).toContain('（本页为签署页，无正文）');
    expect(last).toContain('甲方（盖章）');
  });

  it('splits a filing with more domains than a page holds, keeping the header on each page', async () => {
    const domains = Array.from({ length: 80 }, (_, i) => `site${String(i + 1).padStart(2, '0')}.xinghe.example`);
    const { pdf } = await renderAttachmentDocument(
      attachmentInput({
        kind: 'icp_attachment',
        orders: undefined,
        icpFilings: [{ ...icpFilings[0]!, domains }, icpFilings[1]!],
      }),
    );
    const path = write('icp-long.pdf', pdf);
    const text = pdfText(path);
    for (const d of domains) expect(count(text, d)).toBe(1);
    expect(expectHeaderOnEveryPage(path, icpHeader)).toBeGreaterThanOrEqual(3);
  });
});

describe('wrapText', () => {
  // Every character 1 wide, ideographs 2.
  const measure = (ch: string) => (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1);
  const wrap = (text: string, width: number, indent = 0) =>
    wrapText(text, width, measure, indent).map((l) => (l.indent ? `${' '.repeat(l.indent)}${l.text}` : l.text));

  it('breaks between ideographs and at spaces, hyphens and dots in Latin text', () => {
    expect(wrap('云服务器弹性计算', 8)).toEqual(['云服务器', '弹性计算']);
    expect(wrap('system disk 100GB', 12)).toEqual(['system disk', '100GB']);
    expect(wrap('api.xinghe-data.example', 12)).toEqual(['api.xinghe-', 'data.example']);
    expect(wrap('a\nb', 10)).toEqual(['a', 'b']);
  });

  it('never starts a line with closing punctuation, and keeps -1 with its number', () => {
    expect(wrap('甲方乙方，丙方', 8)).toEqual(['甲方乙', '方，丙方']);
    expect(wrap('京ICP备1234号-1', 14)).toEqual(['京ICP备1234', '号-1']);
  });

  it('splits a run without break opportunities where it overflows', () => {
    expect(wrap('202605011234567890', 8)).toEqual(['20260501', '12345678', '90']);
  });

  it('indents continuation lines by the hanging indent', () => {
    expect(wrap('developer.xinghe.example\nshop.example', 12, 2)).toEqual([
      'developer.',
      '  xinghe.',
      '  example',
      'shop.example',
    ]);
  });
});

