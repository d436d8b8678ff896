import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKind } from '../helpers/database.js';
import { codeFromOutboxView, fetchStep, signThrough } from '../helpers/signing.js';
import { hasPyhanko, hasTool, pyhankoPath } from '../helpers/tools.js';

// A relying party's view: the real server (its production worker pool signing) on a port of
// its own, judged by tools this project did not write — poppler's pdfsig and pyHanko, an
// independent PAdES validator — with the root fetched from /pki/root.pem as the only trust
// anchor. pyHanko asks the server's OCSP responder and CRLs about the newest timestamp, as a
// validator years from now would ask the platform; then the whole machine's clock moves five
// years on (faketime for the server and for the validator) and the file must still validate.
const pyhanko = pyhankoPath;
const tools = { pyhanko: hasPyhanko(), faketime: hasTool('faketime', '--version'), pdfsig: hasTool('pdfsig') };
const inCi = process.env.CI === 'true';
const fiveYears = '+1826d';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

type Server = { url: string; process: ChildProcess; stop(): Promise<void> };

/** Whether a process of the group `pgid` still runs (zombies left to their parent aside), from /proc. */
function groupRuns(pgid: number): boolean {
  return fs.readdirSync('/proc').some((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const [state, , group] = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(group) === pgid && state !== 'Z';
    } catch {
      return false;
    }
  });
}

async function startServer(o: { dataDir: string; port: number; faketime?: string }): Promise<Server> {
  const url = `http://127.0.0.1:${o.port}`;
  const env = {
    ...process.env,
    PORT: String(o.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    DATA_DIR: o.dataDir,
    QIYUE_DEMO: '1',
    QIYUE_RENDER_THREADS: '1',
    // The desk reads the demo's signing codes in its outbox view; its second factor is
    // another test's subject (accounts.test.ts).
    QIYUE_OPERATOR_TOTP: '0',
    LOG_LEVEL: 'warn',
  };
  delete (env as Record<string, string | undefined>).DATABASE_URL;
  const node = [process.execPath, '--import', 'tsx', 'src/server/main.ts'];
  // In a process group of its own: faketime runs the server as its child, which outlived a
  // stop that signalled faketime alone.
  const options = { env, stdio: 'pipe' as const, detached: true };
  const child = o.faketime ? spawn('faketime', ['-f', o.faketime, ...node], options) : spawn(node[0]!, node.slice(1), options);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    process: child,
    // Until nothing of the group runs: the next server takes the same port and data.
    stop: async () => {
      const signal = (s: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, s);
        } catch {}
      };
      signal('SIGTERM');
      for (let i = 0; i < 150 && groupRuns(child.pid!); i++) await new Promise((r) => setTimeout(r, 100));
      signal('SIGKILL');
    },
  };
}

/** A logged-in demo customer's calls, with the session cookie and CSRF token. */
// The demo's operator reads the signing codes in the outbox view (no SMTP in the demo).
const deskLogin = { email: 'operator@qiyue.demo', password: 'operator-demo-2026' };

async function sessionHeaders(url: string, credentials = { email: 'demo@qiyue.demo', password: 'demo-password-2026' }) {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return { cookie, 'x-csrf-token': csrfToken };
}

