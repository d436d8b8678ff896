import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import jsqr from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossPageSliceWidth, page } from '../../src/server/pdf/layout.js';
import { renderFrameworkAgreement, renderFrameworkAgreementDocument } from '../../src/server/pdf/render-framework-agreement.js';
import { verifyPdf } from '../../src/server/validation/verify-pdf.js';
import { frameworkInput } from '../fixtures/contract-fixtures.js';
import { makeSignedContract, type SignedFixture } from '../fixtures/signed-contract.js';
import { redPixels } from '../helpers/pixels.js';

let dir: string;
let fx: SignedFixture;
let signedPath: string;
let rootPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qiyue-pdf-'));
  fx = await makeSignedContract();
  signedPath = join(dir, 'signed.pdf');
  rootPath = join(dir, 'root.pem');
  writeFileSync(signedPath, fx.signed);
  writeFileSync(rootPath, fx.pki.root.certPem);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** pdftotext's spacing between CJK and Latin runs varies; compare without whitespace. */
const squash = (s: string) => s.replace(/\s+/g, '');

function pdfText(path: string, ...args: string[]): string {
  return squash(execFileSync('pdftotext', [...args, path, '-'], { encoding: 'utf8' }));
}

const run = (cmd: string, args: string[]) =>
  spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** The ByteRange and DER CMS of each signature, in file order. */
function signatures(pdf: Buffer) {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\s*\]/g)].map((m) => {
    const [a, b, c, d] = m.slice(1, 5).map(Number) as [number, number, number, number];
    const hex = pdf.toString('latin1', a + b + 1, c - 1);
    const raw = Buffer.from(hex, 'hex');
    return {
      range: [a, b, c, d],
      content: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]),
      // The DER CMS without the zero padding of /Contents.
      cms: raw.subarray(0, asn1js.fromBER(raw).offset),
    };
  });
}

