import { execFile, spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChain } from '../../src/server/audit/read-chain.js';
import { contracts, pkiCertificates, pkiMaterial } from '../../src/server/db/schema/index.js';
import { certificateFromPem, createPlatformPki, issueEventCertificate, type StoredPkiV2 } from '../../src/server/pki/platform-pki.js';
import { recordCertificate, serialOf } from '../../src/server/pki/registry.js';
import { onCertificateRollover } from '../../src/server/pki/revoke-certificate.js';
import { ensurePlatformPki, syncRolledCertificates } from '../../src/server/pki/stored-platform-pki.js';
import { createHttpTsa, TimestampError } from '../../src/server/pki/tsa-client.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { hasTool } from '../helpers/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'qiyue-pki-'));
const file = (name: string, content?: string | Buffer) => {
  const path = join(dir, name);
  if (content !== undefined) writeFileSync(path, content);
  return path;
};

/** openssl's stdout and stderr together: ocsp and ts print their verdicts on both. */
function openssl(args: string[], input?: Buffer): { out: string; status: number | null; stdout: Buffer } {
  const r = spawnSync('openssl', args, { input, maxBuffer: 8 * 1024 * 1024 });
  return { out: `${r.stdout.toString('latin1')}\n${r.stderr.toString('latin1')}`, status: r.status, stdout: r.stdout };
}

const hasOpenssl = hasTool('openssl', 'version');

let t: TestApp;
let base: string;
let paths: { root: string; issuing: string; caBundle: string };

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const root = await fetch(`${base}/pki/root.pem`).then((r) => r.text());
  const issuing = Buffer.from(await fetch(`${base}/pki/issuing.crt`).then(async (r) => new Uint8Array(await r.arrayBuffer())));
  paths = {
    root: file('root.pem', root),
    issuing: file('issuing.pem', new X509Certificate(issuing).toString()),
    caBundle: file('ca.pem', root + new X509Certificate(issuing).toString()),
  };
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function eventCertificate(accountId?: string) {
  const issued = issueEventCertificate(t.app.ctx.pki, { subjectType: 'enterprise', name: '杭州星河数据科技有限公司', creditCode: '91330106MA2B3C4D5E' });
  const cert = certificateFromPem(issued.certPem);
  await recordCertificate(t.app.ctx.db, cert, 'event', { accountId });
  return { cert, path: file(`ev-${serialOf(cert)}.pem`, issued.certPem) };
}

/** Asynchronous: the responder runs in this process and must answer while openssl waits. */
async function ocspStatus(certPath: string): Promise<string> {
  const out = await new Promise<string>((resolve) =>
    execFile('openssl', ['ocsp', '-issuer', paths.issuing, '-cert', certPath, '-url', `${base}/pki/ocsp`, '-CAfile', paths.root, '-timeout', '10'], (_error, stdout, stderr) =>
      resolve(`${stdout}\n${stderr}`),
    ),
  );
  expect(out).toContain('Response verify OK');
  return out;
}

