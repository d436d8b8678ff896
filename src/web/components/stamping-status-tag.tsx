import { Tag } from 'antd';
import type { Carrier } from '../../shared/ids';
import { openStampingStatuses, type StampingStatus, stampingStatus } from '../../shared/schemas/stamping';
import { type Translate, useT } from '../i18n';

const colors: Record<StampingStatus, string> = {
  awaiting_shipment: 'orange',
  submitted: 'processing',
  received: 'cyan',
  stamped: 'purple',
  returned: 'gold',
  completed: 'success',
  rejected: 'error',
  cancelled: 'default',
};

/** `stampingStatus` of a contract is a plain string in the API; unknown values are shown as they are. */
export function isStampingStatus(value: unknown): value is StampingStatus {
  return stampingStatus.safeParse(value).success;
}

/** A contract in one of these is in an open request and cannot be put in another. */
export const isOpenStampingStatus = (value: string | undefined) => isStampingStatus(value) && openStampingStatuses.includes(value);

export function StampingStatusTag({ status }: { status: StampingStatus }) {
  const t = useT();
  return (
    <Tag color={colors[status]} data-testid="stamping-status">
      {t(`stamping.status.${status}`)}
    </Tag>
  );
}

export const carrierName = (carrier: Carrier, t: Translate) => t(`stamping.carrier.${carrier}`);

/** 顺丰速运 SF1234567890123, the way a waybill is read out. */
export function courierText(courier: { carrier: Carrier; trackingNumber: string }, t: Translate): string {
  return `${carrierName(courier.carrier, t)} ${courier.trackingNumber}`;
}

/** 一式贰份 needs two stamped copies, 一式叁份 three. */
export function copiesText(copies: number, t: Translate): string {
  return copies === 2 || copies === 3 ? t(`contract.copies.${copies}`) : t('contract.copiesN', { count: copies });
}
