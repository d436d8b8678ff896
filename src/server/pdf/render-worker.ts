// Runs in a worker thread of the contract renderer pool, or in process (see renderer.ts).
import { type AttachmentInput, renderAttachmentDocument } from './render-attachment.js';
import { type FrameworkAgreementInput, renderFrameworkAgreementDocument } from './render-framework-agreement.js';

export type RenderTask = { kind: 'framework'; input: FrameworkAgreementInput } | { kind: 'attachment'; input: AttachmentInput };

export function renderInProcess(task: RenderTask) {
  return task.kind === 'framework' ? renderFrameworkAgreementDocument(task.input) : renderAttachmentDocument(task.input);
}

export default async function render(task: RenderTask) {
  const rendered = await renderInProcess(task);
  // Copying a contract's few hundred KB to the caller costs far less than a millisecond.
  return { pdf: new Uint8Array(rendered.pdf.buffer, rendered.pdf.byteOffset, rendered.pdf.byteLength), signatureRects: rendered.signatureRects };
}