describe('the published trust anchor', () => {
  it('serves the root as DER and PEM, and its fingerprint as JSON', async () => {
    const der = await t.request(null, 'GET', '/pki/root.crt');
    expect(der.statusCode).toBe(200);
    expect(der.headers['content-type']).toBe('application/pkix-cert');
    const root = new X509Certificate(der.rawPayload);
    expect(root.raw.equals(t.app.ctx.pki.root.cert.raw)).toBe(true);
    const trust = await t.request(null, 'GET', '/api/v1/trust');
    expect(trust.statusCode).toBe(200);
    const expected = createHash('sha256').update(der.rawPayload).digest('hex').toUpperCase().match(/../g)!.join(':');
    expect(trust.json().root).toMatchObject({ sha256Fingerprint: expected, der: '/pki/root.crt', pem: '/pki/root.pem' });
    if (hasOpenssl) expect(openssl(['x509', '-in', paths.root, '-noout', '-fingerprint', '-sha256']).out).toContain(expected);
  });

  it('every platform certificate names its CRL, OCSP responder and CA issuer', () => {
    if (!hasOpenssl) return;
    const { pki } = t.app.ctx;
    const text = (pem: string) => openssl(['x509', '-noout', '-text'], Buffer.from(pem)).out;
    const issuing = text(pki.issuing.certPem);
    expect(issuing).toContain('URI:http://localhost:3000/pki/crl/root.crl');
    expect(issuing).toContain('CA Issuers - URI:http://localhost:3000/pki/root.crt');
    for (const leaf of [pki.partyB.certPem, pki.tsa.certPem]) {
      expect(text(leaf)).toContain('URI:http://localhost:3000/pki/crl/issuing.crl');
      expect(text(leaf)).toContain('OCSP - URI:http://localhost:3000/pki/ocsp');
    }
    const tsa = text(pki.tsa.certPem);
    expect(tsa).toMatch(/Extended Key Usage: critical\s+Time Stamping\n/);
    const ocsp = text(pki.ocsp.certPem);
    expect(ocsp).toMatch(/Extended Key Usage: critical\s+OCSP Signing\n/);
    expect(ocsp).toContain('OCSP No Check');
    expect(openssl(['verify', '-CAfile', paths.root, '-untrusted', paths.issuing, '-purpose', 'timestampsign', file('tsa.pem', pki.tsa.certPem)]).out).toContain(': OK');
  });

  it('records every platform certificate in the registry', async () => {
    const rows = await t.app.ctx.db.select().from(pkiCertificates);
    const { pki } = t.app.ctx;
    for (const [cert, purpose] of [
      [pki.root.cert, 'root'],
      [pki.issuing.cert, 'issuing'],
      [pki.partyB.cert, 'party_b'],
      [pki.tsa.cert, 'tsa'],
      [pki.ocsp.cert, 'ocsp'],
    ] as const) {
      expect(rows.find((r) => r.serial === cert.serialNumber)).toMatchObject({ purpose, der: cert.raw, revokedAt: null });
    }
    const ev = await eventCertificate();
    const [row] = await t.app.ctx.db.select().from(pkiCertificates).where(eq(pkiCertificates.serial, ev.cert.serialNumber));
    expect(row).toMatchObject({ purpose: 'event', issuerSerial: pki.issuing.cert.serialNumber, subject: expect.stringContaining('CN=杭州星河数据科技有限公司') });
  });
});

