import { Tag, Tooltip } from 'antd';
import type { VerificationStatus as AccountVerificationStatus } from '../../shared/schemas/auth';
import type { ContractStatus } from '../../shared/schemas/contract';
import { useT } from '../i18n';

// A verification row may also have been superseded by the re-verification of a new company name.
type VerificationStatus = AccountVerificationStatus | 'superseded';

const colors: Record<VerificationStatus, string> = {
  unverified: 'default',
  superseded: 'default',
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

const contractColors: Record<ContractStatus, string> = {
  scheduled: 'processing',
  effective: 'success',
  expired: 'default',
  voided: 'warning',
  terminated: 'error',
};

/** 已生效 / 已过期 / 已作废 / 已终止, with the reason of an ended contract on hover. */
export function ContractStatusTag({ status, reason }: { status: ContractStatus; reason?: string }) {
  const t = useT();
  const tag = (
    <Tag color={contractColors[status]} data-testid="contract-status">
      {t(`contract.status.${status}`)}
    </Tag>
  );
  return reason ? <Tooltip title={t('contract.statusReason', { reason })}>{tag}</Tooltip> : tag;
}
