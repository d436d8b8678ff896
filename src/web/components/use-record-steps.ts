import { App } from 'antd';
import { useState } from 'react';
import { useErrorText } from './use-error-text';

/**
 * Steps on a loaded record, each answered with the record as it now is. Someone else (the desk,
 * another operator) may have moved it meanwhile: a refused step is shown and, from a button,
 * the record reloaded to show what it is now.
 */
export function useRecordSteps<T, K extends string = never>(setData: (data: T) => void, reload: () => void) {
  const errorText = useErrorText();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<K | null>(null);

  /** A step from a button: `busy` names it while it runs. */
  const run = async (kind: K, call: () => Promise<T>, done: string) => {
    setBusy(kind);
    try {
      setData(await call());
      message.success(done);
    } catch (err) {
      message.error(errorText(err));
      reload();
    } finally {
      setBusy(null);
    }
  };

  /** A step from a modal: closed once done; on refusal the error rethrows so the modal stays open. */
  const submit = async (call: () => Promise<T>, done: string, close: () => void) => {
    try {
      setData(await call());
      message.success(done);
      close();
    } catch (err) {
      message.error(errorText(err));
      throw err;
    }
  };

  return { busy, run, submit };
}
