import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { registerBody } from '../../shared/schemas/auth';
import { useSession } from '../api/session';
import { AuthCard } from '../components/auth-card';
import { requiredRule, zodRule } from '../components/form-rules';
import { useErrorText } from '../components/use-error-text';
import { useLocale, useT } from '../i18n';

type RegisterValues = { email: string; password: string; passwordConfirm: string; acceptTerms: boolean };

export function RegisterPage() {
  const t = useT();
  const { errorText: errorMessage } = useLocale();
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
        <Typography.Text type="secondary">
          {t('auth.register.hasAccount')} <Link to="/login">{t('auth.register.toLogin')}</Link>
        </Typography.Text>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Form<RegisterValues> layout="vertical" requiredMark={false} onFinish={onFinish} disabled={submitting}>
        <Form.Item name="email" label={t('auth.email')} rules={[requiredRule(t), zodRule(registerBody.shape.email, t)]} validateTrigger="onBlur">
          <Input prefix={<MailOutlined />} placeholder={t('auth.email.placeholder')} autoComplete="username" size="large" />
        </Form.Item>
        <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('validation.required') }, zodRule(registerBody.shape.password, t)]}>
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
        <Form.Item
          name="acceptTerms"
          valuePropName="checked"
          rules={[{ validator: async (_rule, value: boolean | undefined) => { if (!value) throw new Error(errorMessage('terms_required')); } }]}
        >
          <Checkbox data-testid="accept-terms">
            {t('auth.register.acceptTerms')}{' '}
            <Link to="/terms" target="_blank">
              《{t('legal.terms')}》
            </Link>{' '}
            {t('auth.register.and')}{' '}
            <Link to="/privacy" target="_blank">
              《{t('legal.privacy')}》
            </Link>
          </Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" loading={submitting}>
          {t('auth.register.submit')}
        </Button>
      </Form>
    </AuthCard>
  );
}
