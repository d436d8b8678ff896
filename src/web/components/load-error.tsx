import { Button, Card, Result } from 'antd';
import { useT } from '../i18n';
import { useErrorText } from './use-error-text';

export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const t = useT();
  const errorText = useErrorText();
  return (
    <Card>
      <Result
        status="error"
        title={t('common.loadFailed')}
        subTitle={errorText(error)}
        extra={<Button onClick={onRetry}>{t('common.retry')}</Button>}
      />
    </Card>
  );
}
