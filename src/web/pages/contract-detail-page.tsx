import { CheckCircleFilled, CloseCircleFilled, DownloadOutlined, PrinterOutlined, SafetyCertificateOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, type DescriptionsProps, Empty, Flex, Result, Row, Space, type TableColumnsType, Tag, Timeline, Tooltip, Typography } from 'antd';
import { type ReactNode, useDeferredValue, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import type { Contract } from '../../shared/schemas/contract';
import { frameworkNumberOf, isReissueTarget } from '../api/attachments';
import { type AuditEvent, contractEvidenceUrl, contractPdfUrl, fetchContract, fetchContractAudit, terminateContract, voidContract } from '../api/contracts';
import { useMe } from '../api/session';
import { ApplyAttachmentButton } from '../components/apply-attachment-button';
import { HideButton, RemarkField, RenewButton } from '../components/contract-lifecycle-actions';
import { AttachmentItemsCard, FrameworkAttachmentsCard } from '../components/attachment-items';
import { DetailPlaceholder, NumberTitle } from '../components/detail-page-parts';
import { formatDate, formatDateTime, formatLastDay, monospace } from '../components/format';
import { LoadError } from '../components/load-error';
import { type Crumb, PageHeader } from '../components/page-header';
import { PdfPreview } from '../components/pdf-preview';
import { PermissionNotice } from '../components/permitted';
import { ApiError } from '../api/client';
import { ReasonModal } from '../components/reason-modal';
import { ReissueCard } from '../components/reissue-card';
import { SealRecordCard } from '../components/seal-record-card';
import { isOpenStampingStatus, isStampingStatus, StampingStatusTag } from '../components/stamping-status-tag';
import { ContractStatusTag } from '../components/status-tag';
import { useCan } from '../components/use-can';
import { useLoad } from '../components/use-load';
import { queryKeys } from '../api/query';
import { useRecordSteps } from '../components/use-record-steps';
import { ScrollTable } from '../components/scroll-table';
import { type MessageKey, type Translate, useT } from '../i18n';

type Party = Contract['partyA'];
type Signature = Contract['signatures'][number];

const knownActions = ['contract.generated', 'contract.voided', 'contract.terminated', 'contract.expired', 'contract.activated', 'contract.updated'] as const;
const knownActors = ['customer', 'operator', 'system', 'integration'] as const;

function actionText(action: string, t: Translate): string {
  // Stamping steps are logged on each contract of the request as `stamping.<status>`.
  const stampingStep = action.startsWith('stamping.') ? action.slice('stamping.'.length) : undefined;
  if (isStampingStatus(stampingStep)) return t('stamping.audit.step', { status: t(`stamping.status.${stampingStep}`) });
  if (stampingStep === 'courier_changed') return t('stamping.audit.courierChanged');
  return (knownActions as readonly string[]).includes(action) ? t(`audit.action.${action as (typeof knownActions)[number]}`) : action;
}

function actorText(role: string, t: Translate): string {
  return (knownActors as readonly string[]).includes(role) ? t(`actor.${role as (typeof knownActors)[number]}`) : role;
}

function copiesText(copies: number, t: Translate): string {
  return copies === 2 || copies === 3 ? t(`contract.copies.${copies}`) : t('contract.copiesN', { count: copies });
}

function termText(years: number | undefined, t: Translate): string {
  if (years === 1 || years === 2 || years === 3) return t(`contract.term.${years}`);
  return years ? t('contract.termN', { years }) : '—';
}

function partyItems(party: Party, t: Translate): DescriptionsProps['items'] {
  const isEnterprise = party.subjectType === 'enterprise';
  const row = (key: string, label: MessageKey, value: string | null | undefined, mono = false) => ({
    key,
    label: t(label),
    children: value ? <span style={mono ? monospace : undefined}>{value}</span> : '—',
  });
  return [
    row('name', 'party.name', party.name),
    row('type', 'party.subjectType', t(`subject.${party.subjectType}`)),
    row('code', isEnterprise ? 'partyA.creditCode' : 'partyA.idNumber', party.idCode, true),
    ...(isEnterprise ? [row('legal', 'partyA.legalRepresentative', party.legalRepresentative)] : []),
    row('address', 'party.address', party.address),
    row('contactName', 'partyA.contactName', party.contactName),
    row('contactPhone', 'partyA.contactPhone', party.contactPhone),
    row('contactEmail', 'partyA.contactEmail', party.contactEmail),
    row('bankName', 'partyA.bankName', party.bankName),
    row('bankAccount', 'partyA.bankAccount', party.bankAccount, true),
  ];
}

function AuditTimeline({ contractId }: { contractId: string }) {
  const t = useT();
  const audit = useLoad(queryKeys.contractAudit(contractId), (signal) => fetchContractAudit(contractId, signal));
  const chainBadge = audit.data ? (
    <Tooltip title={t('audit.chainHint')}>
      {audit.data.chainValid ? (
        <Tag color="success" icon={<CheckCircleFilled />} data-testid="audit-chain">
          {t('audit.chainValid')}
        </Tag>
      ) : (
        <Tag color="error" icon={<CloseCircleFilled />} data-testid="audit-chain">
          {t('audit.chainBroken')}
        </Tag>
      )}
    </Tooltip>
  ) : null;

  const color = (e: AuditEvent) =>
    e.action === 'contract.generated'
      ? 'green'
      : e.action === 'contract.expired'
        ? 'gray'
        : e.action.startsWith('stamping.') && e.action !== 'stamping.rejected'
          ? 'blue'
          : 'red';

  return (
    <Card title={t('contract.audit')} extra={chainBadge} loading={audit.loading && !audit.data}>
      {audit.error ? (
        <LoadError error={audit.error} onRetry={audit.reload} />
      ) : audit.data && audit.data.events.length > 0 ? (
        <Timeline
          data-testid="audit-timeline"
          items={audit.data.events.map((e) => {
            const reason = typeof e.data.reason === 'string' ? e.data.reason : undefined;
            return {
              key: e.seq,
              color: color(e),
              content: (
                <div>
                  <Typography.Text strong>{actionText(e.action, t)}</Typography.Text>
                  <Typography.Text type="secondary" style={{ marginInlineStart: 12 }}>
                    {formatDateTime(e.at)}
                  </Typography.Text>
                  <div>
                    <Typography.Text type="secondary">{t('audit.actor', { role: actorText(e.actor.role, t) })}
                      {e.actor.email && ` · ${e.actor.email}`}
                      {e.actor.apiKeyId && ` · API ${e.actor.apiKeyId.slice(0, 8)}`}</Typography.Text>
                  </div>
                  {reason && <div>{t('audit.reason', { reason })}</div>}
                  <Typography.Text type="secondary" style={{ ...monospace, fontSize: 12 }}>
                    #{e.seq} · {t('audit.hash')} {e.hash.slice(0, 16)}…
                  </Typography.Text>
                </div>
              ),
            };
          })}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('audit.empty')} />
      )}
    </Card>
  );
}

