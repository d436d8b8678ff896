// Runs in a worker thread of the verifier pool (see verify-pool.ts).
import { createHash } from 'node:crypto';
import { type MessagePort, workerData } from 'node:worker_threads';
import type { VerificationResult } from './status.js';
import { verifyPdf } from './verify-pdf.js';

export type VerifyWorkerData = { trustedRootsPem: string[] };
export type VerifyTask = {
  bytes: Uint8Array;
  requiredRoles?: ('party_a' | 'party_b')[];
  /** Told when verification starts, so that the time budget leaves out queueing and start-up. */
  started?: MessagePort;
};

export type VerifiedFile = { result: VerificationResult; sha256: string };

/** Also hashes the file: 20 MB of SHA-256 is better spent here than on the request thread. */
export function verifyFile(task: VerifyTask, trustedRoots: string[]): VerifiedFile {
  return {
    result: verifyPdf(task.bytes, { trustedRoots, requiredRoles: task.requiredRoles }),
    sha256: createHash('sha256').update(task.bytes).digest('hex'),
  };
}

export default function verifyTask(task: VerifyTask): VerifiedFile {
  task.started?.postMessage('started');
  task.started?.close();
  return verifyFile(task, (workerData as VerifyWorkerData).trustedRootsPem);
}
