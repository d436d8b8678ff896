import { Button, Card, Result } from 'antd';
import { Link } from 'react-router-dom';
import type { VerificationStatus } from '../../shared/schemas/auth';
import { useT } from '../i18n';

/** What a page that needs a verified account shows instead, with the way to get verified. */
export function VerificationGate({ status }: { status: VerificationStatus }) {
  const t = useT();
  const [title, description, action] =
    status === 'pending'
      ? (['gate.verificationPending', 'gate.verificationPendingDescription', 'gate.viewVerification'] as const)
      : status === 'rejected'
        ? (['gate.verificationRejected', 'gate.verificationRejectedDescription', 'gate.goVerify'] as const)
        : (['gate.verificationRequired', 'gate.verificationRequiredDescription', 'gate.goVerify'] as const);
  return (
    <Card data-testid="verification-gate">
      <Result
        status={status === 'pending' ? 'info' : 'warning'}
        title={t(title)}
        subTitle={t(description)}
        extra={
          <Link to="/verification">
            <Button type="primary">{t(action)}</Button>
          </Link>
        }
      />
    </Card>
  );
}
