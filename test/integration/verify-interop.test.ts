import { spawn, } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfReader } from '../../src/server/pdf-structure/reader.js';
import { renderFrameworkAgreementDocument } from '../../src/server/pdf/render-framework-agreement.js';
import { verifyPdf } from '../../src/server/validation/verify-pdf.js';
import { frameworkInput } from '../fixtures/contract-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';
import { hasPyhanko, pyhankoPath } from '../helpers/tools.js';

// A signature another tool made (pyHanko, PAdES with a signature timestamp from our own
// RFC 3161 endpoint over HTTP) must verify as well as our own.
const pyhanko = pyhankoPath;
const pyhankoRuns = testDatabaseKind === 'pglite' && hasPyhanko();

let t: TestApp;
let dir: string;
let url: string;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qiyue-interop-'));
});
afterAll(async () => {
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.runIf(pyhankoRuns)('verifying what pyHanko signs', () => {
  const file = (name: string, content: string | Uint8Array) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };

  /** Party B's key signs `pdf` with pyHanko (PAdES, timestamped by our /pki/tsa). */
  async function pyhankoSign(pdf: Uint8Array): Promise<Buffer> {
    const pki = t.app.ctx.pki;
    const key = file('key.pem', pki.partyB.key.export({ type: 'pkcs8', format: 'pem' }) as string);
    const cert = file('cert.pem', pki.partyB.certPem);
    const chain = file('chain.pem', `${pki.issuing.certPem}\n${pki.root.certPem}`);
    const input = file('in.pdf', pdf);
    const output = path.join(dir, 'out.pdf');
    // Asynchronously: pyHanko calls this process's server for its timestamp.
    const child = spawn(pyhanko, ['sign', 'addsig', '--field', 'PartyB', '--use-pades', '--timestamp-url', `${url}/pki/tsa`, 'pemder', '--key', key, '--cert', cert, '--chain', chain, '--no-pass', input, output]);
    let log = '';
    child.stdout.on('data', (d) => {
      log += d;
    });
    child.stderr.on('data', (d) => {
      log += d;
    });
    const [status] = await once(child, 'close');
    expect(status, log).toBe(0);
    return fs.readFileSync(output);
  }

  it('accepts a pyHanko PAdES signature with a timestamp as B-T, Party B by its certificate policy', async () => {
    const signed = await pyhankoSign((await renderFrameworkAgreementDocument(frameworkInput())).pdf);
    const r = verifyPdf(signed, { trustedRoots: [t.app.ctx.pki.root.certPem], requiredRoles: ['party_b'] });
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ authentic: true, level: 'B-T' });
    expect(r.signatures[0]).toMatchObject({ role: 'party_b', valid: true, coversWholeDocument: true, level: 'B-T' });
    expect(r.signatures[0]!.timestamp).not.toBeNull();
  });

  it('finds the signature of a file whose objects live in object streams (cross-reference streams)', async () => {
    const doc = await PDFDocument.create();
    doc.addPage().drawText('object streams');
    const signed = await pyhankoSign(await doc.save({ useObjectStreams: true }));
    const r = verifyPdf(signed, { trustedRoots: [t.app.ctx.pki.root.certPem], requiredRoles: ['party_b'] });
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ authentic: true, level: 'B-T' });
    expect(r.signatures).toHaveLength(1);
    expect(PdfReader.open(signed).revisions.map((rev) => rev.xrefKind)).toEqual(['stream', 'stream']);
  });
});
