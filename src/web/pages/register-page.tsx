import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, theme } from 'antd';
// The two inputs alone: antd's Input namespace also carries TextArea, Search and OTP, which the
// first page a visitor loads does not need.
import Input from 'antd/es/input/Input';
import Password from 'antd/es/input/Password';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useSession } from '../api/session';
import { AuthCard } from '../components/auth-card';
import { requiredRule, zodRule } from '../components/form-rules';
import { useErrorText } from '../components/use-error-text';
import { useT } from '../i18n';
import { TermsConsentItem } from '../components/terms-consent-item';

// The shared schemas (and zod with them) load with the first check, not with the page.
const authSchemas = () => import('../../shared/schemas/auth');

type RegisterValues = { email: string; password: string; passwordConfirm: string; acceptTerms: boolean };

export function RegisterPage() {
  const t = useT();
  const { token } = theme.useToken();
  const errorText = useErrorText();
  const { register } = useSession();
  const { message } = App.useApp();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const onFinish = async (values: RegisterValues) => {
    setSubmitting(true);
    setError(null);
    try {
      // Once signed in, the route guard takes the new customer to the verification page.
      await register(values.email.trim(), values.password);
      message.success(t('auth.register.success'));
    } catch (err) {
      setError(errorText(err));
      setSubmitting(false);
    }
  };

  return (
    <AuthCard
      title={t('auth.register.title')}
      footer={
        <span style={{ color: token.colorTextSecondary }}>
          {t('auth.register.hasAccount')} <Link to="/login">{t('auth.register.toLogin')}</Link>
        </span>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Form<RegisterValues> layout="vertical" requiredMark={false} onFinish={onFinish} disabled={submitting}>
        <Form.Item name="email" label={t('auth.email')} rules={[requiredRule(t), zodRule(() => authSchemas().then((m) => m.registerBody.shape.email), t)]} validateTrigger="onBlur">
          <Input prefix={<MailOutlined />} placeholder={t('auth.email.placeholder')} autoComplete="username" size="large" />
        </Form.Item>
        <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('validation.required') }, zodRule(() => authSchemas().then((m) => m.registerBody.shape.password), t)]}>
          <Password prefix={<LockOutlined />} placeholder={t('auth.password.newPlaceholder')} autoComplete="new-password" size="large" />
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
          <Password prefix={<LockOutlined />} placeholder={t('auth.passwordConfirm.placeholder')} autoComplete="new-password" size="large" />
        </Form.Item>
        <TermsConsentItem testId="accept-terms" />
        <Button type="primary" htmlType="submit" block size="large" loading={submitting}>
          {t('auth.register.submit')}
        </Button>
      </Form>
    </AuthCard>
  );
}
