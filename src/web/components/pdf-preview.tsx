import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Spin, Typography } from 'antd';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { type RefObject, useEffect, useRef, useState } from 'react';
import { useT } from '../i18n';

/** Contracts are A4: the frame keeps a page's shape before one is drawn, so nothing below moves. */
const a4Ratio = 210 / 297;

/**
 * True once the element comes near the viewport and the browser has a moment: PDF.js and the
 * PDF (some 300 KB together) are then fetched, not while the page's own details are loading, and
 * not at all on a phone that never scrolls down to the preview.
 */
function useIsNearAndIdle(element: RefObject<HTMLElement | null>): boolean {
  const [isReady, setReady] = useState(false);
  useEffect(() => {
    const target = element.current;
    if (!target || isReady) return;
    let idle: number | undefined;
    const start = () => {
      idle = window.requestIdleCallback ? window.requestIdleCallback(() => setReady(true), { timeout: 1500 }) : window.setTimeout(() => setReady(true), 200);
    };
    if (!('IntersectionObserver' in window)) {
      start();
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        start();
      },
      { rootMargin: '300px 0px' },
    );
    observer.observe(target);
    return () => {
      observer.disconnect();
      if (idle !== undefined) (window.cancelIdleCallback ?? window.clearTimeout)(idle);
    };
  }, [element, isReady]);
  return isReady;
}

/**
 * The signed PDF drawn by PDF.js onto a canvas, a page at a time, as wide as the card: it shows
 * in every browser (no PDF plug-in needed) and in headless screenshots. PDF.js is loaded only here.
 */
export function PdfPreview({ url, title }: { url: string; title: string }) {
  const t = useT();
  const frame = useRef<HTMLDivElement>(null);
  const isWanted = useIsNearAndIdle(frame);
  const [pageRatio, setPageRatio] = useState(a4Ratio);
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [pageNumber, setPageNumber] = useState(1);
  const [error, setError] = useState<unknown>(null);
  const [isRendering, setRendering] = useState(true);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    if (!isWanted) return;
    let isCurrent = true;
    let loaded: PDFDocumentProxy | null = null;
    setDoc(null);
    setError(null);
    setPageNumber(1);
    (async () => {
      const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]);
      pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
      const res = await fetch(url, { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`PDF ${res.status}`);
      const data = new Uint8Array(await res.arrayBuffer());
      // No eval: the console's Content-Security-Policy forbids it, and a refusal would log an error.
      loaded = await pdfjs.getDocument({ data, isEvalSupported: false }).promise;
      if (isCurrent) setDoc(loaded);
      else loaded.destroy();
    })().catch((err: unknown) => {
      if (isCurrent) setError(err);
    });
    return () => {
      isCurrent = false;
      loaded?.destroy();
    };
  }, [url, isWanted]);

  useEffect(() => {
    if (!doc || !canvas.current || !frame.current) return;
    let isCurrent = true;
    let task: { cancel(): void; promise: Promise<void> } | null = null;
    setRendering(true);
    (async () => {
      const page = await doc.getPage(pageNumber);
      const width = frame.current?.clientWidth ?? 800;
      const base = page.getViewport({ scale: 1 });
      if (isCurrent) setPageRatio(base.width / base.height);
      const ratio = window.devicePixelRatio || 1;
      const viewport = page.getViewport({ scale: (width / base.width) * ratio });
      const target = canvas.current;
      if (!isCurrent || !target) return;
      target.width = Math.floor(viewport.width);
      target.height = Math.floor(viewport.height);
      task = page.render({ canvas: target, viewport });
      await task.promise;
      if (isCurrent) setRendering(false);
    })().catch((err: unknown) => {
      if (isCurrent && !(err instanceof Error && err.name === 'RenderingCancelledException')) setError(err);
    });
    return () => {
      isCurrent = false;
      task?.cancel();
    };
  }, [doc, pageNumber]);

  const pages = doc?.numPages ?? 0;
  return (
    <Card
      title={t('contract.preview')}
      extra={
        pages > 0 && (
          <Flex align="center" gap={8}>
            <Button size="small" icon={<LeftOutlined />} aria-label={t('contract.preview.previous')} disabled={pageNumber <= 1} onClick={() => setPageNumber((n) => n - 1)} />
            <Typography.Text data-testid="pdf-preview-page">{t('contract.preview.page', { page: pageNumber, pages })}</Typography.Text>
            <Button size="small" icon={<RightOutlined />} aria-label={t('contract.preview.next')} disabled={pageNumber >= pages} onClick={() => setPageNumber((n) => n + 1)} />
          </Flex>
        )
      }
      data-testid="pdf-preview"
    >
      {error ? (
        <Alert type="warning" showIcon title={t('contract.preview.failed')} />
      ) : (
        // Not spinning before it is wanted: nothing is loading then.
        <Spin spinning={isWanted && (!doc || isRendering)}>
          <div
            ref={frame}
            style={{ width: '100%', maxWidth: 900, margin: '0 auto', aspectRatio: pageRatio, background: '#fff', boxShadow: '0 1px 4px rgba(0,0,0,0.12)' }}
          >
            <canvas ref={canvas} style={{ display: 'block', width: '100%', height: '100%' }} role="img" aria-label={`${title} · ${t('contract.preview.page', { page: pageNumber, pages: pages || 1 })}`} data-testid="pdf-preview-canvas" />
          </div>
        </Spin>
      )}
    </Card>
  );
}
