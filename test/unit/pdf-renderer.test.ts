import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFrameworkAgreementDocument } from '../../src/server/pdf/render-framework-agreement.js';
import { createRenderer } from '../../src/server/pdf/renderer.js';
import { maxAttachmentItems } from '../../src/server/pdf/render-attachment.js';
import { verifyPdf } from '../../src/server/validation/verify-pdf.js';
import { frameworkInput, partyBFixture } from '../fixtures/contract-fixtures.js';
import { makeSigningSetup, type SigningSetup } from '../fixtures/signed-contract.js';
import { preparePartyASigning, transferableSigningKeys } from '../../src/server/contracts/sign-contract-document.js';

describe('contract renderer in worker threads', () => {
  let setup: SigningSetup;
  let renderer: ReturnType<typeof createRenderer>;
  let pki: SigningSetup['pki'];
  beforeAll(async () => {
    setup = await makeSigningSetup();
    pki = setup.pki;
    renderer = createRenderer(2, {
      keys: transferableSigningKeys(setup.pki, setup.trust),
      preparePartyA: (identity) => preparePartyASigning({ db: setup.database.db, pki: setup.pki, trust: setup.trust }, identity),
    });
  });
  afterAll(async () => {
    await renderer.close();
    await setup.close();
  });

  it('renders in a worker what the request thread renders, seal rectangles included', async () => {
    const input = frameworkInput();
    const [inWorker, inProcess] = await Promise.all([renderer.framework(input), renderFrameworkAgreementDocument(input)]);
    expect(Buffer.isBuffer(inWorker.pdf)).toBe(true);
    expect(inWorker.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(inWorker.signatureRects).toEqual(inProcess.signatureRects);
    // Same pages and fonts; only the creation date and document id may differ.
    expect(Math.abs(inWorker.pdf.length - inProcess.pdf.length)).toBeLessThan(200);
  });

  it('renders several contracts at once', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => renderer.framework(frameworkInput())));
    expect(results.every((r) => r.pdf.subarray(0, 5).toString() === '%PDF-')).toBe(true);
  });

  it('signs in the worker with the PKI it was given: both signatures valid under the platform root', async () => {
    const input = frameworkInput();
    const identity = { subjectType: 'enterprise' as const, name: input.partyA.name, creditCode: input.partyA.idCode, idNumber: null };
    const signed = await renderer.signedFramework(input, { identity, partyBName: input.partyB.name });
    expect(Buffer.isBuffer(signed.bytes)).toBe(true);
    expect(signed.sha256).toBe(createHash('sha256').update(signed.bytes).digest('hex'));
    expect(signed.signatures.map((s) => [s.role, s.signer])).toEqual([
      ['party_a', input.partyA.name],
      ['party_b', input.partyB.name],
    ]);
    expect(signed.signatures[1]!.certificateSerial).toBe(pki.partyB.cert.serialNumber);
    const report = verifyPdf(signed.bytes, { trustedRoots: [pki.root.certPem] });
    expect(report.problems).toEqual([]);
    expect(report.authentic).toBe(true);
    expect(report.level).toBe('B-LTA');
    expect(report.signatures.map((s) => s.role)).toEqual(['party_a', 'party_b', 'document_timestamp']);
    // The worker reads Party A's certificate, issued in this thread, without a full parse:
    // poppler must still find each signer by issuer and serial number.
    const dir = mkdtempSync(join(tmpdir(), 'qiyue-worker-'));
    try {
      const path = join(dir, 'signed.pdf');
      writeFileSync(path, signed.bytes);
      const out = spawnSync('pdfsig', [path], { encoding: 'utf8' });
      expect((out.stdout + out.stderr).match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
      expect(out.stdout).toContain('Signature Type: ETSI.CAdES.detached');
      expect(out.stdout).toContain(`Signer Certificate Common Name: ${input.partyA.name}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails the contract, not the pool, when Party A’s certificate cannot be issued', async () => {
    const input = frameworkInput();
    const broken = { subjectType: 'personal' as const, name: '张三', creditCode: null, idNumber: null };
    await expect(renderer.signedFramework(input, { identity: broken, partyBName: input.partyB.name })).rejects.toThrow(/Party A/);
    const identity = { subjectType: 'enterprise' as const, name: input.partyA.name, creditCode: input.partyA.idCode, idNumber: null };
    const signed = await renderer.signedFramework(input, { identity, partyBName: input.partyB.name });
    expect(verifyPdf(signed.bytes, { trustedRoots: [pki.root.certPem] }).authentic).toBe(true);
  });
  // The threads' old generation is limited (renderOldGenerationMb): the largest attachment,
  // ICP filings with several domains each, must still render and sign within it.
  it('signs the largest attachment within the render thread’s heap limit', async () => {
    const framework = frameworkInput();
    const icpFilings = Array.from({ length: maxAttachmentItems }, (_, i) => ({
      filingNumber: `浙ICP备${String(20_260_000 + i)}号-${(i % 9) + 1}`,
      siteName: `星河数据第${i + 1}站`,
      domains: [`site${i}.xinghe-data.example.cn`, `www.site${i}.xinghe-data.example.cn`, `api-${i}.xinghe.example.com`],
      entityName: framework.partyA.name,
      approvedAt: new Date(Date.UTC(2026, 3, 1 + (i % 28))),
    }));
    const input = {
      number: 'FA2026000123-A01',
      kind: 'icp_attachment' as const,
      templateVersion: 'attachment-v2',
      framework: { number: 'FA2026000123', effectiveAt: framework.effectiveAt, expiresAt: framework.expiresAt },
      partyA: framework.partyA,
      partyB: partyBFixture,
      copies: 2 as const,
      icpFilings,
      verifyUrl: 'https://qiyue.example.com/verify?c=FA2026000123-A01',
      draft: false,
    };
    const identity = { subjectType: 'enterprise' as const, name: framework.partyA.name, creditCode: framework.partyA.idCode, idNumber: null };
    const signed = await renderer.signedAttachment(input, { identity, partyBName: partyBFixture.name });
    const report = verifyPdf(signed.bytes, { trustedRoots: [pki.root.certPem] });
    expect(report.problems).toEqual([]);
    expect(report.level).toBe('B-LTA');
  }, 120_000);
});
