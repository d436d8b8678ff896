import { ExclamationCircleFilled, LockOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Flex, Form, Input, Modal, Row, Space, Steps, type TableColumnsType, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { mobilePhonePattern } from '../../shared/ids';
import type { ContractListItem as Contract } from '../../shared/schemas/contract';
import { returnAddress as returnAddressSchema, type SubmitStampingBody } from '../../shared/schemas/stamping';
import { ApiError } from '../api/client';
import { fetchContracts } from '../api/contracts';
import { fetchPartyA } from '../api/party-a';
import { useMe } from '../api/session';
import { PermissionResult } from '../components/permitted';
import { useCan } from '../components/use-can';
import {
  fetchStampingRequests,
  type ReturnAddress,
  submitStampingRequest,
} from '../api/stamping';
import { recheckWhenFlagged } from '../components/courier-fields';
import { formatLastDay, monospace } from '../components/format';
import { requiredRule, zodRule } from '../components/form-rules';
import { LoadError } from '../components/load-error';
import { PageHeader } from '../components/page-header';
import { StampingStatusTag, copiesText, isOpenStampingStatus, isStampingStatus } from '../components/stamping-status-tag';
import { useErrorText } from '../components/use-error-text';
import { useIdempotencyKey } from '../components/use-idempotency-key';
import { useLoad } from '../components/use-load';
import { queryKeys } from '../api/query';
import { useLeaveGuard } from '../components/leave-guard';
import { VerificationGate } from '../components/verification-gate';
import { ScrollTable } from '../components/scroll-table';
import { useT } from '../i18n';

const maxContracts = 20;
const addressFields = ['recipient', 'phone', 'province', 'city', 'district', 'street', 'postalCode'] as const;

/** Every contract in force, page after page (the API gives at most 100 at a time). */
async function fetchContractsInForce(signal: AbortSignal): Promise<Contract[]> {
  const all: Contract[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const answer = await fetchContracts({ status: 'effective', limit: 100, cursor }, signal);
    all.push(...answer.items);
    if (!answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  return all;
}

/** The last return address used, else Party A's contact when the phone is a mobile. */
async function fetchAddressGuess(signal: AbortSignal): Promise<Partial<ReturnAddress>> {
  const [requests, partyA] = await Promise.all([fetchStampingRequests({}, signal).catch(() => null), fetchPartyA(signal).catch(() => null)]);
  const last = requests?.items[0]?.returnAddress;
  if (last) return last;
  if (!partyA) return {};
  return {
    recipient: partyA.contactName ?? undefined,
    phone: partyA.contactPhone && mobilePhonePattern.test(partyA.contactPhone) ? partyA.contactPhone : undefined,
  };
}

function ChooseStep({
  contracts,
  selected,
  onChange,
  onNext,
}: {
  contracts: Contract[];
  selected: string[];
  onChange: (ids: string[]) => void;
  onNext: () => void;
}) {
  const t = useT();
  const [showRequired, setShowRequired] = useState(false);
  const chosen = contracts.filter((c) => selected.includes(c.id));
  const copies = chosen.reduce((sum, c) => sum + c.copies, 0);
  const columns: TableColumnsType<Contract> = [
    { key: 'number', title: t('contracts.column.number'), render: (_, c) => <span style={{ ...monospace, whiteSpace: 'nowrap' }}>{c.number}</span> },
    { key: 'kind', title: t('contracts.column.kind'), render: (_, c) => t(`contract.kind.${c.kind}`) },
    { key: 'expiresAt', title: t('contracts.column.expiresAt'), render: (_, c) => formatLastDay(c.expiresAt) },
    { key: 'copies', title: t('contract.copies'), render: (_, c) => copiesText(c.copies, t) },
    { key: 'toStamp', title: t('stamping.toStamp'), render: (_, c) => <Typography.Text strong>{t('stamping.toStampN', { count: c.copies })}</Typography.Text> },
    {
      key: 'stamping',
      title: t('stamping.column.stampingStatus'),
      render: (_, c) =>
        isOpenStampingStatus(c.stampingStatus) ? (
          <Tooltip title={t('stamping.choose.inOpenRequest')}>
            <span>{isStampingStatus(c.stampingStatus) && <StampingStatusTag status={c.stampingStatus} />}</span>
          </Tooltip>
        ) : isStampingStatus(c.stampingStatus) ? (
          <StampingStatusTag status={c.stampingStatus} />
        ) : (
          '—'
        ),
    },
  ];
  return (
    <Card title={t('stamping.step.choose')}>
      <Alert type="info" showIcon title={t('stamping.choose.hint', { max: maxContracts })} style={{ marginBottom: 16 }} />
      <ScrollTable<Contract>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={contracts}
        pagination={false}
        scroll={{ x: 760 }}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => {
            onChange(keys.map(String));
            setShowRequired(false);
          },
          getCheckboxProps: (c) => ({
            disabled: isOpenStampingStatus(c.stampingStatus) || (selected.length >= maxContracts && !selected.includes(c.id)),
            'aria-label': c.number,
          }),
        }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('stamping.choose.empty')} /> }}
        data-testid="choose-contracts"
      />
      <Flex align="center" justify="space-between" gap={16} wrap style={{ marginTop: 16 }}>
        <Space>
          <Link to="/stamping">
            <Button>{t('common.cancel')}</Button>
          </Link>
          <Button
            type="primary"
            onClick={() => {
              if (chosen.length === 0) setShowRequired(true);
              else onNext();
            }}
            data-testid="wizard-next"
          >
            {t('apply.next')}
          </Button>
          {showRequired && (
            <Typography.Text type="danger" data-testid="choose-required">
              {t('stamping.choose.required')}
            </Typography.Text>
          )}
        </Space>
        <Typography.Text data-testid="choose-summary">{t('stamping.choose.summary', { contracts: chosen.length, copies })}</Typography.Text>
      </Flex>
    </Card>
  );
}

