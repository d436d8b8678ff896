import { execFileSync } from 'node:child_process';

/** Whether an external program the tests check PDFs with (pdfsig, pdftotext, openssl) is installed. */
export function hasTool(command: string, versionFlag = '-v'): boolean {
  try {
    execFileSync(command, [versionFlag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
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
