import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Caller, type TestApp } from '../helpers/app.js';
import { testDatabaseKind } from '../helpers/database.js';
import { hasTool } from '../helpers/tools.js';

// Judged by tools this project did not write: poppler's pdfsig and pyHanko, an independent
// PAdES validator, with the root fetched from /pki/root.pem as the only trust anchor.
const pyhanko = path.resolve('../shared/tools/pyhanko-0.20.1/validate');
const hasPyhanko = fs.existsSync(pyhanko) && spawnSync('/usr/bin/python3', ['-c', 'import asn1crypto, cryptography, oscrypto, uritools, tzlocal']).status === 0;
const hasFaketime = hasTool('faketime', '--version');
const hasPoppler = hasTool('pdfsig');
const inCi = process.env.CI === 'true';

let t: TestApp;
let dir: string;
let rootPem: string;
beforeAll(async () => {
  t = await createTestApp();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qiyue-lta-'));
  const root = await t.request(null, 'GET', '/pki/root.pem');
  expect(root.statusCode).toBe(200);
  rootPem = root.body;
  fs.writeFileSync(path.join(dir, 'root.pem'), rootPem);
});
afterAll(async () => {
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function validate(file: string, o: { yearsAhead?: number } = {}) {
  const args = ['sign', 'validate', '--pretty-print', '--trust', path.join(dir, 'root.pem'), '--trust-replace', '--ltv-profile', 'pades-lta', file];
  const command = o.yearsAhead ? 'faketime' : pyhanko;
  const full = o.yearsAhead ? [`+${o.yearsAhead * 365}d`, pyhanko, ...args] : args;
  const run = spawnSync(command, full, { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, out: `${run.stdout}\n${run.stderr}` };
}

async function download(c: Caller, contractId: string, name: string) {
  const res = await t.request(c, 'GET', `/api/v1/contracts/${contractId}/pdf`);
  expect(res.statusCode).toBe(200);
  const file = path.join(dir, name);
  fs.writeFileSync(file, res.rawPayload);
  return { file, bytes: res.rawPayload };
}

describe.skipIf(testDatabaseKind !== 'pglite')('issued contracts are PAdES B-LTA', () => {
  let customer: Caller;
  let framework: { file: string; bytes: Buffer; id: string };

  beforeAll(async () => {
    customer = await t.verifiedCustomer();
    const res = await t.request(customer, 'POST', '/api/v1/contracts/framework', { termYears: 1, copies: 2, accept: true });
    expect(res.statusCode).toBe(201);
    const id = res.json().contract.id;
    framework = { ...(await download(customer, id, 'framework.pdf')), id };
  });

  it.runIf(hasPoppler || inCi)('pdfsig: both signatures and the document timestamp valid, the last covering the file', () => {
    const out = spawnSync('pdfsig', [framework.file], { encoding: 'utf8' }).stdout;
    expect(out.match(/Signature Validation: Signature is Valid\./g)?.length).toBe(3);
    expect(out).toContain('Signature Type: ETSI.CAdES.detached');
    expect(out).toContain('Signature Type: ETSI.RFC3161');
    expect(out).not.toContain('adbe.pkcs7.detached');
    const last = out.split(/Signature #\d+:/).at(-1)!;
    expect(last).toContain('Total document signed');
  });

  it.runIf(hasPyhanko || inCi)('pyHanko: PAdES B-LTA, trusted, timestamps proving the signing times', () => {
    const { status, out } = validate(framework.file);
    expect(out, out).not.toMatch(/INVALID|UNTRUSTED|Traceback/i);
    expect(status, out).toBe(0);
    expect(out).toMatch(/PAdES-B-LTA|B-LTA|LTA/);
  });

  it.runIf((hasPyhanko && hasFaketime) || inCi)('pyHanko, five years on: still valid, judged at the time the timestamps prove', () => {
    const { status, out } = validate(framework.file, { yearsAhead: 5 });
    expect(out, out).not.toMatch(/INVALID|UNTRUSTED|Traceback/i);
    expect(status, out).toBe(0);
  });
});
