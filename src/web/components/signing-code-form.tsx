import { FilePdfOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { Contract } from '../../shared/schemas/contract';
import { useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client';
import { type ContractJob, contractJobPath } from '../api/contract-jobs';
import { completeSigning, confirmSigning, resendSigningCode, type Signing, signingDraftUrl } from '../api/signings';
import { useT } from '../i18n';
import { type BrowserKey, generateBrowserKey, hasWebCrypto, keepBrowserKey } from '../signing/browser-key';
import { useErrorText } from './use-error-text';

/** The server sends a new code at most once a minute. */
const resendIntervalSeconds = 60;

function useCountdown(initial: number) {
  const [left, setLeft] = useState(initial);
  useEffect(() => {
    if (left <= 0) return;
    const timer = setTimeout(() => setLeft((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);
  return [left, setLeft] as const;
}

/** "4 tries left" → 4, from the field error invalid_code carries. */
const triesLeftOf = (error: ApiError) => Number(/(\d+) tries left/.exec(error.fieldErrors[0]?.message ?? error.message)?.[1] ?? Number.NaN);

type Props = {
  signing: Signing;
  onSigned: (contract: Contract) => void;
  /** The code expired or the signing ended: start a new one. */
  onRestart: () => void;
  onBack: () => void;
  /** A refusal the page handles itself (items taken meanwhile); true when it did. */
  onRefused?: (error: ApiError) => boolean;
  /**
   * A big attachment: a contract job prepares the document, and its page finishes the signature
   * with the key kept in IndexedDB. Without this the form opens the job's page itself.
   */
  onJob?: (job: ContractJob) => void;
};

type Phase = 'idle' | 'confirming' | 'signing';

/**
 * The willingness confirmation (意愿认证) and Party A's own signature: the customer enters the
 * code sent to Party A's contact; the browser makes Party A's key pair (non-extractable), the
 * server issues the certificate for its public key and answers what to sign; the browser signs
 * it and the server completes the contract. The key lives in this component only and is
 * dropped once the contract exists or the signing is abandoned; for a big attachment, whose
 * document a contract job prepares, it waits in IndexedDB for the job's page to sign with.
 */
export function SigningCodeForm({ signing, onSigned, onRestart, onBack, onRefused, onJob }: Props) {
  const t = useT();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const [form] = Form.useForm<{ code: string }>();
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState<unknown>(null);
  const [resendIn, setResendIn] = useCountdown(resendIntervalSeconds);
  const [destination, setDestination] = useState(signing.confirmation.destination);
  const [resent, setResent] = useState(false);
  // Kept across a retry of the same signing (a lost answer), never longer.
  const key = useRef<BrowserKey | null>(null);
  const prepared = useRef<Signing | null>(null);
  useEffect(
    () => () => {
      key.current = null;
      prepared.current = null;
    },
    [],
  );

  const submit = async ({ code }: { code: string }) => {
    setError(null);
    try {
      setPhase('confirming');
      key.current ??= await generateBrowserKey();
      if (!prepared.current) {
        const answer = await confirmSigning(signing.id, { code, publicKey: key.current.publicJwk }, `${signing.id}:confirm:${code}`);
        if ('job' in answer) {
          await keepBrowserKey(signing.id, key.current);
          key.current = null;
          if (onJob) onJob(answer.job);
          else navigate(contractJobPath(answer.job.id));
          return;
        }
        prepared.current = answer.signing;
      }
      setPhase('signing');
      const signature = await key.current.sign(prepared.current.toBeSigned!);
      const { contract } = await completeSigning(signing.id, signature, `${signing.id}:complete`);
      key.current = null;
      prepared.current = null;
      onSigned(contract);
    } catch (err) {
      setPhase('idle');
      if (err instanceof ApiError && onRefused?.(err)) return;
      setError(err);
    }
  };

  const resend = async () => {
    setError(null);
    try {
      const { signing: fresh } = await resendSigningCode(signing.id);
      setDestination(fresh.confirmation.destination);
      setResent(true);
      form.resetFields();
      setResendIn(resendIntervalSeconds);
    } catch (err) {
      if (err instanceof ApiError && err.retryAfterSeconds) setResendIn(err.retryAfterSeconds);
      setError(err);
    }
  };

  const restart = () => {
    key.current = null;
    prepared.current = null;
    onRestart();
  };

  const code = error instanceof ApiError ? error.code : undefined;
  const triesLeft = error instanceof ApiError && code === 'invalid_code' ? triesLeftOf(error) : Number.NaN;
  const isOver = code === 'signing_expired' || triesLeft === 0;
  let message: string | null = null;
  if (code === 'invalid_code') message = triesLeft === 0 ? t('signing.tooManyTries') : t('signing.wrongCode', { tries: Number.isNaN(triesLeft) ? '—' : triesLeft });
  else if (code === 'signing_expired') message = t('signing.expired');
  else if (error) message = errorText(error);

  if (!hasWebCrypto()) return <Alert type="error" showIcon title={t('signing.noWebCrypto')} data-testid="signing-unsupported" />;

  return (
    <div data-testid="signing-code">
      <Alert
        type="info"
        showIcon
        icon={<SafetyCertificateOutlined />}
        title={<span data-testid="code-destination">{t(resent ? 'signing.resentTo' : 'signing.sentTo', { destination })}</span>}
        description={
          <Space vertical size={4}>
            <span>{t('signing.keyNotice')}</span>
            <Typography.Link href={signingDraftUrl(signing.id)} target="_blank" rel="noreferrer">
              <FilePdfOutlined /> {t('signing.viewDraft')}
            </Typography.Link>
          </Space>
        }
        style={{ marginBottom: 16 }}
      />
      {message ? (
        <Alert
          type="error"
          showIcon
          title={message}
          style={{ marginBottom: 16 }}
          data-testid="signing-error"
          action={
            isOver ? (
              <Button size="small" onClick={restart} data-testid="signing-restart">
                {t('signing.restart')}
              </Button>
            ) : undefined
          }
        />
      ) : null}
      <Form form={form} layout="inline" onFinish={submit} disabled={isOver}>
        <Form.Item
          name="code"
          label={t('signing.codeLabel')}
          rules={[{ required: true, pattern: /^\d{6}$/, message: t('signing.codeRequired') }]}
          normalize={(v: string) => v.replace(/\D/g, '').slice(0, 6)}
        >
          <Input
            inputMode="numeric"
            autoComplete="one-time-code"
            placeholder={t('signing.codePlaceholder')}
            maxLength={6}
            style={{ width: 140, fontFamily: 'monospace', letterSpacing: 2 }}
            data-testid="signing-code-input"
          />
        </Form.Item>
        <Form.Item>
          <Button onClick={resend} disabled={resendIn > 0 || phase !== 'idle'} data-testid="signing-resend">
            {resendIn > 0 ? t('signing.resendIn', { seconds: resendIn }) : t('signing.resend')}
          </Button>
        </Form.Item>
      </Form>
      <Space style={{ marginTop: 16 }}>
        <Button onClick={onBack} disabled={phase !== 'idle'}>
          {t('apply.prev')}
        </Button>
        <Button type="primary" onClick={() => form.submit()} loading={phase !== 'idle'} disabled={isOver} data-testid="signing-submit">
          {phase === 'confirming' ? t('signing.progress.key') : phase === 'signing' ? t('signing.progress.sign') : t('signing.submit')}
        </Button>
      </Space>
    </div>
  );
}
