import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { AppError } from '../../shared/errors.js';
import type { VerificationResult } from './status.js';
import { type VerifiedFile, type VerifyTask, type VerifyWorkerData, verifyFile } from './verify-worker.js';
import { workerModule } from '../worker-module.js';

/**
 * Verification off the request thread: a pool of its own (one thread by default on a small
 * machine), a time and memory budget per file, and a short queue. A file over its time
 * budget gets `verification_timeout` and its worker is replaced; when the queue is full the
 * caller gets 503 with Retry-After instead of waiting behind hostile uploads.
 */
export type PdfVerifier = {
  /** The verdict, and the file's SHA-256 (hex). */
  verify(bytes: Buffer, o?: { requiredRoles?: VerifyTask['requiredRoles'] }): Promise<VerifiedFile>;
  close(): Promise<void>;
};

export type PdfVerifierOptions = {
  trustedRootsPem: string[];
  /** 0 verifies in process (tests, tools): no budget then. */
  threads: number;
  maxQueue?: number;
  timeBudgetMs?: number;
  maxMemoryMb?: number;
};

export const verifyRetryAfterSeconds = 2;

const unanswered = (problem: VerificationResult['problems'][number]): VerifiedFile => ({
  result: { authentic: false, level: null, signatures: [], revisions: [], problems: [problem] },
  // Not worth hashing a file nobody could verify: no stored contract will match.
  sha256: '',
});

export function createPdfVerifier(o: PdfVerifierOptions): PdfVerifier {
  if (o.threads <= 0) {
    return {
      verify: async (bytes, v) => verifyFile({ bytes, requiredRoles: v?.requiredRoles }, o.trustedRootsPem),
      close: async () => {},
    };
  }
  const maxQueue = o.maxQueue ?? 4;
  const budget = o.timeBudgetMs ?? 2000;
  let pool: Piscina<VerifyTask, VerifiedFile> | undefined;
  const started = () =>
    (pool ??= new Piscina({
      ...workerModule('verify-worker', import.meta.url),
      minThreads: o.threads,
      maxThreads: o.threads,
      maxQueue,
      idleTimeout: 60_000,
      // A small young generation: what a verification keeps is bounded by the old generation.
      resourceLimits: { maxOldGenerationSizeMb: o.maxMemoryMb ?? 256, maxYoungGenerationSizeMb: 8 },
      workerData: { trustedRootsPem: o.trustedRootsPem } satisfies VerifyWorkerData,
    }));
  return {
    async verify(bytes, v) {
      const p = started();
      // Piscina counts tasks waiting for a thread; refuse before copying the upload.
      if (p.queueSize >= maxQueue) {
        throw new AppError('service_unavailable', 'Too many verifications at once; try again shortly', {
          headers: { 'retry-after': String(verifyRetryAfterSeconds) },
        });
      }
      const copy = new Uint8Array(bytes.length);
      copy.set(bytes);
      // The budget counts from the moment the worker starts on this file: queueing is bounded
      // by maxQueue, and a worker's start-up is not the file's fault.
      const abort = new AbortController();
      const { port1, port2 } = new MessageChannel();
      let timer: NodeJS.Timeout | undefined;
      port1.once('message', () => {
        timer = setTimeout(() => abort.abort(), budget);
      });
      try {
        return await p.run(
          { bytes: copy, requiredRoles: v?.requiredRoles, started: port2 },
          { transferList: [copy.buffer, port2], signal: abort.signal },
        );
      } catch (error) {
        const name = (error as Error)?.name;
        if (name === 'AbortError') return unanswered('verification_timeout');
        // A worker killed by its memory limit: the file is what exhausted it.
        if ((error as { code?: string })?.code === 'ERR_WORKER_OUT_OF_MEMORY') return unanswered('file_too_complex');
        if (/queue is at limit/i.test((error as Error)?.message ?? '')) {
          throw new AppError('service_unavailable', 'Too many verifications at once; try again shortly', {
            headers: { 'retry-after': String(verifyRetryAfterSeconds) },
          });
        }
        throw error;
      } finally {
        clearTimeout(timer);
        port1.close();
      }
    },
    async close() {
      await pool?.destroy();
    },
  };
}
