import { createHash, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createPlatformPki,
  issueEventCertificate,
  loadPlatformPki,
  PkiPassphraseError,
} from '../../src/server/pki/platform-pki.js';

const partyB = { name: '示例云计算有限公司', creditCode: '91110108MA01C2XK3P' };
const stored = createPlatformPki({ keyPassphrase: 'pass-1', partyB });
const pki = loadPlatformPki(stored, 'pass-1');
const year = 365 * 24 * 3600 * 1000;

const lifetime = (c: X509Certificate) =>
  new Date(c.validTo).getTime() - new Date(c.validFrom).getTime();

describe('platform PKI', () => {
  it('stores plain JSON with encrypted private keys', () => {
    const json = JSON.parse(JSON.stringify(stored));
    expect(json).toEqual(stored);
    for (const k of [stored.root, stored.issuing, stored.partyB]) {
      expect(k.encryptedKeyPem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    }
  });

  it('refuses a wrong passphrase with a clear error', () => {
    expect(() => loadPlatformPki(stored, 'wrong')).toThrow(PkiPassphraseError);
    expect(() => loadPlatformPki(stored, 'wrong')).toThrow(/passphrase/);
  });

  it('chains root → issuing CA → Party B with CA constraints and lifetimes', () => {
    expect(pki.root.cert.ca).toBe(true);
    expect(pki.issuing.cert.ca).toBe(true);
    expect(pki.partyB.cert.ca).toBe(false);
    expect(pki.root.cert.verify(pki.root.cert.publicKey)).toBe(true);
    expect(pki.issuing.cert.verify(pki.root.cert.publicKey)).toBe(true);
    expect(pki.partyB.cert.verify(pki.issuing.cert.publicKey)).toBe(true);
    expect(lifetime(pki.root.cert)).toBeGreaterThan(19.9 * year);
    expect(lifetime(pki.issuing.cert)).toBeGreaterThan(9.9 * year);
    expect(lifetime(pki.partyB.cert)).toBeGreaterThan(2.9 * year);
    expect(lifetime(pki.partyB.cert)).toBeLessThan(3.1 * year);
    expect(pki.partyB.cert.subject).toContain(`CN=${partyB.name}`);
    expect(pki.partyB.cert.subject).toContain(`serialNumber=${partyB.creditCode}`);
  });

  it('issues a short-lived enterprise event certificate carrying the credit code', () => {
    const ev = issueEventCertificate(pki, {
      subjectType: 'enterprise',
      name: '杭州星河数据科技有限公司',
      creditCode: '91330106MA2B3C4D5E',
    });
    const cert = new X509Certificate(ev.certPem);
    expect(cert.verify(pki.issuing.cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(ev.key)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.subject).toContain('CN=杭州星河数据科技有限公司');
    expect(cert.subject).toContain('serialNumber=91330106MA2B3C4D5E');
    expect(lifetime(cert)).toBeLessThanOrEqual(24 * 3600 * 1000 + 5 * 60 * 1000);
    expect(cert.toLegacyObject().ext_key_usage).toBeUndefined();
  });

  it('puts a hash of the ID number, never the number, in a personal certificate', () => {
    const idNumber = '11010519491231002X';
    const idNumberHash = createHash('sha256').update(idNumber).digest('hex');
    const ev = issueEventCertificate(pki, { subjectType: 'personal', name: '张三', idNumberHash });
    const cert = new X509Certificate(ev.certPem);
    expect(cert.subject).toContain(`serialNumber=${idNumberHash}`);
    expect(cert.subject).toContain('CN=张三');
    expect(ev.certPem).not.toContain(idNumber);
    expect(cert.raw.includes(Buffer.from(idNumber))).toBe(false);
    expect(() =>
      issueEventCertificate(pki, { subjectType: 'personal', name: '张三', idNumberHash: idNumber }),
    ).toThrow();
  });
});
