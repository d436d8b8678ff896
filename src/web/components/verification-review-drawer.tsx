import { Alert, Descriptions, Drawer, Empty, Image, Spin, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { type AdminVerificationDetail, fetchAdminVerification, fetchAdminVerificationDocument } from '../api/verification';
import { useT } from '../i18n';
import { formatDateTime, monospace } from './format';
import { LoadError } from './load-error';
import { useLoad } from './use-load';

type Document = AdminVerificationDetail['documents'][number];

/** One evidence file, fetched with the session (each view is audited) and shown inline. */
function EvidenceFile({ verificationId, document }: { verificationId: string; document: Document }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let objectUrl: string | null = null;
    fetchAdminVerificationDocument(verificationId, document.id).then(
      (blob) => {
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      () => setFailed(true),
    );
    return () => {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [verificationId, document.id]);
  if (failed) return <Alert type="error" title={document.sha256.slice(0, 12)} />;
  if (!url) return <Spin />;
  return document.type === 'application/pdf' ? (
    <iframe title={document.sha256} src={url} style={{ width: '100%', height: 480, border: '1px solid #eee' }} data-testid="evidence-pdf" />
  ) : (
    <Image src={url} alt={document.sha256} style={{ maxWidth: '100%' }} data-testid="evidence-image" />
  );
}

/** The reviewer's view: the fields in full beside the licence or ID card. */
export function VerificationReviewDrawer({ verificationId, onClose }: { verificationId: string | null; onClose: () => void }) {
  const t = useT();
  const { data, error, loading, reload } = useLoad(
    ['admin-verification', verificationId],
    (signal) => fetchAdminVerification(verificationId ?? '', signal),
    // Each fetch is an audited view: only while the drawer is open.
    { enabled: verificationId !== null },
  );
  const v = data?.verification;
  return (
    <Drawer open={verificationId !== null} onClose={onClose} width={960} title={t('admin.verifications.detail')} destroyOnHidden data-testid="verification-drawer">
      <Typography.Paragraph type="secondary">{t('admin.verifications.audited')}</Typography.Paragraph>
      {error ? (
        <LoadError error={error} onRetry={reload} />
      ) : loading || !v ? (
        <Spin />
      ) : (
        <div style={{ display: 'grid', gridTemplateColumns: 'minmax(280px, 1fr) 1.4fr', gap: 24 }}>
          <Descriptions column={1} size="small" bordered>
            {v.isAppeal && (
              <Descriptions.Item label={t('admin.verifications.column.status')}>
                <Tag color="orange">{t('admin.verifications.appeal')}</Tag>
              </Descriptions.Item>
            )}
            {v.isRename && (
              <Descriptions.Item label={t('admin.verifications.column.status')}>
                <Tag color="blue" data-testid="rename-tag">
                  {t('admin.verifications.rename')}
                </Tag>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('admin.verifications.column.email')}>{v.email}</Descriptions.Item>
            <Descriptions.Item label={t('admin.verifications.column.subjectType')}>{t(`subject.${v.subjectType}`)}</Descriptions.Item>
            <Descriptions.Item label={t('admin.verifications.column.name')}>{v.name}</Descriptions.Item>
            <Descriptions.Item label={t('admin.verifications.column.idCode')}>
              <span style={monospace} data-testid="full-id-code">
                {v.creditCode ?? v.idNumber}
              </span>
            </Descriptions.Item>
            {v.legalRepresentative && <Descriptions.Item label={t('admin.verifications.column.legalRepresentative')}>{v.legalRepresentative}</Descriptions.Item>}
            <Descriptions.Item label={t('admin.verifications.column.createdAt')}>{formatDateTime(v.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('admin.verifications.consent')}>
              {v.consent ? `${t('legal.version', { version: v.consent.version })} · ${formatDateTime(v.consent.at)}` : t('common.none')}
            </Descriptions.Item>
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('admin.verifications.documents')}</Typography.Title>
            {v.documents.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('admin.verifications.noDocuments')} />
            ) : (
              v.documents.map((d) => <EvidenceFile key={d.id} verificationId={v.id} document={d} />)
            )}
          </div>
        </div>
      )}
    </Drawer>
  );
}
