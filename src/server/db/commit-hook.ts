import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from './client.js';

/** Work a request wants done inside whichever transaction its operation commits. */
export type CommitHook = (tx: Database, result: unknown) => Promise<void>;

const hooks = new AsyncLocalStorage<CommitHook>();

/** Runs `fn` so that every top-level transaction it commits also runs `hook`, before COMMIT. */
export function withCommitHook<T>(hook: CommitHook, fn: () => Promise<T>): Promise<T> {
  return hooks.run(hook, fn);
}

/**
 * Makes `db.transaction` call the current request's commit hook with the transaction's result,
 * inside it: what the hook writes commits or rolls back with the operation's own rows, and the
 * operations need not know about it. Savepoints (`tx.transaction`) are not hooked.
 */
export function hookTransactions<D extends Database>(db: D): D {
  const original = db.transaction.bind(db);
  db.transaction = ((fn: (tx: Database) => Promise<unknown>, config?: never) =>
    original(async (tx) => {
      const result = await fn(tx as unknown as Database);
      const hook = hooks.getStore();
      if (hook) await hook(tx as unknown as Database, result);
      return result;
    }, config)) as D['transaction'];
  return db;
}

/**
 * Runs `fn` outside the current request's commit hook: work a request starts in the
 * background (a contract job) commits rows that are not the request's answer.
 */
export function outsideRequest<T>(fn: () => T): T {
  return hooks.exit(fn);
}
