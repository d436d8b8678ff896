import { Form, type FormInstance, Input, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import { type Carrier, carriers, isValidTrackingNumber, normalizeTrackingNumber } from '../../shared/ids';
import { ApiError } from '../api/client';
import type { Courier } from '../api/stamping';
import { useT } from '../i18n';
import { requiredRule } from './form-rules';
import { carrierName } from './stamping-status-tag';

/**
 * A field checked only on blur keeps its error while it is corrected; once flagged, it is
 * checked again at every change so that the error goes as soon as the value is right.
 */
export function recheckWhenFlagged(form: FormInstance, name: string) {
  // After the Form.Item's own onChange has stored the new value.
  queueMicrotask(() => {
    if (form.getFieldError(name).length > 0) form.validateFields([name]).catch(() => undefined);
  });
}

export type CourierValues = { carrier?: Carrier; trackingNumber?: string };

/**
 * 快递公司 and 运单号, checked against the carrier's format as the server checks it: while
 * typing only once the field was left, so a half-typed number is not flagged at once.
 */
export function CourierFields({ testIdPrefix = 'courier' }: { testIdPrefix?: string }) {
  const t = useT();
  const form = Form.useFormInstance();
  const carrier = Form.useWatch<Carrier | undefined>('carrier');
  return (
    <>
      <Form.Item name="carrier" label={t('stamping.courier.carrier')} rules={[{ required: true, message: t('validation.required') }]}>
        <Select<Carrier>
          placeholder={t('stamping.courier.carrier.placeholder')}
          options={carriers.map((value) => ({ value, label: carrierName(value, t) }))}
          style={{ maxWidth: 280 }}
          data-testid={`${testIdPrefix}-carrier`}
        />
      </Form.Item>
      <Form.Item
        name="trackingNumber"
        label={t('stamping.courier.trackingNumber')}
        dependencies={['carrier']}
        normalize={(value: string | undefined) => (value ? normalizeTrackingNumber(value) : value)}
        validateTrigger={['onChange', 'onBlur']}
        extra={carrier ? t('stamping.courier.formatHint', { format: t(`stamping.trackingFormat.${carrier}`) }) : undefined}
        rules={[
          requiredRule(t),
          ({ getFieldValue }) => ({
            validateTrigger: 'onBlur',
            validator: async (_rule, value: string | undefined) => {
              const chosen = getFieldValue('carrier') as Carrier | undefined;
              if (!value || !chosen) return;
              if (!isValidTrackingNumber(chosen, value)) {
                throw new Error(t('stamping.courier.trackingNumberInvalid', { carrier: carrierName(chosen, t), format: t(`stamping.trackingFormat.${chosen}`) }));
              }
            },
          }),
        ]}
      >
        <Input
          onChange={() => recheckWhenFlagged(form, 'trackingNumber')}
          placeholder={t('stamping.courier.trackingNumber.placeholder')}
          maxLength={40}
          style={{ maxWidth: 360, fontFamily: 'monospace' }}
          data-testid={`${testIdPrefix}-tracking-number`}
        />
      </Form.Item>
    </>
  );
}

/** The courier as the API takes it, from validated form values. */
export const toCourier = (values: CourierValues): Courier => ({
  carrier: values.carrier as Carrier,
  trackingNumber: normalizeTrackingNumber(values.trackingNumber ?? ''),
});

type ModalProps = {
  open: boolean;
  title: string;
  description?: string;
  okText: string;
  initial?: Courier;
  onClose: () => void;
  /** Does the work; a thrown ApiError `invalid_tracking_number` is shown under the number. */
  onSubmit: (courier: Courier) => Promise<void>;
};

/** 修改运单号 (customer) and 寄回 (operator): a courier and its tracking number. */
export function CourierModal({ open, title, description, okText, initial, onClose, onSubmit }: ModalProps) {
  const t = useT();
  const [form] = Form.useForm<CourierValues>();
  const [submitting, setSubmitting] = useState(false);

  const onOk = async () => {
    let values: CourierValues;
    try {
      values = await form.validateFields();
    } catch {
      return; // the form shows what is wrong
    }
    setSubmitting(true);
    try {
      await onSubmit(toCourier(values));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'invalid_tracking_number') {
        form.setFields([{ name: 'trackingNumber', errors: [t('stamping.courier.trackingNumberRefused')] }]);
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      okButtonProps={{ loading: submitting, 'data-testid': 'courier-ok' }}
      cancelText={t('common.cancel')}
      onOk={onOk}
      onCancel={onClose}
      destroyOnHidden
    >
      {description && <Typography.Paragraph>{description}</Typography.Paragraph>}
      <Form form={form} layout="vertical" preserve={false} initialValues={initial}>
        <CourierFields testIdPrefix="modal" />
      </Form>
    </Modal>
  );
}