describe('framework agreement PDF', () => {
  it('has extractable Chinese text: clauses, number and both parties', () => {
    const text = pdfText(signedPath);
    for (const s of [
      '云服务框架协议',
      'FA2026000123',
      '杭州星河数据科技有限公司',
      '示例云计算有限公司',
      '第一条 合同双方',
      '服务内容',
      '费用与支付',
      '发票',
      '保密',
      '个人信息保护',
      '违约责任与责任限制',
      '期限与终止',
      '附件',
      '争议解决',
      '一式贰份',
      '甲方（盖章）',
      '乙方（盖章）',
      'zhang.xiao@xinghe-data.example.cn',
      '2026年5月1日',
      '2027年4月30日',
      '第1页/共',
    ]) {
      expect(text).toContain(squash(s));
    }
    // The seals are outlines, so their lettering does not duplicate the names in the text.
    expect(text.split('杭州星河数据科技有限公司').length - 1).toBeLessThanOrEqual(4);
  });

  it('embeds a subset CJK font and has a header and footer on every page', () => {
    const fonts = execFileSync('pdffonts', [signedPath], { encoding: 'utf8' });
    expect(fonts).toMatch(/CID TrueType\s+Identity-H\s+yes yes yes/);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [signedPath], { encoding: 'utf8' }))![1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    for (let p = 1; p <= pages; p++) {
      const t = pdfText(signedPath, '-f', String(p), '-l', String(p));
      expect(t).toContain(`第${p}页/共${pages}页`);
      expect(t).toContain('合同编号：FA2026000123');
    }
  });

  it('keeps every party’s own text when contracts share the template’s font subset', async () => {
    // The second party's details are made of characters the first one never used, some of
    // them also in the contract text; each file must still show exactly its own party.
    const parties = [
      { name: '杭州星河数据科技有限公司', address: '浙江省杭州市西湖区文三路 188 号' },
      { name: '乌鲁木齐雪莲葡萄酒业股份公司', address: '新疆维吾尔自治区乌鲁木齐市天山区解放北路 9 号' },
    ];
    for (const [i, party] of parties.entries()) {
      const pdf = await renderFrameworkAgreement(frameworkInput({ partyA: { ...frameworkInput().partyA, ...party } }));
      const path = join(dir, `party-${i}.pdf`);
      writeFileSync(path, pdf);
      const text = pdfText(path);
      expect(text).toContain(`甲方为${party.name}，系乙方云计算服务的使用方`);
      expect(text).toContain(squash(party.address));
      expect(text).not.toContain(parties[1 - i]!.name);
      expect(text).toContain('第八条');
    }
  });

  it('says 一式叁份 for three copies and prints the term', async () => {
    const pdf = await renderFrameworkAgreement(frameworkInput({ copies: 3, termYears: 3, draft: true }));
    const path = join(dir, 'three.pdf');
    writeFileSync(path, pdf);
    const text = pdfText(path);
    expect(text).toContain('一式叁份');
    expect(text).toContain('叁年');
  });

  it('is accepted by pdfsig: two valid PAdES signatures, then a document timestamp covering the whole file', () => {
    const out = run('pdfsig', [signedPath]);
    const text = out.stdout + out.stderr;
    const [a, b, ts] = text.split(/Signature #\d+:/).slice(1);
    expect(text).not.toContain('Signature #4');
    for (const s of [a!, b!]) {
      expect(s).toContain('Signature Type: ETSI.CAdES.detached');
      expect(s).toContain('Signature Validation: Signature is Valid.');
      expect(s).toContain('Not total document signed');
    }
    expect(a).toContain('Signer Certificate Common Name: 杭州星河数据科技有限公司');
    expect(b).toContain('Signer Certificate Common Name: 示例云计算有限公司');
    expect(ts).toContain('Signature Field Name: DocumentTimestamp');
    expect(ts).toContain('Total document signed');
  });

  it('is accepted by openssl: each CAdES signature by cms -verify, each timestamp by ts -verify, against the root', () => {
    const sigs = signatures(fx.signed);
    expect(sigs).toHaveLength(3);
    expect(sigs[2]!.range[2]! + sigs[2]!.range[3]!).toBe(fx.signed.length);
    const issuingPath = join(dir, 'issuing.pem');
    writeFileSync(issuingPath, fx.pki.issuing.certPem);
    const tsVerify = (token: Buffer, data: Buffer, name: string) => {
      writeFileSync(join(dir, `${name}.tst`), token);
      writeFileSync(join(dir, `${name}.data`), data);
      const out = run('openssl', ['ts', '-verify', '-token_in', '-in', join(dir, `${name}.tst`), '-data', join(dir, `${name}.data`), '-CAfile', rootPath, '-untrusted', issuingPath]);
      expect(out.stdout + out.stderr).toContain('Verification: OK');
    };
    sigs.slice(0, 2).forEach((s, i) => {
      const sig = join(dir, `sig${i}.der`);
      const content = join(dir, `content${i}.bin`);
      writeFileSync(sig, s.cms);
      writeFileSync(content, s.content);
      const out = run('openssl', [
        'cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', content,
        '-CAfile', rootPath, '-purpose', 'any', '-out', '/dev/null',
      ]);
      expect(out.stderr).toContain('Verification successful');
      expect(out.status).toBe(0);
      // PAdES baseline: signing-certificate-v2, no signingTime; the time is the timestamp's.
      const dump = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sig]).stdout;
      for (const attr of ['contentType', 'messageDigest', 'id-smime-aa-signingCertificateV2', 'id-smime-aa-timeStampToken']) {
        expect(dump).toContain(attr);
      }
      expect(dump).not.toContain('signingTime');
      // The signature timestamp covers the signature value.
      const signerInfo = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn1js.fromBER(new Uint8Array(s.cms)).result }).content }).signerInfos[0]!;
      const token = signerInfo.unsignedAttrs!.attributes.find((x) => x.type === '1.2.840.113549.1.9.16.2.14')!.values[0]!;
      tsVerify(Buffer.from(token.toBER()), Buffer.from(signerInfo.signature.valueBlock.valueHexView), `sig${i}`);
    });
    // The document timestamp covers everything before it.
    tsVerify(sigs[2]!.cms, sigs[2]!.content, 'document');
  });

  it('passes our own verifier', () => {
    const result = verifyPdf(fx.signed, { trustedRoots: [fx.pki.root.certPem] });
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ authentic: true, level: 'B-LTA' });
    expect(result.signatures.map((s) => [s.role, s.valid, s.coversWholeDocument, s.level])).toEqual([
      ['party_a', true, false, 'B-LTA'],
      ['party_b', true, false, 'B-LTA'],
      ['document_timestamp', true, true, null],
    ]);
    expect(result.signatures.slice(0, 2).map((s) => s.signer)).toEqual(['杭州星河数据科技有限公司', '示例云计算有限公司']);
  });

  it('shows each red seal inside its signature block, and a QR code, on the signature page', async () => {
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [signedPath], { encoding: 'utf8' }))![1]);
    const ppm = execFileSync('pdftoppm', ['-r', '50', '-f', String(pages), '-l', String(pages), signedPath]);
    const { signatureRects } = await renderFrameworkAgreementDocument(frameworkInput());
    // The cross-page seals' slices at the right edge are the only other red (pdf-seals.test.ts).
    const edge: [number, number, number, number] = [page.width - crossPageSliceWidth(pages), 0, page.width, page.height];
    const { inside, outside } = redPixels(ppm, 50, [signatureRects.partyA, signatureRects.partyB, edge]);
    expect(inside[0]).toBeGreaterThan(150);
    expect(inside[1]).toBeGreaterThan(150);
    expect(outside).toBe(0);
    expect(countPixels(ppm).dark).toBeGreaterThan(300);
  });

  it('carries on every page a QR code that opens the verification page for this contract', () => {
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [signedPath], { encoding: 'utf8' }))![1]);
    for (let p = 1; p <= pages; p++) {
      const ppm = execFileSync('pdftoppm', ['-r', '150', '-f', String(p), '-l', String(p), signedPath], { maxBuffer: 64 * 1024 * 1024 });
      expect(decodeQr(ppm)).toBe(frameworkInput().verifyUrl);
    }
  });

  it('marks a draft with a watermark on every page and draws no seal', async () => {
    const pdf = await renderFrameworkAgreement(frameworkInput({ draft: true }));
    const path = join(dir, 'draft.pdf');
    writeFileSync(path, pdf);
    const text = pdfText(path, '-raw');
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))![1]);
    expect(text.split('草稿·仅供预览').length - 1).toBe(pages);
    expect(pdf.includes('/ByteRange')).toBe(false);
    const ppm = execFileSync('pdftoppm', ['-r', '50', '-f', String(pages), '-l', String(pages), path]);
    // The watermark is a pale pink, never the saturated seal red.
    expect(countPixels(ppm).red).toBe(0);
  });

  it('renders a personal Party A with its ID label and the person’s seal', async () => {
    const pdf = await renderFrameworkAgreement(
      frameworkInput({
        partyA: {
          ...frameworkInput().partyA,
          subjectType: 'personal',
          name: '欧阳娜娜',
          idCode: '1101**********002X',
          legalRepresentative: null,
        },
      }),
    );
    const path = join(dir, 'personal.pdf');
    writeFileSync(path, pdf);
    const text = pdfText(path);
    expect(text).toContain('身份证号码');
    expect(text).toContain('1101**********002X');
    expect(text).toContain('甲方（签名）');
  });
});

/** Counts saturated red and dark pixels of a binary PPM (P6) image. */
/** The text of the QR code in a PPM image (pdftoppm's default output), or null. */
function decodeQr(ppm: Buffer): string | null {
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.toString('latin1', 0, 64));
  if (!header) throw new Error('not a PPM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = header[0].length; i < rgba.length; i += 4, j += 3) {
    rgba[i] = ppm[j]!;
    rgba[i + 1] = ppm[j + 1]!;
    rgba[i + 2] = ppm[j + 2]!;
    rgba[i + 3] = 255;
  }
  // jsqr is CommonJS with an ES-style default export: `.default` is the function either way.
  return jsqr.default(rgba, width, height)?.data ?? null;
}

function countPixels(ppm: Buffer): { red: number; dark: number } {
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.toString('latin1', 0, 64));
  if (!header) throw new Error('not a PPM');
  const start = header[0].length;
  let red = 0;
  let dark = 0;
  for (let i = start; i + 2 < ppm.length; i += 3) {
    const [r, g, b] = [ppm[i]!, ppm[i + 1]!, ppm[i + 2]!];
    if (r > 170 && g < 110 && b < 110) red++;
    if (r < 60 && g < 60 && b < 60) dark++;
  }
  return { red, dark };
}