type AddressValues = ReturnAddress;

function AddressFormItems() {
  const t = useT();
  const form = Form.useFormInstance();
  const rule = (field: (typeof addressFields)[number]) => zodRule(returnAddressSchema.shape[field], t);
  return (
    <>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="recipient" label={t('stamping.address.recipient')} rules={[requiredRule(t), rule('recipient')]}>
            <Input maxLength={50} placeholder={t('stamping.address.recipient.placeholder')} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="phone"
            label={t('stamping.address.phone')}
            validateTrigger="onBlur"
            rules={[requiredRule(t), zodRule(returnAddressSchema.shape.phone, t, 'stamping.address.phoneInvalid')]}
          >
            <Input maxLength={11} inputMode="numeric" onChange={() => recheckWhenFlagged(form, 'phone')} placeholder={t('stamping.address.phone.placeholder')} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="province" label={t('stamping.address.province')} rules={[requiredRule(t), rule('province')]}>
            <Input maxLength={20} placeholder={t('stamping.address.province.placeholder')} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="city" label={t('stamping.address.city')} rules={[requiredRule(t), rule('city')]}>
            <Input maxLength={30} placeholder={t('stamping.address.city.placeholder')} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="district" label={t('stamping.address.district')} rules={[requiredRule(t), rule('district')]}>
            <Input maxLength={30} placeholder={t('stamping.address.district.placeholder')} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="street" label={t('stamping.address.street')} rules={[requiredRule(t), rule('street')]}>
        <Input maxLength={200} placeholder={t('stamping.address.street.placeholder')} />
      </Form.Item>
      <Form.Item
        name="postalCode"
        label={t('stamping.address.postalCode')}
        validateTrigger="onBlur"
        rules={[requiredRule(t), zodRule(returnAddressSchema.shape.postalCode, t, 'stamping.address.postalCodeInvalid')]}
        style={{ maxWidth: 240 }}
      >
        <Input maxLength={6} inputMode="numeric" onChange={() => recheckWhenFlagged(form, 'postalCode')} placeholder={t('stamping.address.postalCode.placeholder')} />
      </Form.Item>
    </>
  );
}

