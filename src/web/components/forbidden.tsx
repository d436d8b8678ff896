import { Result } from 'antd';
import { useDocumentTitle } from './document-title';
import { useT } from '../i18n';

/** 无权访问: an operator's page opened by a customer. */
export function Forbidden() {
  const t = useT();
  useDocumentTitle(t('forbidden.title'));
  return (
    <Result
      status="403"
      title={<h1 style={{ fontSize: 24, margin: 0 }}>{t('forbidden.title')}</h1>}
      subTitle={t('forbidden.description')}
    />
  );
}
