import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import { createPdfVerifier, type PdfVerifier } from '../../src/server/validation/verify-pool.js';
import { makePadesContract, type PadesFixture } from '../fixtures/pades-contract.js';

let fx: PadesFixture;
const verifiers: PdfVerifier[] = [];
const verifier = (o: Partial<Parameters<typeof createPdfVerifier>[0]> = {}) => {
  const v = createPdfVerifier({ threads: 1, trustedRootsPem: [fx.pki.root.certPem], ...o });
  verifiers.push(v);
  return v;
};

beforeAll(async () => {
  fx = await makePadesContract();
});
afterAll(async () => {
  await Promise.all(verifiers.map((v) => v.close()));
});

describe('the verifier pool', () => {
  it('verifies in a worker thread', async () => {
    const { result, sha256 } = await verifier().verify(fx.signed);
    expect(result).toMatchObject({ authentic: true, level: 'B-LTA' });
    expect(sha256).toBe(createHash('sha256').update(fx.signed).digest('hex'));
  });

  it('answers verification_timeout past the budget, and replaces the worker', async () => {
    // A budget no verification (let alone a worker start) fits in.
    const v = verifier({ timeBudgetMs: 1 });
    expect((await v.verify(fx.signed)).result).toMatchObject({ authentic: false, problems: ['verification_timeout'] });
    // The killed worker is replaced: the pool keeps answering.
    expect((await v.verify(fx.signed)).result).toMatchObject({ problems: ['verification_timeout'] });
    const roomy = verifier();
    expect((await roomy.verify(fx.signed)).result.authentic).toBe(true);
  });

  it('refuses with 503 and Retry-After when its queue is full', async () => {
    const v = verifier({ maxQueue: 1 });
    const outcomes = await Promise.allSettled([1, 2, 3, 4, 5].map(() => v.verify(fx.signed)));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) {
      expect(e).toBeInstanceOf(AppError);
      expect(e).toMatchObject({ code: 'service_unavailable', status: 503, headers: { 'retry-after': '2' } });
    }
    expect(outcomes.some((o) => o.status === 'fulfilled' && o.value.result.authentic)).toBe(true);
  });
});
