/**
 * `tsx bench/verify.ts`: the verifier's speed and its bounds.
 *  - a genuine B-LTA framework agreement: verify median and p95 over 50, in process (warm)
 *    and through POST /api/v1/verify (worker pool);
 *  - 20 MB adversarial uploads (`%PDF-1.7` + `1 0 obj /Type /Sig` repeated; chained
 *    `xref`/`trailer` fragments): time to the answer, and the slowest /health answer while
 *    they are being verified (targets: < 2 s, < 100 ms).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer } from '../test/helpers/server.js';
import { makePadesContract } from '../test/fixtures/pades-contract.js';
import { verifyPdf } from '../src/server/validation/verify-pdf.js';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const fmt = (xs: number[]) => `median ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms (n=${xs.length})`;
const runs = Number(process.env.BENCH_RUNS ?? 50);

const server = await startTestServer({ verifyThreads: 1 });
const fx = await makePadesContract({ pki: server.app.ctx.pki });
const roots = [server.app.ctx.pki.root.certPem];

for (let i = 0; i < 10; i++) verifyPdf(fx.signed, { trustedRoots: roots });
const inProcess: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = verifyPdf(fx.signed, { trustedRoots: roots });
  inProcess.push(performance.now() - t0);
  if (r.level !== 'B-LTA') throw new Error(`genuine contract verified as ${JSON.stringify(r.problems)}`);
}
console.log(`verify a genuine contract (${(fx.signed.length / 1024).toFixed(0)} KB), in process: ${fmt(inProcess)}`);

const post = (bytes: Buffer) =>
  fetch(`${server.url}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(bytes) });
for (let i = 0; i < 5; i++) await (await post(fx.signed)).arrayBuffer();
const overHttp: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  await (await post(fx.signed)).json();
  overHttp.push(performance.now() - t0);
}
console.log(`verify a genuine contract, POST /api/v1/verify: ${fmt(overHttp)}`);

// Just under the 20 MB upload limit, so that the verifier (not the body limit) answers.
const size = 20 * 1024 * 1024 - 4096;
const sigSpam = Buffer.from('%PDF-1.7\n1 0 obj /Type /Sig\n'.repeat(Math.floor(size / 28)), 'latin1');
const parts: string[] = ['%PDF-1.7\n'];
let at = parts[0]!.length;
let prev = -1;
while (at < size - 200) {
  const s = `xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 1${prev >= 0 ? ` /Prev ${prev}` : ''} >>\n`;
  parts.push(s);
  prev = at;
  at += s.length;
}
parts.push(`startxref\n${prev}\n%%EOF\n`);
const xrefSpam = Buffer.from(parts.join(''), 'latin1');

// Uploaded by curl, a process of its own, so that sending 20 MB does not weigh on the
// server's event loop the way an in-process client would.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qiyue-bench-verify-'));
for (const [name, bytes] of [
  ['`1 0 obj /Type /Sig` ×', sigSpam],
  ['chained xref/trailer ×', xrefSpam],
] as const) {
  const file = path.join(dir, 'upload.pdf');
  fs.writeFileSync(file, bytes);
  let polling = true;
  const health: number[] = [];
  const poll = (async () => {
    while (polling) {
      const t0 = performance.now();
      await (await fetch(`${server.url}/health`)).arrayBuffer();
      health.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const t0 = performance.now();
  const curl = spawn('curl', ['-s', '-o', '-', '-w', '\n%{http_code}', '-H', 'content-type: application/pdf', '--data-binary', `@${file}`, `${server.url}/api/v1/verify`]);
  let out = '';
  curl.stdout.on('data', (d) => {
    out += d;
  });
  await once(curl, 'close');
  const took = performance.now() - t0;
  polling = false;
  await poll;
  const status = out.slice(out.lastIndexOf('\n') + 1);
  console.log(
    `20 MB ${name}: HTTP ${status} in ${took.toFixed(0)} ms (${out.slice(0, 110)}…); /health max ${Math.max(...health).toFixed(1)} ms, median ${quantile(health, 0.5).toFixed(1)} ms over ${health.length}`,
  );
}
fs.rmSync(dir, { recursive: true, force: true });
await server.close();
