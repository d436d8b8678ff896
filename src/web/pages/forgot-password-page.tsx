import { MailOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { passwordResetBody } from '../../shared/schemas/auth';
import { requestPasswordReset } from '../api/auth';
import { AuthCard } from '../components/auth-card';
import { requiredRule, zodRule } from '../components/form-rules';
import { useErrorText } from '../components/use-error-text';
import { useT } from '../i18n';

export function ForgotPasswordPage() {
  const t = useT();
  const errorText = useErrorText();
  const [state, setState] = useState<{ sent: boolean; error: string | null; submitting: boolean }>({ sent: false, error: null, submitting: false });

  const onFinish = async (values: { email: string }) => {
    setState({ sent: false, error: null, submitting: true });
    try {
      await requestPasswordReset(values.email.trim());
      setState({ sent: true, error: null, submitting: false });
    } catch (err) {
      setState({ sent: false, error: errorText(err), submitting: false });
    }
  };

  return (
    <AuthCard title={t('auth.forgot.title')} footer={<Link to="/login">{t('auth.register.toLogin')}</Link>}>
      {state.error && <Alert type="error" showIcon title={state.error} style={{ marginBottom: 16 }} data-testid="form-error" />}
      {state.sent ? (
        <Alert type="success" showIcon title={t('auth.forgot.sent')} data-testid="reset-sent" />
      ) : (
        <Form layout="vertical" requiredMark={false} onFinish={onFinish} disabled={state.submitting}>
          <Form.Item name="email" label={t('auth.email')} rules={[requiredRule(t), zodRule(passwordResetBody.shape.email, t)]} validateTrigger="onBlur">
            <Input prefix={<MailOutlined />} placeholder={t('auth.email.placeholder')} autoComplete="username" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={state.submitting}>
            {t('auth.forgot.submit')}
          </Button>
        </Form>
      )}
      <Typography.Text type="secondary" />
    </AuthCard>
  );
}
