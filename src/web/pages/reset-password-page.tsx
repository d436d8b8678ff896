import { LockOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { newPassword } from '../../shared/schemas/auth';
import { completePasswordReset } from '../api/auth';
import { AuthCard } from '../components/auth-card';
import { zodRule } from '../components/form-rules';
import { useErrorText } from '../components/use-error-text';
import { useT } from '../i18n';

export function ResetPasswordPage() {
  const t = useT();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const token = useSearchParams()[0].get('token') ?? '';
  const [error, setError] = useState<string | null>(token ? null : t('auth.reset.noToken'));
  const [submitting, setSubmitting] = useState(false);

  const onFinish = async (values: { password: string }) => {
    setSubmitting(true);
    setError(null);
    try {
      await completePasswordReset(token, values.password);
      message.success(t('auth.reset.done'));
      navigate('/login', { replace: true });
    } catch (err) {
      setError(errorText(err));
      setSubmitting(false);
    }
  };

  return (
    <AuthCard title={t('auth.reset.title')} footer={<Link to="/forgot-password">{t('auth.forgot.title')}</Link>}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Form layout="vertical" requiredMark={false} onFinish={onFinish} disabled={submitting || !token}>
        <Form.Item name="password" label={t('security.password.new')} rules={[{ required: true, message: t('validation.required') }, zodRule(newPassword, t)]}>
          <Input.Password prefix={<LockOutlined />} placeholder={t('auth.password.newPlaceholder')} autoComplete="new-password" size="large" />
        </Form.Item>
        <Form.Item
          name="passwordConfirm"
          label={t('auth.passwordConfirm')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('validation.required') },
            ({ getFieldValue }) => ({
              validator: async (_rule, value: string | undefined) => {
                if (value && value !== getFieldValue('password')) throw new Error(t('validation.passwordMismatch'));
              },
            }),
          ]}
        >
          <Input.Password prefix={<LockOutlined />} placeholder={t('auth.passwordConfirm.placeholder')} autoComplete="new-password" size="large" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" loading={submitting}>
          {t('auth.reset.submit')}
        </Button>
      </Form>
    </AuthCard>
  );
}
