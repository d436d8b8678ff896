import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Flex, Form, Input, Modal, Popconfirm, Segmented, Space, type TableColumnsType, Typography } from 'antd';
import { useState } from 'react';
import { type AdminVerification, rejectBody } from '../../shared/schemas/verification';
import { type AdminVerificationFilter, approveVerification, fetchAdminVerifications, rejectVerification } from '../api/verification';
import { formatDateTime } from '../components/format';
import { requiredRule, zodRule } from '../components/form-rules';
import { LoadError } from '../components/load-error';
import { PageHeader } from '../components/page-header';
import { VerificationStatusTag } from '../components/status-tag';
import { useErrorText } from '../components/use-error-text';
import { useLoad } from '../components/use-load';
import { queryKeys } from '../api/query';
import { ScrollTable, wrapCell } from '../components/scroll-table';
import { useT } from '../i18n';

function RejectModal({ target, onClose, onRejected }: { target: AdminVerification | null; onClose: () => void; onRejected: () => void }) {
  const t = useT();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [submitting, setSubmitting] = useState(false);

  const onOk = async () => {
    if (!target) return;
    let reason: string;
    try {
      ({ reason } = await form.validateFields());
    } catch {
      return; // the form shows what is missing
    }
    setSubmitting(true);
    try {
      await rejectVerification(target.id, reason.trim());
      message.success(t('admin.verifications.rejected', { name: target.name }));
      onRejected();
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={target !== null}
      title={t('admin.verifications.rejectTitle')}
      okText={t('admin.verifications.reject')}
      okButtonProps={{ danger: true, loading: submitting }}
      cancelText={t('common.cancel')}
      onOk={onOk}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{target && t('admin.verifications.rejectSubject', { name: target.name })}</Typography.Paragraph>
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="reason" label={t('admin.verifications.rejectReason')} rules={[requiredRule(t), zodRule(rejectBody.shape.reason, t)]}>
          <Input.TextArea rows={4} maxLength={500} showCount placeholder={t('admin.verifications.rejectReason.placeholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function AdminVerificationsPage() {
  const t = useT();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const [filter, setFilter] = useState<AdminVerificationFilter>('pending');
  const [rejecting, setRejecting] = useState<AdminVerification | null>(null);
  const [approvingId, setApprovingId] = useState<string | null>(null);
  const { data, error, loading, reload } = useLoad([...queryKeys.verification, 'admin', filter], (signal) => fetchAdminVerifications(filter, signal));

  const approve = async (item: AdminVerification) => {
    setApprovingId(item.id);
    try {
      await approveVerification(item.id);
      message.success(t('admin.verifications.approved', { name: item.name }));
      reload();
    } catch (err) {
      message.error(errorText(err));
      reload();
    } finally {
      setApprovingId(null);
    }
  };

  const columns: TableColumnsType<AdminVerification> = [
    { key: 'createdAt', title: t('admin.verifications.column.createdAt'), render: (_, v) => formatDateTime(v.createdAt), width: 150 },
    { key: 'email', dataIndex: 'email', title: t('admin.verifications.column.email'), onCell: wrapCell(180), width: 220 },
    { key: 'subjectType', title: t('admin.verifications.column.subjectType'), render: (_, v) => t(`subject.${v.subjectType}`), width: 90 },
    { key: 'name', dataIndex: 'name', title: t('admin.verifications.column.name') },
    {
      key: 'idCode',
      title: t('admin.verifications.column.idCode'),
      width: 200,
      render: (_, v) => <span style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>{v.creditCode ?? v.idNumber ?? '—'}</span>,
    },
    { key: 'legal', title: t('admin.verifications.column.legalRepresentative'), render: (_, v) => v.legalRepresentative ?? '—', width: 120 },
  ];
  if (filter === 'pending') {
    columns.push({
      key: 'actions',
      title: t('common.actions'),
      width: 150,
      render: (_, v) => (
        <Space size={4}>
          <Popconfirm
            title={t('admin.verifications.approveConfirm', { name: v.name })}
            okText={t('admin.verifications.approve')}
            cancelText={t('common.cancel')}
            onConfirm={() => approve(v)}
          >
            <Button type="link" size="small" loading={approvingId === v.id} data-testid="approve">
              {t('admin.verifications.approve')}
            </Button>
          </Popconfirm>
          <Button type="link" size="small" danger onClick={() => setRejecting(v)} data-testid="reject">
            {t('admin.verifications.reject')}
          </Button>
        </Space>
      ),
    });
  } else {
    columns.push({ key: 'status', title: t('admin.verifications.column.status'), render: (_, v) => <VerificationStatusTag status={v.status} />, width: 100 });
    if (filter === 'rejected') {
      columns.push({ key: 'reason', title: t('admin.verifications.column.rejectReason'), render: (_, v) => v.rejectReason ?? '—', onCell: wrapCell(160) });
    }
  }

  return (
    <>
      <PageHeader
        breadcrumb={[t('nav.operations'), t('nav.verificationReview')]}
        title={t('admin.verifications.title')}
        subtitle={t('admin.verifications.subtitle')}
      />
      <Card>
        <Flex justify="space-between" align="center" style={{ marginBottom: 16 }} gap={16} wrap>
          <Segmented<AdminVerificationFilter>
            value={filter}
            onChange={setFilter}
            options={[
              { value: 'pending', label: t('admin.verifications.filter.pending') },
              { value: 'verified', label: t('admin.verifications.filter.verified') },
              { value: 'rejected', label: t('admin.verifications.filter.rejected') },
            ]}
          />
          <Button icon={<ReloadOutlined />} onClick={reload}>
            {t('common.refresh')}
          </Button>
        </Flex>
        {error ? (
          <LoadError error={error} onRetry={reload} />
        ) : (
          <ScrollTable<AdminVerification>
            rowKey="id"
            columns={columns}
            dataSource={data?.items ?? []}
            loading={loading}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 1000 }}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={filter === 'pending' ? t('admin.verifications.empty') : t('common.noData')} /> }}
            data-testid="verification-queue"
          />
        )}
      </Card>
      <RejectModal
        target={rejecting}
        onClose={() => setRejecting(null)}
        onRejected={() => {
          setRejecting(null);
          reload();
        }}
      />
    </>
  );
}
