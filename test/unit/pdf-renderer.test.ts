import { afterAll, describe, expect, it } from 'vitest';
import { createRenderer } from '../../src/server/pdf/renderer.js';
import { renderFrameworkAgreementDocument } from '../../src/server/pdf/render-framework-agreement.js';
import { frameworkInput } from '../fixtures/contract-fixtures.js';

describe('contract renderer in worker threads', () => {
  const renderer = createRenderer(2);
  afterAll(() => renderer.close());

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
});
