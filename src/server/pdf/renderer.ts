import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { issuePartyACredential, type SignedContract, type Signatories } from '../contracts/sign-contract-document.js';
import { type PlatformPki, transferableSigningPki } from '../pki/platform-pki.js';
import type { AttachmentInput } from './render-attachment.js';
import type { FrameworkAgreementInput, RenderedContract } from './render-framework-agreement.js';
import type { CredentialMessage, RenderTask, WorkerData } from './render-worker.js';

/**
 * Renders contract PDFs, and signs them, in worker threads so that the request thread (which
 * also runs PGlite) stays free and rendering uses every core.
 */
export type ContractRenderer = {
  /** The unsigned PDF, e.g. a draft to preview. */
  framework(input: FrameworkAgreementInput): Promise<RenderedContract>;
  attachment(input: AttachmentInput): Promise<RenderedContract>;
  /** The PDF signed by Party A (an event certificate issued now), then Party B. */
  signedFramework(input: FrameworkAgreementInput, signatories: Signatories): Promise<SignedContract>;
  signedAttachment(input: AttachmentInput, signatories: Signatories): Promise<SignedContract>;
  /** Starts the worker threads ahead of the first contract. */
  warm(): void;
  close(): Promise<void>;
};

// pdfkit and fontkit take a few hundred milliseconds to load: not before the first contract.
const renderers = () => import('./render-worker.js');

export function createInProcessRenderer(pki: PlatformPki): ContractRenderer {
  return {
    framework: async (input) => (await renderers()).renderInProcess({ kind: 'framework', input }),
    attachment: async (input) => (await renderers()).renderInProcess({ kind: 'attachment', input }),
    signedFramework: async (input, signatories) => (await renderers()).produceInProcess({ kind: 'framework', input }, signatories, pki),
    signedAttachment: async (input, signatories) => (await renderers()).produceInProcess({ kind: 'attachment', input }, signatories, pki),
    warm: () => void renderers(),
    close: async () => {},
  };
}

type Unsigned = { pdf: Uint8Array; signatureRects: RenderedContract['signatureRects'] };
type Signed = Omit<SignedContract, 'bytes'> & { bytes: Uint8Array };

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function createRenderer(threads: number, pki: PlatformPki): ContractRenderer {
  if (threads <= 0) return createInProcessRenderer(pki);
  type Pool = Piscina<RenderTask, Unsigned | Signed>;
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
      workerData: { signingPki: transferableSigningPki(pki) } satisfies WorkerData,
    }));
  const unsigned = async (task: RenderTask): Promise<RenderedContract> => {
    const { pdf, signatureRects } = (await started().run(task)) as Unsigned;
    return { pdf: asBuffer(pdf), signatureRects };
  };
  const signed = async (task: RenderTask, signatories: Signatories): Promise<SignedContract> => {
    const { port1, port2 } = new MessageChannel();
    const running = started().run({ ...task, sign: { partyBName: signatories.partyBName, credentials: port2 } }, { transferList: [port2] });
    // Issued here while the worker renders: the issuing CA's key never leaves this thread.
    let message: CredentialMessage;
    try {
      message = { credential: issuePartyACredential(pki, signatories.identity) };
    } catch (error) {
      message = { error: error instanceof Error ? error.message : String(error) };
    }
    port1.postMessage(message);
    const result = (await running) as Signed;
    return { ...result, bytes: asBuffer(result.bytes) };
  };
  return {
    framework: (input) => unsigned({ kind: 'framework', input }),
    attachment: (input) => unsigned({ kind: 'attachment', input }),
    signedFramework: (input, signatories) => signed({ kind: 'framework', input }, signatories),
    signedAttachment: (input, signatories) => signed({ kind: 'attachment', input }, signatories),
    warm: () => void started(),
    close: async () => {
      await pool?.destroy();
    },
  };
}
