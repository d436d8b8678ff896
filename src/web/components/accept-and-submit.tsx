import { Button, Checkbox, Space, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../i18n';

/** Whether the customer ticked acceptance, and whether to remind them they have not. */
export function useAcceptance() {
  const [isAccepted, setIsAccepted] = useState(false);
  const [showRequired, setShowRequired] = useState(false);
  return {
    isAccepted,
    showRequired,
    // Ticking or unticking answers the reminder.
    setAccepted: (checked: boolean) => {
      setIsAccepted(checked);
      setShowRequired(false);
    },
    remind: () => setShowRequired(true),
  };
}

type AcceptAndSubmitProps = {
  acceptance: ReturnType<typeof useAcceptance>;
  acceptLabel: string;
  acceptRequiredLabel: string;
  isSubmitting: boolean;
  onBack: () => void;
  onSubmit: () => void;
};

/** The end of a wizard's confirmation: the acceptance checkbox, then 上一步 and submit. */
export function AcceptAndSubmit({ acceptance, acceptLabel, acceptRequiredLabel, isSubmitting, onBack, onSubmit }: AcceptAndSubmitProps) {
  const t = useT();
  return (
    <>
      <div style={{ marginBottom: 16 }}>
        <Checkbox checked={acceptance.isAccepted} onChange={(e) => acceptance.setAccepted(e.target.checked)} data-testid="accept-terms">
          {acceptLabel}
        </Checkbox>
        {acceptance.showRequired && (
          <Typography.Text type="danger" style={{ display: 'block', marginTop: 4 }} data-testid="accept-required">
            {acceptRequiredLabel}
          </Typography.Text>
        )}
      </div>
      <Space>
        <Button onClick={onBack} disabled={isSubmitting}>
          {t('apply.prev')}
        </Button>
        <Button type="primary" onClick={onSubmit} loading={isSubmitting} data-testid="apply-submit">
          {t('apply.confirm.submit')}
        </Button>
      </Space>
    </>
  );
}
