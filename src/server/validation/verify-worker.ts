// Runs in a worker thread of the verifier pool (see verify-pool.ts).
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

const { trustedRootsPem } = workerData as VerifyWorkerData;

export default function verifyTask(task: VerifyTask): VerificationResult {
  task.started?.postMessage('started');
  task.started?.close();
  return verifyPdf(task.bytes, { trustedRoots: trustedRootsPem, requiredRoles: task.requiredRoles });
}
