import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPartyBP12, PartyBP12Error } from '../../src/server/pki/party-b-p12.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { hasTool } from '../helpers/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'qiyue-p12-'));
const path = (name: string) => join(dir, name);
const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * A licensed CA made with openssl alone: its root, a CRL it publishes over HTTP, and Party B's
 * certificate and key in a PKCS#12 file as such a CA hands them out.
 */
function makeLicensedCa(crlUrl: string) {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/C=CN/O=Licensed CA/CN=Licensed Root CA']);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'pb.key', '-out', 'pb.csr', '-utf8', '-subj', '/C=CN/O=示例云计算科技有限公司/serialNumber=91110108MA0000000A/CN=示例云计算科技有限公司']);
  writeFileSync(path('ext.cnf'), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\ncrlDistributionPoints=URI:${crlUrl}\n`);
  openssl(['x509', '-req', '-in', 'pb.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'pb.pem', '-days', '1000', '-extfile', 'ext.cnf']);
  openssl(['pkcs12', '-export', '-inkey', 'pb.key', '-in', 'pb.pem', '-certfile', 'ca.pem', '-out', 'pb.p12', '-passout', 'pass:p12-secret']);
  writeFileSync(path('index.txt'), '');
  writeFileSync(path('crlnumber'), '01\n');
  writeFileSync(
    path('ca.cnf'),
    '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=30\nprivate_key=ca.key\ncertificate=ca.pem\n',
  );
  openssl(['ca', '-config', 'ca.cnf', '-gencrl', '-out', 'ca.crl.pem']);
  openssl(['crl', '-in', 'ca.crl.pem', '-outform', 'DER', '-out', 'ca.crl']);
}

const hasOpenssl = hasTool('openssl', 'version');
let t: TestApp;
let crlServer: http.Server;
let crlRequests = 0;

describe.skipIf(!hasOpenssl)("Party B's certificate from a licensed CA's PKCS#12 file", () => {
  beforeAll(async () => {
    crlServer = http.createServer((_req, res) => {
      crlRequests++;
      res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(readFileSync(path('ca.crl')));
    });
    await new Promise<void>((resolve) => crlServer.listen(0, '127.0.0.1', resolve));
    makeLicensedCa(`http://127.0.0.1:${(crlServer.address() as AddressInfo).port}/ca.crl`);
    t = await createTestApp({ partyBP12: { path: path('pb.p12'), password: 'p12-secret' } });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => crlServer.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs as the licensed certificate, with its chain kept and its root trusted', () => {
    const { pki, trust } = t.app.ctx;
    const licensed = new X509Certificate(readFileSync(path('pb.pem')));
    const root = new X509Certificate(readFileSync(path('ca.pem')));
    expect(pki.partyB.cert.raw.equals(licensed.raw)).toBe(true);
    expect(pki.partyB.cert.checkPrivateKey(pki.partyB.key)).toBe(true);
    expect(pki.partyBChain.map((c) => c.fingerprint256)).toEqual([root.fingerprint256]);
    expect(trust.trustedRoots().map((c) => c.fingerprint256)).toEqual([pki.root.cert.fingerprint256, root.fingerprint256]);
  });

  it("gives the licensed CA's certificate and CRL as validation material", async () => {
    const { pki, trust } = t.app.ctx;
    const m = await trust.validationMaterial([pki.partyB.cert]);
    expect(m.certificates.map((d) => new X509Certificate(d).subject)).toEqual(expect.arrayContaining([expect.stringContaining('CN=Licensed Root CA')]));
    expect(m.crls).toEqual([readFileSync(path('ca.crl'))]);
    expect(m.ocspResponses).toEqual([]);
    const before = crlRequests;
    await trust.validationMaterial([pki.partyB.cert]);
    expect(crlRequests).toBe(before);
  });

  it('refuses a wrong password and a file that is not PKCS#12', async () => {
    await expect(loadPartyBP12(path('pb.p12'), 'wrong')).rejects.toBeInstanceOf(PartyBP12Error);
    await expect(loadPartyBP12(path('ca.pem'), 'p12-secret')).rejects.toThrow(/not a PKCS#12 file/);
  });
});
