/**
 * 框架协议附件 — template version `attachment-v2`: the text of `attachment-v1`, the body
 * closed by “（以下无正文）” and the signature block on a page of its own, labelled as such.
 * Released text: never change it, add a `-v3`.
 */

export {
  type AttachmentKind,
  attachmentClauses,
  attachmentFrameworkTitle,
  attachmentTableCaption,
  type AttachmentTemplateInput,
  attachmentTitles,
  orderTotalLine,
} from './attachment-v1.js';
export { bodyEndNote, signaturePageLabel } from './framework-agreement-v2.js';

export const attachmentTemplateVersion = 'attachment-v2';
