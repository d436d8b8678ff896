import { InfoCircleOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Form, Input, Radio, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import {
  consentVersion,
  enterpriseVerificationBody,
  personalVerificationBody,
  type SubjectType,
  type Verification,
  type VerificationBody,
} from '../../shared/schemas/verification';
import { ApiError } from '../api/client';
import { submitVerification, uploadVerificationDocument } from '../api/verification';
import { useLocale, useT } from '../i18n';
import { applyFieldErrors, creditCodeRules, idNumberRules, normalizeCode, requiredRule, zodRule } from './form-rules';
import { useErrorText } from './use-error-text';

type FormValues = {
  subjectType: SubjectType;
  personalName?: string;
  idNumber?: string;
  enterpriseName?: string;
  creditCode?: string;
  legalRepresentative?: string;
  consent?: boolean;
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

type Props = {
  initial?: Verification | null;
  /** Re-verifies the new name of the verified company: type and credit code stay as verified. */
  isRename?: boolean;
  onSubmitted: (verification: Verification) => void | Promise<void>;
};

/** Personal or enterprise identity, with the check characters verified as the user types. */
export function VerificationForm({ initial, isRename = false, onSubmitted }: Props) {
  const t = useT();
  const errorText = useErrorText();
  const [form] = Form.useForm<FormValues>();
  const subjectType = Form.useWatch('subjectType', form) ?? initial?.subjectType ?? 'enterprise';
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const { errorText: errorMessage } = useLocale();
  // Uploaded evidence: the file list antd shows, each with the server's document id once stored.
  const [files, setFiles] = useState<(UploadFile & { documentId?: string })[]>([]);
  const [canAppeal, setCanAppeal] = useState(false);
  const documentIds = files.map((f) => f.documentId).filter((id): id is string => Boolean(id));

  const upload = async (file: File) => {
    const uid = `${Date.now()}-${file.name}`;
    setFiles((list) => [...list, { uid, name: file.name, status: 'uploading' }]);
    try {
      const { document } = await uploadVerificationDocument(file);
      setFiles((list) => list.map((f) => (f.uid === uid ? { ...f, status: 'done', documentId: document.id } : f)));
    } catch (err) {
      setFiles((list) => list.map((f) => (f.uid === uid ? { ...f, status: 'error', response: errorText(err) } : f)));
    }
  };

  // A rejected submission is offered again for correction.
  const initialValues: FormValues =
    initial?.subjectType === 'personal'
      ? { subjectType: 'personal', personalName: initial.name, idNumber: initial.idNumber }
      : initial?.subjectType === 'enterprise'
        ? { subjectType: 'enterprise', enterpriseName: initial.name, creditCode: initial.creditCode, legalRepresentative: initial.legalRepresentative }
        : { subjectType: 'enterprise' };

  const submit = async (values: FormValues, appeal: boolean) => {
    setSubmitting(true);
    setError(null);
    try {
      const body = { ...toBody(values), consent: { version: consentVersion }, ...(documentIds.length ? { documents: documentIds } : {}), ...(appeal ? { appeal } : {}) };
      const { verification } = await submitVerification(body);
      setCanAppeal(false);
      await onSubmitted(verification);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'identity_in_use') {
        setCanAppeal(true);
        setError(errorText(err));
      } else if (err instanceof ApiError && err.code === 'invalid_id_number') {
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

  const onFinish = (values: FormValues) => submit(values, false);

  return (
    <Form<FormValues>
      form={form}
      layout="horizontal"
      labelCol={{ flex: '160px' }}
      wrapperCol={{ flex: '1' }}
      style={{ maxWidth: 640 }}
      initialValues={initialValues}
      onFinish={onFinish}
      // Undefined while idle: a page may make the whole form read-only (no verification.submit).
      disabled={submitting ? true : undefined}
      data-testid={isRename ? 'rename-form' : 'verification-form'}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Form.Item name="subjectType" label={t('verification.subjectType')}>
        <Radio.Group
          disabled={isRename}
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
            <Input placeholder={t('verification.creditCode.placeholder')} maxLength={18} autoComplete="off" style={{ fontFamily: 'monospace' }} disabled={isRename} />
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
      <Form.Item label={t('verification.documents')} extra={t('verification.documents.hint')}>
        <Upload
          accept="image/png,image/jpeg,application/pdf"
          fileList={files}
          maxCount={4}
          beforeUpload={(file) => {
            void upload(file);
            return false;
          }}
          onRemove={(file) => setFiles((list) => list.filter((f) => f.uid !== file.uid))}
        >
          <Button icon={<UploadOutlined />} data-testid="upload-documents">
            {t('verification.documents.upload')}
          </Button>
        </Upload>
      </Form.Item>
      <Form.Item
        name="consent"
        valuePropName="checked"
        label=" "
        colon={false}
        rules={[{ validator: async (_rule, value: boolean | undefined) => { if (!value) throw new Error(errorMessage('consent_required')); } }]}
      >
        <Checkbox data-testid="verification-consent">{t('verification.consent')}</Checkbox>
      </Form.Item>
      <Form.Item label=" " colon={false}>
        <Alert type="warning" showIcon icon={<InfoCircleOutlined />} title={t('verification.notice')} style={{ marginBottom: 16 }} />
        {canAppeal && (
          <Alert
            type="info"
            showIcon
            title={t('verification.appeal')}
            style={{ marginBottom: 16 }}
            data-testid="appeal"
            action={
              <Button size="small" disabled={documentIds.length === 0} onClick={() => form.validateFields().then((values) => submit(values, true))}>
                {t('verification.appeal.submit')}
              </Button>
            }
          />
        )}
        <Button type="primary" htmlType="submit" loading={submitting} data-testid="verification-submit">
          {t(isRename ? 'verification.rename.submit' : 'verification.submit')}
        </Button>
      </Form.Item>
    </Form>
  );
}
