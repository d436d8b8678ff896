import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzActors, operationsOf, requestFor, send } from '../fuzz/openapi-fuzz.js';
import { createTestApp, integrationToken, type TestApp } from '../helpers/app.js';

// `npm run fuzz` runs more; CI runs 2,000 on each database.
const runs = Number(process.env.QIYUE_FUZZ_RUNS ?? 2000);

let t: TestApp;
let actors: FuzzActors;
let ids: string[];

beforeAll(async () => {
  t = await createTestApp();
  const customer = await t.verifiedCustomer();
  const operator = await t.operator();
  actors = { customer, operator, integrationToken };
  const framework = (await t.signFramework(customer, { termYears: 1, copies: 2 })).json().contract;
  for (let i = 0; i < 3; i++)
    await t.push(`${customer.accountId}/orders/FUZZ${i}`, {
      product: '云服务器',
      spec: '4 vCPU',
      quantity: 1,
      amountFen: 100,
      paidAt: '2026-10-01T08:00:00+08:00',
      status: 'paid',
    });
  const orders = (await t.request(customer, 'GET', '/api/v1/orders')).json().items as { id: string }[];
  const verification = (await t.request(customer, 'GET', '/api/v1/verification')).json().verification;
  // Ids that exist, so that generated requests reach the operations and not only their 404s.
  ids = [framework.id, customer.accountId!, customer.userId, verification.id, ...orders.map((o) => o.id)];
});
afterAll(() => t?.close());

describe('requests generated from the OpenAPI document', () => {
  it(`answer no 5xx (${runs} requests)`, async () => {
    const doc = (await t.request(null, 'GET', '/api/v1/openapi.json')).json();
    // Logging out would end the fuzzing session for every request after it.
    const operations = operationsOf(doc).filter((o) => o.path !== '/api/v1/auth/logout');
    expect(operations.length).toBeGreaterThan(30);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operations).chain((o) => requestFor(o, ids)), async (request) => {
        const res = await send(t, actors, request);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500) throw new Error(`${request.method} ${request.url} → ${res.statusCode} ${res.body.slice(0, 300)}`);
        if (res.statusCode >= 400) expect(res.json().code).toEqual(expect.any(String));
      }),
      { numRuns: runs, seed: process.env.QIYUE_FUZZ_SEED ? Number(process.env.QIYUE_FUZZ_SEED) : undefined },
    );
    // The generator reaches the operations, not only their validation.
    const successes = [...statuses].filter(([s]) => s < 300).reduce((n, [, count]) => n + count, 0);
    expect(successes).toBeGreaterThan(runs / 20);
  }, 600_000);
});
