import { App } from 'antd';
import { useEffect } from 'react';
import { useBlocker } from 'react-router-dom';
import { useT } from '../i18n';

/**
 * A wizard with choices made asks before the user leaves it for another page. Moving between
 * its own steps (Back, Forward: the same path, another query) is not leaving; a refresh keeps
 * the choices, which are in the URL.
 */
export function useLeaveGuard(hasUnsavedChoices: boolean) {
  const t = useT();
  const { modal } = App.useApp();
  const blocker = useBlocker(({ currentLocation, nextLocation }) => hasUnsavedChoices && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    const dialog = modal.confirm({
      title: t('leave.title'),
      content: t('leave.description'),
      okText: t('leave.leave'),
      cancelText: t('leave.stay'),
      okButtonProps: { danger: true, 'data-testid': 'leave-confirm' } as never,
      onOk: () => blocker.proceed(),
      onCancel: () => blocker.reset(),
    });
    return () => dialog.destroy();
  }, [blocker, modal, t]);
}
