import { DownloadOutlined, FileProtectOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Space, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { StampedScan } from '../../shared/schemas/contract';
import { stampedScanUrl } from '../api/contracts';
import { useT } from '../i18n';
import { formatDateTime, monospace } from './format';
import { CourierLink } from './stamping-request-cards';

/**
 * 纸质合同已归档: the scan of the paper original stamped by both parties, and its seal record
 * (who stamped when, the request, the couriers both ways).
 */
export function SealRecordCard({ contractId, scan, requestPath }: { contractId: string; scan: StampedScan; requestPath: (id: string) => string }) {
  const t = useT();
  const r = scan.sealRecord;
  const when = (at: string | null) => (at ? formatDateTime(at) : '—');
  return (
    <Card
      title={
        <Space>
          <FileProtectOutlined />
          {t('contract.stampedScan.title')}
        </Space>
      }
      extra={
        <Button icon={<DownloadOutlined />} href={stampedScanUrl(contractId)} download data-testid="download-stamped-scan">
          {t('contract.stampedScan.download')}
        </Button>
      }
      data-testid="seal-record"
    >
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, lg: 2 }}
        styles={{ label: { width: 140 } }}
        items={[
          {
            key: 'request',
            label: t('contract.stampedScan.request'),
            children: (
              <Link to={requestPath(r.requestId)} style={monospace}>
                {r.requestNumber}
              </Link>
            ),
          },
          { key: 'uploadedAt', label: t('contract.stampedScan.uploadedAt'), children: formatDateTime(scan.uploadedAt) },
          { key: 'partyA', label: t('contract.stampedScan.partyA'), children: when(r.partyASubmittedAt) },
          { key: 'partyB', label: t('contract.stampedScan.partyB'), children: when(r.partyBStampedAt) },
          { key: 'outbound', label: t('contract.stampedScan.outbound'), children: r.courier ? <CourierLink courier={r.courier} /> : '—' },
          { key: 'return', label: t('contract.stampedScan.return'), children: r.returnCourier ? <CourierLink courier={r.returnCourier} /> : '—' },
          {
            key: 'sha256',
            label: t('contract.stampedScan.sha256'),
            span: 'filled' as const,
            children: (
              <Typography.Text copyable style={{ ...monospace, wordBreak: 'break-all' }}>
                {scan.sha256}
              </Typography.Text>
            ),
          },
        ]}
      />
    </Card>
  );
}
