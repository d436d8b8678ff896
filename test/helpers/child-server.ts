import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './private-postgres.js';

/**
 * How `npm start` runs the server (package.json says the same): PGlite's WebAssembly compiled
 * once, by the optimising compiler only (V8's baseline copy of its code was ~100 MB of RSS that
 * never went away); a young generation of 4 MB semi-spaces, as the request thread's garbage is
 * short-lived (V8's default of up to 16 MB kept ~35 MB more resident on PostgreSQL); an old
 * generation of at most 1 GB, under which V8 lets the heap grow to ~1.6 times what is live
 * before a full collection instead of 4 (a 5,000-item attachment's job found the request
 * thread's heap at 150-280 MB of mostly garbage; ~85 MB is live); glibc with two malloc arenas
 * and large blocks mapped, so that freed memory goes back.
 */
export const productionNodeFlags = ['--no-liftoff', '--max-semi-space-size=4', '--max-old-space-size=1024'];
export const productionEnv = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };

export type ChildServer = {
  url: string;
  process: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  isRunning(): boolean;
  waitForHealth(timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
};

/**
 * The production entry point (src/server/main.ts) in a child process on a free loopback port,
 * for tests that stop its database or kill it. Cheap password hashing is not configurable
 * from the environment, so registrations cost what they cost in production.
 */
export async function startChildServer(env: Record<string, string>, o: { nodeFlags?: string[] } = {}): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(o.nodeFlags ?? []), '--import', 'tsx', 'src/server/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      HOST: '127.0.0.1',
      QIYUE_DEMO: '0',
      QIYUE_KEY: 'test-key-0123456789abcdef',
      QIYUE_OPERATOR_EMAIL: 'desk@qiyue.test',
      QIYUE_OPERATOR_PASSWORD: 'operator-password-1',
      // As in the in-process test apps: the operator's second factor has its own test.
      QIYUE_OPERATOR_TOTP: '0',
      QIYUE_INTEGRATION_TOKEN: 'test-integration-token-0123',
      QIYUE_RENDER_THREADS: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const server: ChildServer = {
    url,
    process: child,
    output: () => output,
    isRunning: () => child.exitCode === null && child.signalCode === null,
    async waitForHealth(timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (!server.isRunning()) throw new Error(`server exited (${child.exitCode ?? child.signalCode}):\n${output}`);
        const ok = await fetch(`${url}/api/v1/health`)
          .then((r) => r.status === 200)
          .catch(() => false);
        if (ok) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`server not healthy after ${timeoutMs} ms:\n${output}`);
    },
    async kill(signal = 'SIGTERM') {
      if (!server.isRunning()) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
  return server;
}
