import { Alert, Button, type ButtonProps, Card, Result, Tooltip } from 'antd';
import { Link } from 'react-router-dom';
import type { Action } from '../../shared/permissions';
import { useT } from '../i18n';
import { useCan } from './use-can';

/**
 * A button for an action the member's role may lack: without the permission it stays in view,
 * disabled, its tooltip saying which permission it needs (the server refuses it anyway).
 * `blocked` is another reason it is disabled (a state rule), shown when the role allows it.
 */
export function PermittedButton({ action, blocked, disabled, ...props }: ButtonProps & { action: Action; blocked?: string }) {
  const can = useCan(action);
  const reason = can.reason ?? blocked;
  return (
    <Tooltip title={reason}>
      <Button {...props} disabled={disabled || !can.allowed || Boolean(blocked)} data-permission={can.allowed ? undefined : action} />
    </Tooltip>
  );
}

/** Above a form or page whose action the member's role lacks: why it is read-only. */
export function PermissionNotice({ action, style }: { action: Action; style?: React.CSSProperties }) {
  const can = useCan(action);
  if (can.allowed) return null;
  return <Alert type="info" showIcon title={can.reason} style={{ marginBottom: 16, ...style }} data-testid={`permission-notice-${action}`} />;
}

/**
 * A whole page (a wizard) whose action the member's role lacks: said at once, with the way
 * back, instead of letting them fill in steps the server will refuse.
 */
export function PermissionResult({ action, backTo }: { action: Action; backTo: string }) {
  const can = useCan(action);
  const t = useT();
  return (
    <Card>
      <Result
        status="warning"
        title={t('permission.pageTitle')}
        subTitle={can.reason}
        extra={
          <Link to={backTo}>
            <Button>{t('common.back')}</Button>
          </Link>
        }
        data-testid={`permission-result-${action}`}
      />
    </Card>
  );
}
