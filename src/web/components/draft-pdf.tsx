import { DownloadOutlined, ExportOutlined, FilePdfOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Result, Space, Spin, Tag, Typography } from 'antd';
import { type DependencyList, type ReactNode, useEffect, useState } from 'react';
import { useT } from '../i18n';
import { useErrorText } from './use-error-text';

/**
 * The server's draft PDF as an object URL, fetched again when `deps` change or on retry. The URL
 * lives as long as this draft is shown; a draft that comes too late is dropped.
 */
export function useDraftPdf(load: (signal: AbortSignal) => Promise<Blob>, deps: DependencyList) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps and generation (the retry trigger) decide when to fetch.
  useEffect(() => {
    const controller = new AbortController();
    let objectUrl: string | null = null;
    setUrl(null);
    setError(null);
    load(controller.signal).then(
      (blob) => {
        if (controller.signal.aborted) return;
        objectUrl = URL.createObjectURL(blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' }));
        setUrl(objectUrl);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      },
    );
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [...deps, generation]);

  return { url, error, retry: () => setGeneration((g) => g + 1) };
}

type DraftPdfCardProps = {
  draft: ReturnType<typeof useDraftPdf>;
  title: string;
  hint: string;
  fileName: string;
  frameTitle: string;
  /** The iframe's height; the placeholder while it loads is `minHeight` high. */
  height: string;
  minHeight: number;
  type?: 'inner';
  children?: ReactNode;
};

/** A draft in an iframe, labelled as a draft, with open and download links once it is there. */
export function DraftPdfCard({ draft, title, hint, fileName, frameTitle, height, minHeight, type, children }: DraftPdfCardProps) {
  const t = useT();
  const errorText = useErrorText();
  const { url, error, retry } = draft;
  return (
    <Card
      type={type}
      title={
        <Space>
          <FilePdfOutlined />
          {title}
          <Tag color="orange" data-testid="draft-label">
            {t('apply.preview.draft')}
          </Tag>
        </Space>
      }
      extra={
        url && (
          <Space>
            <Typography.Link href={url} target="_blank" rel="noopener">
              <ExportOutlined /> {t('apply.preview.open')}
            </Typography.Link>
            <Typography.Link href={url} download={fileName}>
              <DownloadOutlined /> {t('apply.preview.download')}
            </Typography.Link>
          </Space>
        )
      }
    >
      <Alert type="info" showIcon title={hint} style={{ marginBottom: 16 }} />
      {error ? (
        <Result status="error" title={t('apply.preview.failed')} subTitle={errorText(error)} extra={<Button onClick={retry}>{t('common.retry')}</Button>} />
      ) : url ? (
        <iframe
          src={url}
          title={frameTitle}
          data-testid="preview-frame"
          style={{ width: '100%', height, minHeight, border: '1px solid #e8e8e8', borderRadius: 4, background: '#525659' }}
        />
      ) : (
        <Flex align="center" justify="center" style={{ height: minHeight, background: '#fafafa', borderRadius: 4 }} data-testid="preview-loading">
          <Spin size="large" description={t('apply.preview.loading')} />
        </Flex>
      )}
      {children}
    </Card>
  );
}