async function demoSession(url: string) {
  const { cookie, 'x-csrf-token': csrfToken } = await sessionHeaders(url);
  return (method: string, p: string, body?: unknown) =>
    fetch(`${url}${p}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

function pyhankoValidate(dir: string, file: string, o: { faketime?: string; offline?: boolean } = {}) {
  const args = ['sign', 'validate', '--pretty-print', '--trust', path.join(dir, 'root.pem'), '--trust-replace', '--ltv-profile', 'pades-lta'];
  if (o.offline) args.push('--soft-revocation-check');
  args.push(file);
  const run = o.faketime ? spawnSync('faketime', ['-f', o.faketime, pyhanko, ...args], { encoding: 'utf8', timeout: 120_000 }) : spawnSync(pyhanko, args, { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, out: `${run.stdout}\n${run.stderr}` };
}

function expectValidLta(result: { status: number | null; out: string }) {
  expect(result.out, result.out).not.toMatch(/INVALID|UNTRUSTED|Traceback|error occurred/i);
  expect(result.status, result.out).toBe(0);
  // Two signatures (Party A, Party B), each valid, its time proven by a trusted timestamp.
  expect(result.out.match(/The signature is judged VALID\./g)?.length, result.out).toBe(2);
  expect(result.out.match(/The TSA certificate is trusted\./g)?.length, result.out).toBe(2);
}

const runs = (tools.pyhanko && tools.pdfsig) || inCi;

describe.runIf(testDatabaseKind === 'pglite' && runs)('issued contracts are PAdES B-LTA, now and five years on', () => {
  let dir: string;
  let server: Server;
  let port: number;
  const files: Record<'framework' | 'attachment', string> = { framework: '', attachment: '' };
  let evidenceFile = '';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qiyue-lta-'));
    port = await freePort();
    server = await startServer({ dataDir: path.join(dir, 'data'), port });
    const call = await demoSession(server.url);
    // Party A signs with its own key, the code read where the demo's desk reads it.
    const customer = fetchStep(server.url, await sessionHeaders(server.url));
    const code = codeFromOutboxView(fetchStep(server.url, await sessionHeaders(server.url, deskLogin)));
    const framework = await signThrough(customer, code, { kind: 'framework', termYears: 1, copies: 2 });
    expect(framework.status, JSON.stringify(framework.body)).toBe(201);
    const frameworkId = framework.body.contract.id as string;
    const orders = (await (await call('GET', '/api/v1/orders?limit=5')).json()) as { items: { id: string; selectable: boolean }[] };
    const itemIds = orders.items.filter((o) => o.selectable).map((o) => o.id).slice(0, 3);
    // The attachment with a platform-held key: both custodies make valid B-LTA contracts.
    const attachment = await signThrough(customer, code, { kind: 'order_attachment', frameworkId, itemIds }, { custody: 'platform' });
    expect(attachment.status, JSON.stringify(attachment.body)).toBe(201);
    const attachmentId = attachment.body.contract.id as string;
    for (const [name, id] of [['framework', frameworkId], ['attachment', attachmentId]] as const) {
      const pdf = await call('GET', `/api/v1/contracts/${id}/pdf`);
      files[name] = path.join(dir, `${name}.pdf`);
      fs.writeFileSync(files[name], Buffer.from(await pdf.arrayBuffer()));
    }
    const evidence = await call('GET', `/api/v1/contracts/${frameworkId}/evidence.pdf`);
    expect(evidence.status).toBe(200);
    evidenceFile = path.join(dir, 'evidence.pdf');
    fs.writeFileSync(evidenceFile, Buffer.from(await evidence.arrayBuffer()));
    const root = await fetch(`${server.url}/pki/root.pem`);
    expect(root.status).toBe(200);
    fs.writeFileSync(path.join(dir, 'root.pem'), await root.text());
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pdfsig: both signatures valid and certified by Party A; the document timestamp covers the whole file', () => {
    for (const file of Object.values(files)) {
      const out = spawnSync('pdfsig', [file], { encoding: 'utf8' }).stdout;
      const signatures = out.split(/Signature #\d+:/).slice(1);
      expect(signatures).toHaveLength(3);
      for (const s of signatures.slice(0, 2)) {
        expect(s).toContain('Signature Type: ETSI.CAdES.detached');
        expect(s).toContain('Signature Validation: Signature is Valid.');
      }
      expect(out).not.toContain('adbe.pkcs7.detached');
      // Poppler cannot check RFC 3161 document timestamps; it still sees what they cover.
      expect(signatures[2]).toContain('Signature Field Name: DocumentTimestamp');
      expect(signatures[2]).toContain('Total document signed');
    }
  });

  it('pyHanko: PAdES B-LTA with the platform root as the only trust anchor', () => {
    for (const file of Object.values(files)) expectValidLta(pyhankoValidate(dir, file));
  }, 120_000);

  it("pyHanko: the evidence report is PAdES B-LTA too, Party B's signature valid and timestamped", () => {
    const result = pyhankoValidate(dir, evidenceFile);
    expect(result.out, result.out).not.toMatch(/INVALID|UNTRUSTED|Traceback|error occurred/i);
    expect(result.status, result.out).toBe(0);
    expect(result.out.match(/The signature is judged VALID\./g)?.length, result.out).toBe(1);
    expect(result.out.match(/The TSA certificate is trusted\./g)?.length, result.out).toBe(1);
  }, 120_000);

  it('pyHanko with the platform gone: the embedded validation data alone prove both signatures', async () => {
    // A court may open the file when nothing of the platform answers any more. In PAdES-LTA
    // only the newest document timestamp is judged with live revocation data (a relying party
    // fetches it, or renews the timestamp); everything it covers must come from the DSS. With
    // the server stopped, pyHanko cannot fetch: a soft check on that newest timestamp leaves
    // the signatures and their timestamps to the embedded OCSP responses and CRLs.
    await server.stop();
    for (const file of Object.values(files)) {
      expect((await fetch(`${server.url}/api/v1/health`).catch(() => null))?.ok ?? false).toBe(false);
      expectValidLta(pyhankoValidate(dir, file, { offline: true }));
    }
  }, 120_000);

  it.runIf(tools.faketime || inCi)('pyHanko with the clock five years on: still valid, judged at the times the timestamps prove', async () => {
    await server.stop();
    server = await startServer({ dataDir: path.join(dir, 'data'), port, faketime: fiveYears });
    for (const file of Object.values(files)) expectValidLta(pyhankoValidate(dir, file, { faketime: fiveYears }));
  }, 240_000);
});