/** The last look before the address is locked for good. */
function ConfirmModal({
  open,
  contracts,
  address,
  submitting,
  error,
  onCancel,
  onOk,
}: {
  open: boolean;
  contracts: Contract[];
  address: ReturnAddress | null;
  submitting: boolean;
  error: unknown;
  onCancel: () => void;
  onOk: () => void;
}) {
  const t = useT();
  const errorText = useErrorText();
  const copies = contracts.reduce((sum, c) => sum + c.copies, 0);
  return (
    <Modal
      open={open}
      title={
        <Space>
          <ExclamationCircleFilled style={{ color: '#faad14' }} />
          {t('stamping.confirm.title')}
        </Space>
      }
      okText={t('stamping.confirm.ok')}
      cancelText={t('stamping.confirm.back')}
      okButtonProps={{ loading: submitting, 'data-testid': 'confirm-submit' }}
      onOk={onOk}
      onCancel={onCancel}
      width={560}
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        icon={<LockOutlined />}
        title={t('stamping.confirm.addressLocked')}
        description={t('stamping.confirm.addressLockedDescription')}
        style={{ marginBottom: 16 }}
        data-testid="confirm-address-warning"
      />
      {error ? <Alert type="error" showIcon title={errorText(error)} style={{ marginBottom: 16 }} /> : null}
      {address && (
        <Descriptions
          size="small"
          column={1}
          bordered
          styles={{ label: { width: 110 } }}
          data-testid="confirm-summary"
          items={[
            { key: 'contracts', label: t('stamping.contracts'), children: t('stamping.toStampTotal', { contracts: contracts.length, copies }) },
            {
              key: 'address',
              label: t('stamping.returnAddress'),
              children: (
                <Typography.Text strong>
                  {address.recipient} {address.phone}
                  <br />
                  {address.province} {address.city} {address.district} {address.street} {address.postalCode}
                </Typography.Text>
              ),
            },
          ]}
        />
      )}
    </Modal>
  );
}

/**
 * 申请线下盖章: choose contracts in force → the return address, confirmed once more because it
 * cannot change afterwards → the request is created with its number (待寄出); its page then
 * offers the print package, which carries that number, and takes the tracking number once mailed.
 */
