import { Piscina } from 'piscina';
import { type AttachmentInput, renderAttachmentDocument } from './render-attachment.js';
import { type FrameworkAgreementInput, type RenderedContract, renderFrameworkAgreementDocument } from './render-framework-agreement.js';
import type { RenderTask } from './render-worker.js';

/** Renders contract PDFs; in worker threads so that rendering uses every core. */
export type ContractRenderer = {
  framework(input: FrameworkAgreementInput): Promise<RenderedContract>;
  attachment(input: AttachmentInput): Promise<RenderedContract>;
  close(): Promise<void>;
};

export const inProcessRenderer: ContractRenderer = {
  framework: (input) => renderFrameworkAgreementDocument(input),
  attachment: (input) => renderAttachmentDocument(input),
  close: async () => {},
};

export function createRenderer(threads: number): ContractRenderer {
  if (threads <= 0) return inProcessRenderer;
  const pool = new Piscina<RenderTask, { pdf: Uint8Array; signatureRects: RenderedContract['signatureRects'] }>({
    filename: new URL('./render-worker.ts', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    // Workers load the TypeScript sources as the main process does.
    execArgv: ['--import', 'tsx'],
    idleTimeout: 60_000,
  });
  const run = async (task: RenderTask): Promise<RenderedContract> => {
    const { pdf, signatureRects } = await pool.run(task);
    return { pdf: Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), signatureRects };
  };
  return {
    framework: (input) => run({ kind: 'framework', input }),
    attachment: (input) => run({ kind: 'attachment', input }),
    close: () => pool.destroy(),
  };
}
