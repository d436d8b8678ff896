import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  issueEventCertificate,
  loadPlatformPki,
  PkiPassphraseError,
  type StoredPki,
  upgradeStoredPki,
} from '../../src/server/pki/platform-pki.js';
import { makeSignedContract, makeSigningSetup } from '../fixtures/signed-contract.js';
import { pdfTool } from '../helpers/tools.js';

/**
 * A 'qiyue-pki-v1' PKI as stored by the first implementation (hand-written DER), created
 * 2026-11-26: root valid to 2046, issuing CA to 2036, Party B to 2029. Deployments keep
 * theirs in the database, so the current code must load it and issue and sign under it.
 */
const stored: StoredPki & { format: 'qiyue-pki-v1' } = {
  "format": "qiyue-pki-v1",
  "algorithm": "ECDSA-P256-SHA256",
  "createdAt": "2026-11-26T05:07:35.165Z",
  "root": {
    "certPem": "-----BEGIN CERTIFICATE-----\nMIICHjCCAcSgAwIBAgIQb4VHo9qSh39zon6K3O1EKzAKBggqhkjOPQQDAjBvMQsw\nCQYDVQQGEwJDTjEkMCIGA1UECgwb56S65L6L5LqR6K6h566X5pyJ6ZmQ5YWs5Y+4\nMTowOAYDVQQDDDHnpLrkvovkupHorqHnrpfmnInpmZDlhazlj7gg5aWR57qm5bmz\n5Y+w5qC56K+B5LmmMB4XDTI2MTEyNjA1MDIzNVoXDTQ2MTEyMTA1MDczNVowbzEL\nMAkGA1UEBhMCQ04xJDAiBgNVBAoMG+ekuuS+i+S6keiuoeeul+aciemZkOWFrOWP\nuDE6MDgGA1UEAwwx56S65L6L5LqR6K6h566X5pyJ6ZmQ5YWs5Y+4IOWlkee6puW5\ns+WPsOagueivgeS5pjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABI8DF5TcY0nf\nnjwEdNelOeviS+old3B9y2XrgritrKVZV+LsUCkOYZaFMdE2HSQsmxwNW8DRjwJ2\n7OOhHuVWif+jQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0G\nA1UdDgQWBBSki6cSLUdj5Qt4+tceKcfuuS9zOjAKBggqhkjOPQQDAgNIADBFAiEA\nmdn7sil8XBkSr6uS1HiiAxCVvDJvlSC57KUwbKiP7JMCIAteMkFvgAHoU1uCLvq/\nAz1G44VkDYD0nx18b+ZaUya2\n-----END CERTIFICATE-----\n",
    "encryptedKeyPem": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhSDr7H1rZ2nAICCAAw\nDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEH11zKDzsQvqw9dA2eAf6cAEgZAX\nBpJlUTkOl4LyFlbGW4+Bqqq3f+32PaxtIPI8F9dchmYbh8g/d6EF48X1uOPQEE4n\nO2I9ZRg3NbLeHjwCoCJMgmS6SfcfMf1WOcPyo0LGyJLFfP6+35pMrkDUmSWOHUB4\nPqX1frCgH5z3jtWBbL8a/yNy87aOVbSDwtsBLlf2DmjICRz/WBkyuO2y4sa1cMs=\n-----END ENCRYPTED PRIVATE KEY-----\n"
  },
  "issuing": {
    "certPem": "-----BEGIN CERTIFICATE-----\nMIICRjCCAeugAwIBAgIQYRuWNf2PxiT6gNxF2/OMaTAKBggqhkjOPQQDAjBvMQsw\nCQYDVQQGEwJDTjEkMCIGA1UECgwb56S65L6L5LqR6K6h566X5pyJ6ZmQ5YWs5Y+4\nMTowOAYDVQQDDDHnpLrkvovkupHorqHnrpfmnInpmZDlhazlj7gg5aWR57qm5bmz\n5Y+w5qC56K+B5LmmMB4XDTI2MTEyNjA1MDIzNVoXDTM2MTEyMzA1MDczNVowcjEL\nMAkGA1UEBhMCQ04xJDAiBgNVBAoMG+ekuuS+i+S6keiuoeeul+aciemZkOWFrOWP\nuDE9MDsGA1UEAww056S65L6L5LqR6K6h566X5pyJ6ZmQ5YWs5Y+4IOWlkee6puW5\ns+WPsOetvuWPkeivgeS5pjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMIEbK1h\nDDN88JxsC/sbMEtJw2nnFTvVHrgcGp9hmDqvcTj1Fvff3hx0ThvtH/qApMQu1EBR\nivlW8Mk0fG8esnCjZjBkMBIGA1UdEwEB/wQIMAYBAf8CAQAwDgYDVR0PAQH/BAQD\nAgEGMB0GA1UdDgQWBBSblt/2LpzNTI2Tpi/Km5lqdEHbWzAfBgNVHSMEGDAWgBSk\ni6cSLUdj5Qt4+tceKcfuuS9zOjAKBggqhkjOPQQDAgNJADBGAiEAoUTqUNXBs7/w\nPYO2S7MGC8EfOzsIJHIqb+RmIbc59w4CIQDNPPd0T0alq6sTKd3BOH2gcRjCqggQ\nWPjVF/SO3vuVQg==\n-----END CERTIFICATE-----\n",
    "encryptedKeyPem": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhAn/MB3h4A/wICCAAw\nDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEOv6pb8LIRbtAfRJLIUKftMEgZBJ\nYFKmRSgPBEr3+JlEsbY1XI7ksNJ3vOwwwZC2MNTaNvzw4TPL3AYVcvr0h7KegzIj\nrW9a7nJVZlgvnE4/CSRLkrZzNl8H9hd/W6/8Oa6BFPpoI/xqBmL+tug9Mc6LRO2q\n60MPct8pFzVaA6pO6WFNO6MsliT7LF9v8zwGj2ju9YTjolPXV2FDAtY9MAEk/uM=\n-----END ENCRYPTED PRIVATE KEY-----\n"
  },
  "partyB": {
    "certPem": "-----BEGIN CERTIFICATE-----\nMIICbDCCAhGgAwIBAgIQXUURba2U6XTP6QXXQbH1hjAKBggqhkjOPQQDAjByMQsw\nCQYDVQQGEwJDTjEkMCIGA1UECgwb56S65L6L5LqR6K6h566X5pyJ6ZmQ5YWs5Y+4\nMT0wOwYDVQQDDDTnpLrkvovkupHorqHnrpfmnInpmZDlhazlj7gg5aWR57qm5bmz\n5Y+w562+5Y+R6K+B5LmmMB4XDTI2MTEyNjA1MDIzNVoXDTI5MTEyNTA1MDczNVow\ndjELMAkGA1UEBhMCQ04xJDAiBgNVBAoMG+ekuuS+i+S6keiuoeeul+aciemZkOWF\nrOWPuDEbMBkGA1UEBRMSOTExMTAxMDhNQTAxQzJYSzNQMSQwIgYDVQQDDBvnpLrk\nvovkupHorqHnrpfmnInpmZDlhazlj7gwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC\nAATDEq7pVJI0MCM0bB3cdPaD5ylBvXRSPS7sBjH/oGh0SuN/0adGVNRqUBqAa0EY\n2cY9DnYCop4ljrkqCEvdOXvlo4GEMIGBMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/\nBAQDAgbAMB0GA1UdDgQWBBQCIBVpT+GBgzrpBRBQt6Ro4HoP0zAfBgNVHSMEGDAW\ngBSblt/2LpzNTI2Tpi/Km5lqdEHbWzAhBgNVHSAEGjAYMBYGFGmBgq7ezKm2ip/f\nssaC2KDhl/B6MAoGCCqGSM49BAMCA0kAMEYCIQCMUABOymPfUjKIRWN1IP2wTF88\nExuncMWIxD2FaXccRwIhAO3I1WxzbWBN5lcDJC2QQnDL1O0Z6jt5oS+nTh3K6zWr\n-----END CERTIFICATE-----\n",
    "encryptedKeyPem": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiXcq6K9GjF9QICCAAw\nDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEK9zyvG6v2QljyeopD/U/W8EgZDj\n+43IQiDzOssi1pijDpqYYpq6lmr8bQ0MrwNF4swNitbcRrah0x2TiPmEpK810oZ6\np4N1TG9er8wWclpNjBfSdcxOTAskGOMbHZe6fKWz0/HdS1NLG/imnIj0EVOhlxqM\n/tTT120tIkO0Hp+C+1Jwz43oxYMfMaZ7nyoCHowZSE/ecJCvsYskmCTah7eFy6c=\n-----END ENCRYPTED PRIVATE KEY-----\n"
  }
};
const passphrase = 'stored-format-v1';

