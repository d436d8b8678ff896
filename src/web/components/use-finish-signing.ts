import { useEffect, useRef, useState } from 'react';
import type { ContractJob } from '../api/contract-jobs';
import { completeSigning, fetchSigning } from '../api/signings';
import { dropBrowserKey, loadBrowserKey } from '../signing/browser-key';

/**
 * A contract job that prepared Party A's own-key signature (a big attachment) and waits for it:
 * the key this browser kept for the signing signs the prepared attributes and completes it, once
 * per job (again on `retry`). The key is dropped once the job has ended, however it ended.
 */
export function useFinishSigning(job: ContractJob | undefined, onCompleted: () => void) {
  const [error, setError] = useState<unknown>(null);
  const [hasNoKey, setHasNoKey] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const started = useRef<string | null>(null);
  const signingId = job?.signingId;
  const isWaiting = job?.state === 'awaiting_signature';
  const isOver = job?.state === 'done' || job?.state === 'failed';
  // The latest callback, without restarting the signature when it changes.
  const completed = useRef(onCompleted);
  completed.current = onCompleted;

  useEffect(() => {
    if (!isWaiting || !signingId) return;
    const run = `${signingId}:${attempt}`;
    if (started.current === run) return;
    started.current = run;
    void (async () => {
      setError(null);
      try {
        const key = await loadBrowserKey(signingId);
        if (!key) {
          setHasNoKey(true);
          return;
        }
        const { signing } = await fetchSigning(signingId);
        if (signing.toBeSigned) await completeSigning(signingId, await key.sign(signing.toBeSigned), `${signingId}:complete`);
        completed.current();
      } catch (err) {
        setError(err);
      }
    })();
  }, [isWaiting, signingId, attempt]);

  useEffect(() => {
    if (signingId && isOver) void dropBrowserKey(signingId).catch(() => {});
  }, [signingId, isOver]);

  return { error, hasNoKey, retry: () => setAttempt((a) => a + 1) };
}
