import { execFile, } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFromPem, issueEventCertificate } from '../../src/server/pki/platform-pki.js';
import { recordCertificate } from '../../src/server/pki/registry.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { hasPyhanko, pyhankoPath } from '../helpers/tools.js';

/**
 * pyHanko, an independent PAdES implementation, signs a PDF as PAdES B-LTA with an event
 * certificate, using the service as its TSA and fetching the OCSP responses and CRLs the
 * certificates point to; then validates it with the platform root as the only anchor.
 */
const pyhanko = pyhankoPath;
const pyhankoRuns = hasPyhanko();

const dir = mkdtempSync(join(tmpdir(), 'qiyue-pyhanko-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

function run(args: string[]): Promise<string> {
  return new Promise((resolve) =>
    execFile(pyhanko, args, { cwd: dir, timeout: 120_000 }, (error, stdout, stderr) => resolve(`${stdout}\n${stderr}\n${error ? `exit ${error.code}` : ''}`)),
  );
}

/** A one-page PDF written by hand, so that nothing of the platform's renderer is involved. */
function minimalPdf(): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'];
  let out = '%PDF-1.7\n';
  const offsets = objects.map((body, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let t: TestApp;

describe.runIf(pyhankoRuns)('pyHanko against the PKI endpoints', () => {
  beforeAll(async () => {
    const port = await freePort();
    // The certificates name the URLs pyHanko fetches: the PKI is created with this public URL.
    t = await createTestApp({ publicUrl: `http://127.0.0.1:${port}` });
    await t.app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs PAdES B-LTA with the platform TSA, OCSP and CRLs, and validates it', async () => {
    const { pki, db } = t.app.ctx;
    const ev = issueEventCertificate(pki, { subjectType: 'enterprise', name: '杭州星河数据科技有限公司', creditCode: '91330106MA2B3C4D5E' });
    await recordCertificate(db, certificateFromPem(ev.certPem), 'event');
    file('ev.pem', ev.certPem);
    file('ev.key', ev.key.export({ type: 'pkcs8', format: 'pem' }));
    file('root.pem', pki.root.certPem);
    file('issuing.pem', pki.issuing.certPem);
    file('in.pdf', minimalPdf());
    const base = pki.issuing.publicUrl!;
    const signed = await run([
      'sign', 'addsig', '--field', 'PartyA', '--timestamp-url', `${base}/pki/tsa`, '--use-pades-lta', '--with-validation-info',
      '--trust', 'root.pem', '--trust-replace', '--other-certs', 'issuing.pem',
      'pemder', '--key', 'ev.key', '--cert', 'ev.pem', '--no-pass', 'in.pdf', 'out.pdf',
    ]);
    expect(signed).not.toMatch(/exit|Error/);
    const report = await run(['sign', 'validate', '--pretty-print', '--ltv-profile', 'pades-lta', '--trust', 'root.pem', '--trust-replace', 'out.pdf']);
    expect(report).toContain('The signer\'s certificate is trusted.');
    expect(report).toContain('The TSA certificate is trusted.');
    expect(report).toContain('The signature is judged VALID.');
  }, 180_000);
});