const dir = mkdtempSync(join(tmpdir(), 'qiyue-pki-v1-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a stored qiyue-pki-v1 PKI from the first implementation', () => {
  const pki = loadPlatformPki(stored, passphrase);

  it('loads with its passphrase and only with it', () => {
    expect(pki.root.cert.ca).toBe(true);
    expect(pki.partyB.cert.subject).toContain('CN=示例云计算有限公司');
    expect(() => loadPlatformPki(stored, 'wrong')).toThrow(PkiPassphraseError);
  });

  it('issues event certificates that chain to the stored root', () => {
    const ev = issueEventCertificate(pki, {
      subjectType: 'enterprise',
      name: '杭州星河数据科技有限公司',
      creditCode: '91330106MA2B3C4D5E',
    });
    const paths = { root: join(dir, 'root.pem'), issuing: join(dir, 'issuing.pem'), ev: join(dir, 'ev.pem') };
    writeFileSync(paths.root, pki.root.certPem);
    writeFileSync(paths.issuing, pki.issuing.certPem);
    writeFileSync(paths.ev, ev.certPem);
    const out = spawnSync(
      'openssl',
      ['verify', '-x509_strict', '-purpose', 'any', '-CAfile', paths.root, '-untrusted', paths.issuing, paths.ev],
      { encoding: 'utf8' },
    );
    expect(out.stdout).toMatch(/: OK\s*$/);
    expect(out.status).toBe(0);
  });

  it('signs a PAdES contract under the stored root that poppler validates', async () => {
    const setup = await makeSigningSetup(pki);
    try {
      const { signed } = await makeSignedContract(setup);
      const out = pdfTool('pdfsig', ['-'], signed);
      expect(out.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
      expect(out).toContain('Signer Certificate Common Name: 杭州星河数据科技有限公司');
    } finally {
      await setup.close();
    }
  });

  it('gains a TSA and an OCSP responder certificate under its issuing CA, and a root CRL, on upgrade', () => {
    const upgraded = upgradeStoredPki(stored, passphrase, { publicUrl: 'https://qiyue.example' });
    expect(upgraded.format).toBe('qiyue-pki-v2');
    expect(upgraded.root).toEqual(stored.root);
    expect(upgraded.issuing).toEqual(stored.issuing);
    expect(upgraded.partyB).toEqual(stored.partyB);
    const after = loadPlatformPki(upgraded, passphrase);
    expect(after.tsa.cert.verify(after.issuing.cert.publicKey)).toBe(true);
    expect(after.ocsp.cert.verify(after.issuing.cert.publicKey)).toBe(true);
    expect(after.tsa.cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.8']);
    expect(after.ocsp.cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.9']);
    const crl = join(dir, 'root.crl');
    writeFileSync(crl, after.rootCrl);
    writeFileSync(join(dir, 'root.pem'), after.root.certPem);
    const out = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', crl, '-CAfile', join(dir, 'root.pem'), '-noout'], { encoding: 'utf8' });
    expect(out.stderr + out.stdout).toContain('verify OK');
  });
});
