import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const isCi = process.env.CI === 'true' || process.env.CI === '1';

/**
 * Answers false where a test may skip for want of a tool; in CI (`CI=true`) a missing tool
 * throws instead, so that a green run cannot hide tests that never ran.
 */
export function missingTool(what: string): false {
  if (isCi) throw new Error(`${what} is required in CI (.ci/run installs it) but is missing`);
  console.warn(`skipping tests that need ${what}: not installed`);
  return false;
}

/** Whether an external program the tests check PDFs with (pdfsig, pdftotext, openssl) is installed. */
export function hasTool(command: string, versionFlag = '-v'): boolean {
  try {
    execFileSync(command, [versionFlag], { stdio: 'ignore' });
    return true;
  } catch {
    return missingTool(command);
  }
}

/** A command's standard output, also when it exits non-zero (pdfsig does for untrusted roots). */
export function outputOf(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8' });
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

/**
 * Runs one of poppler's tools on a PDF given as bytes (written to a temporary file, since
 * not every tool reads standard input) and returns what it printed. In CI a missing tool fails
 * the test instead of skipping it.
 */
export function pdfTool(command: string, args: string[], pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'qiyue-pdf-'));
  try {
    const file = join(dir, 'file.pdf');
    writeFileSync(file, pdf);
    const run = spawnSync(command, args.map((a) => (a === '-' ? file : a)), { encoding: 'utf8' });
    if (run.error) throw run.error;
    return `${run.stdout}${run.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * pyHanko, the independent PAdES validator the signature tests judge issued files with. It is
 * not part of the repository: it sits in the workplace's shared tools, beside the checkout
 * (`../shared/tools`), or where QIYUE_PYHANKO says.
 */
const pyhankoCandidates = [
  process.env.QIYUE_PYHANKO,
  join(import.meta.dirname, '../../../shared/tools/pyhanko-0.20.1/validate'),
  '/work/shared/tools/pyhanko-0.20.1/validate',
].filter((p): p is string => Boolean(p));
export const pyhankoPath = pyhankoCandidates.find((p) => existsSync(p)) ?? pyhankoCandidates[0]!;

/** Whether pyHanko runs here: its script found and Debian's Python holding every module it imports. */
export function hasPyhanko(): boolean {
  if (!existsSync(pyhankoPath)) return missingTool(`pyHanko (not found at ${pyhankoCandidates.join(' or ')}; QIYUE_PYHANKO names it)`);
  if (spawnSync(pyhankoPath, ['--version']).status === 0) return true;
  return missingTool(`pyHanko (${pyhankoPath} on /usr/bin/python3 with its Debian modules)`);
}
