import { Piscina } from 'piscina';
import type { SignedContract, Signatories } from '../contracts/sign-contract-document.js';
import { type SigningPki, transferableSigningPki } from '../pki/platform-pki.js';
import type { AttachmentInput } from './render-attachment.js';
import type { FrameworkAgreementInput, RenderedContract } from './render-framework-agreement.js';
import type { RenderTask, WorkerData } from './render-worker.js';

/**
 * Renders contract PDFs, and signs them, in worker threads so that the request thread (which
 * also runs PGlite) stays free and rendering uses every core.
 */
export type ContractRenderer = {
  /** The unsigned PDF, e.g. a draft to preview. */
  framework(input: FrameworkAgreementInput): Promise<RenderedContract>;
  attachment(input: AttachmentInput): Promise<RenderedContract>;
  /** The PDF signed by Party A (event certificate), then Party B. */
  signedFramework(input: FrameworkAgreementInput, signatories: Signatories): Promise<SignedContract>;
  signedAttachment(input: AttachmentInput, signatories: Signatories): Promise<SignedContract>;
  /** Starts the worker threads ahead of the first contract. */
  warm(): void;
  close(): Promise<void>;
};

// pdfkit and fontkit take a few hundred milliseconds to load: not before the first contract.
const renderers = () => import('./render-worker.js');

export function createInProcessRenderer(pki: SigningPki): ContractRenderer {
  return {
    framework: async (input) => (await renderers()).renderInProcess({ kind: 'framework', input }),
    attachment: async (input) => (await renderers()).renderInProcess({ kind: 'attachment', input }),
    signedFramework: async (input, sign) => (await renderers()).produceInProcess({ kind: 'framework', input, sign }, pki),
    signedAttachment: async (input, sign) => (await renderers()).produceInProcess({ kind: 'attachment', input, sign }, pki),
    warm: () => void renderers(),
    close: async () => {},
  };
}

type Unsigned = { pdf: Uint8Array; signatureRects: RenderedContract['signatureRects'] };
type Signed = Omit<SignedContract, 'bytes'> & { bytes: Uint8Array };

/** Only what signing reads crosses to the worker (callers may pass a whole verification row). */
const crossing = ({ identity, partyBName }: Signatories): Signatories => ({
  identity: { subjectType: identity.subjectType, name: identity.name, creditCode: identity.creditCode, idNumber: identity.idNumber },
  partyBName,
});

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function createRenderer(threads: number, pki: SigningPki): ContractRenderer {
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
  const signed = async (task: RenderTask): Promise<SignedContract> => {
    const result = (await started().run(task)) as Signed;
    return { ...result, bytes: asBuffer(result.bytes) };
  };
  return {
    framework: (input) => unsigned({ kind: 'framework', input }),
    attachment: (input) => unsigned({ kind: 'attachment', input }),
    signedFramework: (input, sign) => signed({ kind: 'framework', input, sign: crossing(sign) }),
    signedAttachment: (input, sign) => signed({ kind: 'attachment', input, sign: crossing(sign) }),
    warm: () => void started(),
    close: async () => {
      await pool?.destroy();
    },
  };
}
