import { Alert, App, Button, Card, Descriptions, Flex, Form, Input, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { partyAUpdateBody, type PartyA } from '../../shared/schemas/party-a';
import { ApiError } from '../api/client';
import { fetchPartyA, type PartyAContactFields, updatePartyA } from '../api/party-a';
import { useMe } from '../api/session';
import { applyFieldErrors, requiredRule, zodRule } from '../components/form-rules';
import { LoadError } from '../components/load-error';
import { PageHeader } from '../components/page-header';
import { useErrorText } from '../components/use-error-text';
import { useLoad } from '../components/use-load';
import { VerificationGate } from '../components/verification-gate';
import { useT } from '../i18n';

const fieldNames = ['address', 'contactName', 'contactPhone', 'contactEmail', 'bankName', 'bankAccount'] as const;

function toFormValues(partyA: PartyA): PartyAContactFields {
  return {
    address: partyA.address ?? '',
    contactName: partyA.contactName ?? '',
    contactPhone: partyA.contactPhone ?? '',
    contactEmail: partyA.contactEmail ?? '',
    bankName: partyA.bankName ?? '',
    bankAccount: partyA.bankAccount ?? '',
  };
}

function IdentityCard({ partyA }: { partyA: PartyA }) {
  const t = useT();
  const isEnterprise = partyA.subjectType === 'enterprise';
  return (
    <Card
      title={t('partyA.identityTitle')}
      extra={<Typography.Text type="secondary">{t('partyA.identityHint')}</Typography.Text>}
    >
      <Descriptions
        column={{ xs: 1, md: 2 }}
        data-testid="party-a-identity"
        items={[
          { key: 'name', label: t('partyA.name'), children: partyA.name },
          { key: 'type', label: t('partyA.subjectType'), children: t(`subject.${partyA.subjectType}`) },
          {
            key: 'code',
            label: t(isEnterprise ? 'partyA.creditCode' : 'partyA.idNumber'),
            children: <span style={{ fontFamily: 'monospace' }}>{partyA.idCode}</span>,
          },
          ...(isEnterprise ? [{ key: 'legal', label: t('partyA.legalRepresentative'), children: partyA.legalRepresentative ?? '—' }] : []),
        ]}
      />
    </Card>
  );
}

function ContactForm({ partyA, onSaved }: { partyA: PartyA; onSaved: (partyA: PartyA) => void }) {
  const t = useT();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const [form] = Form.useForm<PartyAContactFields>();
  const [saving, setSaving] = useState(false);
  const shape = partyAUpdateBody.shape;

  useEffect(() => form.setFieldsValue(toFormValues(partyA)), [form, partyA]);

  const onFinish = async (values: PartyAContactFields) => {
    setSaving(true);
    try {
      const trimmed = Object.fromEntries(fieldNames.map((name) => [name, (values[name] ?? '').trim()])) as PartyAContactFields;
      const saved = await updatePartyA(trimmed);
      message.success(t('partyA.saved'));
      onSaved(saved);
    } catch (err) {
      const matched = applyFieldErrors(form, err, t, Object.fromEntries(fieldNames.map((n) => [n, n])));
      if (!matched || !(err instanceof ApiError)) message.error(errorText(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      title={t('partyA.contactTitle')}
      extra={partyA.isComplete ? <Tag color="success">{t('partyA.complete')}</Tag> : <Tag color="warning">{t('partyA.incomplete')}</Tag>}
    >
      {!partyA.isComplete && <Alert type="warning" showIcon title={t('partyA.incompleteHint')} style={{ marginBottom: 24 }} />}
      <Form<PartyAContactFields>
        form={form}
        layout="horizontal"
        labelCol={{ flex: '140px' }}
        wrapperCol={{ flex: '1' }}
        style={{ maxWidth: 680 }}
        initialValues={toFormValues(partyA)}
        onFinish={onFinish}
        disabled={saving}
        data-testid="party-a-form"
      >
        <Form.Item
          name="address"
          label={t(partyA.subjectType === 'enterprise' ? 'partyA.address' : 'partyA.address.personal')}
          rules={[requiredRule(t), zodRule(shape.address, t)]}
        >
          <Input placeholder={t('partyA.address.placeholder')} maxLength={200} showCount />
        </Form.Item>
        <Form.Item name="contactName" label={t('partyA.contactName')} rules={[requiredRule(t), zodRule(shape.contactName, t)]}>
          <Input placeholder={t('partyA.contactName.placeholder')} maxLength={50} />
        </Form.Item>
        <Form.Item name="contactPhone" label={t('partyA.contactPhone')} rules={[requiredRule(t), zodRule(shape.contactPhone, t, 'validation.phone')]} validateTrigger="onBlur">
          <Input placeholder={t('partyA.contactPhone.placeholder')} maxLength={30} autoComplete="tel" />
        </Form.Item>
        <Form.Item name="contactEmail" label={t('partyA.contactEmail')} rules={[requiredRule(t), zodRule(shape.contactEmail, t)]} validateTrigger="onBlur">
          <Input placeholder={t('partyA.contactEmail.placeholder')} maxLength={254} autoComplete="email" />
        </Form.Item>
        <Form.Item
          name="bankName"
          label={t('partyA.bankName')}
          rules={[zodRule(shape.bankName, t)]}
          extra={t('partyA.bankHint')}
        >
          <Input placeholder={t('partyA.bankName.placeholder')} maxLength={100} />
        </Form.Item>
        <Form.Item name="bankAccount" label={t('partyA.bankAccount')} rules={[zodRule(shape.bankAccount, t, 'validation.bankAccount')]}>
          <Input placeholder={t('partyA.bankAccount.placeholder')} maxLength={40} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item label=" " colon={false}>
          <Button type="primary" htmlType="submit" loading={saving}>
            {t('common.save')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}

export function PartyAPage() {
  const t = useT();
  const me = useMe();
  const status = me.account?.verificationStatus ?? 'unverified';
  const isVerified = status === 'verified';
  const { data, error, loading, reload, setData } = useLoad(
    (signal) => (isVerified ? fetchPartyA(signal) : Promise.resolve(null)),
    [isVerified],
  );

  const header = (
    <PageHeader breadcrumb={[t('nav.billing'), t('nav.contractManagement'), t('nav.partyA')]} title={t('partyA.title')} subtitle={t('partyA.subtitle')} />
  );
  const gated = !isVerified || (error instanceof ApiError && error.code === 'verification_required');

  return (
    <>
      {header}
      {gated ? (
        <VerificationGate status={status === 'verified' ? 'unverified' : status} />
      ) : error ? (
        <LoadError error={error} onRetry={reload} />
      ) : loading || !data ? (
        <Card loading />
      ) : (
        <Flex vertical gap={16}>
          <IdentityCard partyA={data} />
          <ContactForm partyA={data} onSaved={setData} />
        </Flex>
      )}
    </>
  );
}
