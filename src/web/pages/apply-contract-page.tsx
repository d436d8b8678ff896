import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Flex, Form, Radio, Result, Space, Steps, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import type { Contract } from '../../shared/schemas/contract';
import type { PartyA } from '../../shared/schemas/party-a';
import { ApiError } from '../api/client';
import { contractPdfUrl, type FrameworkTerms, fetchContracts, previewFramework } from '../api/contracts';
import { type Signing, startSigning } from '../api/signings';
import { SigningCodeForm } from '../components/signing-code-form';
import { fetchPartyA } from '../api/party-a';
import { useMe } from '../api/session';
import { AcceptAndSubmit, useAcceptance } from '../components/accept-and-submit';
import { DraftPdfCard, useDraftPdf } from '../components/draft-pdf';
import { formatDate } from '../components/format';
import { LoadError } from '../components/load-error';
import { PageHeader } from '../components/page-header';
import { PartyAContactForm, PartyAIdentityCard } from '../components/party-a-form';
import { PermissionResult } from '../components/permitted';
import { useCan } from '../components/use-can';
import { ContractStatusTag } from '../components/status-tag';
import { useErrorText } from '../components/use-error-text';
import { useIdempotencyKey } from '../components/use-idempotency-key';
import { useLoad } from '../components/use-load';
import { queryKeys, useInvalidate } from '../api/query';
import { useLeaveGuard } from '../components/leave-guard';
import { VerificationGate } from '../components/verification-gate';
import { useT } from '../i18n';

const defaultTerms: FrameworkTerms = { copies: 2, termYears: 1 };

/** The terms named in the URL, each falling back to its default when missing or not offered. */
function termsOf(params: URLSearchParams): FrameworkTerms {
  const copies = Number(params.get('copies'));
  const termYears = Number(params.get('years'));
  return {
    copies: copies === 2 || copies === 3 ? copies : defaultTerms.copies,
    termYears: termYears === 1 || termYears === 2 || termYears === 3 ? termYears : defaultTerms.termYears,
  };
}

function TermsStep({ terms, onBack, onNext }: { terms: FrameworkTerms; onBack: () => void; onNext: (terms: FrameworkTerms) => void }) {
  const t = useT();
  const [form] = Form.useForm<FrameworkTerms>();
  return (
    <Card title={t('apply.step.terms')}>
      <Form<FrameworkTerms>
        form={form}
        layout="horizontal"
        labelCol={{ flex: '140px' }}
        wrapperCol={{ flex: '1' }}
        initialValues={terms}
        onFinish={onNext}
        data-testid="terms-form"
      >
        <Form.Item name="copies" label={t('apply.terms.copies')} extra={t('apply.terms.copiesHint')} rules={[{ required: true, message: t('validation.required') }]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: 2, label: t('contract.copies.2') },
              { value: 3, label: t('contract.copies.3') },
            ]}
          />
        </Form.Item>
        <Form.Item name="termYears" label={t('apply.terms.termYears')} extra={t('apply.terms.termHint')} rules={[{ required: true, message: t('validation.required') }]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: 1, label: t('contract.term.1') },
              { value: 2, label: t('contract.term.2') },
              { value: 3, label: t('contract.term.3') },
            ]}
          />
        </Form.Item>
        <Form.Item label=" " colon={false}>
          <Space>
            <Button onClick={onBack}>{t('apply.prev')}</Button>
            <Button type="primary" htmlType="submit" data-testid="wizard-next">
              {t('apply.next')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
    </Card>
  );
}

/** The server's draft for these terms, in the page. */
function PreviewStep({ terms, onBack, onNext }: { terms: FrameworkTerms; onBack: () => void; onNext: () => void }) {
  const t = useT();
  const draft = useDraftPdf((signal) => previewFramework(terms, signal), [terms]);
  return (
    <DraftPdfCard
      draft={draft}
      title={t('apply.step.preview')}
      hint={t('apply.preview.draftHint')}
      fileName={t('apply.preview.fileName')}
      frameTitle={t('apply.preview.frameTitle')}
      height="72vh"
      minHeight={520}
    >
      <Space style={{ marginTop: 16 }}>
        <Button onClick={onBack}>{t('apply.prev')}</Button>
        <Button type="primary" onClick={onNext} disabled={!draft.url} data-testid="wizard-next">
          {t('apply.next')}
        </Button>
      </Space>
    </DraftPdfCard>
  );
}

type ConfirmProps = {
  partyA: PartyA;
  terms: FrameworkTerms;
  onBack: () => void;
  onGenerated: (contract: Contract) => void;
  onPartyAIncomplete: () => void;
};