describe.skipIf(!hasOpenssl)('CRLs', () => {
  it('serves the root CRL, signed by the root, with a long validity', async () => {
    const res = await t.request(null, 'GET', '/pki/crl/root.crl');
    expect(res.headers['content-type']).toBe('application/pkix-crl');
    const r = openssl(['crl', '-inform', 'DER', '-in', file('root.crl', res.rawPayload), '-CAfile', paths.root, '-noout', '-nextupdate']);
    expect(r.out).toContain('verify OK');
    const nextUpdate = new Date(/nextUpdate=(.*)/.exec(r.out)![1]!);
    expect(nextUpdate.getTime()).toBeGreaterThan(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  });

  it('serves the issuing CA CRL, signed by it, and the same one until it is due', async () => {
    const a = await t.request(null, 'GET', '/pki/crl/issuing.crl');
    const b = await t.request(null, 'GET', '/pki/crl/issuing.crl');
    expect(a.headers['content-type']).toBe('application/pkix-crl');
    expect(a.rawPayload.equals(b.rawPayload)).toBe(true);
    const r = openssl(['crl', '-inform', 'DER', '-in', file('issuing.crl', a.rawPayload), '-CAfile', paths.caBundle, '-noout', '-text']);
    expect(r.out).toContain('verify OK');
    expect(r.out).toMatch(/Next Update:/);
  });
});

describe.skipIf(!hasOpenssl)('the OCSP responder', () => {
  it('answers good for a recorded certificate, then revoked after an operator revokes it', async () => {
    const c = await t.verifiedCustomer();
    const ev = await eventCertificate(c.accountId!);
    expect(await ocspStatus(ev.path)).toMatch(/: good\n/);

    const op = await t.operator();
    const revoke = await t.request(op, 'POST', `/api/v1/admin/certificates/${ev.cert.serialNumber.toLowerCase()}/revoke`, { reason: 'identity_fraud' });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json()).toMatchObject({ certificate: { serial: ev.cert.serialNumber, purpose: 'event', crlReason: 'keyCompromise' }, replacement: null });

    const out = await ocspStatus(ev.path);
    expect(out).toMatch(/: revoked\n/);
    expect(out).toContain('Reason: keyCompromise');

    const crl = await t.request(null, 'GET', '/pki/crl/issuing.crl');
    const text = openssl(['crl', '-inform', 'DER', '-in', file('issuing-2.crl', crl.rawPayload), '-CAfile', paths.caBundle, '-noout', '-text']).out;
    expect(text).toContain('verify OK');
    expect(text).toContain(`Serial Number: ${ev.cert.serialNumber}`);
    expect(text).toContain('Key Compromise');

    const { events, chainValid } = await readChain(t.app.ctx.db, c.accountId!);
    expect(chainValid).toBe(true);
    expect(events.at(-1)).toMatchObject({ action: 'certificate.revoked', actorRole: 'operator', subjectId: ev.cert.serialNumber, data: { reason: 'identity_fraud' } });

    const again = await t.request(op, 'POST', `/api/v1/admin/certificates/${ev.cert.serialNumber}/revoke`, { reason: 'identity_fraud' });
    expect(again.statusCode).toBe(409);
  });

  it('answers unknown for a serial it never issued', async () => {
    const stranger = issueEventCertificate(t.app.ctx.pki, { subjectType: 'enterprise', name: '未登记', creditCode: '91330106MA2B3C4D5E' });
    expect(await ocspStatus(file('stranger.pem', stranger.certPem))).toMatch(/: unknown\n/);
  });

  it('answers the GET form and echoes the nonce', async () => {
    const ev = await eventCertificate();
    const reqPath = file('req.der');
    openssl(['ocsp', '-issuer', paths.issuing, '-cert', ev.path, '-reqout', reqPath]);
    const b64 = readFileSync(reqPath).toString('base64');
    const res = await t.request(null, 'GET', `/pki/ocsp/${encodeURIComponent(b64)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/ocsp-response');
    const respPath = file('resp.der', res.rawPayload);
    // openssl would compare with a nonce of its own making: the nonce is compared below.
    const r = openssl(['ocsp', '-respin', respPath, '-issuer', paths.issuing, '-cert', ev.path, '-CAfile', paths.root, '-no_nonce']);
    expect(r.out).toContain('Response verify OK');
    expect(r.out).toMatch(/: good\n/);
    const nonce = (text: string) => /OCSP Nonce: \n\s+([0-9A-F]+)/.exec(text)?.[1];
    const sent = nonce(openssl(['ocsp', '-reqin', reqPath, '-req_text']).out);
    expect(sent).toMatch(/^04/);
    expect(nonce(openssl(['ocsp', '-respin', respPath, '-resp_text', '-noverify']).out)).toBe(sent);
  });

  it('answers malformed requests with malformedRequest, never a server error', async () => {
    for (const payload of [Buffer.from('garbage'), Buffer.alloc(0), Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01])]) {
      const res = await t.app.inject({ method: 'POST', url: '/pki/ocsp', headers: { 'content-type': 'application/ocsp-request' }, payload });
      expect(res.statusCode).toBe(200);
      const text = openssl(['ocsp', '-respin', file('bad.der', res.rawPayload), '-resp_text', '-noverify']).out;
      expect(text).toContain('malformedrequest');
    }
    const get = await t.request(null, 'GET', '/pki/ocsp/%%%not-base64');
    expect(get.statusCode).toBeLessThan(500);
    // A CertID under an unknown hash algorithm (MD5 here, by OID) is malformed too.
    const reqPath = file('md5-req.der');
    openssl(['ocsp', '-issuer', paths.issuing, '-cert', paths.issuing, '-reqout', reqPath, '-no_nonce']);
    const der = readFileSync(reqPath);
    const sha1Oid = Buffer.from([0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a]);
    const i = der.indexOf(sha1Oid);
    expect(i).toBeGreaterThan(0);
    const tampered = Buffer.from(der);
    tampered[i + 6] = 0x1b; // 1.3.14.3.2.27, not a hash the responder knows
    const res = await t.app.inject({ method: 'POST', url: '/pki/ocsp', headers: { 'content-type': 'application/ocsp-request' }, payload: tampered });
    expect(res.statusCode).toBe(200);
    expect(openssl(['ocsp', '-respin', file('bad2.der', res.rawPayload), '-resp_text', '-noverify']).out).toContain('malformedrequest');
  });
});

describe.skipIf(!hasOpenssl)('the time-stamping authority', () => {
  const data = file('data.txt', 'framework agreement FA2026000001\n');

  it('grants a token that openssl ts -verify accepts against the platform chain', async () => {
    const query = openssl(['ts', '-query', '-data', data, '-sha256', '-cert']).stdout;
    const res = await t.app.inject({ method: 'POST', url: '/pki/tsa', headers: { 'content-type': 'application/timestamp-query' }, payload: query });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/timestamp-reply');
    const reply = file('resp.tsr', res.rawPayload);
    expect(openssl(['ts', '-reply', '-in', reply, '-text']).out).toContain('Status: Granted.');
    const verify = openssl(['ts', '-verify', '-in', reply, '-data', data, '-CAfile', paths.root, '-untrusted', paths.issuing]);
    expect(verify.out).toContain('Verification: OK');
    const byQuery = openssl(['ts', '-verify', '-in', reply, '-queryfile', file('q.tsq', query), '-CAfile', paths.root, '-untrusted', paths.issuing]);
    expect(byQuery.out).toContain('Verification: OK');
  });

  it('rejects garbage, empty and weak-hash queries with the PKIFailureInfo, never a server error', async () => {
    const cases: [Buffer, string][] = [
      [Buffer.from('garbage'), 'the data submitted has the wrong format'],
      [Buffer.alloc(0), 'the data submitted has the wrong format'],
      [openssl(['ts', '-query', '-data', data, '-sha1']).stdout, 'unrecognized or unsupported algorithm identifier'],
      [openssl(['ts', '-query', '-data', data, '-sha256', '-tspolicy', '1.2.3.4']).stdout, 'policy'],
    ];
    for (const [payload, failure] of cases) {
      const res = await t.app.inject({ method: 'POST', url: '/pki/tsa', headers: { 'content-type': 'application/timestamp-query' }, payload });
      expect(res.statusCode).toBe(200);
      const text = openssl(['ts', '-reply', '-in', file('rej.tsr', res.rawPayload), '-text']).out;
      expect(text).toContain('Status: Rejected.');
      expect(text.toLowerCase()).toContain(failure.toLowerCase());
    }
  });

  it('serves the HTTP client, which checks the imprint', async () => {
    const digest = createHash('sha256').update(readFileSync(data)).digest();
    const { pki } = t.app.ctx;
    const { token, genTime } = await createHttpTsa({ url: `${base}/pki/tsa`, timeoutMs: 5000, trust: [pki.issuing.cert, pki.root.cert] }).timestamp(digest);
    expect(Math.abs(genTime.getTime() - Date.now())).toBeLessThan(60_000);
    // The same reply, from a TSA the configuration does not trust.
    const stranger = createPlatformPki({ keyPassphrase: 'another-platform-key', partyB: { name: '别家', creditCode: '91110108MA0000000A' } });
    const untrusted = await createHttpTsa({ url: `${base}/pki/tsa`, timeoutMs: 5000, trust: [certificateFromPem(stranger.root.certPem)] })
      .timestamp(digest)
      .catch((e) => e);
    expect(untrusted).toBeInstanceOf(TimestampError);
    expect(untrusted.message).toMatch(/does not chain/);
    const verify = openssl(['ts', '-verify', '-token_in', '-in', file('token.der', token), '-digest', digest.toString('hex'), '-CAfile', paths.root, '-untrusted', paths.issuing]);
    expect(verify.out).toContain('Verification: OK');
  });
});

describe('the HTTP TSA client against a bad TSA', () => {
  let server: http.Server;
  let url: string;
  let mode: 'garbage' | 'error' | 'slow' | 'other-digest' = 'garbage';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        if (mode === 'error') return res.writeHead(500).end('boom');
        if (mode === 'slow') return setTimeout(() => res.writeHead(200).end(), 3000);
        if (mode === 'other-digest') {
          // A genuine reply from the platform TSA, but for another digest than asked.
          const { timestampQuery } = await import('../../src/server/pki/tsa-client.js');
          const upstream = await fetch(`${base}/pki/tsa`, {
            method: 'POST',
            headers: { 'content-type': 'application/timestamp-query' },
            body: new Uint8Array(timestampQuery(Buffer.alloc(32, 7), Buffer.from([1, 2, 3]))),
          });
          return res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from(await upstream.arrayBuffer()));
        }
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end('not a timestamp reply');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['garbage', /not a DER TimeStampResp/],
    ['error', /HTTP 500/],
    ['slow', /did not answer within 200 ms/],
    ['other-digest', /another digest/],
  ] as const)('throws TimestampError when it answers %s', async (m, message) => {
    mode = m;
    const tsa = createHttpTsa({ url, timeoutMs: 200 });
    const error = await tsa.timestamp(createHash('sha256').update('x').digest()).catch((e) => e);
    expect(error).toBeInstanceOf(TimestampError);
    expect(error.message).toMatch(message);
  });

  it('throws TimestampError when nothing listens', async () => {
    const error = await createHttpTsa({ url: 'http://127.0.0.1:1/tsa', timeoutMs: 1000 })
      .timestamp(createHash('sha256').update('x').digest())
      .catch((e) => e);
    expect(error).toBeInstanceOf(TimestampError);
  });
});

describe('revocation by operators', () => {
  it('rolls Party B over to a new certificate, stored, recorded and swapped in', async () => {
    const { pki, db, config } = t.app.ctx;
    const old = pki.partyB;
    // Another instance, loaded before the revocation.
    const other = await ensurePlatformPki(db, { key: config.key, partyB: config.partyB, publicUrl: config.publicUrl });
    const seen: string[] = [];
    const stop = onCertificateRollover(pki, (purpose, replacement) => seen.push(`${purpose}:${replacement.cert.serialNumber}`));
    const op = await t.operator();
    const res = await t.request(op, 'POST', `/api/v1/admin/certificates/${old.cert.serialNumber}/revoke`, { reason: 'key_compromise' });
    stop();
    expect(res.statusCode).toBe(200);
    const replacement = res.json().replacement;
    expect(replacement).toMatchObject({ purpose: 'party_b' });
    expect(pki.partyB.cert.serialNumber).toBe(replacement.serial);
    expect(pki.partyB.cert.subject).toBe(old.cert.subject);
    expect(pki.partyB.cert.checkPrivateKey(pki.partyB.key)).toBe(true);
    expect(seen).toEqual([`party_b:${replacement.serial}`]);
    const [stored] = await db.select().from(pkiMaterial);
    expect((stored!.data as StoredPkiV2).partyB.certPem).toBe(pki.partyB.certPem);
    const rows = await db.select().from(pkiCertificates).where(eq(pkiCertificates.purpose, 'party_b'));
    expect(rows.map((r) => [r.serial, r.revocationReason])).toEqual(
      expect.arrayContaining([
        [old.cert.serialNumber, 'keyCompromise'],
        [replacement.serial, null],
      ]),
    );
    expect(other.partyB.cert.serialNumber).toBe(old.cert.serialNumber);
    expect(await syncRolledCertificates(db, other, { key: config.key })).toEqual(['party_b']);
    expect(other.partyB.certPem).toBe(pki.partyB.certPem);
    expect(await syncRolledCertificates(db, other, { key: config.key })).toEqual([]);
    const platform = await readChain(db, 'platform');
    expect(platform.chainValid).toBe(true);
    expect(platform.events.at(-1)).toMatchObject({ action: 'certificate.revoked', subjectId: old.cert.serialNumber, data: { replacedBy: replacement.serial } });
  });

  it("audits an event certificate's revocation in the account of the contract it signed", async () => {
    const c = await t.verifiedCustomer();
    const applied = await t.request(c, 'POST', '/api/v1/contracts/framework', { termYears: 1, copies: 2, accept: true });
    expect(applied.statusCode).toBe(201);
    const contractId = applied.json().contract.id;
    // Recorded without its account, as a caller that does not know it would.
    const ev = await eventCertificate();
    const [row] = await t.app.ctx.db.select().from(contracts).where(eq(contracts.id, contractId));
    const signatures = row!.signatures.map((s) => (s.role === 'party_a' ? { ...s, certificateSerial: ev.cert.serialNumber } : s));
    await t.app.ctx.db.update(contracts).set({ signatures }).where(eq(contracts.id, contractId));

    const op = await t.operator();
    const res = await t.request(op, 'POST', `/api/v1/admin/certificates/${ev.cert.serialNumber}/revoke`, { reason: 'key_compromise' });
    expect(res.statusCode).toBe(200);
    const { events } = await readChain(t.app.ctx.db, c.accountId!);
    expect(events.at(-1)).toMatchObject({ action: 'certificate.revoked', subjectId: ev.cert.serialNumber, data: { contractId, crlReason: 'keyCompromise' } });
  });

  it('refuses unknown serials, CA certificates, bad reasons and non-operators', async () => {
    const op = await t.operator();
    expect((await t.request(op, 'POST', '/api/v1/admin/certificates/0123ABCD/revoke', { reason: 'superseded' })).statusCode).toBe(404);
    const issuing = t.app.ctx.pki.issuing.cert.serialNumber;
    expect((await t.request(op, 'POST', `/api/v1/admin/certificates/${issuing}/revoke`, { reason: 'superseded' })).statusCode).toBe(409);
    expect((await t.request(op, 'POST', `/api/v1/admin/certificates/${issuing}/revoke`, { reason: 'because' })).statusCode).toBe(400);
    expect((await t.request(op, 'POST', '/api/v1/admin/certificates/not-hex/revoke', { reason: 'superseded' })).statusCode).toBe(400);
    const customer = await t.register();
    expect((await t.request(customer, 'POST', `/api/v1/admin/certificates/${issuing}/revoke`, { reason: 'superseded' })).statusCode).toBe(403);
    expect((await t.request(null, 'POST', `/api/v1/admin/certificates/${issuing}/revoke`, { reason: 'superseded' })).statusCode).toBe(401);
  });
});

describe('validation material', () => {
  it('gives the chain, an OCSP response for a leaf, and the root CRL for the issuing CA', async () => {
    const ev = await eventCertificate();
    const { pki, trust } = t.app.ctx;
    const m = await trust.validationMaterial([ev.cert]);
    const certs = m.certificates.map((d) => new X509Certificate(d).serialNumber);
    expect(certs).toEqual(expect.arrayContaining([ev.cert.serialNumber, pki.issuing.cert.serialNumber, pki.root.cert.serialNumber, pki.ocsp.cert.serialNumber]));
    expect(m.crls).toEqual([pki.rootCrl]);
    expect(m.ocspResponses).toHaveLength(1);
    if (!hasOpenssl) return;
    const r = openssl(['ocsp', '-respin', file('vm.der', m.ocspResponses[0]!), '-issuer', paths.issuing, '-cert', ev.path, '-CAfile', paths.root]);
    expect(r.out).toContain('Response verify OK');
    expect(r.out).toMatch(/: good\n/);
    // Usable by a validator that judges the certificate at a timestamp taken just before.
    const thisUpdate = new Date(/This Update: (.*)/.exec(r.out)![1]!);
    expect(thisUpdate.getTime()).toBeLessThan(Date.now() - 60_000);
    expect(thisUpdate.getTime()).toBeGreaterThanOrEqual(new Date(ev.cert.validFrom).getTime());
    expect(trust.tsaChain.map((c) => c.serialNumber)).toEqual([pki.tsa.cert.serialNumber, pki.issuing.cert.serialNumber, pki.root.cert.serialNumber]);
  });
});

describe('start-up', () => {
  it('loads the stored PKI without its root key: garbage in its place changes nothing', async () => {
    const { db, config, pki } = t.app.ctx;
    const [row] = await db.select().from(pkiMaterial);
    const data = row!.data as StoredPkiV2;
    await db.update(pkiMaterial).set({ data: { ...data, root: { ...data.root, encryptedKeyPem: 'not a key at all' } } });
    try {
      const loaded = await ensurePlatformPki(db, { key: config.key, partyB: config.partyB, publicUrl: config.publicUrl });
      expect(loaded.root.certPem).toBe(pki.root.certPem);
      expect(loaded.issuing.cert.checkPrivateKey(loaded.issuing.key)).toBe(true);
    } finally {
      await db.update(pkiMaterial).set({ data });
    }
  });
});
