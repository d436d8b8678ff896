import { LockOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { setCsrfToken } from '../api/client';
import { acceptInvitation } from '../api/org';
import { useSession } from '../api/session';
import { AuthCard } from '../components/auth-card';
import { FullPageSpin } from '../components/require-auth';
import { requiredRule } from '../components/form-rules';
import { useErrorText } from '../components/use-error-text';
import { useT } from '../i18n';
import { TermsConsentItem } from '../components/terms-consent-item';

/**
 * The link of an invitation e-mail: a new person chooses a password; a person with a login
 * signs in first (as the invited e-mail) and accepts.
 */
export function AcceptInvitationPage() {
  const t = useT();
  const { token = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const { session, refresh } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  if (session.state === 'loading') return <FullPageSpin />;

  const accept = async (password?: string) => {
    setSubmitting(true);
    setError(null);
    try {
      const answer = await acceptInvitation(token, password);
      setCsrfToken(answer.csrfToken);
      await refresh();
      navigate('/', { replace: true });
    } catch (err) {
      setError(errorText(err));
      setSubmitting(false);
    }
  };

  return (
    <AuthCard
      title={t('invitation.title')}
      footer={
        session.state === 'anonymous' && (
          <Typography.Text type="secondary">
            {t('invitation.haveLogin')} <Link to="/login" state={{ from: location.pathname }}>{t('invitation.signInFirst')}</Link>
          </Typography.Text>
        )
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
      {session.state === 'signed-in' ? (
        <>
          <Typography.Paragraph>{t('invitation.asSignedIn', { email: session.me.user.email })}</Typography.Paragraph>
          <Button type="primary" block size="large" loading={submitting} onClick={() => accept()} data-testid="accept-invitation">
            {t('invitation.accept')}
          </Button>
        </>
      ) : (
        <Form<{ password: string }> layout="vertical" requiredMark={false} onFinish={(v) => accept(v.password)} disabled={submitting}>
          <Typography.Paragraph type="secondary">{t('invitation.newLogin')}</Typography.Paragraph>
          <Form.Item name="password" label={t('auth.password')} rules={[requiredRule(t), { min: 10, message: t('invitation.passwordLength') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="new-password" size="large" data-testid="invitation-password" />
          </Form.Item>
          {/* A new login, as at registration: the terms first. */}
          <TermsConsentItem testId="invitation-accept-terms" />
          <Button type="primary" htmlType="submit" block size="large" loading={submitting} data-testid="accept-invitation">
            {t('invitation.accept')}
          </Button>
        </Form>
      )}
    </AuthCard>
  );
}
