import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossPageSealCentreY, crossPageSealRadius, crossPageSliceWidth, page } from '../../src/server/pdf/layout.js';
import { type AttachmentInput, renderAttachmentDocument } from '../../src/server/pdf/render-attachment.js';
import { renderFrameworkAgreementDocument } from '../../src/server/pdf/render-framework-agreement.js';
import { frameworkInput, partyBFixture } from '../fixtures/contract-fixtures.js';
import { type PointRect, redPixels } from '../helpers/pixels.js';
import { hasTool } from '../helpers/tools.js';

const dpi = 100;

function attachmentInput(): AttachmentInput {
  const framework = frameworkInput();
  return {
    number: `${framework.number}-A01`,
    kind: 'order_attachment',
    templateVersion: 'attachment-v2',
    framework: { number: framework.number, effectiveAt: framework.effectiveAt, expiresAt: framework.expiresAt },
    partyA: framework.partyA,
    partyB: partyBFixture,
    copies: 2,
    orders: Array.from({ length: 40 }, (_, i) => ({
      orderNo: `20260501${String(i + 1).padStart(12, '0')}`,
      product: '云服务器 ECS',
      spec: '4核 8GB · 系统盘 100GB ESSD',
      quantity: 1,
      amountFen: 100_000 + i,
      paidAt: new Date(Date.UTC(2026, 4, 2, 3, i)),
    })),
    verifyUrl: 'https://qiyue.example.com/verify',
    draft: false,
    signedAt: new Date('2026-05-10T02:00:00Z'),
  };
}
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qiyue-seals-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, pdf: Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, pdf);
  return path;
};
const pageCount = (path: string) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))![1]);
const render = (path: string, p: number) => execFileSync('pdftoppm', ['-r', String(dpi), '-f', String(p), '-l', String(p), path], { maxBuffer: 64 * 1024 * 1024 });
const text = (path: string) => execFileSync('pdftotext', ['-raw', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');

/** The right-edge strip where the k-th cross-page seal's slice is, in PDF points (origin bottom left). */
function strip(k: number, pages: number): PointRect {
  const cy = page.height - crossPageSealCentreY(k);
  return [page.width - crossPageSliceWidth(pages), cy - crossPageSealRadius, page.width, cy + crossPageSealRadius];
}

/** Every page shows a slice of both seals at its right edge, and no other red but the signature block's seals. */
function expectCrossPageSeals(path: string, signatureRects: PointRect[]) {
  const pages = pageCount(path);
  expect(pages).toBeGreaterThan(1);
  for (let p = 1; p <= pages; p++) {
    const rects = p === pages ? [strip(0, pages), strip(1, pages), ...signatureRects] : [strip(0, pages), strip(1, pages)];
    const { inside, outside } = redPixels(render(path, p), dpi, rects);
    expect(inside[0], `Party A's slice on page ${p}`).toBeGreaterThan(3);
    expect(inside[1], `Party B's slice on page ${p}`).toBeGreaterThan(3);
    expect(outside, `red outside the seals on page ${p}`).toBe(0);
  }
}

describe.runIf(hasTool('pdftoppm', '-v'))('cross-page seals (骑缝章) and the signature page', () => {
  it('a framework agreement: a slice of each seal on every page; the body closed and the signature page labelled', async () => {
    const { pdf, signatureRects } = await renderFrameworkAgreementDocument(frameworkInput());
    const path = write('framework.pdf', pdf);
    expectCrossPageSeals(path, [signatureRects.partyA, signatureRects.partyB]);
    const t = text(path);
    expect(t).toContain('（以下无正文）');
    expect(t).toContain('（本页为签署页，无正文）');
    // The label heads the last page, which carries the signature block and nothing of the body.
    const last = execFileSync('pdftotext', ['-raw', '-f', String(pageCount(path)), '-l', String(pageCount(path)), path, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(last.indexOf('（本页为签署页，无正文）')).toBeLessThan(last.indexOf('甲方（盖章）'));
    expect(last).not.toContain('第十');
  });

  it('a multi-page attachment carries them too', async () => {
    const { pdf, signatureRects } = await renderAttachmentDocument(attachmentInput());
    expectCrossPageSeals(write('attachment.pdf', pdf), [signatureRects.partyA, signatureRects.partyB]);
  });

  it('a draft carries none', async () => {
    const { pdf } = await renderFrameworkAgreementDocument(frameworkInput({ draft: true }));
    const path = write('draft.pdf', pdf);
    for (let p = 1; p <= pageCount(path); p++) expect(redPixels(render(path, p), dpi, []).outside).toBe(0);
  });

  it('a personal signer gets a square name seal without the star, at the signature block and across the pages', async () => {
    const personal = frameworkInput({ partyA: { ...frameworkInput().partyA, subjectType: 'personal', name: '欧阳娜娜', idCode: '1101**********002X', legalRepresentative: null } });
    const { pdf, signatureRects } = await renderFrameworkAgreementDocument(personal);
    const path = write('personal.pdf', pdf);
    expectCrossPageSeals(path, [signatureRects.partyA, signatureRects.partyB]);
    const ppm = render(path, pageCount(path));
    const centre = ([x0, y0, x1, y1]: PointRect, half: number): PointRect => {
      const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
      return [cx - half, cy - half, cx + half, cy + half];
    };
    // The company seal's star fills its centre; the name seal's centre is the gap between characters.
    const [a, b] = redPixels(ppm, dpi, [centre(signatureRects.partyA, 3), centre(signatureRects.partyB, 3)]).inside as [number, number];
    expect(b).toBeGreaterThan(40);
    expect(a).toBeLessThan(b / 4);
    // Square: the frame's corners are red, where a round seal has none.
    const [x0, y0, x1, y1] = signatureRects.partyA;
    const side = (x1 - x0) * 0.75;
    const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
    const corner: PointRect = [cx - side / 2 - 1.5, cy + side / 2 - 1.5, cx - side / 2 + 1.5, cy + side / 2 + 1.5];
    const companyCorner: PointRect = [corner[0] + (signatureRects.partyB[0] - x0), corner[1], corner[2] + (signatureRects.partyB[0] - x0), corner[3]];
    const [personalCorner, roundCorner] = redPixels(ppm, dpi, [corner, companyCorner]).inside as [number, number];
    expect(personalCorner).toBeGreaterThan(6);
    expect(roundCorner).toBe(0);
  });
});
