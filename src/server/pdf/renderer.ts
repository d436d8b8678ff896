import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { PartyAPreparation, SignedContract, Signatories, SignerIdentity } from '../contracts/sign-contract-document.js';
import { AppError } from '../../shared/errors.js';
import { signingKeysFrom, type TransferableSigningKeys } from '../signing/signing-keys.js';
import { TimestampUnavailable } from '../signing/timestamps.js';
import type { AttachmentInput } from './render-attachment.js';
import type { FrameworkAgreementInput, RenderedContract } from './render-framework-agreement.js';
import type { SignedEvidenceReport } from '../evidence/sign-evidence-report.js';
import type { ValidationMaterial } from '../signing/dss.js';
import type { EvidenceReportInput } from './render-evidence-report.js';
import type { CredentialMessage, EvidenceTask, FinishedContract, FinishTask, ProgressMessage, RenderTask, WorkerData } from './render-worker.js';
import { workerModule } from '../worker-module.js';

/**
 * Renders contract PDFs, and signs them, in worker threads so that the request thread (which
 * also runs PGlite) stays free and rendering uses every core.
 */
export type ContractRenderer = {
  /** The unsigned PDF, e.g. a draft to preview. */
  framework(input: FrameworkAgreementInput): Promise<RenderedContract>;
  /** `onProgress` hears the share of the items drawn (a big attachment's job reports it). */
  attachment(input: AttachmentInput, options?: { onProgress?: (fraction: number) => void }): Promise<RenderedContract>;
  /** The PDF signed by Party A (an event certificate issued now), then Party B, as PAdES B-LTA. */
  signedFramework(input: FrameworkAgreementInput, signatories: Signatories, options?: SignedOptions): Promise<SignedContract>;
  signedAttachment(input: AttachmentInput, signatories: Signatories, options?: SignedOptions): Promise<SignedContract>;
  /** A document rendered before (a signing's, as Party A confirmed it), signed as signedFramework signs. */
  signedDocument(document: RenderedContract, signatories: Signatories, options?: SignedOptions): Promise<SignedContract>;
  /** Party A's signature from its own key embedded and timestamped, then Party B's, the DSS and a document timestamp. */
  finishSigned(task: Omit<FinishTask, 'kind'>): Promise<{ bytes: Buffer; provenTimes: { partyA: Date; partyB: Date } }>;
  /** An evidence report signed by Party B; `material`: Party B's and the TSA's validation data. */
  evidenceReport(input: EvidenceReportInput, material: ValidationMaterial): Promise<SignedEvidenceReport>;
  /** Starts the worker threads ahead of the first contract. */
  warm(): void;
  close(): Promise<void>;
};

/**
 * `checked` settles once the request's own checks have passed: Party A's certificate is only
 * issued then (rendering starts at once), so a refused request issues none.
 */
export type SignedOptions = { checked?: Promise<unknown>; onProgress?: (fraction: number) => void };

/**
 * What signing needs: the keys the signing threads hold, and, in the request thread, Party A's
 * event certificate issued (and recorded) with the validation data for the DSS.
 */
export type RendererSigning = {
  keys: TransferableSigningKeys;
  preparePartyA(identity: SignerIdentity, accountId?: string): Promise<PartyAPreparation>;
};

/** A TSA failure answers 503 with its own code; the request may be retried as it is. */
async function signingErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (TimestampUnavailable.is(error)) throw new AppError('timestamp_unavailable', undefined, { headers: { 'Retry-After': '30' } });
    throw error;
  }
}

// pdfkit and fontkit take a few hundred milliseconds to load: not before the first contract.
const renderers = () => import('./render-worker.js');

export function createInProcessRenderer(signing: RendererSigning): ContractRenderer {
  let keys: ReturnType<typeof signingKeysFrom> | undefined;
  const signed = async (task: RenderTask, s: Signatories, o: SignedOptions = {}) => {
    keys ??= signingKeysFrom(signing.keys);
    const preparation = Promise.resolve(o.checked).then(() => signing.preparePartyA(s.identity, s.accountId));
    return signingErrors((await renderers()).produceInProcess(task, { keys, partyBName: s.partyBName, preparation, onProgress: o.onProgress }));
  };
  return {
    framework: async (input) => (await renderers()).renderInProcess({ kind: 'framework', input }),
    attachment: async (input, options) => (await renderers()).renderInProcess({ kind: 'attachment', input }, options?.onProgress),
    signedFramework: (input, signatories, options) => signed({ kind: 'framework', input }, signatories, options),
    signedAttachment: (input, signatories, options) => signed({ kind: 'attachment', input }, signatories, options),
    signedDocument: (input, signatories, options) => signed({ kind: 'rendered', input }, signatories, options),
    finishSigned: async (task) => {
      keys ??= signingKeysFrom(signing.keys);
      const done = await signingErrors((await renderers()).finishInProcess({ kind: 'finish', ...task }, keys));
      return { bytes: asBuffer(done.bytes), provenTimes: done.provenTimes };
    },
    evidenceReport: async (input, material) => {
      keys ??= signingKeysFrom(signing.keys);
      return signingErrors((await renderers()).produceEvidenceInProcess({ kind: 'evidence', input, material }, keys));
    },
    warm: () => void renderers(),
    close: async () => {},
  };
}

