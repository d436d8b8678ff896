import { CheckOutlined, CloseOutlined, DownloadOutlined, SendOutlined, UploadOutlined, VerifiedOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Popconfirm, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import {
  type Courier,
  fetchStampingRequest,
  receiveStampingRequest,
  rejectStampingRequest,
  returnStampingRequest,
  type StampingRequest,
  stampingPrintUrl,
  stampStampingRequest,
  uploadStampedScan,
} from '../api/stamping';
import { monospace } from '../components/format';
import { useErrorText } from '../components/use-error-text';
import { CourierModal } from '../components/courier-fields';
import { DetailPlaceholder, NumberTitle } from '../components/detail-page-parts';
import { PageHeader } from '../components/page-header';
import { ReasonModal } from '../components/reason-modal';
import { StampingRequestCards } from '../components/stamping-request-cards';
import { StampingStatusTag } from '../components/stamping-status-tag';
import { useLoad } from '../components/use-load';
import { queryKeys } from '../api/query';
import { useRecordSteps } from '../components/use-record-steps';
import { useT } from '../i18n';

/** One upload per contract: the scan of one original stamped by both parties, archived once. */
function ScanUploadCard({ request }: { request: StampingRequest }) {
  const t = useT();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [archived, setArchived] = useState<Record<string, string>>({});
  const upload = async (contractId: string, file: File) => {
    setBusy(contractId);
    try {
      const scan = await uploadStampedScan(request.id, file, contractId);
      setArchived((previous) => ({ ...previous, [contractId]: scan.sha256 }));
      message.success(t('stamping.scanUploaded'));
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Card title={t('stamping.uploadScan')} data-testid="scan-upload">
      <Alert type="info" showIcon title={t('stamping.uploadScanHint')} style={{ marginBottom: 12 }} />
      <Space vertical>
        {request.contracts.map((c) => (
          <Space key={c.id} wrap>
            <Typography.Text style={monospace}>{c.number}</Typography.Text>
            {archived[c.id] ? (
              <Typography.Text type="success" data-testid="scan-archived">
                {t('stamping.scanArchived')} · SHA-256 {archived[c.id]!.slice(0, 16)}…
              </Typography.Text>
            ) : (
              <Upload
                accept="application/pdf,.pdf"
                showUploadList={false}
                beforeUpload={(file) => {
                  void upload(c.id, file);
                  return false;
                }}
              >
                <Button icon={<UploadOutlined />} loading={busy === c.id} data-testid="scan-upload-button">
                  {t('stamping.uploadScan')}
                </Button>
              </Upload>
            )}
          </Space>
        ))}
      </Space>
    </Card>
  );
}

/** The contract desk on one request: 签收 → 盖章完成 → 寄回, or 驳回 before stamping. */
export function AdminStampingDetailPage() {
  const t = useT();
  const { id = '' } = useParams();
  const { data, error, reload, setData } = useLoad([...queryKeys.stamping, 'admin-detail', id], (signal) => fetchStampingRequest(id, signal));
  const [modal, setModal] = useState<'return' | 'reject' | null>(null);
  const steps = useRecordSteps<{ request: StampingRequest }, 'receive' | 'stamp'>(setData, reload);
  const request = data?.request;
  const breadcrumb = [t('nav.operations'), { title: t('nav.adminStamping'), to: '/admin/stamping' }, request?.number ?? t('stamping.detail')];

  if (error || !request) return <DetailPlaceholder breadcrumb={breadcrumb} title={t('stamping.detail')} error={error} onRetry={reload} />;

  const close = () => setModal(null);
  const sendBack = (courier: Courier) =>
    steps.submit(() => returnStampingRequest(request.id, courier), t('stamping.admin.returned', { number: request.number }), close);
  const reject = (reason: string) => steps.submit(() => rejectStampingRequest(request.id, reason), t('stamping.admin.rejected', { number: request.number }), close);

  const canReject = request.status === 'submitted' || request.status === 'received';
  const actions = (
    <Space wrap>
      <Button icon={<DownloadOutlined />} href={stampingPrintUrl(request.id)} download data-testid="download-print-package">
        {t('stamping.printPackage')}
      </Button>
      {request.status === 'submitted' && (
        <Popconfirm
          title={t('stamping.admin.receiveConfirm', { tracking: request.courier?.trackingNumber ?? '' })}
          okText={t('stamping.admin.receive')}
          cancelText={t('common.cancel')}
          onConfirm={() => steps.run('receive', () => receiveStampingRequest(request.id), t('stamping.admin.received', { number: request.number }))}
        >
          <Button type="primary" icon={<CheckOutlined />} loading={steps.busy === 'receive'} data-testid="receive-request">
            {t('stamping.admin.receive')}
          </Button>
        </Popconfirm>
      )}
      {request.status === 'received' && (
        <Popconfirm
          title={t('stamping.admin.stampConfirm')}
          okText={t('stamping.admin.stamp')}
          cancelText={t('common.cancel')}
          onConfirm={() => steps.run('stamp', () => stampStampingRequest(request.id), t('stamping.admin.stamped', { number: request.number }))}
        >
          <Button type="primary" icon={<VerifiedOutlined />} loading={steps.busy === 'stamp'} data-testid="stamp-request">
            {t('stamping.admin.stamp')}
          </Button>
        </Popconfirm>
      )}
      {request.status === 'stamped' && (
        <Button type="primary" icon={<SendOutlined />} onClick={() => setModal('return')} data-testid="return-request">
          {t('stamping.admin.return')}
        </Button>
      )}
      {canReject && (
        <Button danger icon={<CloseOutlined />} onClick={() => setModal('reject')} data-testid="reject-request">
          {t('stamping.admin.reject')}
        </Button>
      )}
    </Space>
  );

  return (
    <>
      <PageHeader
        breadcrumb={breadcrumb}
        title={<NumberTitle number={request.number} testId="request-number" status={<StampingStatusTag status={request.status} />} />}
        subtitle={t(`stamping.admin.hint.${request.status}`)}
        extra={actions}
      />
      <Flex vertical gap={16}>
        {(request.status === 'stamped' || request.status === 'returned' || request.status === 'completed') && <ScanUploadCard request={request} />}
        <StampingRequestCards request={request} contractPath={(contractId) => `/admin/contracts/${contractId}`} showParty />
      </Flex>
      <CourierModal
        open={modal === 'return'}
        title={t('stamping.admin.returnTitle')}
        description={t('stamping.admin.returnDescription', {
          recipient: request.returnAddress.recipient,
          address: `${request.returnAddress.province}${request.returnAddress.city}${request.returnAddress.district}${request.returnAddress.street}`,
        })}
        okText={t('stamping.admin.return')}
        onClose={() => setModal(null)}
        onSubmit={sendBack}
      />
      <ReasonModal
        open={modal === 'reject'}
        title={t('stamping.admin.rejectTitle')}
        description={t('stamping.admin.rejectSubject', { number: request.number, party: request.partyAName })}
        reasonLabel={t('stamping.admin.rejectReason')}
        reasonPlaceholder={t('stamping.admin.rejectReason.placeholder')}
        okText={t('stamping.admin.reject')}
        onClose={() => setModal(null)}
        onSubmit={reject}
      />
    </>
  );
}
