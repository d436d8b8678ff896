import { LockOutlined } from '@ant-design/icons';
import { Card, Descriptions, type DescriptionsProps, Flex, type TableColumnsType, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { Carrier } from '../../shared/ids';
import { trackingUrl } from '../../shared/tracking-links';
import type { StampingDestination, StampingRequest } from '../api/stamping';
import { ScrollTable } from './scroll-table';
import { useT } from '../i18n';
import { formatDateTime, monospace } from './format';
import { StampingStatusTag, carrierName, copiesText } from './stamping-status-tag';
import { StampingTimeline } from './stamping-timeline';

type RequestContract = StampingRequest['contracts'][number];

/** 顺丰速运 SF…, the number copyable, with a link to the carrier's public tracking page. */
export function CourierLink({ courier }: { courier: { carrier: Carrier; trackingNumber: string } }) {
  const t = useT();
  const url = trackingUrl(courier.carrier, courier.trackingNumber);
  return (
    <>
      {carrierName(courier.carrier, t)}{' '}
      <Typography.Text copyable style={monospace}>
        {courier.trackingNumber}
      </Typography.Text>
      {url && (
        <>
          {' '}
          <Typography.Link href={url} target="_blank" rel="noopener noreferrer" data-testid="tracking-link">
            {t('stamping.trackParcel')}
          </Typography.Link>
        </>
      )}
    </>
  );
}

export function DestinationCard({ destination, title }: { destination: StampingDestination; title?: string }) {
  const t = useT();
  // One string to paste into a courier's app or waybill.
  const full = `${destination.recipient} ${destination.phone} ${destination.address} ${destination.postalCode}`;
  return (
    <Card
      size="small"
      title={title ?? t('stamping.destination.title')}
      extra={
        <Typography.Text copyable={{ text: full, tooltips: [t('stamping.destination.copy'), t('stamping.destination.copied')] }} data-testid="destination-copy">
          {t('stamping.destination.copy')}
        </Typography.Text>
      }
      data-testid="stamping-destination"
    >
      <Descriptions
        size="small"
        column={1}
        styles={{ label: { width: 96 } }}
        items={[
          { key: 'recipient', label: t('stamping.address.recipient'), children: destination.recipient },
          { key: 'phone', label: t('stamping.destination.phone'), children: <Typography.Text copyable>{destination.phone}</Typography.Text> },
          { key: 'address', label: t('stamping.destination.address'), children: <Typography.Text copyable>{destination.address}</Typography.Text> },
          { key: 'postalCode', label: t('stamping.address.postalCode'), children: destination.postalCode },
        ]}
      />
    </Card>
  );
}

/** The return address as it was submitted, and that it stays so. */
export function ReturnAddressCard({ address }: { address: StampingRequest['returnAddress'] }) {
  const t = useT();
  return (
    <Card
      title={
        <Flex align="center" gap={8}>
          <LockOutlined />
          {t('stamping.returnAddress')}
        </Flex>
      }
      extra={
        <Tag icon={<LockOutlined />} data-testid="return-address-locked">
          {t('stamping.returnAddress.locked')}
        </Tag>
      }
      style={{ height: '100%' }}
      data-testid="return-address"
    >
      <Descriptions
        size="small"
        column={1}
        styles={{ label: { width: 96 } }}
        items={[
          { key: 'recipient', label: t('stamping.address.recipient'), children: address.recipient },
          { key: 'phone', label: t('stamping.address.phone'), children: address.phone },
          {
            key: 'address',
            label: t('stamping.address.full'),
            children: `${address.province} ${address.city} ${address.district} ${address.street}`,
          },
          { key: 'postalCode', label: t('stamping.address.postalCode'), children: address.postalCode },
        ]}
      />
    </Card>
  );
}

export function RequestContractsTable({ contracts, contractPath }: { contracts: RequestContract[]; contractPath: (id: string) => string }) {
  const t = useT();
  const total = contracts.reduce((sum, c) => sum + c.copies, 0);
  const columns: TableColumnsType<RequestContract> = [
    {
      key: 'number',
      title: t('contracts.column.number'),
      render: (_, c) => (
        <Link to={contractPath(c.id)} style={{ ...monospace, whiteSpace: 'nowrap' }}>
          {c.number}
        </Link>
      ),
    },
    {
      key: 'kind',
      title: t('contracts.column.kind'),
      render: (_, c) => (c.kind === 'framework' || c.kind === 'icp_attachment' || c.kind === 'order_attachment' ? t(`contract.kind.${c.kind}`) : c.kind),
    },
    { key: 'copies', title: t('contract.copies'), render: (_, c) => copiesText(c.copies, t) },
    { key: 'toStamp', title: t('stamping.toStamp'), render: (_, c) => t('stamping.toStampN', { count: c.copies }) },
  ];
  return (
    <ScrollTable<RequestContract>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={contracts}
      pagination={false}
      scroll={{ x: 560 }}
      footer={() => t('stamping.toStampTotal', { contracts: contracts.length, copies: total })}
      data-testid="request-contracts"
    />
  );
}

/** What both sides see of a request: its facts, the timeline, the contracts, the return address. */
export function StampingRequestCards({ request, contractPath, showParty }: { request: StampingRequest; contractPath: (id: string) => string; showParty?: boolean }) {
  const t = useT();
  const items: DescriptionsProps['items'] = [
    { key: 'number', label: t('stamping.number'), children: <Typography.Text copyable style={monospace}>{request.number}</Typography.Text> },
    { key: 'status', label: t('stamping.statusLabel'), children: <StampingStatusTag status={request.status} /> },
    ...(showParty ? [{ key: 'party', label: t('contract.partyA'), children: request.partyAName }] : []),
    { key: 'createdAt', label: t('stamping.createdAt'), children: formatDateTime(request.createdAt) },
    {
      key: 'courier',
      label: t('stamping.outbound'),
      children: request.courier ? (
        <span data-testid="outbound-courier">
          <CourierLink courier={request.courier} />
        </span>
      ) : (
        <Typography.Text type="secondary">{t('stamping.outbound.pending')}</Typography.Text>
      ),
    },
    {
      key: 'returnCourier',
      label: t('stamping.return'),
      children: request.returnCourier ? (
        <span data-testid="return-courier">
          <CourierLink courier={request.returnCourier} />
        </span>
      ) : (
        <Typography.Text type="secondary">{t('stamping.return.pending')}</Typography.Text>
      ),
    },
    { key: 'updatedAt', label: t('stamping.updatedAt'), children: formatDateTime(request.updatedAt) },
    ...(request.rejectReason
      ? [
          {
            key: 'rejectReason',
            label: t('stamping.rejectReason'),
            span: 'filled' as const,
            children: (
              <Typography.Text type="danger" data-testid="reject-reason">
                {request.rejectReason}
              </Typography.Text>
            ),
          },
        ]
      : []),
  ];
  return (
    <Flex vertical gap={16}>
      <Card title={t('stamping.progress')}>
        <StampingTimeline request={request} />
      </Card>
      <Card title={t('stamping.basicInfo')}>
        <Descriptions bordered size="middle" column={{ xs: 1, lg: 2 }} items={items} styles={{ label: { width: 130 } }} data-testid="request-details" />
      </Card>
      <Flex gap={16} wrap align="stretch">
        <Card title={t('stamping.contracts')} style={{ flex: '2 1 520px', minWidth: 0 }}>
          <RequestContractsTable contracts={request.contracts} contractPath={contractPath} />
        </Card>
        <div style={{ flex: '1 1 320px', minWidth: 0 }}>
          <ReturnAddressCard address={request.returnAddress} />
        </div>
      </Flex>
    </Flex>
  );
}
