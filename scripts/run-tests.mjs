// `npm test`'s test run: the browser suite beside the others, as two Vitest runs at once.
// In one run, Vitest keeps a project whose files go one at a time (e2e: each file drives
// Chromium against its own server) until every other file has finished, and its ten minutes
// then ran on one core alone, the other idle. Arguments, if any, go to a single `vitest run`.
import { spawn } from 'node:child_process';

const vitest = (args, prefix) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args], {
      stdio: ['ignore', prefix ? 'pipe' : 'inherit', prefix ? 'pipe' : 'inherit'],
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' },
    });
    if (prefix) {
      // Whole lines, each marked with its run, so that the two outputs stay readable.
      for (const [from, to] of [
        [child.stdout, process.stdout],
        [child.stderr, process.stderr],
      ]) {
        let rest = '';
        from.on('data', (chunk) => {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) to.write(`${prefix} ${line}\n`);
        });
        from.on('end', () => rest && to.write(`${prefix} ${rest}\n`));
      }
    }
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const args = process.argv.slice(2);
if (args.length) process.exit(await vitest(args));

const others = ['--project', 'unit', '--project', 'integration-pglite', ...(process.env.DATABASE_URL ? ['--project', 'integration-postgres'] : [])];
const [e2e, rest] = await Promise.all([vitest(['--project', 'e2e'], '[e2e]'), vitest(others, '[unit+integration]')]);
console.log(`\ne2e: ${e2e === 0 ? 'passed' : 'FAILED'}; unit and integration: ${rest === 0 ? 'passed' : 'FAILED'}`);
process.exit(e2e || rest);
