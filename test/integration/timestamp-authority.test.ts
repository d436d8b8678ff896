import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../src/server/db/schema/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';
import { pdfTool } from '../helpers/tools.js';

// The TSA is pluggable: contracts are stamped by any RFC 3161 TSA over HTTP (here another
// Qiyue instance's /pki/tsa, as a national time service would be), and a TSA that fails
// stops generation with a clear error, storing nothing.

type Listening = { url: string; close(): Promise<void> };

async function serve(handler: http.RequestListener): Promise<Listening> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.runIf(testDatabaseKind === 'pglite')('timestamps from an external TSA', () => {
  let tsaInstance: TestApp;
  let tsaUrl: string;
  const others: TestApp[] = [];
  const servers: Listening[] = [];

  beforeAll(async () => {
    tsaInstance = await createTestApp();
    await tsaInstance.app.listen({ port: 0, host: '127.0.0.1' });
    tsaUrl = `http://127.0.0.1:${(tsaInstance.app.server.address() as AddressInfo).port}/pki/tsa`;
  });
  afterAll(async () => {
    for (const o of others) await o.close();
    for (const s of servers) await s.close();
    await tsaInstance?.close();
  });

  it('signs with the configured TSA over HTTP: its tokens are in the contract', async () => {
    const { pki } = tsaInstance.app.ctx;
    const t = await createTestApp({ tsa: { url: tsaUrl, caPems: [pki.issuing.certPem, pki.root.certPem], timeoutMs: 10_000 } });
    others.push(t);
    const c = await t.verifiedCustomer();
    const res = await t.signFramework(c, { termYears: 1, copies: 2 });
    expect(res.statusCode, res.body).toBe(201);
    const pdf = (await t.request(c, 'GET', `/api/v1/contracts/${res.json().contract.id}/pdf`)).rawPayload;
    const out = pdfTool('pdfsig', ['-'], pdf);
    expect(out.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
    // The document timestamp was issued by the other instance's TSA certificate.
    const tsaName = /CN=([^\n,]+)/.exec(pki.tsa.cert.subject.replaceAll('\n', ','))![1]!;
    expect(out.split(/Signature #3:/)[1]).toContain(`Signer Certificate Common Name: ${tsaName}`);
  });

  for (const [name, handler] of [
    ['answers garbage', ((_req, res) => res.end('not a timestamp reply')) as http.RequestListener],
    ['answers 500', ((_req, res) => {
      res.statusCode = 500;
      res.end();
    }) as http.RequestListener],
    ['refuses the request', ((_req, res) => {
      // TimeStampResp { status: PKIStatusInfo { status: rejection (2) } }
      res.setHeader('content-type', 'application/timestamp-reply');
      res.end(Buffer.from('3005300302 0102'.replaceAll(' ', ''), 'hex'));
    }) as http.RequestListener],
  ] as const) {
    it(`answers 503 timestamp_unavailable and stores nothing when the TSA ${name}`, async () => {
      const bad = await serve(handler);
      servers.push(bad);
      const t = await createTestApp({ tsa: { url: bad.url, caPems: [tsaInstance.app.ctx.pki.root.certPem], timeoutMs: 2_000 } });
      others.push(t);
      const c = await t.verifiedCustomer();
      const res = await t.signFramework(c, { termYears: 1, copies: 2 });
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().code).toBe('timestamp_unavailable');
      expect(res.headers['retry-after']).toBeDefined();
      const [stored] = await t.app.ctx.db.select({ n: count() }).from(contracts).where(eq(contracts.accountId, c.accountId!));
      expect(stored?.n).toBe(0);
    });
  }
});
