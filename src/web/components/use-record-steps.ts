import { App } from 'antd';
import { useState } from 'react';
import { queryKeys, useInvalidate } from '../api/query';
import { useErrorText } from './use-error-text';

/**
 * Steps on a loaded record, each answered with the record as it now is. Someone else (the desk,
 * another operator) may have moved it meanwhile: a refused step is shown and, from a button,
 * the record reloaded to show what it is now. A step on a contract moves its stamping request and
 * the other way round, so both areas' cached lists are invalidated after each.
 */
export function useRecordSteps<T, K extends string = never>(setData: (data: T) => void, reload: () => void) {
  const errorText = useErrorText();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<K | null>(null);
  const invalidate = useInvalidate();
  const done = () => invalidate(queryKeys.contracts, queryKeys.stamping);

  /** A step from a button: `busy` names it while it runs. */
  const run = async (kind: K, call: () => Promise<T>, doneText: string) => {
    setBusy(kind);
    try {
      setData(await call());
      done();
      message.success(doneText);
    } catch (err) {
      message.error(errorText(err));
      reload();
    } finally {
      setBusy(null);
    }
  };

  /** A step from a modal: closed once done; on refusal the error rethrows so the modal stays open. */
  const submit = async (call: () => Promise<T>, doneText: string, close: () => void) => {
    try {
      setData(await call());
      done();
      message.success(doneText);
      close();
    } catch (err) {
      message.error(errorText(err));
      throw err;
    }
  };

  return { busy, run, submit };
}
