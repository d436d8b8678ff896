import { DownloadOutlined, FileTextOutlined, GlobalOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Flex, Result, Row, Space, Steps, Typography } from 'antd';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { PermissionResult } from '../components/permitted';
import { useCan } from '../components/use-can';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { FieldError } from '../../shared/errors';
import { amountInChineseCapitals, formatYuan } from '../../shared/money';
import type { Contract } from '../../shared/schemas/contract';
import {
  type AttachmentKind,
  type AttachmentSelection,
  attachmentKinds,
  isAttachmentKind,
  isReissueTarget,
  previewAttachment,
  type SelectableItem,
  type UnselectableReason,
} from '../api/attachments';
import { ApiError } from '../api/client';
import { type ContractJob, contractJobPath } from '../api/contract-jobs';
import { contractPdfUrl, fetchContract } from '../api/contracts';
import { type Signing, startSigning } from '../api/signings';
import { SigningCodeForm } from '../components/signing-code-form';
import { AcceptAndSubmit, useAcceptance } from '../components/accept-and-submit';
import { DraftPdfCard, useDraftPdf } from '../components/draft-pdf';
import { formatDate, formatLastDay, monospace } from '../components/format';
import {
  ItemSelectionTable,
  isOrder,
  itemLabel,
  type Selection,
  SelectionSummary,
  selectionTotalFen,
  useSelectableItems,
} from '../components/item-selection-table';
import { LoadError } from '../components/load-error';
import { PageHeader } from '../components/page-header';
import { ContractStatusTag } from '../components/status-tag';
import { useErrorText } from '../components/use-error-text';
import { useIdempotencyKey } from '../components/use-idempotency-key';
import { useLoad } from '../components/use-load';
import { queryKeys, useInvalidate } from '../api/query';
import { useLeaveGuard } from '../components/leave-guard';
import { type Translate, useT } from '../i18n';

/** Orders in the order they were paid, filings by number: how the attachment reads best. */
function selectionBody(kind: AttachmentKind, selection: Selection): AttachmentSelection {
  const items = [...selection.values()].sort((a, b) =>
    isOrder(a) && isOrder(b) ? a.paidAt.localeCompare(b.paidAt) || a.orderNo.localeCompare(b.orderNo) : itemLabel(a).localeCompare(itemLabel(b)),
  );
  return { kind, itemIds: items.map((i) => i.id) };
}

const unselectableReasons: readonly string[] = ['refunded', 'cancelled', 'entity_mismatch', 'already_covered', 'not_reissuable'];


/**
 * The server names each refused item in `errors[]` (`itemIds.<id>`): covered ones with the
 * attachment that holds them, unselectable ones with the reason code. One line per item.
 */
function refusedLines(errors: FieldError[], selection: Selection, t: Translate): { ids: string[]; lines: string[] } {
  const ids: string[] = [];
  const lines: string[] = [];
  for (const error of errors) {
    const id = error.path.replace(/^itemIds\./, '');
    const item = selection.get(id);
    if (!item) continue;
    ids.push(id);
    const name = t(isOrder(item) ? 'attachment.refused.order' : 'attachment.refused.filing', { label: itemLabel(item) });
    const covering = /FA\d+-A\d+/.exec(error.message)?.[0];
    const reason = covering
      ? t('attachment.refused.coveredBy', { number: covering })
      : unselectableReasons.includes(error.message)
        ? t(`attachment.reason.${error.message as UnselectableReason}`)
        : error.message;
    lines.push(t('attachment.refused.line', { name, reason }));
  }
  return { ids, lines };
}

type Refusal = { title: string; lines: string[] };

