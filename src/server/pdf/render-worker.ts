// Runs in a worker thread of the contract renderer pool, or in process (see renderer.ts).
import { workerData } from 'node:worker_threads';
import { type SignedContract, type Signatories, signContractDocument } from '../contracts/sign-contract-document.js';
import { type SigningPki, signingPkiFrom, type TransferableSigningPki } from '../pki/platform-pki.js';
import { type AttachmentInput, renderAttachmentDocument } from './render-attachment.js';
import { type FrameworkAgreementInput, renderFrameworkAgreementDocument } from './render-framework-agreement.js';

export type RenderTask = ({ kind: 'framework'; input: FrameworkAgreementInput } | { kind: 'attachment'; input: AttachmentInput }) & {
  /** Sign the rendered PDF as these parties; a draft is not signed. */
  sign?: Signatories;
};

export type WorkerData = { signingPki: TransferableSigningPki };

export function renderInProcess(task: RenderTask) {
  return task.kind === 'framework' ? renderFrameworkAgreementDocument(task.input) : renderAttachmentDocument(task.input);
}

/** Renders and, when asked, signs, so that a contract crosses between threads once. */
export async function produceInProcess(task: RenderTask & { sign: Signatories }, pki: SigningPki): Promise<SignedContract> {
  const rendered = await renderInProcess(task);
  return signContractDocument(pki, { ...task.sign, unsigned: rendered.pdf, widgets: rendered.signatureRects });
}

let pki: SigningPki | undefined;

export default async function render(task: RenderTask) {
  if (task.sign) {
    pki ??= signingPkiFrom((workerData as WorkerData).signingPki);
    const signed = await produceInProcess({ ...task, sign: task.sign }, pki);
    return { ...signed, bytes: new Uint8Array(signed.bytes.buffer, signed.bytes.byteOffset, signed.bytes.byteLength) };
  }
  const rendered = await renderInProcess(task);
  // Copying a contract's few hundred KB to the caller costs far less than a millisecond.
  return { pdf: new Uint8Array(rendered.pdf.buffer, rendered.pdf.byteOffset, rendered.pdf.byteLength), signatureRects: rendered.signatureRects };
}
