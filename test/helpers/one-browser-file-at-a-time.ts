import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/**
 * The e2e project's setup file: its files run beside the other projects' files in the same two
 * workers (test/helpers/sequencer.ts spreads them through the run), but never two at once: two
 * Chromiums and two servers on two cores make a slow machine's clicks and waits unreliable. A
 * file waits here, before its own hooks start, until no other browser file of this run holds
 * the lock (a directory: mkdir is atomic). The run is the Vitest process the workers belong to.
 */
const lock = path.join(tmpdir(), `qiyue-e2e-lock-${process.ppid}`);
const owner = path.join(lock, 'pid');

function holderIsGone(): boolean {
  try {
    process.kill(Number(readFileSync(owner, 'utf8')), 0);
    return false;
  } catch (error) {
    // No pid file yet: the holder is between mkdir and writing it.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

for (;;) {
  try {
    mkdirSync(lock);
    writeFileSync(owner, String(process.pid));
    break;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A worker that crashed holding it (a killed run) must not stop the rest.
    if (holderIsGone()) rmSync(lock, { recursive: true, force: true });
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

afterAll(() => {
  rmSync(lock, { recursive: true, force: true });
});