function SignatureTable({ signatures }: { signatures: Signature[] }) {
  const t = useT();
  const columns: TableColumnsType<Signature> = [
    { key: 'role', title: t('signature.role'), width: 70, render: (_, s) => <Tag color={s.role === 'party_a' ? 'blue' : 'purple'}>{t(`signature.role.${s.role}`)}</Tag> },
    { key: 'signer', title: t('signature.signer'), width: 180, render: (_, s) => s.signer },
    { key: 'signedAt', title: t('signature.signedAt'), width: 150, render: (_, s) => formatDateTime(s.signedAt) },
    {
      key: 'certificate',
      title: t('signature.certificate'),
      render: (_, s) => (
        <Descriptions
          size="small"
          column={1}
          styles={{ label: { width: 90 } }}
          items={[
            { key: 'subject', label: t('signature.certificateSubject'), children: <span style={{ ...monospace, fontSize: 12, wordBreak: 'break-all' }}>{s.certificateSubject}</span> },
            { key: 'serial', label: t('signature.certificateSerial'), children: <span style={{ ...monospace, fontSize: 12, wordBreak: 'break-all' }}>{s.certificateSerial}</span> },
            { key: 'issuer', label: t('signature.certificateIssuer'), children: <span style={{ ...monospace, fontSize: 12, wordBreak: 'break-all' }}>{s.certificateIssuer}</span> },
          ]}
        />
      ),
    },
  ];
  return <ScrollTable<Signature> rowKey="role" columns={columns} dataSource={signatures} pagination={false} size="middle" scroll={{ x: 800 }} data-testid="signature-table" />;
}

