// Runs in a worker thread of the contract renderer pool, or in process (see renderer.ts).
import { once } from 'node:events';
import { type MessagePort, workerData } from 'node:worker_threads';
import {
  type PartyACredential,
  type SignedContract,
  type Signatories,
  signContractDocument,
  signWithCredential,
} from '../contracts/sign-contract-document.js';
import { type PlatformPki, type SigningPki, signingPkiFrom, type TransferableSigningPki } from '../pki/platform-pki.js';
import { type AttachmentInput, renderAttachmentDocument } from './render-attachment.js';
import { type FrameworkAgreementInput, renderFrameworkAgreementDocument } from './render-framework-agreement.js';

export type RenderTask = ({ kind: 'framework'; input: FrameworkAgreementInput } | { kind: 'attachment'; input: AttachmentInput }) & {
  /**
   * Sign the rendered PDF. Party A's credential arrives on `credentials` while the worker
   * renders: the request thread issues it meanwhile (the issuing CA's key stays there).
   */
  sign?: { partyBName: string; credentials: MessagePort };
};

/** What the request thread sends on a task's `credentials` port. */
export type CredentialMessage = { credential: PartyACredential } | { error: string };

export type WorkerData = { signingPki: TransferableSigningPki };

export function renderInProcess(task: RenderTask) {
  return task.kind === 'framework' ? renderFrameworkAgreementDocument(task.input) : renderAttachmentDocument(task.input);
}

/** Renders and signs in the calling thread (QIYUE_RENDER_THREADS=0, tests). */
export async function produceInProcess(task: RenderTask, signatories: Signatories, pki: PlatformPki): Promise<SignedContract> {
  const rendered = await renderInProcess(task);
  return signContractDocument(pki, { ...signatories, unsigned: rendered.pdf, widgets: rendered.signatureRects });
}

let pki: SigningPki | undefined;

async function credentialFrom(port: MessagePort): Promise<PartyACredential> {
  try {
    const [message] = (await once(port, 'message')) as [CredentialMessage];
    if ('error' in message) throw new Error(`Party A's certificate was not issued: ${message.error}`);
    return message.credential;
  } finally {
    port.close();
  }
}

export default async function render(task: RenderTask) {
  const rendered = await renderInProcess(task);
  if (task.sign) {
    pki ??= signingPkiFrom((workerData as WorkerData).signingPki);
    const partyA = await credentialFrom(task.sign.credentials);
    const signed = await signWithCredential(pki, { unsigned: rendered.pdf, partyA, partyBName: task.sign.partyBName, widgets: rendered.signatureRects });
    return { ...signed, bytes: new Uint8Array(signed.bytes.buffer, signed.bytes.byteOffset, signed.bytes.byteLength) };
  }
  // Copying a contract's few hundred KB to the caller costs far less than a millisecond.
  return { pdf: new Uint8Array(rendered.pdf.buffer, rendered.pdf.byteOffset, rendered.pdf.byteLength), signatureRects: rendered.signatureRects };
}
