import { Card, Typography } from 'antd';
import { useT } from '../i18n';

/** 用户协议 / 隐私政策: the version a registration agrees to is the server's termsVersion. */
export const legalVersion = '2026-12-01';

export function LegalPage({ doc }: { doc: 'terms' | 'privacy' }) {
  const t = useT();
  const paragraphs = t(doc === 'terms' ? 'legal.terms.body' : 'legal.privacy.body').split('\n');
  return (
    <Card data-testid={`legal-${doc}`}>
      <Typography.Title level={3}>{t(doc === 'terms' ? 'legal.terms' : 'legal.privacy')}</Typography.Title>
      <Typography.Text type="secondary">{t('legal.version', { version: legalVersion })}</Typography.Text>
      {paragraphs.map((p) => (
        <Typography.Paragraph key={p} style={{ marginTop: 12 }}>
          {p}
        </Typography.Paragraph>
      ))}
    </Card>
  );
}