/** A disabled control with the reason on hover (a disabled button gets no pointer events itself). */
function DisabledReason({ reason, children }: { reason: string | undefined; children: ReactNode }) {
  if (!reason) return children;
  return (
    <Tooltip title={reason}>
      <span style={{ display: 'inline-block', cursor: 'not-allowed' }} data-testid="disabled-reason">
        {children}
      </span>
    </Tooltip>
  );
}

/** 404, or an id that is not one: the same answer as for a contract of another account. */
const isNotFound = (error: unknown) => error instanceof ApiError && (error.code === 'not_found' || error.code === 'validation_failed');

function ContractNotFound({ listPath, breadcrumb }: { listPath: string; breadcrumb: Crumb[] }) {
  const t = useT();
  return (
    <>
      <PageHeader breadcrumb={breadcrumb} title={t('contract.notFound.title')} />
      <Card>
        <Result
          status="404"
          title={t('contract.notFound.title')}
          subTitle={t('contract.notFound.description')}
          extra={
            <Link to={listPath}>
              <Button type="primary">{t('contract.notFound.back')}</Button>
            </Link>
          }
          data-testid="contract-not-found"
        />
      </Card>
    </>
  );
}

export function ContractDetailPage() {
  const t = useT();
  const me = useMe();
  const { id = '' } = useParams();
  // Operators reach the detail from the 运营 list, customers from 合同管理: breadcrumbs follow.
  const isOperator = useLocation().pathname.startsWith('/admin/');
  const navigate = useNavigate();
  const { data, error, reload, setData } = useLoad(queryKeys.contract(id), (signal) => fetchContract(id, signal));
  const [auditVersion, setAuditVersion] = useState(0);
  const [modal, setModal] = useState<'void' | 'terminate' | null>(null);
  const steps = useRecordSteps(setData, reload);
  const voidPermission = useCan('contracts.void');
  const stampingPermission = useCan('stamping.request');
  const attachmentPermission = useCan('attachments.apply');
  const downloadPermission = useCan('contracts.download');
  const renewPermission = useCan('framework.apply');
  const terminatePermission = useCan('contracts.admin');
  // The remark is for whoever works on contracts: either of the route's actions.
  const canRemark = voidPermission.allowed || attachmentPermission.allowed;
  // React Query's answer re-renders at once and in one piece; the page itself (dozens of antd
  // parts) then renders from the deferred copy, in slices that leave the phone responsive.
  // (Another contract's, for a moment after a link between two: that one is not shown.)
  const deferred = useDeferredValue(data)?.contract;
  const contract = deferred?.id.toLowerCase() === id.toLowerCase() ? deferred : undefined;

  const breadcrumb: Crumb[] = isOperator
    ? [t('nav.operations'), { title: t('nav.adminContracts'), to: '/admin/contracts' }, contract?.number ?? t('contract.detail')]
    : [t('nav.billing'), { title: t('nav.contractManagement'), to: '/contracts' }, contract?.number ?? t('contract.detail')];
  const listPath = isOperator ? '/admin/contracts' : '/contracts';

  if (isNotFound(error)) return <ContractNotFound listPath={listPath} breadcrumb={breadcrumb} />;
  if (error || !contract) return <DetailPlaceholder breadcrumb={breadcrumb} title={t('contract.detail')} error={error} onRetry={reload} />;
  // An attachment sits under its framework agreement, in the breadcrumb as in the list.
  if (contract.kind !== 'framework' && contract.frameworkId) {
    breadcrumb.splice(breadcrumb.length - 1, 0, { title: frameworkNumberOf(contract.number), to: `${listPath}/${contract.frameworkId}` });
  }

  const isEffective = contract.status === 'effective';
  const isFramework = contract.kind === 'framework';
  const canVoid = me.user.role === 'customer' && isEffective;
  const canTerminate = me.user.role === 'operator' && isEffective;
  // 重新签发, on the agreement ending and on its scheduled successor alike.
  const reissue =
    me.user.role !== 'customer' || !isFramework
      ? null
      : isEffective && contract.renewedBy?.status === 'scheduled'
        ? { predecessorId: contract.id, successor: { ...contract.renewedBy, effectiveAt: contract.expiresAt } }
        : isReissueTarget(contract) && contract.renewsId
          ? { predecessorId: contract.renewsId, successor: { id: contract.id, number: contract.number, effectiveAt: contract.effectiveAt } }
          : null;
  // Actions that do not apply stay in view, disabled, saying why (the server's own rules).
  // The role's permission first: the member sees the action exists and why it is not theirs.
  const stampingBlocked = !stampingPermission.allowed
    ? stampingPermission.reason
    : !isEffective
    ? t('contract.actionDisabledNotEffective')
    : isOpenStampingStatus(contract.stampingStatus)
      ? t('contracts.cannotStamp')
      : undefined;
  const voidBlocked = !voidPermission.allowed
    ? voidPermission.reason
    : !isEffective
    ? t('contract.actionDisabledNotEffective')
    : isOpenStampingStatus(contract.stampingStatus) || contract.stampingStatus === 'completed'
      ? t('contract.voidDisabledStamping')
      : undefined;

  const end = (reason: string) =>
    steps.submit(
      () => (modal === 'terminate' ? terminateContract(contract.id, reason) : voidContract(contract.id, reason)),
      t(modal === 'terminate' ? 'contract.terminated' : 'contract.voided', { number: contract.number }),
      () => {
        setModal(null);
        setAuditVersion((v) => v + 1);
      },
    );

  const statusChildren = (
    <Space vertical size={2}>
      <ContractStatusTag status={contract.status} />
      {contract.statusReason && (
        <Typography.Text type="secondary" data-testid="status-reason">
          {t('contract.statusReason', { reason: contract.statusReason })}
          {contract.statusChangedAt ? ` · ${formatDateTime(contract.statusChangedAt)}` : ''}
        </Typography.Text>
      )}
    </Space>
  );

  const basicItems: DescriptionsProps['items'] = [
    { key: 'number', label: t('contract.number'), children: <Typography.Text copyable style={monospace}>{contract.number}</Typography.Text> },
    { key: 'kind', label: t('contract.kind'), children: t(`contract.kind.${contract.kind}`) },
    { key: 'status', label: t('contract.status'), children: statusChildren },
    { key: 'copies', label: t('contract.copies'), children: copiesText(contract.copies, t) },
    ...(isFramework
      ? [{ key: 'term', label: t('contract.termYears'), children: termText(contract.termYears, t) }]
      : [
          {
            key: 'framework',
            label: t('contract.framework'),
            children: contract.frameworkId ? (
              <Link to={`${listPath}/${contract.frameworkId}`} style={monospace} title={t('contract.viewFramework')} data-testid="framework-link">
                {frameworkNumberOf(contract.number)}
              </Link>
            ) : (
              '—'
            ),
          },
        ]),
    { key: 'effectiveAt', label: t('contract.effectiveAt'), children: formatDate(contract.effectiveAt) },
    { key: 'expiresAt', label: t('contract.expiresAt'), children: formatLastDay(contract.expiresAt) },
    { key: 'createdAt', label: t('contract.createdAt'), children: formatDateTime(contract.createdAt) },
    {
      key: 'remark',
      label: t('contract.remark'),
      children: <RemarkField contract={contract} editable={me.user.role === 'customer' && canRemark} onChange={(c) => setData({ contract: c })} />,
    },
    {
      key: 'stamping',
      label: t('stamping.column.stampingStatus'),
      children: isStampingStatus(contract.stampingStatus) ? (
        <Space size={8}>
          <StampingStatusTag status={contract.stampingStatus} />
          <Link to={isOperator ? `/admin/stamping?q=${encodeURIComponent(contract.number)}` : `/stamping?q=${encodeURIComponent(contract.number)}`}>
            {t('stamping.contract.view')}
          </Link>
        </Space>
      ) : (
        '—'
      ),
    },
    { key: 'template', label: t('contract.templateVersion'), children: <span style={monospace}>{contract.templateVersion}</span> },
    {
      key: 'sha256',
      label: t('contract.sha256'),
      span: 'filled',
      children: (
        <Typography.Text copyable style={{ ...monospace, fontSize: 13, wordBreak: 'break-all' }} data-testid="contract-sha256">
          {contract.sha256}
        </Typography.Text>
      ),
    },
  ];

  const actions = (
    <Space wrap>
      <DisabledReason reason={downloadPermission.reason}>
        <Button
          type="primary"
          icon={<DownloadOutlined />}
          {...(downloadPermission.allowed ? { href: contractPdfUrl(contract.id), download: true } : { disabled: true })}
          data-testid="download-pdf"
        >
          {t('contract.download')}
        </Button>
      </DisabledReason>
      <DisabledReason reason={downloadPermission.reason}>
        <Button
          icon={<DownloadOutlined />}
          {...(downloadPermission.allowed ? { href: contractEvidenceUrl(contract.id), download: true } : { disabled: true })}
          data-testid="download-evidence"
        >
          {t('contract.downloadEvidence')}
        </Button>
      </DisabledReason>
      <Link to={`/verify?number=${encodeURIComponent(contract.number)}`}>
        <Button icon={<SafetyCertificateOutlined />}>{t('contract.verify')}</Button>
      </Link>
      {me.user.role === 'customer' && (
        <DisabledReason reason={stampingBlocked}>
          <Button icon={<PrinterOutlined />} disabled={Boolean(stampingBlocked)} onClick={() => navigate(`/stamping/new?contracts=${contract.id}`)} data-testid="apply-stamping">
            {t('stamping.apply')}
          </Button>
        </DisabledReason>
      )}
      {me.user.role === 'customer' && isFramework && (
        <DisabledReason reason={canVoid ? attachmentPermission.reason : t('contracts.applyAttachmentDisabled')}>
          {canVoid && attachmentPermission.allowed ? (
            <ApplyAttachmentButton frameworkId={contract.id} />
          ) : (
            <Button disabled data-testid="apply-attachment">
              {t('attachment.apply')}
            </Button>
          )}
        </DisabledReason>
      )}
      {me.user.role === 'customer' && isFramework && isEffective && (
        <DisabledReason reason={renewPermission.reason}>{renewPermission.allowed ? <RenewButton framework={contract} /> : <Button disabled>{t('contract.renew')}</Button>}</DisabledReason>
      )}
      {me.user.role === 'customer' && <HideButton contract={contract} onChange={(c) => setData({ contract: c })} />}
      {/* The server refuses a void in an open stamping request, or after a completed one. */}
      {me.user.role === 'customer' && (
        <DisabledReason reason={voidBlocked}>
          <Button danger icon={<StopOutlined />} disabled={Boolean(voidBlocked)} onClick={() => setModal('void')} data-testid="void-contract">
            {t('contract.void')}
          </Button>
        </DisabledReason>
      )}
      {me.user.role === 'operator' && (
        <DisabledReason reason={terminatePermission.reason ?? (canTerminate ? undefined : t('contract.actionDisabledNotEffective'))}>
          <Button danger icon={<StopOutlined />} disabled={!canTerminate || !terminatePermission.allowed} onClick={() => setModal('terminate')} data-testid="terminate-contract">
            {t('contract.terminate')}
          </Button>
        </DisabledReason>
      )}
    </Space>
  );

  return (
    <>
      <PageHeader
        breadcrumb={breadcrumb}
        title={<NumberTitle number={contract.number} testId="contract-number" status={<ContractStatusTag status={contract.status} reason={contract.statusReason} />} />}
        documentTitle={contract.number}
        subtitle={t(`contract.kind.${contract.kind}`)}
        extra={actions}
      />
      <Flex vertical gap={16}>
        <Card title={t('contract.basicInfo')}>
          <Descriptions bordered size="middle" column={{ xs: 1, lg: 2 }} items={basicItems} styles={{ label: { width: 140 } }} data-testid="contract-details" />
        </Card>
        {downloadPermission.allowed ? <PdfPreview url={contractPdfUrl(contract.id)} title={contract.number} /> : <PermissionNotice action="contracts.download" style={{ marginBottom: 0 }} />}
        {isFramework ? (
          <>
            <FrameworkAttachmentsCard framework={contract} detailPath={(c) => `${listPath}/${c.id}`} canApply={canVoid} />
            {reissue && <ReissueCard predecessorId={reissue.predecessorId} successor={reissue.successor} />}
          </>
        ) : contract.kind === 'supplement' ? (
          <Alert type="info" showIcon title={t('contract.supplement.note')} data-testid="supplement-note" />
        ) : (
          <AttachmentItemsCard contract={contract} />
        )}
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12}>
            <Card title={t('contract.partyA')} style={{ height: '100%' }} data-testid="party-a-card">
              <Descriptions size="small" column={1} items={partyItems(contract.partyA, t)} styles={{ label: { width: 130 } }} />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={t('contract.partyB')} style={{ height: '100%' }} data-testid="party-b-card">
              <Descriptions size="small" column={1} items={partyItems(contract.partyB, t)} styles={{ label: { width: 130 } }} />
            </Card>
          </Col>
        </Row>
        {contract.stampedScan && (
          <SealRecordCard
            contractId={contract.id}
            scan={contract.stampedScan}
            requestPath={(id) => (listPath.startsWith('/admin') ? `/admin/stamping/${id}` : `/stamping/${id}`)}
          />
        )}
        <Card title={t('contract.signatures')}>
          <SignatureTable signatures={contract.signatures} />
        </Card>
        <AuditTimeline key={auditVersion} contractId={contract.id} />
      </Flex>
      <ReasonModal
        open={modal === 'void'}
        title={t('contract.voidTitle')}
        description={t('contract.voidSubject', { number: contract.number })}
        warning={isFramework ? t('contract.voidFrameworkWarning') : undefined}
        reasonLabel={t('contract.voidReason')}
        reasonPlaceholder={t('contract.voidReason.placeholder')}
        okText={t('contract.void')}
        onClose={() => setModal(null)}
        onSubmit={end}
      />
      <ReasonModal
        open={modal === 'terminate'}
        title={t('contract.terminateTitle')}
        description={t('contract.terminateSubject', { number: contract.number, partyA: contract.partyA.name })}
        warning={isFramework ? t('contract.terminateFrameworkWarning') : undefined}
        reasonLabel={t('contract.terminateReason')}
        reasonPlaceholder={t('contract.terminateReason.placeholder')}
        okText={t('contract.terminate')}
        onClose={() => setModal(null)}
        onSubmit={end}
      />
    </>
  );
}
