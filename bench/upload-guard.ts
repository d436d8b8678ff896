/**
 * `npm run bench` (part): a 20 MB PDF upload through the input guard, alone and through
 * Fastify's body parsing and hooks as the server registers them. Target ≤ 200 ms.
 */
import Fastify from 'fastify';
import { findBadString, registerInputGuard } from '../src/server/http/input-guard.js';

const size = 20 * 1024 * 1024;
const pdf = Buffer.alloc(size, 0x20);
pdf.write('%PDF-1.7\n', 0);
pdf.write('\n%%EOF\n', size - 7);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const guardTimes: number[] = [];
for (let i = 0; i < 11; i++) {
  const t = performance.now();
  if (findBadString(pdf, '') !== null) throw new Error('the guard refused a binary body');
  guardTimes.push(performance.now() - t);
}

const app = Fastify({ bodyLimit: size + 1024 });
app.addContentTypeParser('application/pdf', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
registerInputGuard(app);
app.post('/upload', async (request) => ({ bytes: (request.body as Buffer).length }));
await app.ready();
const httpTimes: number[] = [];
for (let i = 0; i < 6; i++) {
  const t = performance.now();
  const r = await app.inject({ method: 'POST', url: '/upload', headers: { 'content-type': 'application/pdf' }, payload: pdf });
  httpTimes.push(performance.now() - t);
  if (r.statusCode !== 200) throw new Error(`upload failed: ${r.statusCode} ${r.body}`);
}
await app.close();

console.log(`20 MB PDF through the input guard: median ${median(guardTimes).toFixed(2)} ms  [target ≤ 200 ms]`);
console.log(`20 MB PDF upload through body parsing and the guard (inject): median ${median(httpTimes).toFixed(1)} ms  [target ≤ 200 ms]`);
