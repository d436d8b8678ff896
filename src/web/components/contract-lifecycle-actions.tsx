import { EditOutlined, EyeInvisibleOutlined, EyeOutlined, SyncOutlined } from '@ant-design/icons';
import { App, Button, Modal, Popconfirm, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { Contract, EligibilityResponse } from '../../shared/schemas/contract';
import { fetchEligibility, updateContract } from '../api/contracts';
import { type Signing, startSigning } from '../api/signings';
import { SigningCodeForm } from './signing-code-form';
import { queryKeys } from '../api/query';
import { useLocale, useT } from '../i18n';
import { useErrorText } from './use-error-text';
import { useIdempotencyKey } from './use-idempotency-key';
import { useLoad } from './use-load';
import { PermittedButton } from './permitted';

type Kind = EligibilityResponse['kinds'][number]['kind'];

/** The first reason the server gives why `kind` may not be applied for now, in the user's words. */
export function useEligibility() {
  const { data } = useLoad(queryKeys.eligibility, (signal) => fetchEligibility(signal));
  const { errorText } = useLocale();
  return (kind: Kind): string | undefined => {
    const entry = data?.kinds.find((k) => k.kind === kind);
    if (!entry || entry.allowed) return undefined;
    // Each reason is an error code the creating route would answer: the catalogue words them.
    return entry.reasons.map((r) => errorText(r) ?? r).join('；');
  };
}

/**
 * 续签: the successor with the same terms, signed now, in force when this one ends. Like every
 * Party A signature it goes through the code and the browser's own key.
 */
export function RenewButton({ framework }: { framework: Contract }) {
  const t = useT();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const blocked = useEligibility()('renewal');
  const idempotencyKey = useIdempotencyKey();
  const [busy, setBusy] = useState(false);
  const [signing, setSigning] = useState<Signing | null>(null);
  const body = { kind: 'renewal' as const, frameworkId: framework.id, termYears: (framework.termYears ?? 1) as 1 | 2 | 3, copies: framework.copies as 2 | 3 };
  const renew = async () => {
    setBusy(true);
    try {
      setSigning((await startSigning(body, idempotencyKey(body))).signing);
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    setSigning(null);
    idempotencyKey(null);
  };
  const dialog = (
    <Modal open={Boolean(signing)} title={t('signing.renewTitle')} footer={null} onCancel={close} destroyOnHidden width={640}>
      {signing ? (
        <SigningCodeForm
          key={signing.id}
          signing={signing}
          onBack={close}
          onRestart={async () => {
            close();
            await renew();
          }}
          onSigned={(contract) => {
            close();
            message.success(t('contract.renewed', { number: contract.number }));
            navigate(`/contracts/${contract.id}`);
          }}
        />
      ) : null}
    </Modal>
  );
  const button = (
    <Button icon={<SyncOutlined />} disabled={Boolean(blocked)} loading={busy} data-testid="renew-contract">
      {t('contract.renew')}
    </Button>
  );
  if (blocked && !signing) {
    return (
      <Tooltip title={blocked}>
        <span style={{ display: 'inline-block', cursor: 'not-allowed' }} data-testid="disabled-reason">
          {button}
        </span>
      </Tooltip>
    );
  }
  return (
    <>
      <Popconfirm title={t('contract.renewConfirm')} onConfirm={renew} okText={t('contract.renew')}>
        {button}
      </Popconfirm>
      {dialog}
    </>
  );
}

/** 备注 (≤ 200 characters), editable in place by the customer. */
export function RemarkField({ contract, editable, onChange }: { contract: Contract; editable: boolean; onChange: (c: Contract) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const save = async (remark: string) => {
    if (remark.trim() === (contract.remark ?? '')) return;
    try {
      onChange((await updateContract(contract.id, { remark })).contract);
    } catch (err) {
      message.error(errorText(err));
    }
  };
  return (
    <Typography.Text
      data-testid="contract-remark"
      type={contract.remark ? undefined : 'secondary'}
      editable={editable ? { onChange: save, maxLength: 200, icon: <EditOutlined />, tooltip: t('contract.remarkEdit'), text: contract.remark ?? '' } : false}
    >
      {contract.remark ?? (editable ? t('contract.remarkEmpty') : '—')}
    </Typography.Text>
  );
}

/** Hides an ended contract from the default list, or shows it again; never deletes it. */
export function HideButton({ contract, onChange }: { contract: Contract; onChange: (c: Contract) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const errorText = useErrorText();
  if (contract.status !== 'voided' && contract.status !== 'terminated') return null;
  const toggle = async () => {
    try {
      onChange((await updateContract(contract.id, { hidden: !contract.hidden })).contract);
      message.success(t(contract.hidden ? 'contract.unhidden' : 'contract.hiddenDone'));
    } catch (err) {
      message.error(errorText(err));
    }
  };
  // Like every action: in view for members who may not, disabled with the permission it needs.
  return (
    <PermittedButton action="contracts.void" icon={contract.hidden ? <EyeOutlined /> : <EyeInvisibleOutlined />} onClick={toggle} data-testid="hide-contract">
      {t(contract.hidden ? 'contract.unhide' : 'contract.hide')}
    </PermittedButton>
  );
}
