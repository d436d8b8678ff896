/**
 * 云服务框架协议 — template version `framework-v2`: the clauses of `framework-v1`, the body
 * closed by “（以下无正文）” and the signature block on a page of its own, labelled as such, as
 * Chinese contracts are laid out. Released text: never change it, add a `-v3`.
 */

export {
  type Clause,
  frameworkClauses,
  frameworkPreamble,
  type FrameworkTemplateInput,
  frameworkTitle,
} from './framework-agreement-v1.js';

export const frameworkTemplateVersion = 'framework-v2';

/** The last line of the body. */
export const bodyEndNote = '（以下无正文）';

/** The first line of the signature page. */
export const signaturePageLabel = '（本页为签署页，无正文）';
