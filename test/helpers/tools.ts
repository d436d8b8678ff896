import { execFileSync } from 'node:child_process';

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