export function StampingNewPage() {
  const t = useT();
  const me = useMe();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const { message } = App.useApp();
  // The step and the chosen contracts live in the URL (Back, Forward and refresh keep them);
  // the courier and address forms do not, and leaving with anything chosen asks first.
  const [params, setParams] = useSearchParams();
  const status = me.account?.verificationStatus ?? 'unverified';
  const isVerified = status === 'verified';
  const requestedStep = Math.min(1, Math.max(0, Number(params.get('step')) || 0));
  const setStep = (next: number) =>
    setParams((previous) => {
      const query = new URLSearchParams(previous);
      if (next > 0) query.set('step', String(next));
      else query.delete('step');
      return query;
    });
  const [addressForm] = Form.useForm<AddressValues>();
  const [confirming, setConfirming] = useState<{ address: ReturnAddress } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [chooseError, setChooseError] = useState<unknown>(null);
  const idempotencyKey = useIdempotencyKey();

  const requested = useMemo(() => (params.get('contracts') ?? '').split(',').map((s) => s.trim()).filter(Boolean), [params]);
  const [selected, setSelectedState] = useState<string[] | null>(null);
  const setSelected = (ids: string[] | null) => {
    setSelectedState(ids);
    if (ids === null) return;
    setParams(
      (previous) => {
        const query = new URLSearchParams(previous);
        if (ids.length > 0) query.set('contracts', ids.join(','));
        else query.delete('contracts');
        return query;
      },
      { replace: true },
    );
  };
  const contracts = useLoad([...queryKeys.contracts, 'in-force', isVerified], (signal) => (isVerified ? fetchContractsInForce(signal) : Promise.resolve([])));
  const addressGuess = useLoad([...queryKeys.stamping, 'address-guess', isVerified], (signal) => (isVerified ? fetchAddressGuess(signal) : Promise.resolve({})));

  const eligible = (contracts.data ?? []).filter((c) => !isOpenStampingStatus(c.stampingStatus));
  // Until the user touches the checkboxes, the contracts the link named (if they can be chosen).
  const chosenIds = selected ?? requested.filter((id) => eligible.some((c) => c.id === id)).slice(0, maxContracts);
  const ignoredCount = selected === null && contracts.data ? requested.length - chosenIds.length : 0;
  const chosen = (contracts.data ?? []).filter((c) => chosenIds.includes(c.id));
  // A step past the first needs contracts chosen (a stale URL may name none that still qualify).
  const step = chosen.length > 0 ? requestedStep : 0;
  useLeaveGuard(chosenIds.length > 0 && !submitting);
  const requestPermission = useCan('stamping.request');

  const header = (
    <PageHeader breadcrumb={[t('nav.billing'), { title: t('nav.contractManagement'), to: '/contracts' }, { title: t('nav.stamping'), to: '/stamping' }, t('stamping.apply')]} title={t('stamping.apply')} subtitle={t('stamping.apply.subtitle')} />
  );
  if (!requestPermission.allowed) {
    return (
      <>
        {header}
        <PermissionResult action="stamping.request" backTo="/stamping" />
      </>
    );
  }
  if (!isVerified) {
    return (
      <>
        {header}
        <VerificationGate status={status} />
      </>
    );
  }
  if (contracts.error) {
    return (
      <>
        {header}
        <LoadError error={contracts.error} onRetry={contracts.reload} />
      </>
    );
  }
  if (!contracts.data || addressGuess.loading) {
    return (
      <>
        {header}
        <Card loading />
      </>
    );
  }

  const toConfirm = async () => {
    let address: AddressValues;
    try {
      address = await addressForm.validateFields();
    } catch {
      return; // the form shows what is missing
    }
    const trimmed = Object.fromEntries(addressFields.map((f) => [f, String(address[f] ?? '').trim()])) as ReturnAddress;
    setSubmitError(null);
    setConfirming({ address: trimmed });
  };

  const submit = async () => {
    if (!confirming) return;
    const body: SubmitStampingBody = { contractIds: chosenIds, returnAddress: confirming.address };
    const key = idempotencyKey(body);
    setSubmitting(true);
    setSubmitError(null);
    try {
      const { request } = await submitStampingRequest(body, key);
      message.success(t('stamping.submitted', { number: request.number }));
      navigate(`/stamping/${request.id}`, { replace: true });
    } catch (err) {
      setSubmitting(false);
      const code = err instanceof ApiError ? err.code : undefined;
      if (code === 'contract_in_open_request' || code === 'invalid_state') {
        // A contract went into another request or out of force meanwhile: choose again.
        setConfirming(null);
        setChooseError(err);
        setSelected(null);
        contracts.reload();
        setStep(0);
      } else if (err instanceof ApiError && err.fieldErrors.length > 0) {
        const names = err.fieldErrors.map((e) => e.path.split(/[./]/).pop() ?? '').filter((n): n is (typeof addressFields)[number] => (addressFields as readonly string[]).includes(n));
        if (names.length > 0) {
          setConfirming(null);
          addressForm.setFields([...new Set(names)].map((name) => ({ name, errors: [t('validation.invalid')] })));
        } else setSubmitError(err);
      } else {
        setSubmitError(err);
        if (!(err instanceof ApiError)) message.error(errorText(err));
      }
    }
  };

  return (
    <>
      {header}
      <Flex vertical gap={16}>
        <Card>
          <Steps
            current={step}
            items={[{ title: t('stamping.step.choose') }, { title: t('stamping.step.address') }, { title: t('stamping.step.printAndShip') }]}
            data-testid="stamping-steps"
          />
        </Card>
        {ignoredCount > 0 && <Alert type="warning" showIcon closable title={t('stamping.choose.ignored', { count: ignoredCount })} />}
        {chooseError ? <Alert type="error" showIcon closable title={errorText(chooseError)} description={t('stamping.choose.again')} onClose={() => setChooseError(null)} data-testid="choose-error" /> : null}
        <div style={{ display: step === 0 ? undefined : 'none' }}>
          <ChooseStep contracts={contracts.data} selected={chosenIds} onChange={setSelected} onNext={() => setStep(1)} />
        </div>
        <div style={{ display: step === 1 ? undefined : 'none' }}>
          <Card
            title={t('stamping.step.address')}
            extra={
              <Typography.Text type="warning">
                <LockOutlined /> {t('stamping.returnAddress.locked')}
              </Typography.Text>
            }
          >
            <Alert type="warning" showIcon title={t('stamping.address.lockedHint')} style={{ marginBottom: 16 }} />
            <Form<AddressValues> form={addressForm} layout="vertical" initialValues={addressGuess.data} style={{ maxWidth: 760 }} data-testid="address-form">
              <AddressFormItems />
              <Space>
                <Button onClick={() => setStep(0)}>{t('apply.prev')}</Button>
                <Button type="primary" onClick={toConfirm} data-testid="stamping-submit">
                  {t('stamping.submit')}
                </Button>
              </Space>
            </Form>
          </Card>
        </div>
      </Flex>
      <ConfirmModal
        open={confirming !== null}
        contracts={chosen}
        address={confirming?.address ?? null}
        submitting={submitting}
        error={submitError}
        onCancel={() => setConfirming(null)}
        onOk={submit}
      />
    </>
  );
}