function KindChooser({ onChoose }: { onChoose: (kind: AttachmentKind) => void }) {
  const t = useT();
  const icons: Record<AttachmentKind, ReactNode> = { icp_attachment: <GlobalOutlined />, order_attachment: <FileTextOutlined /> };
  return (
    <Row gutter={[16, 16]}>
      {attachmentKinds.map((kind) => (
        <Col xs={24} md={12} key={kind}>
          <Card hoverable onClick={() => onChoose(kind)} data-testid={`choose-${kind}`} style={{ height: '100%' }}>
            <Card.Meta
              avatar={<span style={{ fontSize: 28, color: '#1668dc' }}>{icons[kind]}</span>}
              title={t(`attachment.kind.${kind}`)}
              description={t(`attachment.kind.${kind}.description`)}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/** The server's draft for this selection, in the page. */
function DraftPreview({ frameworkId, body }: { frameworkId: string; body: AttachmentSelection }) {
  const t = useT();
  const draft = useDraftPdf((signal) => previewAttachment(frameworkId, body, signal), [frameworkId, body]);
  return (
    <DraftPdfCard
      draft={draft}
      type="inner"
      title={t('attachment.preview.title')}
      hint={t('attachment.preview.draftHint')}
      fileName={t('attachment.preview.fileName')}
      frameTitle={t('attachment.preview.title')}
      height="64vh"
      minHeight={480}
    />
  );
}

type ConfirmProps = {
  framework: Contract;
  kind: AttachmentKind;
  selection: Selection;
  onBack: () => void;
  onGenerated: (contract: Contract) => void;
  /** A big attachment is prepared in the background: its job's page follows it. */
  onJob: (job: ContractJob) => void;
  /** Some items were taken or became unselectable meanwhile: back to 选择 with them named. */
  onItemsRefused: (error: ApiError) => void;
};

function ConfirmStep({ framework, kind, selection, onBack, onGenerated, onJob, onItemsRefused }: ConfirmProps) {
  const t = useT();
  const errorText = useErrorText();
  const acceptance = useAcceptance();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [signing, setSigning] = useState<Signing | null>(null);
  const idempotencyKey = useIdempotencyKey();
  const body = useMemo(() => selectionBody(kind, selection), [kind, selection]);
  const totalFen = selectionTotalFen(selection);

  // Sends the code (意愿认证); the attachment is signed once the code comes back.
  const submit = async () => {
    if (!acceptance.isAccepted) {
      acceptance.remind();
      return;
    }
    const start = { kind: body.kind, frameworkId: framework.id, itemIds: body.itemIds };
    setSubmitting(true);
    setError(null);
    try {
      setSigning((await startSigning(start, idempotencyKey(start))).signing);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'item_already_covered' || err.code === 'item_not_selectable')) {
        onItemsRefused(err);
        return;
      }
      setError(err);
    } finally {
      setSubmitting(false);
    }
  };
  const restart = () => {
    setSigning(null);
    idempotencyKey(null);
  };

  const code = error instanceof ApiError ? error.code : undefined;
  const summaryItems = [
    { key: 'kind', label: t('contract.kind'), children: t(`contract.kind.${kind}`) },
    {
      key: 'framework',
      label: t('contract.framework'),
      children: (
        <Space size={8} wrap>
          <Link to={`/contracts/${framework.id}`} style={monospace}>
            {framework.number}
          </Link>
          <Typography.Text type="secondary">
            {t('attachment.confirm.frameworkTerm', { from: formatDate(framework.effectiveAt), to: formatDate(framework.expiresAt) })}
          </Typography.Text>
        </Space>
      ),
    },
    { key: 'partyA', label: t('contract.partyA'), children: framework.partyA.name },
    {
      key: 'count',
      label: t(kind === 'order_attachment' ? 'attachment.confirm.orderCount' : 'attachment.confirm.filingCount'),
      children: <span data-testid="confirm-count">{t('attachment.items.count', { count: selection.size })}</span>,
    },
    ...(kind === 'order_attachment'
      ? [
          {
            key: 'total',
            label: t('attachment.confirm.total'),
            span: 'filled' as const,
            children: (
              <Space size={16} wrap>
                <Typography.Text strong style={{ fontSize: 16, fontVariantNumeric: 'tabular-nums' }} data-testid="confirm-total">
                  {formatYuan(totalFen)}
                </Typography.Text>
                <span data-testid="confirm-total-capitals">{t('attachment.amountInCapitals', { capitals: amountInChineseCapitals(totalFen) })}</span>
              </Space>
            ),
          },
        ]
      : []),
    {
      key: 'effective',
      label: t('contract.effectiveAt'),
      children: isReissueTarget(framework) ? t('attachment.reissue.effectiveWithSuccessor', { date: formatDate(framework.effectiveAt) }) : t('apply.confirm.effectiveOnConfirm'),
    },
    { key: 'expires', label: t('contract.expiresAt'), children: t('attachment.confirm.expiresWithFramework', { date: formatDate(framework.expiresAt) }) },
  ];

  return (
    <Card title={t('attachment.step.confirm')}>
      {error ? (
        <Alert
          type="error"
          showIcon
          title={errorText(error)}
          description={code === 'framework_not_effective' ? t('attachment.frameworkNotEffective', { number: framework.number }) : undefined}
          style={{ marginBottom: 16 }}
          data-testid="apply-error"
          action={
            code === 'framework_not_effective' ? (
              <Link to="/contracts">
                <Button size="small">{t('apply.success.back')}</Button>
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
        items={summaryItems}
        styles={{ label: { width: 140 } }}
        data-testid="apply-summary"
      />
      <div style={{ margin: '16px 0' }}>
        <DraftPreview frameworkId={framework.id} body={body} />
      </div>
      <Alert type="warning" showIcon title={t('attachment.confirm.notice')} style={{ marginBottom: 16 }} />
      {signing ? (
        <SigningCodeForm
          key={signing.id}
          signing={signing}
          onSigned={onGenerated}
          onJob={onJob}
          onRestart={restart}
          onBack={onBack}
          onRefused={(err) => {
            if (err.code !== 'item_already_covered' && err.code !== 'item_not_selectable') return false;
            onItemsRefused(err);
            return true;
          }}
        />
      ) : (
        <AcceptAndSubmit
          acceptance={acceptance}
          acceptLabel={t('attachment.confirm.accept')}
          acceptRequiredLabel={t('attachment.confirm.acceptRequired')}
          isSubmitting={submitting}
          onBack={onBack}
          onSubmit={submit}
        />
      )}
    </Card>
  );
}

function SuccessResult({ contract, framework }: { contract: Contract; framework: Contract }) {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Card>
      <Result
        status="success"
        title={t('attachment.success.title')}
        subTitle={
          <Space vertical size={4}>
            <span>
              {t('contract.number')}：
              <Typography.Text strong copyable style={monospace} data-testid="generated-number">
                {contract.number}
              </Typography.Text>{' '}
              <ContractStatusTag status={contract.status} />
            </span>
            <span>
              {isReissueTarget(framework)
                ? t('attachment.reissue.success', { framework: framework.number, from: formatDate(contract.effectiveAt), to: formatLastDay(contract.expiresAt) })
                : t('attachment.success.subtitle', { framework: framework.number, to: formatDate(contract.expiresAt) })}
            </span>
          </Space>
        }
        extra={[
          <Button type="primary" key="view" onClick={() => navigate(`/contracts/${contract.id}`)} data-testid="view-generated">
            {t('attachment.success.view')}
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

function AttachmentWizard({ framework, kind }: { framework: Contract; kind: AttachmentKind }) {
  const t = useT();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const reissue = isReissueTarget(framework);
  // Under a scheduled renewal the server says which items can be re-issued; otherwise the usual list.
  const list = useSelectableItems(kind, reissue ? framework.id : undefined);
  // The step and the chosen ids live in the URL (Back, Forward and refresh keep them); the
  // items themselves come from the list as its pages arrive.
  const [params, setParams] = useSearchParams();
  const requestedStep = params.get('step') === 'confirm' ? 1 : 0;
  const [selection, setSelectionState] = useState<Selection>(new Map());
  const pendingIds = useRef<Set<string>>(new Set((params.get('items') ?? '').split(',').filter(Boolean)));
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [generated, setGenerated] = useState<Contract | null>(null);
  const invalidate = useInvalidate();
  const isResolving = pendingIds.current.size > 0 && list.loading;
  const step = selection.size > 0 ? requestedStep : 0;
  const [jobId, setJobId] = useState<string | null>(null);
  useLeaveGuard(selection.size > 0 && !generated && !jobId);
  // After the guard has heard that the choices are submitted (its effect runs first).
  useEffect(() => {
    if (jobId) navigate(contractJobPath(jobId));
  }, [jobId, navigate]);

  // Step and chosen ids go to the URL in one navigation (two in one tick would race).
  const writeUrl = (nextStep: number, nextSelection: Selection, replace: boolean) => {
    const query = new URLSearchParams(params);
    if (nextStep === 1) query.set('step', 'confirm');
    else query.delete('step');
    if (nextSelection.size > 0) query.set('items', [...nextSelection.keys()].join(','));
    else query.delete('items');
    setParams(query, { replace });
  };
  const setStep = (next: number) => writeUrl(next, selection, false);
  const setSelection = (next: Selection) => {
    setSelectionState(next);
    writeUrl(requestedStep, next, true);
  };

  // A fresh list is the truth: what became unselectable meanwhile leaves the selection, and the
  // ids the URL named are chosen again once their items are loaded.
  useEffect(() => {
    setSelectionState((previous) => {
      const fresh = new Map(list.loaded.map((item) => [item.id, item]));
      let isChanged = false;
      const next = new Map<string, SelectableItem>();
      for (const id of pendingIds.current) {
        const item = fresh.get(id);
        if (item?.selectable && !previous.has(id)) {
          next.set(id, item);
          isChanged = true;
        }
        if (item) pendingIds.current.delete(id);
      }
      if (!list.loading && !list.hasMore) pendingIds.current.clear();
      for (const [id, item] of previous) {
        const now = fresh.get(id);
        if (now && !now.selectable) {
          isChanged = true;
          continue;
        }
        if (now && now !== item) isChanged = true;
        next.set(id, now ?? item);
      }
      return isChanged ? next : previous;
    });
  }, [list.loaded, list.loading, list.hasMore]);

  const onItemsRefused = (error: ApiError) => {
    const { ids, lines } = refusedLines(error.fieldErrors, selection, t);
    const next = new Map(selection);
    for (const id of ids) next.delete(id);
    setSelectionState(next);
    setRefusal({
      title: t(error.code === 'item_already_covered' ? 'attachment.refused.coveredTitle' : 'attachment.refused.unselectableTitle'),
      lines: lines.length ? lines : [errorText(error)],
    });
    list.reload();
    writeUrl(0, next, false);
  };

  if (generated) return <SuccessResult contract={generated} framework={framework} />;
  if (isResolving && requestedStep === 1) return <Card loading />;

  return (
    <Flex vertical gap={16}>
      <Card>
        <Steps
          current={step}
          items={[
            { title: t(kind === 'order_attachment' ? 'attachment.step.selectOrders' : 'attachment.step.selectFilings') },
            { title: t('attachment.step.confirm') },
          ]}
          data-testid="apply-steps"
        />
      </Card>
      {step === 0 && (
        <Card
          title={t(kind === 'order_attachment' ? 'attachment.step.selectOrders' : 'attachment.step.selectFilings')}
          extra={
            <Typography.Text type="secondary">
              {t('attachment.select.framework')}
              <Link to={`/contracts/${framework.id}`} style={monospace}>
                {framework.number}
              </Link>
            </Typography.Text>
          }
        >
          {reissue && (
            <Alert
              type="info"
              showIcon
              title={t('attachment.reissue.notice', { number: framework.number, date: formatDate(framework.effectiveAt) })}
              style={{ marginBottom: 16 }}
              data-testid="reissue-notice"
            />
          )}
          {refusal && (
            <Alert
              type="warning"
              showIcon
              closable={{ onClose: () => setRefusal(null) }}
              title={refusal.title}
              description={
                <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                  {refusal.lines.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              }
              style={{ marginBottom: 16 }}
              data-testid="items-refused"
            />
          )}
          <ItemSelectionTable list={list} selection={selection} onChange={setSelection} hint={reissue ? t('attachment.reissue.hint') : undefined} />
          <Flex
            justify="space-between"
            align="center"
            gap={12}
            wrap
            style={{
              position: 'sticky',
              bottom: 0,
              zIndex: 3,
              marginTop: 16,
              padding: '12px 16px',
              background: '#fff',
              borderTop: '1px solid #f0f0f0',
              boxShadow: '0 -4px 8px rgba(0,0,0,0.04)',
            }}
          >
            <SelectionSummary kind={kind} selection={selection} onClear={() => setSelection(new Map())} />
            <Space>
              <Link to="/contracts">
                <Button>{t('common.cancel')}</Button>
              </Link>
              <Button type="primary" disabled={selection.size === 0} onClick={() => setStep(1)} data-testid="wizard-next">
                {t('apply.next')}
              </Button>
            </Space>
          </Flex>
        </Card>
      )}
      {step === 1 && (
        <ConfirmStep
          framework={framework}
          kind={kind}
          selection={selection}
          onBack={() => setStep(0)}
          onGenerated={(contract) => {
            setGenerated(contract);
            invalidate(queryKeys.contracts);
          }}
          onJob={(job) => setJobId(job.id)}
          onItemsRefused={onItemsRefused}
        />
      )}
    </Flex>
  );
}

export function ApplyAttachmentPage() {
  const t = useT();
  const { frameworkId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const kindParam = params.get('kind');
  const kind = isAttachmentKind(kindParam) ? kindParam : null;
  const { data, error, reload } = useLoad(queryKeys.contract(frameworkId), (signal) => fetchContract(frameworkId, signal));
  const framework = data?.contract;

  const title = t(kind ? `attachment.apply.title.${kind}` : 'attachment.apply.title');
  const header = (
    <PageHeader
      breadcrumb={[t('nav.billing'), { title: t('nav.contractManagement'), to: '/contracts' }, title]}
      title={title}
      subtitle={t(kind && framework && isReissueTarget(framework) ? 'attachment.reissue.subtitle' : kind ? `attachment.apply.subtitle.${kind}` : 'attachment.apply.subtitle')}
    />
  );

  const canApply = useCan('attachments.apply');
  let body: ReactNode;
  if (!canApply.allowed) body = <PermissionResult action="attachments.apply" backTo="/contracts" />;
  else if (error) body = <LoadError error={error} onRetry={reload} />;
  else if (!framework) body = <Card loading />;
  else if (framework.kind !== 'framework' || (framework.status !== 'effective' && !isReissueTarget(framework))) {
    body = (
      <Card>
        <Result
          status="warning"
          title={t('attachment.notAvailable')}
          subTitle={t('attachment.frameworkNotEffective', { number: framework.number })}
          extra={
            <Link to="/contracts">
              <Button type="primary">{t('apply.success.back')}</Button>
            </Link>
          }
          data-testid="framework-not-effective"
        />
      </Card>
    );
  } else if (!kind) body = <KindChooser onChoose={(next) => setParams({ kind: next }, { replace: true })} />;
  // A new kind is a new wizard run: its own list, selection and idempotency key.
  else body = <AttachmentWizard key={kind} framework={framework} kind={kind} />;

  return (
    <>
      {header}
      {body}
    </>
  );
}
