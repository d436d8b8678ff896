import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it } from 'vitest';
import { rollIssuingCa } from '../../src/server/pki/ca/issuing-ca.js';
import { createPlatformPki, issueEventCertificate, loadPlatformPki, lifetimes, type StoredPkiV2 } from '../../src/server/pki/platform-pki.js';
import { embeddedTsa, respondToTimestampQuery, timestampRejection } from '../../src/server/pki/tsa.js';
import { hasTool } from '../helpers/tools.js';

const passphrase = 'unit-test-passphrase-0123';
const partyB = { name: '示例云计算科技有限公司', creditCode: '91110108MA0000000A' };
const stored = createPlatformPki({ keyPassphrase: passphrase, partyB, publicUrl: 'https://qiyue.example' });
const pki = loadPlatformPki(stored, passphrase);

const dir = mkdtempSync(join(tmpdir(), 'qiyue-pki-ca-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const openssl = (args: string[]) => {
  const r = spawnSync('openssl', args, { encoding: 'latin1' });
  return `${r.stdout}\n${r.stderr}`;
};
const hasOpenssl = hasTool('openssl', 'version');
const year = 365 * 24 * 3600 * 1000;
const lifetime = (c: { validFrom: string; validTo: string }) => new Date(c.validTo).getTime() - new Date(c.validFrom).getTime();

describe('loading the platform PKI', () => {
  it('never decrypts the root key: a PKI whose stored root key is garbage still loads and issues', () => {
    const broken: StoredPkiV2 = { ...stored, root: { ...stored.root, encryptedKeyPem: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nZ2FyYmFnZQ==\n-----END ENCRYPTED PRIVATE KEY-----\n' } };
    const loaded = loadPlatformPki(broken, passphrase);
    expect('key' in loaded.root).toBe(false);
    const ev = issueEventCertificate(loaded, { subjectType: 'enterprise', name: '杭州星河数据科技有限公司', creditCode: '91330106MA2B3C4D5E' });
    expect(new X509Certificate(ev.certPem).verify(loaded.issuing.cert.publicKey)).toBe(true);
  });

  it('gives the trust-service certificates ten years and Party B three', () => {
    expect(lifetime(pki.tsa.cert)).toBeGreaterThanOrEqual(lifetimes.trustService);
    expect(lifetime(pki.ocsp.cert)).toBeGreaterThanOrEqual(lifetimes.trustService);
    expect(lifetime(pki.tsa.cert)).toBeGreaterThan(9.99 * year);
    expect(lifetime(pki.partyB.cert)).toBeLessThan(3.01 * year);
    expect(new Date(pki.tsa.cert.validTo).getTime()).toBeLessThanOrEqual(new Date(pki.issuing.cert.validTo).getTime());
  });
});

describe.skipIf(!hasOpenssl)('rolling the issuing CA', () => {
  it('issues a new chain under the same root and revokes the old issuing CA on the root CRL', () => {
    const rolled = rollIssuingCa(stored, passphrase, { publicUrl: 'https://qiyue.example', partyB });
    const next = loadPlatformPki(rolled.stored, passphrase);
    expect(next.root.certPem).toBe(pki.root.certPem);
    expect(next.issuing.cert.serialNumber).not.toBe(pki.issuing.cert.serialNumber);
    expect(next.retiredIssuing.map((r) => r.cert.serialNumber)).toEqual([pki.issuing.cert.serialNumber]);
    const root = file('root.pem', pki.root.certPem);
    const crl = openssl(['crl', '-inform', 'DER', '-in', file('rolled.crl', next.rootCrl), '-CAfile', root, '-noout', '-text']);
    expect(crl).toContain('verify OK');
    expect(crl).toContain(`Serial Number: ${pki.issuing.cert.serialNumber}`);
    expect(crl).toContain('Superseded');
    const issuing = file('issuing2.pem', next.issuing.certPem);
    for (const leaf of [next.partyB, next.tsa, next.ocsp]) {
      expect(openssl(['verify', '-CAfile', root, '-untrusted', issuing, file('leaf.pem', leaf.certPem)])).toContain(': OK');
    }
  });

  it('refuses to roll without the right passphrase', () => {
    expect(() => rollIssuingCa(stored, 'wrong-passphrase-000', { publicUrl: 'https://qiyue.example', partyB })).toThrow(/passphrase/);
  });
});

describe.skipIf(!hasOpenssl)('the embedded TSA', () => {
  const chain = [pki.issuing.cert, pki.root.cert];
  const paths = { root: file('r.pem', pki.root.certPem), issuing: file('i.pem', pki.issuing.certPem) };

  it('issues tokens in process that openssl verifies against the platform chain', async () => {
    const digest = createHash('sha256').update('contract bytes').digest();
    const { token, genTime } = await embeddedTsa({ certPem: pki.tsa.certPem, key: pki.tsa.key, chainPems: [pki.issuing.certPem, pki.root.certPem] }).timestamp(digest);
    const out = openssl(['ts', '-verify', '-token_in', '-in', file('t.der', token), '-digest', digest.toString('hex'), '-CAfile', paths.root, '-untrusted', paths.issuing]);
    expect(out).toContain('Verification: OK');
    const text = openssl(['ts', '-reply', '-token_in', '-in', file('t.der', token), '-token_out', '-text']);
    expect(text).toContain('Policy OID: 2.25.');
    // The genTime the TSA reports beside the token is the one the token states.
    const stated = /Time stamp: (.+)/.exec(text)?.[1];
    expect(new Date(stated!).getTime()).toBe(genTime.getTime());
    // Another digest does not verify.
    const other = createHash('sha256').update('other bytes').digest('hex');
    expect(openssl(['ts', '-verify', '-token_in', '-in', file('t.der', token), '-digest', other, '-CAfile', paths.root, '-untrusted', paths.issuing])).not.toContain('Verification: OK');
  });

  it('embeds signingCertificateV2 of the TSA certificate among the signed attributes', async () => {
    const digest = createHash('sha256').update('x').digest();
    const token = (await embeddedTsa({ certPem: pki.tsa.certPem, key: pki.tsa.key, chainPems: [] }).timestamp(digest)).token;
    const signed = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(token)).content });
    const types = signed.signerInfos[0]!.signedAttrs!.attributes.map((a) => a.type);
    expect(types.sort()).toEqual(['1.2.840.113549.1.9.16.2.47', '1.2.840.113549.1.9.3', '1.2.840.113549.1.9.4'].sort());
    expect(signed.signerInfos[0]!.signedAttrs!.attributes.some((a) => a.type === '1.2.840.113549.1.9.5')).toBe(false);
  });

  it('writes the TSTInfo as a primitive OCTET STRING, as DER requires (asn1crypto refuses BER here)', async () => {
    const { token } = await embeddedTsa({ certPem: pki.tsa.certPem, key: pki.tsa.key, chainPems: [] }).timestamp(createHash('sha256').update('y').digest());
    const tstInfoOid = Buffer.from('060b2a864886f70d0109100104', 'hex');
    const at = token.indexOf(tstInfoOid) + tstInfoOid.length;
    expect(token[at]).toBe(0xa0);
    const lengthBytes = token[at + 1]! & 0x80 ? (token[at + 1]! & 0x7f) + 1 : 1;
    expect(token[at + 1 + lengthBytes]).toBe(0x04);
  });

  it('encodes each failure as a DER named bit', () => {
    const failInfo = (f: Parameters<typeof timestampRejection>[0]) => {
      const resp = pkijs.TimeStampResp.fromBER(new Uint8Array(timestampRejection(f, 'x')));
      return [resp.status.status, Buffer.from(resp.status.failInfo!.valueBlock.valueHexView).toString('hex'), resp.status.failInfo!.valueBlock.unusedBits];
    };
    expect(failInfo('badAlg')).toEqual([2, '80', 7]);
    expect(failInfo('badRequest')).toEqual([2, '20', 5]);
    expect(failInfo('badDataFormat')).toEqual([2, '04', 2]);
    expect(failInfo('unacceptedPolicy')).toEqual([2, '0001', 0]);
    expect(failInfo('unacceptedExtension')).toEqual([2, '000080', 7]);
    const reply = pkijs.TimeStampResp.fromBER(new Uint8Array(respondToTimestampQuery(Buffer.from([0x30, 0x00]), { tsa: pki.tsa, chain })));
    expect(reply.status.status).toBe(2);
  });
});