type Unsigned = { pdf: Uint8Array; signatureRects: RenderedContract['signatureRects'] };
type Signed = Omit<SignedContract, 'bytes'> & { bytes: Uint8Array };
type Evidence = { bytes: Uint8Array; sha256: string };

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * The old generation of a render thread. Its live heap peaks at ~100 MB (a 5,000-item
 * attachment: fonts, the open pages, signing); under V8's default limit (a quarter of the RAM)
 * the heap may grow to four times the live size before a full collection, and a big attachment
 * left ~150 MB of the thread's heap resident. Below 2 GB V8 lets it grow by 1.3-2 times only
 * (1.35 here): ~100 MB.
 */
export const renderOldGenerationMb = 384;

export function createRenderer(threads: number, signing: RendererSigning): ContractRenderer {
  if (threads <= 0) return createInProcessRenderer(signing);
  type Pool = Piscina<RenderTask | EvidenceTask | FinishTask, Unsigned | Signed | Evidence | FinishedContract>;
  // Created on first use, so that starting the server does not wait for the workers.
  let pool: Pool | undefined;
  const started = (): Pool =>
    (pool ??= new Piscina({
      ...workerModule('render-worker', import.meta.url),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      // A contract's garbage is short-lived and small; V8's default young generation (up to
      // 48 MB per thread) stayed resident for nothing: 8 MB saved ~55 MB of RSS per thread.
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: renderOldGenerationMb },
      workerData: { signingKeys: signing.keys } satisfies WorkerData,
    }));
  const unsigned = async (task: RenderTask, onProgress?: (fraction: number) => void): Promise<RenderedContract> => {
    if (!onProgress) {
      const { pdf, signatureRects } = (await started().run(task)) as Unsigned;
      return { pdf: asBuffer(pdf), signatureRects };
    }
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m: ProgressMessage) => onProgress(m.progress));
    try {
      const { pdf, signatureRects } = (await started().run({ ...task, progress: port2 }, { transferList: [port2] })) as Unsigned;
      return { pdf: asBuffer(pdf), signatureRects };
    } finally {
      port1.close();
    }
  };
  const signed = async (task: RenderTask, signatories: Signatories, options: SignedOptions = {}): Promise<SignedContract> => {
    const { port1, port2 } = new MessageChannel();
    const { onProgress } = options;
    if (onProgress) port1.on('message', (m: ProgressMessage) => onProgress(m.progress));
    const running = started().run({ ...task, sign: { partyBName: signatories.partyBName, credentials: port2 } }, { transferList: [port2] });
    // Issued here while the worker renders: the issuing CA's key never leaves this thread.
    let message: CredentialMessage;
    let refused: unknown;
    try {
      await options.checked;
    } catch (error) {
      refused = error;
    }
    try {
      if (refused) throw new Error('the request was refused');
      message = { preparation: await signing.preparePartyA(signatories.identity, signatories.accountId) };
    } catch (error) {
      message = { error: error instanceof Error ? error.message : String(error) };
    }
    port1.postMessage(message);
    if (refused) {
      port1.removeAllListeners('message');
      running.catch(() => {});
      throw refused;
    }
    const result = (await signingErrors(running).finally(() => port1.removeAllListeners('message'))) as Signed;
    return { ...result, bytes: asBuffer(result.bytes) };
  };
  return {
    framework: (input) => unsigned({ kind: 'framework', input }),
    attachment: (input, options) => unsigned({ kind: 'attachment', input }, options?.onProgress),
    signedFramework: (input, signatories, options) => signed({ kind: 'framework', input }, signatories, options),
    signedAttachment: (input, signatories, options) => signed({ kind: 'attachment', input }, signatories, options),
    signedDocument: (input, signatories, options) => signed({ kind: 'rendered', input }, signatories, options),
    finishSigned: async (task) => {
      const done = (await signingErrors(started().run({ kind: 'finish', ...task } satisfies FinishTask))) as FinishedContract;
      return { bytes: asBuffer(done.bytes), provenTimes: done.provenTimes };
    },
    evidenceReport: async (input, material) => {
      const result = (await signingErrors(started().run({ kind: 'evidence', input, material } satisfies EvidenceTask))) as Evidence;
      return { bytes: asBuffer(result.bytes), sha256: result.sha256 };
    },
    warm: () => void started(),
    // Graceful: contracts being signed finish first (a rollover replaces a renderer in use).
    close: async () => {
      await pool?.close();
    },
  };
}
