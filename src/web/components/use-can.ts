import type { Action } from '../../shared/permissions';
import { useMe } from '../api/session';
import { useT } from '../i18n';

/**
 * Whether the signed-in member may do an action, and if not, the reason to show beside the
 * disabled control; the server refuses it anyway (403 permission_denied).
 */
export function useCan(action: Action): { allowed: boolean; reason: string | undefined } {
  const me = useMe();
  const t = useT();
  const allowed = me.permissions.includes(action);
  return { allowed, reason: allowed ? undefined : t('permission.denied', { action: t(`permission.${action}`) }) };
}
