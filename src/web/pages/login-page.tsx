import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, Button, Form, theme } from 'antd';
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

// The shared schemas (and zod with them) load with the first check, not with the page.
const authSchemas = () => import('../../shared/schemas/auth');

type LoginValues = { email: string; password: string };

export function LoginPage() {
  const t = useT();
  const { token } = theme.useToken();
  const errorText = useErrorText();
  const { login } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const onFinish = async (values: LoginValues) => {
    setSubmitting(true);
    setError(null);
    try {
      // Once signed in, the route guard takes the user where they wanted to go.
      await login(values.email.trim(), values.password);
    } catch (err) {
      setError(errorText(err));
      setSubmitting(false);
    }
  };

  return (
    <AuthCard
      title={t('auth.login.title')}
      footer={
        <span style={{ color: token.colorTextSecondary }}>
          {t('auth.login.noAccount')} <Link to="/register">{t('auth.login.toRegister')}</Link>
        </span>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Form<LoginValues> layout="vertical" requiredMark={false} onFinish={onFinish} disabled={submitting}>
        <Form.Item name="email" label={t('auth.email')} rules={[requiredRule(t), zodRule(() => authSchemas().then((m) => m.loginBody.shape.email), t)]} validateTrigger="onBlur">
          <Input prefix={<MailOutlined />} placeholder={t('auth.email.placeholder')} autoComplete="username" size="large" />
        </Form.Item>
        <Form.Item name="password" label={t('auth.password')} rules={[requiredRule(t)]}>
          <Password prefix={<LockOutlined />} placeholder={t('auth.password.placeholder')} autoComplete="current-password" size="large" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" loading={submitting}>
          {t('auth.login.submit')}
        </Button>
      </Form>
    </AuthCard>
  );
}
