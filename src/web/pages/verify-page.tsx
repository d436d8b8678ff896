import { CheckCircleFilled, CloseCircleFilled, FilePdfOutlined, InboxOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Flex, Result, Spin, type TableColumnsType, Tag, Tooltip, Typography, Upload } from 'antd';
import { useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { VerifyResponse } from '../../shared/schemas/contract';
import { verifyPdf } from '../api/contracts';
import { useSession } from '../api/session';
import { formatDateTime, monospace } from '../components/format';
import { PageHeader } from '../components/page-header';
import { ContractStatusTag } from '../components/status-tag';
import { useErrorText } from '../components/use-error-text';
import { ScrollTable } from '../components/scroll-table';
import { TrustAnchorCard } from '../components/trust-anchor-card';
import { type MessageKey, type Translate, useT } from '../i18n';

const maxBytes = 20 * 1024 * 1024;

type VerifiedSignature = VerifyResponse['signatures'][number];

const knownProblems = [
  'not_a_pdf',
  'truncated_file',
  'no_signature',
  'malformed_signature',
  'byte_range_not_at_start',
  'byte_range_overlap',
  'byte_range_gap',
  'byte_range_beyond_eof',
  'signature_not_at_revision_end',
  'modified_after_signing',
  'digest_mismatch',
  'signature_invalid',
  'unsupported_algorithm',
  'untrusted_certificate',
  'certificate_not_valid_at_signing_time',
  'certificate_not_for_signing',
  'party_a_signature_missing',
  'party_b_signature_missing',
  'not_issued_here',
  'malformed_pdf',
  'unsupported_pdf',
  'file_too_complex',
  'verification_timeout',
  'modification_not_permitted',
  'signing_certificate_mismatch',
  'certificate_revoked',
  'timestamp_invalid',
  'timestamp_untrusted',
] as const;

function problemText(code: string, t: Translate): string {
  return (knownProblems as readonly string[]).includes(code) ? t(`problem.${code as (typeof knownProblems)[number]}`) : t('problem.other', { code });
}

function roleText(role: string, t: Translate): string {
  return role === 'party_a' || role === 'party_b' ? t(`signature.role.${role}`) : t('signature.role.unknown');
}

/** A revision's changes as the server words them: a sentence, a list, or named parts. */
function changesText(changes: unknown): string {
  if (typeof changes === 'string') return changes;
  if (Array.isArray(changes)) return changes.map(changesText).join('、');
  return changes && typeof changes === 'object' ? JSON.stringify(changes) : '—';
}

function YesNo({ value }: { value: boolean }) {
  const t = useT();
  return value ? (
    <Tag color="success" icon={<CheckCircleFilled />}>
      {t('common.yes')}
    </Tag>
  ) : (
    <Tag color="error" icon={<CloseCircleFilled />}>
      {t('common.no')}
    </Tag>
  );
}

function Verdict({ result, fileName, onAgain }: { result: VerifyResponse; fileName: string; onAgain: () => void }) {
  const t = useT();
  const status = result.contract?.status;
  const isInForce = result.authentic && status === 'effective';
  const again = (
    <Button icon={<ReloadOutlined />} onClick={onAgain} key="again">
      {t('verify.again')}
    </Button>
  );

  let verdict: { status: 'success' | 'warning' | 'error'; title: string; subTitle: string };
  if (!result.authentic) verdict = { status: 'error', title: t('verify.failed'), subTitle: t('verify.failedDescription') };
  else if (isInForce || !status) verdict = { status: 'success', title: t('verify.authentic'), subTitle: t('verify.authenticDescription') };
  else verdict = { status: 'warning', title: t(`verify.ended.${status}` as MessageKey), subTitle: t('verify.endedDescription') };

  // Added by newer servers; shown when present, the page works without them.
  const extra = result as VerifyResponse & {
    level?: string;
    keyCustody?: string;
    revisions?: { index: number; changes: unknown; allowed: boolean }[];
  };
  const signatureExtra = (s: VerifiedSignature) => s as VerifiedSignature & { timestamp?: { time: string; tsa: string } | null; keyCustody?: string };
  const hasTimestamps = result.signatures.some((s) => signatureExtra(s).timestamp !== undefined);
  const hasKeyCustody = result.signatures.some((s) => signatureExtra(s).keyCustody !== undefined);

  const columns: TableColumnsType<VerifiedSignature> = [
    { key: 'role', title: t('signature.role'), width: 80, render: (_, s) => roleText(s.role, t) },
    { key: 'signer', title: t('verify.column.signer'), render: (_, s) => s.signer },
    { key: 'signedAt', title: t('signature.signedAt'), width: 170, render: (_, s) => formatDateTime(s.signedAt) },
    { key: 'valid', title: t('verify.column.valid'), width: 110, render: (_, s) => <YesNo value={s.valid} /> },
    {
      key: 'covers',
      title: t('verify.column.covers'),
      width: 150,
      // Party B signs after Party A as an incremental update: in an authentic file the earlier
      // signature covers the revision it signed, and the last one covers the whole file.
      render: (_, s) =>
        s.coversWholeDocument || !result.authentic ? (
          <YesNo value={s.coversWholeDocument} />
        ) : (
          <Tooltip title={t('verify.coversRevisionHint')}>
            <Tag>{t('verify.coversRevision')}</Tag>
          </Tooltip>
        ),
    },
    ...(hasTimestamps
      ? [
          {
            key: 'timestamp',
            title: t('verify.timestamp'),
            render: (_: unknown, s: VerifiedSignature) => {
              const stamp = signatureExtra(s).timestamp;
              return stamp ? (
                <span>
                  {formatDateTime(stamp.time)}
                  <br />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {stamp.tsa}
                  </Typography.Text>
                </span>
              ) : (
                t('verify.timestampNone')
              );
            },
          },
        ]
      : []),
    ...(hasKeyCustody
      ? [{ key: 'keyCustody', title: t('verify.keyCustody'), render: (_: unknown, s: VerifiedSignature) => signatureExtra(s).keyCustody ?? '—' }]
      : []),
  ];

  return (
    <Flex vertical gap={16} data-testid="verify-verdict" data-authentic={String(result.authentic)}>
      <Card>
        <Result
          status={verdict.status}
          title={<span data-testid="verify-title">{verdict.title}</span>}
          subTitle={
            <>
              <div>{verdict.subTitle}</div>
              <Typography.Text type="secondary">
                <FilePdfOutlined /> {fileName}
              </Typography.Text>
            </>
          }
          extra={[again]}
          style={{ paddingBlock: 24 }}
        >
          {result.problems.length > 0 && (
            <div data-testid="verify-problems">
              <Typography.Text strong>{t('verify.problems')}</Typography.Text>
              <ul style={{ margin: '8px 0 0', paddingInlineStart: 20 }}>
                {result.problems.map((code) => (
                  <li key={code}>
                    <Typography.Text type="danger">{problemText(code, t)}</Typography.Text>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Result>
      </Card>
      <Card title={t('verify.contract')}>
        {result.contract ? (
          <Descriptions
            column={{ xs: 1, md: 3 }}
            data-testid="verify-contract"
            items={[
              { key: 'number', label: t('contract.number'), children: <span style={{ fontFamily: 'monospace' }}>{result.contract.number}</span> },
              { key: 'kind', label: t('contract.kind'), children: t(`contract.kind.${result.contract.kind}`) },
              { key: 'status', label: t('verify.currentStatus'), children: <ContractStatusTag status={result.contract.status} /> },
            ]}
          />
        ) : (
          <Typography.Text type="secondary" data-testid="verify-unknown">
            {t('verify.unknown')}
          </Typography.Text>
        )}
      </Card>
      {(extra.level || extra.keyCustody) && (
        <Card>
          <Descriptions
            column={{ xs: 1, md: 2 }}
            data-testid="verify-level"
            items={[
              ...(extra.level ? [{ key: 'level', label: t('verify.level'), children: <span style={monospace}>{extra.level}</span> }] : []),
              ...(extra.keyCustody ? [{ key: 'custody', label: t('verify.keyCustody'), children: extra.keyCustody }] : []),
            ]}
          />
        </Card>
      )}
      <Card title={t('verify.signatures')}>
        <ScrollTable<VerifiedSignature>
          rowKey={(s) => `${s.role}-${s.signedAt ?? ''}-${s.signer}`}
          columns={columns}
          dataSource={result.signatures}
          pagination={false}
          size="middle"
          scroll={{ x: 640 }}
          locale={{ emptyText: t('verify.noSignatures') }}
          data-testid="verify-signatures"
        />
      </Card>
      {extra.revisions && extra.revisions.length > 0 && (
        <Card title={t('verify.revisions')}>
          <ScrollTable
            rowKey="index"
            size="middle"
            pagination={false}
            dataSource={extra.revisions}
            scroll={{ x: 'max-content' }}
            data-testid="verify-revisions"
            columns={[
              { key: 'index', title: t('verify.revision.index'), render: (_, r) => r.index },
              { key: 'changes', title: t('verify.revision.changes'), render: (_, r) => changesText(r.changes) },
              {
                key: 'allowed',
                title: t('verify.revision.allowed'),
                render: (_, r) => <Tag color={r.allowed ? 'success' : 'error'}>{t(r.allowed ? 'verify.revision.allowedYes' : 'verify.revision.allowedNo')}</Tag>,
              },
            ]}
          />
        </Card>
      )}
    </Flex>
  );
}

/** 验真, public: anyone holding a contract PDF checks it here (the QR code in its footer leads here). */
export function VerifyPage() {
  const t = useT();
  const errorText = useErrorText();
  const { session } = useSession();
  const [params] = useSearchParams();
  const number = params.get('number')?.slice(0, 40);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ result: VerifyResponse; fileName: string } | null>(null);
  const attempt = useRef(0);

  const check = async (file: File) => {
    const current = ++attempt.current;
    setError(null);
    setOutcome(null);
    if (file.size > maxBytes) {
      setError(t('verify.tooLarge'));
      return;
    }
    setChecking(true);
    try {
      const result = await verifyPdf(await file.arrayBuffer());
      if (current === attempt.current) setOutcome({ result, fileName: file.name });
    } catch (err) {
      if (current === attempt.current) setError(errorText(err));
    } finally {
      if (current === attempt.current) setChecking(false);
    }
  };

  const isSignedIn = session.state === 'signed-in';

  return (
    <>
      <PageHeader
        breadcrumb={isSignedIn ? [t('nav.billing'), { title: t('nav.contractManagement'), to: '/contracts' }, t('nav.verify')] : []}
        title={t('verify.title')}
        subtitle={t('verify.subtitle')}
      />
      <Flex vertical gap={16}>
        {number && <Alert type="info" showIcon title={t('verify.forNumber', { number })} data-testid="verify-for-number" />}
        {error && <Alert type="error" showIcon title={error} data-testid="verify-error" />}
        {outcome ? (
          <Verdict result={outcome.result} fileName={outcome.fileName} onAgain={() => setOutcome(null)} />
        ) : (
          <Card>
            <Spin spinning={checking} description={t('verify.checking')}>
              <Upload.Dragger
                accept="application/pdf,.pdf"
                multiple={false}
                maxCount={1}
                showUploadList={false}
                disabled={checking}
                beforeUpload={(file) => {
                  void check(file);
                  return false; // nothing is uploaded by antd: the bytes go to POST /verify as they are
                }}
                data-testid="verify-upload"
              >
                <p className="ant-upload-drag-icon">
                  <InboxOutlined />
                </p>
                <p className="ant-upload-text">{t('verify.drop')}</p>
                <p className="ant-upload-hint">{t('verify.dropHint')}</p>
              </Upload.Dragger>
            </Spin>
          </Card>
        )}
        <TrustAnchorCard />
      </Flex>
    </>
  );
}