function ConfirmStep({ partyA, terms, onBack, onGenerated, onPartyAIncomplete }: ConfirmProps) {
  const t = useT();
  const errorText = useErrorText();
  const acceptance = useAcceptance();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [signing, setSigning] = useState<Signing | null>(null);
  const idempotencyKey = useIdempotencyKey();

  // Sends the code (意愿认证); the contract is signed once the code comes back.
  const submit = async () => {
    if (!acceptance.isAccepted) {
      acceptance.remind();
      return;
    }
    const body = { kind: 'framework' as const, ...terms };
    setSubmitting(true);
    setError(null);
    try {
      setSigning((await startSigning(body, idempotencyKey(body))).signing);
    } catch (err) {
      setError(err);
    } finally {
      setSubmitting(false);
    }
  };
  const restart = () => {
    setSigning(null);
    // A new signing is a new request: a new key, or the first one's answer would come back.
    idempotencyKey(null);
  };

  const code = error instanceof ApiError ? error.code : undefined;
  const expiresAt = new Date();
  expiresAt.setFullYear(expiresAt.getFullYear() + terms.termYears);

  return (
    <Card title={t('apply.step.confirm')}>
      {error ? (
        <Alert
          type="error"
          showIcon
          title={errorText(error)}
          style={{ marginBottom: 16 }}
          data-testid="apply-error"
          action={
            code === 'party_a_incomplete' ? (
              <Button size="small" onClick={onPartyAIncomplete}>
                {t('contracts.goPartyA')}
              </Button>
            ) : code === 'framework_exists' ? (
              <Link to="/contracts">
                <Button size="small">{t('apply.success.back')}</Button>
              </Link>
            ) : code === 'verification_required' ? (
              <Link to="/verification">
                <Button size="small">{t('gate.goVerify')}</Button>
              </Link>
            ) : undefined
          }
        />
      ) : null}
      <Descriptions
        bordered
        size="middle"
        column={{ xs: 1, md: 2 }}
        title={t('apply.confirm.summary')}
        data-testid="apply-summary"
        items={[
          { key: 'kind', label: t('contract.kind'), children: t('contract.kind.framework') },
          { key: 'partyA', label: t('contract.partyA'), children: partyA.name },
          { key: 'copies', label: t('contract.copies'), children: t(`contract.copies.${terms.copies}`) },
          { key: 'term', label: t('contract.termYears'), children: t(`contract.term.${terms.termYears}`) },
          { key: 'effective', label: t('contract.effectiveAt'), children: t('apply.confirm.effectiveOnConfirm') },
          { key: 'expires', label: t('contract.expiresAt'), children: t('apply.confirm.expiresAbout', { date: formatDate(expiresAt.toISOString()) }) },
        ]}
      />
      <Alert type="warning" showIcon title={t('apply.confirm.notice')} style={{ margin: '16px 0' }} />
      {signing ? (
        <SigningCodeForm key={signing.id} signing={signing} onSigned={onGenerated} onRestart={restart} onBack={onBack} />
      ) : (
        <AcceptAndSubmit
          acceptance={acceptance}
          acceptLabel={t('apply.confirm.accept')}
          acceptRequiredLabel={t('apply.confirm.acceptRequired')}
          isSubmitting={submitting}
          onBack={onBack}
          onSubmit={submit}
        />
      )}
    </Card>
  );
}

function SuccessResult({ contract }: { contract: Contract }) {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Card>
      <Result
        status="success"
        title={t('apply.success.title')}
        subTitle={
          <Space vertical size={4}>
            <span>
              {t('contract.number')}：
              <Typography.Text strong copyable style={{ fontFamily: 'monospace' }} data-testid="generated-number">
                {contract.number}
              </Typography.Text>{' '}
              <ContractStatusTag status={contract.status} />
            </span>
            <span>{t('apply.success.subtitle', { from: formatDate(contract.effectiveAt), to: formatDate(contract.expiresAt) })}</span>
          </Space>
        }
        extra={[
          <Button type="primary" key="view" onClick={() => navigate(`/contracts/${contract.id}`)} data-testid="view-generated">
            {t('apply.success.view')}
          </Button>,
          <Button key="download" icon={<DownloadOutlined />} href={contractPdfUrl(contract.id)} download>
            {t('apply.success.download')}
          </Button>,
          <Link key="list" to="/contracts">
            <Button type="link">{t('apply.success.back')}</Button>
          </Link>,
        ]}
        data-testid="apply-success"
      />
    </Card>
  );
}

