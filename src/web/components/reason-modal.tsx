import { Alert, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { reasonBody } from '../../shared/schemas/contract';
import { useT } from '../i18n';
import { requiredRule, zodRule } from './form-rules';

type Props = {
  open: boolean;
  title: string;
  description: string;
  /** A consequence the user must see before confirming (voiding a framework voids its attachments). */
  warning?: string;
  reasonLabel: string;
  reasonPlaceholder: string;
  okText: string;
  onClose: () => void;
  /** Does the work; a thrown error keeps the modal open (the caller shows the message). */
  onSubmit: (reason: string) => Promise<void>;
};

/** A destructive action that needs a reason: 作废 by the customer, 终止 by the contract desk. */
export function ReasonModal({ open, title, description, warning, reasonLabel, reasonPlaceholder, okText, onClose, onSubmit }: Props) {
  const t = useT();
  const [form] = Form.useForm<{ reason: string }>();
  const [submitting, setSubmitting] = useState(false);

  const onOk = async () => {
    let reason: string;
    try {
      ({ reason } = await form.validateFields());
    } catch {
      return; // the form shows what is missing
    }
    setSubmitting(true);
    try {
      await onSubmit(reason.trim());
    } catch {
      // reported by the caller
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      okButtonProps={{ danger: true, loading: submitting, 'data-testid': 'reason-ok' }}
      cancelText={t('common.cancel')}
      onOk={onOk}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{description}</Typography.Paragraph>
      {warning && <Alert type="warning" showIcon title={warning} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="reason" label={reasonLabel} rules={[requiredRule(t), zodRule(reasonBody.shape.reason, t)]}>
          <Input.TextArea rows={4} maxLength={500} showCount placeholder={reasonPlaceholder} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
