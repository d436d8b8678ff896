import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Space, Typography } from 'antd';
import { fetchTrustAnchor } from '../api/trust';
import { useT } from '../i18n';
import { formatDate, monospace } from './format';

/**
 * The platform root certificate: its SHA-256 fingerprint to compare, download links, and how
 * to trust it in Adobe Reader, so that anyone can check a contract without this service.
 */
export function TrustAnchorCard() {
  const t = useT();
  const root = useQuery({ queryKey: ['trust', 'root'], queryFn: ({ signal }) => fetchTrustAnchor(signal), staleTime: Number.POSITIVE_INFINITY });
  return (
    <Card
      title={
        <Space>
          <SafetyCertificateOutlined />
          {t('trust.title')}
        </Space>
      }
      loading={root.isPending}
      data-testid="trust-anchor"
    >
      {root.data && (
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('trust.subject')}>{root.data.subject}</Descriptions.Item>
          <Descriptions.Item label={t('trust.fingerprint')}>
            <Typography.Text copyable style={{ ...monospace, wordBreak: 'break-all' }} data-testid="trust-fingerprint">
              {root.data.sha256Fingerprint}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('trust.validUntil')}>{formatDate(root.data.notAfter)}</Descriptions.Item>
          <Descriptions.Item label={t('trust.download')}>
            <Space>
              <a href={root.data.der} download="qiyue-root.crt">
                root.crt (DER)
              </a>
              <a href={root.data.pem} download="qiyue-root.pem">
                root.pem (PEM)
              </a>
            </Space>
          </Descriptions.Item>
        </Descriptions>
      )}
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('trust.adobe')}
      </Typography.Paragraph>
    </Card>
  );
}
