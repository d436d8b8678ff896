import { Tag } from 'antd';
import type { VerificationStatus } from '../../shared/schemas/auth';
import { useT } from '../i18n';

const colors: Record<VerificationStatus, string> = {
  unverified: 'default',
  pending: 'processing',
  verified: 'success',
  rejected: 'error',
};

export function VerificationStatusTag({ status }: { status: VerificationStatus }) {
  const t = useT();
  return (
    <Tag color={colors[status]} data-testid="verification-status">
      {t(`status.${status}`)}
    </Tag>
  );
}
