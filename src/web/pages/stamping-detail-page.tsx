import { CheckOutlined, DownloadOutlined, EditOutlined, SendOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, Flex, Popconfirm, Space } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import {
  cancelStampingRequest,
  changeStampingCourier,
  confirmStampingReceipt,
  type Courier,
  fetchStampingDestination,
  fetchStampingRequest,
  type StampingRequest,
  shipStampingRequest,
  stampingPrintUrl,
} from '../api/stamping';
import { CourierModal } from '../components/courier-fields';
import { DetailPlaceholder, NumberTitle } from '../components/detail-page-parts';
import { PageHeader } from '../components/page-header';
import { PermittedButton } from '../components/permitted';
import { useMe } from '../api/session';
import { DestinationCard, StampingRequestCards } from '../components/stamping-request-cards';
import { StampingStatusTag } from '../components/stamping-status-tag';
import { useLoad } from '../components/use-load';
import { queryKeys } from '../api/query';
import { useRecordSteps } from '../components/use-record-steps';
import { useT } from '../i18n';

/** A customer's stamping request: where it stands and the steps still open to the customer. */
export function StampingDetailPage() {
  const t = useT();
  const { id = '' } = useParams();
  const me = useMe();
  const canRequest = me.permissions.includes('stamping.request');
  const { data, error, reload, setData } = useLoad([...queryKeys.stamping, 'detail', id], (signal) => fetchStampingRequest(id, signal));
  // The destination is shown while the originals are still to be mailed or on their way.
  // (GET /stamping/destination is for those who may send the originals.)
  const isSubmitted = canRequest && (data?.request.status === 'submitted' || data?.request.status === 'awaiting_shipment');
  const destination = useLoad([...queryKeys.stamping, 'destination', isSubmitted], (signal) => (isSubmitted ? fetchStampingDestination(signal) : Promise.resolve(null)));
  const [isEditingCourier, setIsEditingCourier] = useState(false);
  const [isShipping, setIsShipping] = useState(false);
  const steps = useRecordSteps<{ request: StampingRequest }, 'cancel' | 'confirm'>(setData, reload);
  const request = data?.request;
  const breadcrumb = [t('nav.billing'), { title: t('nav.contractManagement'), to: '/contracts' }, { title: t('nav.stamping'), to: '/stamping' }, request?.number ?? t('stamping.detail')];

  if (error || !request) return <DetailPlaceholder breadcrumb={breadcrumb} title={t('stamping.detail')} error={error} onRetry={reload} />;

  const changeCourier = (courier: Courier) =>
    steps.submit(() => changeStampingCourier(request.id, courier), t('stamping.courierChanged'), () => setIsEditingCourier(false));

  const ship = (courier: Courier) => steps.submit(() => shipStampingRequest(request.id, courier), t('stamping.shipped'), () => setIsShipping(false));
  const isEarly = request.status === 'awaiting_shipment' || request.status === 'submitted';

  const actions = (
    <Space wrap>
      <PermittedButton
        action="stamping.request"
        type="primary"
        icon={<DownloadOutlined />}
        {...(canRequest ? { href: stampingPrintUrl(request.id), download: true } : {})}
        data-testid="download-print-package"
      >
        {t('stamping.printPackage')}
      </PermittedButton>
      {request.status === 'awaiting_shipment' && (
        <PermittedButton action="stamping.request" type="primary" icon={<SendOutlined />} onClick={() => setIsShipping(true)} data-testid="ship-request">
          {t('stamping.ship')}
        </PermittedButton>
      )}
      {isEarly && (
        <>
          {request.status === 'submitted' && (
            <PermittedButton action="stamping.request" icon={<EditOutlined />} onClick={() => setIsEditingCourier(true)} data-testid="edit-courier">
              {t('stamping.editCourier')}
            </PermittedButton>
          )}
          <Popconfirm
            title={t('stamping.cancelConfirm')}
            description={t('stamping.cancelConfirmDescription')}
            okText={t('stamping.cancel')}
            okButtonProps={{ danger: true }}
            cancelText={t('stamping.keep')}
            onConfirm={() => steps.run('cancel', () => cancelStampingRequest(request.id), t('stamping.cancelled', { number: request.number }))}
          >
            <PermittedButton action="stamping.request" danger icon={<StopOutlined />} loading={steps.busy === 'cancel'} data-testid="cancel-request">
              {t('stamping.cancel')}
            </PermittedButton>
          </Popconfirm>
        </>
      )}
      {request.status === 'returned' && (
        <Popconfirm
          title={t('stamping.confirmReceiptConfirm')}
          description={t('stamping.confirmReceiptDescription')}
          okText={t('stamping.confirmReceipt')}
          cancelText={t('common.cancel')}
          onConfirm={() => steps.run('confirm', () => confirmStampingReceipt(request.id), t('stamping.receiptConfirmed'))}
        >
          <PermittedButton action="stamping.request" type="primary" icon={<CheckOutlined />} loading={steps.busy === 'confirm'} data-testid="confirm-receipt">
            {t('stamping.confirmReceipt')}
          </PermittedButton>
        </Popconfirm>
      )}
    </Space>
  );

  return (
    <>
      <PageHeader
        breadcrumb={breadcrumb}
        title={<NumberTitle number={request.number} testId="request-number" status={<StampingStatusTag status={request.status} />} />}
        subtitle={t(`stamping.hint.${request.status}`)}
        extra={actions}
      />
      <Flex vertical gap={16}>
        {isSubmitted && (
          <Alert
            type="info"
            showIcon
            title={t(request.status === 'awaiting_shipment' ? 'stamping.awaitingNotice' : 'stamping.submittedNotice')}
            description={destination.data ? <DestinationCard destination={destination.data} /> : undefined}
            data-testid="submitted-notice"
          />
        )}
        {request.status === 'returned' && <Alert type="success" showIcon title={t('stamping.returnedNotice')} />}
        <StampingRequestCards request={request} contractPath={(contractId) => `/contracts/${contractId}`} />
      </Flex>
      <CourierModal
        open={isEditingCourier}
        title={t('stamping.editCourier')}
        description={t('stamping.editCourierDescription')}
        okText={t('common.save')}
        initial={request.courier ?? undefined}
        onClose={() => setIsEditingCourier(false)}
        onSubmit={changeCourier}
      />
      <CourierModal
        open={isShipping}
        title={t('stamping.ship')}
        description={t('stamping.shipDescription')}
        okText={t('common.save')}
        onClose={() => setIsShipping(false)}
        onSubmit={ship}
      />
    </>
  );
}
