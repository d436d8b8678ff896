import { Alert, App, Button, Card, Flex, Form, Image, Input, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { newPassword, type SessionItem, totpCode } from '../../shared/schemas/auth';
import { changePassword, confirmTotp, endSession, fetchSessions, startTotp } from '../api/auth';
import { useSession } from '../api/session';
import { zodRule } from '../components/form-rules';
import { formatDateTime, monospace } from '../components/format';
import { PageHeader } from '../components/page-header';
import { useErrorText } from '../components/use-error-text';
import { useLoad } from '../components/use-load';
import { useT } from '../i18n';

function PasswordCard() {
  const t = useT();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string }>();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const onFinish = async (values: { currentPassword: string; newPassword: string }) => {
    setSubmitting(true);
    setError(null);
    try {
      await changePassword(values.currentPassword, values.newPassword);
      message.success(t('security.password.done'));
      form.resetFields();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSubmitting(false);
    }
  };
  return (
    <Card title={t('security.password.title')} data-testid="password-card">
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Form form={form} layout="vertical" style={{ maxWidth: 360 }} onFinish={onFinish} disabled={submitting} requiredMark={false}>
        <Form.Item name="currentPassword" label={t('security.password.current')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="newPassword" label={t('security.password.new')} rules={[{ required: true, message: t('validation.required') }, zodRule(newPassword, t)]}>
          <Input.Password autoComplete="new-password" placeholder={t('auth.password.newPlaceholder')} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={submitting}>
          {t('security.password.title')}
        </Button>
      </Form>
    </Card>
  );
}

function SessionsCard() {
  const t = useT();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const sessions = useLoad(['auth-sessions'], (signal) => fetchSessions(signal));
  const signOut = async (id: string) => {
    try {
      await endSession(id);
      message.success(t('security.sessions.signedOut'));
      sessions.reload();
    } catch (err) {
      message.error(errorText(err));
    }
  };
  return (
    <Card title={t('security.sessions.title')}>
      <Table<SessionItem>
        rowKey="id"
        size="small"
        pagination={false}
        loading={sessions.loading}
        dataSource={sessions.data?.items ?? []}
        data-testid="sessions-table"
        columns={[
          {
            title: t('security.sessions.device'),
            dataIndex: 'device',
            render: (device: string, row) => (
              <Space>
                {device}
                {row.isCurrent && <Tag color="blue">{t('security.sessions.current')}</Tag>}
              </Space>
            ),
          },
          { title: t('security.sessions.ip'), dataIndex: 'ip', render: (ip: string | null) => <span style={monospace}>{ip ?? t('common.none')}</span> },
          { title: t('security.sessions.lastSeen'), dataIndex: 'lastSeenAt', render: (at: string) => formatDateTime(at) },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, row) =>
              row.isCurrent ? null : (
                <Button type="link" danger onClick={() => signOut(row.id)}>
                  {t('security.sessions.signOut')}
                </Button>
              ),
          },
        ]}
      />
    </Card>
  );
}

function TotpCard() {
  const t = useT();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const { session, refresh } = useSession();
  const me = session.state === 'signed-in' ? session.me : null;
  const [enrolment, setEnrolment] = useState<{ secret: string; qrDataUrl: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      setEnrolment(await startTotp());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (values: { code: string }) => {
    setBusy(true);
    setError(null);
    try {
      await confirmTotp(values.code.trim());
      message.success(t('security.totp.done'));
      setEnrolment(null);
      await refresh();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('security.totp.title')} data-testid="totp-card">
      {me?.totpEnrolmentRequired && <Alert type="warning" showIcon title={t('security.totp.required')} style={{ marginBottom: 16 }} data-testid="totp-required" />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
      {me?.user.hasTotp ? (
        <Typography.Text data-testid="totp-on">{t('security.totp.on')}</Typography.Text>
      ) : enrolment ? (
        <Flex gap={24} wrap>
          <Image src={enrolment.qrDataUrl} width={180} preview={false} alt="otpauth QR" />
          <Form layout="vertical" onFinish={confirm} disabled={busy} requiredMark={false}>
            <Typography.Paragraph>{t('security.totp.scan')}</Typography.Paragraph>
            <Typography.Paragraph copyable style={monospace} data-testid="totp-secret">
              {enrolment.secret}
            </Typography.Paragraph>
            <Form.Item name="code" label={t('auth.totp')} rules={[{ required: true, message: t('validation.required') }, zodRule(totpCode, t)]}>
              <Input inputMode="numeric" maxLength={6} style={{ ...monospace, width: 160 }} placeholder={t('auth.totp.placeholder')} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('security.totp.confirm')}
            </Button>
          </Form>
        </Flex>
      ) : (
        <Space direction="vertical">
          <Typography.Text type="secondary">{t('security.totp.off')}</Typography.Text>
          <Button type="primary" onClick={start} loading={busy}>
            {t('security.totp.start')}
          </Button>
        </Space>
      )}
    </Card>
  );
}

/** Change password, the signed-in devices, two-step verification. */
export function SecurityPage() {
  const t = useT();
  return (
    <>
      <PageHeader breadcrumb={[t('nav.security')]} title={t('security.title')} />
      <Flex vertical gap={16}>
        <TotpCard />
        <PasswordCard />
        <SessionsCard />
      </Flex>
    </>
  );
}