export function ApplyContractPage() {
  const t = useT();
  const me = useMe();
  const navigate = useNavigate();
  const status = me.account?.verificationStatus ?? 'unverified';
  const isVerified = status === 'verified';
  // The step and the terms live in the URL: Back goes one step back, a refresh stays put.
  const [params, setParams] = useSearchParams();
  const terms = termsOf(params);
  const requestedStep = Math.min(3, Math.max(0, Number(params.get('step')) || 0));
  const paramsOf = (atStep: number, atTerms: FrameworkTerms) => ({ step: String(atStep), copies: String(atTerms.copies), years: String(atTerms.termYears) });
  const goTo = (nextStep: number, nextTerms: FrameworkTerms = terms) => {
    // The step left keeps the terms chosen on it, so that Back finds them again.
    if (nextTerms !== terms) setParams(paramsOf(requestedStep, nextTerms), { replace: true });
    setParams(paramsOf(nextStep, nextTerms));
  };
  const setStep = (nextStep: number) => goTo(nextStep);
  const [generated, setGenerated] = useState<Contract | null>(null);
  const canApply = useCan('framework.apply');
  const invalidate = useInvalidate();
  const start = useLoad([...queryKeys.contracts, 'apply-start', isVerified], async (signal) => {
      if (!isVerified) return null;
      const [partyA, frameworks] = await Promise.all([
        fetchPartyA(signal),
        fetchContracts({ kind: 'framework', status: 'effective', limit: 1 }, signal),
      ]);
      return { partyA, existing: frameworks.items[0] ?? null };
  });

  // A step past the first is only reachable with Party A complete (a stale URL may say otherwise).
  const step = start.data?.partyA.isComplete ? requestedStep : 0;
  useLeaveGuard(requestedStep > 0 && !generated);

  const header = (
    <PageHeader
      breadcrumb={[t('nav.billing'), { title: t('nav.contractManagement'), to: '/contracts' }, t('apply.title')]}
      title={t('apply.title')}
      subtitle={t('apply.subtitle')}
    />
  );

  let body: ReactNode;
  if (!canApply.allowed) body = <PermissionResult action="framework.apply" backTo="/contracts" />;
  else if (!isVerified) body = <VerificationGate status={status} />;
  else if (start.error) body = <LoadError error={start.error} onRetry={start.reload} />;
  else if (!start.data) body = <Card loading />;
  else if (generated) body = <SuccessResult contract={generated} />;
  else if (start.data.existing) {
    const existing = start.data.existing;
    body = (
      <Card>
        <Result
          status="info"
          title={t('contracts.frameworkExists')}
          subTitle={t('apply.exists.description', { number: existing.number, date: formatDate(existing.expiresAt) })}
          extra={[
            <Button type="primary" key="view" onClick={() => navigate(`/contracts/${existing.id}`)}>
              {t('apply.success.view')}
            </Button>,
            <Link key="list" to="/contracts">
              <Button>{t('apply.success.back')}</Button>
            </Link>,
          ]}
        />
      </Card>
    );
  } else {
    const partyA = start.data.partyA;
    const setPartyA = (next: PartyA) => start.setData({ partyA: next, existing: null });
    body = (
      <Flex vertical gap={16}>
        <Card>
          <Steps
            current={step}
            items={[
              { title: t('apply.step.partyA') },
              { title: t('apply.step.terms') },
              { title: t('apply.step.preview') },
              { title: t('apply.step.confirm') },
            ]}
            data-testid="apply-steps"
          />
        </Card>
        {step === 0 && (
          <>
            <PartyAIdentityCard partyA={partyA} />
            <PartyAContactForm
              partyA={partyA}
              submitLabel={t('apply.saveAndNext')}
              onSaved={(saved) => {
                setPartyA(saved);
                if (saved.isComplete) setStep(1);
              }}
              onUnchanged={() => setStep(1)}
              extraActions={
                <Link to="/contracts">
                  <Button>{t('common.cancel')}</Button>
                </Link>
              }
            />
          </>
        )}
        {step === 1 && (
          <TermsStep
            terms={terms}
            onBack={() => setStep(0)}
            onNext={(next) => goTo(2, { copies: next.copies, termYears: next.termYears })}
          />
        )}
        {step === 2 && <PreviewStep terms={terms} onBack={() => setStep(1)} onNext={() => setStep(3)} />}
        {step === 3 && (
          <ConfirmStep
            partyA={partyA}
            terms={terms}
            onBack={() => setStep(2)}
            onGenerated={(contract) => {
              setGenerated(contract);
              invalidate(queryKeys.contracts);
            }}
            onPartyAIncomplete={() => {
              start.reload();
              setStep(0);
            }}
          />
        )}
      </Flex>
    );
  }

  return (
    <>
      {header}
      {body}
    </>
  );
}
