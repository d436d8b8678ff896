import { Piscina } from 'piscina';
import type { AttachmentInput } from './render-attachment.js';
import type { FrameworkAgreementInput, RenderedContract } from './render-framework-agreement.js';
import type { RenderTask } from './render-worker.js';

/** Renders contract PDFs; in worker threads so that rendering uses every core. */
export type ContractRenderer = {
  framework(input: FrameworkAgreementInput): Promise<RenderedContract>;
  attachment(input: AttachmentInput): Promise<RenderedContract>;
  /** Starts the worker threads ahead of the first contract. */
  warm(): void;
  close(): Promise<void>;
};

// pdfkit and fontkit take a few hundred milliseconds to load: not before the first contract.
const renderers = () => import('./render-worker.js');

export const inProcessRenderer: ContractRenderer = {
  framework: async (input) => (await renderers()).renderInProcess({ kind: 'framework', input }),
  attachment: async (input) => (await renderers()).renderInProcess({ kind: 'attachment', input }),
  warm: () => void renderers(),
  close: async () => {},
};

export function createRenderer(threads: number): ContractRenderer {
  if (threads <= 0) return inProcessRenderer;
  type Pool = Piscina<RenderTask, { pdf: Uint8Array; signatureRects: RenderedContract['signatureRects'] }>;
  // Created on first use, so that starting the server does not wait for the workers.
  let pool: Pool | undefined;
  const started = (): Pool =>
    (pool ??= new Piscina({
      filename: new URL('./render-worker.ts', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      // Workers load the TypeScript sources as the main process does.
      execArgv: ['--import', 'tsx'],
      idleTimeout: 60_000,
    }));
  const run = async (task: RenderTask): Promise<RenderedContract> => {
    const { pdf, signatureRects } = await started().run(task);
    return { pdf: Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), signatureRects };
  };
  return {
    framework: (input) => run({ kind: 'framework', input }),
    attachment: (input) => run({ kind: 'attachment', input }),
    warm: () => void started(),
    close: async () => {
      await pool?.destroy();
    },
  };
}
