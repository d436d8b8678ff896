import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPlatformPki,
  issueEventCertificate,
  loadPlatformPki,
  parsedCertificate,
  policyOids,
  signerCertificate,
} from '../../src/server/pki/platform-pki.js';

/** The certificates the PKI issues, as OpenSSL reads them. */

const partyB = { name: '示例云计算有限公司', creditCode: '91110108MA01C2XK3P' };
const pki = loadPlatformPki(createPlatformPki({ keyPassphrase: 'pass-1', partyB }), 'pass-1');
const dir = mkdtempSync(join(tmpdir(), 'qiyue-pki-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(pem: string): string {
  const path = join(dir, `cert${n++}.pem`);
  writeFileSync(path, pem);
  return path;
}

function openssl(...args: string[]): string {
  const out = spawnSync('openssl', args, { encoding: 'utf8' });
  expect(out.stderr).not.toMatch(/error|unable/i);
  expect(out.status).toBe(0);
  return out.stdout;
}

/** `openssl x509 -text` with UTF-8 names, whitespace squashed to single spaces. */
const text = (pem: string) =>
  openssl('x509', '-in', file(pem), '-noout', '-text', '-nameopt', 'utf8').replace(/\s+/g, ' ');

const rootPath = file(pki.root.certPem);
const issuingPath = file(pki.issuing.certPem);

/** Strict chain check: DER-level and RFC 5280 profile checks, up to our root only. */
function verifyChain(pem: string) {
  const out = openssl(
    'verify', '-x509_strict', '-purpose', 'any', '-CAfile', rootPath, '-untrusted', issuingPath, file(pem),
  );
  expect(out).toMatch(/: OK\s*$/);
}

describe('platform certificates under openssl x509 -text', () => {
  it('an enterprise event certificate: subject, signing key usage, Party A policy, chain', () => {
    const ev = issueEventCertificate(pki, {
      subjectType: 'enterprise',
      name: '杭州星河数据科技有限公司',
      creditCode: '91330106MA2B3C4D5E',
    });
    const t = text(ev.certPem);
    expect(t).toContain('Version: 3 (0x2)');
    expect(t).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(t).toContain(
      'Subject: C=CN, O=杭州星河数据科技有限公司, serialNumber=91330106MA2B3C4D5E, CN=杭州星河数据科技有限公司',
    );
    expect(t).toContain(`Issuer: C=CN, O=${partyB.name}, CN=${partyB.name} 契约平台签发证书`);
    expect(t).toContain('NIST CURVE: P-256');
    expect(t).toContain('X509v3 Basic Constraints: critical CA:FALSE');
    expect(t).toContain('X509v3 Key Usage: critical Digital Signature, Non Repudiation');
    expect(t).toContain(`X509v3 Certificate Policies: Policy: ${policyOids.partyAEvent}`);
    expect(t).not.toContain('Extended Key Usage');
    // The authority key identifier is the issuing CA's subject key identifier.
    const issuerSki = /Subject Key Identifier: ([0-9A-F:]+)/.exec(text(pki.issuing.certPem))![1];
    expect(t).toContain(`X509v3 Authority Key Identifier: ${issuerSki}`);
    verifyChain(ev.certPem);
  });

  it('a personal event certificate carries the hash of the ID number', () => {
    const idNumberHash = createHash('sha256').update('11010519491231002X').digest('hex');
    const ev = issueEventCertificate(pki, { subjectType: 'personal', name: '张三', idNumberHash });
    const t = text(ev.certPem);
    expect(t).toContain(`Subject: C=CN, serialNumber=${idNumberHash}, CN=张三`);
    expect(t).toContain(`Policy: ${policyOids.partyAEvent}`);
    verifyChain(ev.certPem);
  });

  it('Party B’s organisation certificate', () => {
    const t = text(pki.partyB.certPem);
    expect(t).toContain(
      `Subject: C=CN, O=${partyB.name}, serialNumber=${partyB.creditCode}, CN=${partyB.name}`,
    );
    expect(t).toContain('X509v3 Key Usage: critical Digital Signature, Non Repudiation');
    expect(t).toContain(`X509v3 Certificate Policies: Policy: ${policyOids.partyBOrganisation}`);
    verifyChain(pki.partyB.certPem);
  });

  it('the CAs: root self-signed, issuing CA limited to end entities', () => {
    const root = text(pki.root.certPem);
    expect(root).toContain(`Subject: C=CN, O=${partyB.name}, CN=${partyB.name} 契约平台根证书`);
    expect(root).toContain(`Issuer: C=CN, O=${partyB.name}, CN=${partyB.name} 契约平台根证书`);
    expect(root).toMatch(/X509v3 Basic Constraints: critical CA:TRUE (?!, pathlen)/);
    expect(root).toContain('X509v3 Key Usage: critical Certificate Sign, CRL Sign');
    expect(root).not.toContain('Authority Key Identifier');
    const issuing = text(pki.issuing.certPem);
    expect(issuing).toContain('X509v3 Basic Constraints: critical CA:TRUE, pathlen:0');
    expect(issuing).toContain('X509v3 Key Usage: critical Certificate Sign, CRL Sign');
    expect(issuing).not.toContain('Certificate Policies');
    verifyChain(pki.issuing.certPem);
  });
});

describe('a signer certificate read for signing without a full parse', () => {
  // OpenSSL-made certificates with serial numbers ours never have: the top bit set (DER adds
  // a zero byte) and an odd number of hex digits.
  const caKey = join(dir, 'ca.key');
  const caPem = join(dir, 'ca.pem');
  beforeAll(() => {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-out', caPem, '-subj', '/C=CN/O=外部测试/CN=外部测试根', '-days', '2', '-set_serial', '1');
  });

  it.each(['0x80F1E2D3C4B5A697', '0xABC'])('has the issuer and serial number of the full parse (serial %s)', (serial) => {
    const leafKey = join(dir, `leaf${serial}.key`);
    const leafCsr = join(dir, `leaf${serial}.csr`);
    const leafPem = join(dir, `leaf${serial}.pem`);
    openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', leafKey, '-out', leafCsr, '-subj', '/C=CN/CN=某某公司');
    openssl('x509', '-req', '-in', leafCsr, '-CA', caPem, '-CAkey', caKey, '-set_serial', serial, '-days', '1', '-out', leafPem);
    const ca = new X509Certificate(readFileSync(caPem));
    const leaf = new X509Certificate(readFileSync(leafPem));
    const light = signerCertificate(leaf, [ca]);
    const full = parsedCertificate(new X509Certificate(readFileSync(leafPem)));
    expect(Buffer.from(light.serialNumber.toBER())).toEqual(Buffer.from(full.serialNumber.toBER()));
    expect(Buffer.from(light.issuer.toSchema().toBER())).toEqual(Buffer.from(full.issuer.toSchema().toBER()));
    expect(Buffer.from(light.toSchema().toBER())).toEqual(leaf.raw);
  });
});
