import { InfoCircleOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Radio } from 'antd';
import { useState } from 'react';
import { enterpriseVerificationBody, personalVerificationBody, type SubjectType, type Verification, type VerificationBody } from '../../shared/schemas/verification';
import { ApiError } from '../api/client';
import { submitVerification } from '../api/verification';
import { useT } from '../i18n';
import { applyFieldErrors, creditCodeRules, idNumberRules, normalizeCode, requiredRule, zodRule } from './form-rules';
import { useErrorText } from './use-error-text';

type FormValues = {
  subjectType: SubjectType;
  personalName?: string;
  idNumber?: string;
  enterpriseName?: string;
  creditCode?: string;
  legalRepresentative?: string;
};

function toBody(values: FormValues): VerificationBody {
  return values.subjectType === 'personal'
    ? { subjectType: 'personal', name: (values.personalName ?? '').trim(), idNumber: normalizeCode(values.idNumber) }
    : {
        subjectType: 'enterprise',
        name: (values.enterpriseName ?? '').trim(),
        creditCode: normalizeCode(values.creditCode),
        legalRepresentative: (values.legalRepresentative ?? '').trim(),
      };
}

type Props = { initial?: Verification | null; onSubmitted: (verification: Verification) => void | Promise<void> };

/** Personal or enterprise identity, with the check characters verified as the user types. */
export function VerificationForm({ initial, onSubmitted }: Props) {
  const t = useT();
  const errorText = useErrorText();
  const [form] = Form.useForm<FormValues>();
  const subjectType = Form.useWatch('subjectType', form) ?? initial?.subjectType ?? 'enterprise';
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  // A rejected submission is offered again for correction.
  const initialValues: FormValues =
    initial?.subjectType === 'personal'
      ? { subjectType: 'personal', personalName: initial.name, idNumber: initial.idNumber }
      : initial?.subjectType === 'enterprise'
        ? { subjectType: 'enterprise', enterpriseName: initial.name, creditCode: initial.creditCode, legalRepresentative: initial.legalRepresentative }
        : { subjectType: 'enterprise' };

  const onFinish = async (values: FormValues) => {
    setSubmitting(true);
    setError(null);
    try {
      const { verification } = await submitVerification(toBody(values));
      await onSubmitted(verification);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_id_number') {
        form.setFields([{ name: 'idNumber', errors: [errorText(err)] }]);
      } else if (err instanceof ApiError && err.code === 'invalid_credit_code') {
        form.setFields([{ name: 'creditCode', errors: [errorText(err)] }]);
      } else {
        const nameField = values.subjectType === 'personal' ? 'personalName' : 'enterpriseName';
        const matched = applyFieldErrors(form, err, t, {
          name: nameField,
          idNumber: 'idNumber',
          creditCode: 'creditCode',
          legalRepresentative: 'legalRepresentative',
        });
        if (!matched) setError(errorText(err));
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Form<FormValues>
      form={form}
      layout="horizontal"
      labelCol={{ flex: '160px' }}
      wrapperCol={{ flex: '1' }}
      style={{ maxWidth: 640 }}
      initialValues={initialValues}
      onFinish={onFinish}
      disabled={submitting}
      data-testid="verification-form"
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Form.Item name="subjectType" label={t('verification.subjectType')}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={[
            { value: 'enterprise', label: t('subject.enterprise') },
            { value: 'personal', label: t('subject.personal') },
          ]}
        />
      </Form.Item>
      {subjectType === 'personal' ? (
        <>
          <Form.Item name="personalName" label={t('verification.personal.name')} rules={[requiredRule(t), zodRule(personalVerificationBody.shape.name, t)]}>
            <Input placeholder={t('verification.personal.name.placeholder')} maxLength={50} autoComplete="name" />
          </Form.Item>
          <Form.Item
            name="idNumber"
            label={t('verification.idNumber')}
            normalize={normalizeCode}
            validateTrigger={['onChange', 'onBlur']}
            rules={idNumberRules(t)}
          >
            <Input placeholder={t('verification.idNumber.placeholder')} maxLength={18} autoComplete="off" style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        </>
      ) : (
        <>
          <Form.Item name="enterpriseName" label={t('verification.enterprise.name')} rules={[requiredRule(t), zodRule(enterpriseVerificationBody.shape.name, t)]}>
            <Input placeholder={t('verification.enterprise.name.placeholder')} maxLength={100} autoComplete="organization" />
          </Form.Item>
          <Form.Item
            name="creditCode"
            label={t('verification.creditCode')}
            normalize={normalizeCode}
            validateTrigger={['onChange', 'onBlur']}
            rules={creditCodeRules(t)}
          >
            <Input placeholder={t('verification.creditCode.placeholder')} maxLength={18} autoComplete="off" style={{ fontFamily: 'monospace' }} />
          </Form.Item>
          <Form.Item
            name="legalRepresentative"
            label={t('verification.legalRepresentative')}
            rules={[requiredRule(t), zodRule(enterpriseVerificationBody.shape.legalRepresentative, t)]}
          >
            <Input placeholder={t('verification.legalRepresentative.placeholder')} maxLength={50} />
          </Form.Item>
        </>
      )}
      <Form.Item label=" " colon={false}>
        <Alert type="warning" showIcon icon={<InfoCircleOutlined />} title={t('verification.notice')} style={{ marginBottom: 16 }} />
        <Button type="primary" htmlType="submit" loading={submitting}>
          {t('verification.submit')}
        </Button>
      </Form.Item>
    </Form>
  );
}
