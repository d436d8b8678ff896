import { Alert, App, Button, Card, ConfigProvider, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { type PartyA, partyAUpdateBody } from '../../shared/schemas/party-a';
import { ApiError } from '../api/client';
import { type PartyAContactFields, updatePartyA } from '../api/party-a';
import { useT } from '../i18n';
import { applyFieldErrors, requiredRule, zodRule } from './form-rules';
import { PermissionNotice } from './permitted';
import { useCan } from './use-can';
import { useErrorText } from './use-error-text';

// Party A as the Party A page and the application wizard both show it: the identity from the
// verification (read-only) and the contact details the customer keeps up to date.

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

export function PartyAIdentityCard({ partyA }: { partyA: PartyA }) {
  const t = useT();
  const isEnterprise = partyA.subjectType === 'enterprise';
  return (
    <Card title={t('partyA.identityTitle')} extra={<Typography.Text type="secondary">{t('partyA.identityHint')}</Typography.Text>}>
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

type ContactFormProps = {
  partyA: PartyA;
  onSaved: (partyA: PartyA) => void;
  /** The wizard's label (保存并下一步) instead of 保存. */
  submitLabel?: string;
  /**
   * Called instead of saving when nothing was changed and Party A is already complete, so that
   * going through the wizard does not write an audit event for an unchanged profile.
   */
  onUnchanged?: () => void;
  extraActions?: ReactNode;
};

export function PartyAContactForm({ partyA, onSaved, submitLabel, onUnchanged, extraActions }: ContactFormProps) {
  const t = useT();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const [form] = Form.useForm<PartyAContactFields>();
  const [saving, setSaving] = useState(false);
  const shape = partyAUpdateBody.shape;
  const edit = useCan('party_a.edit');
  // Without party_a.edit the fields are read-only; the wizard still goes on past a complete Party A.
  const canGoOn = !edit.allowed && onUnchanged ? partyA.isComplete : undefined;

  useEffect(() => form.setFieldsValue(toFormValues(partyA)), [form, partyA]);

  const onFinish = async (values: PartyAContactFields) => {
    const trimmed = Object.fromEntries(fieldNames.map((name) => [name, (values[name] ?? '').trim()])) as PartyAContactFields;
    const saved = toFormValues(partyA);
    if (onUnchanged && partyA.isComplete && fieldNames.every((name) => trimmed[name] === saved[name])) {
      onUnchanged();
      return;
    }
    setSaving(true);
    try {
      const answer = await updatePartyA(trimmed);
      message.success(t('partyA.saved'));
      onSaved(answer);
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
      <PermissionNotice action="party_a.edit" />
      {!partyA.isComplete && <Alert type="warning" showIcon title={t('partyA.incompleteHint')} style={{ marginBottom: 24 }} />}
      <Form<PartyAContactFields>
        form={form}
        layout="horizontal"
        labelCol={{ flex: '140px' }}
        wrapperCol={{ flex: '1' }}
        style={{ maxWidth: 680 }}
        initialValues={toFormValues(partyA)}
        onFinish={onFinish}
        disabled={saving || !edit.allowed}
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
        <Form.Item name="bankName" label={t('partyA.bankName')} rules={[zodRule(shape.bankName, t)]} extra={t('partyA.bankHint')}>
          <Input placeholder={t('partyA.bankName.placeholder')} maxLength={100} />
        </Form.Item>
        <Form.Item name="bankAccount" label={t('partyA.bankAccount')} rules={[zodRule(shape.bankAccount, t, 'validation.bankAccount')]}>
          <Input placeholder={t('partyA.bankAccount.placeholder')} maxLength={40} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item label=" " colon={false}>
          <Space>
            {/* The wizard's own buttons stay usable when the fields are read-only. */}
            <ConfigProvider componentDisabled={saving}>{extraActions}</ConfigProvider>
            <Button type="primary" htmlType="submit" loading={saving} disabled={canGoOn === undefined ? undefined : !canGoOn} data-testid="party-a-submit">
              {submitLabel ?? t('common.save')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
    </Card>
  );
}
