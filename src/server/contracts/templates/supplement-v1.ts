/**
 * 补充协议（甲方名称变更） — template version `supplement-v1`: the supplementary agreement a
 * framework agreement in force gets when Party A's company re-verified a new registered name
 * under the same unified social credit code. A supplement records the version it was generated
 * from and is never re-rendered: released text never changes, a wording change is a `-v2`.
 */

export { bodyEndNote, signaturePageLabel } from './framework-agreement-v2.js';
export { frameworkTitle } from './framework-agreement-v1.js';

export const supplementTemplateVersion = 'supplement-v1';

export const supplementTitle = '补充协议';

export type SupplementTemplateInput = {
  frameworkNumber: string;
  /** Already formatted, e.g. 2026年5月1日; the expiry is the last day in force. */
  frameworkEffectiveDate: string;
  frameworkExpiryDate: string;
  oldName: string;
  newName: string;
  creditCode: string;
  /** The day the new name was verified, formatted. */
  verifiedDate: string;
  copies: 2 | 3;
};

const copiesText = {
  2: '本补充协议纸质文本一式贰份，甲乙双方各执壹份，每份具有同等法律效力。',
  3: '本补充协议纸质文本一式叁份，甲方执壹份，乙方执贰份，每份具有同等法律效力。',
} as const;

/** The numbered paragraphs of the supplement. */
export function supplementClauses(i: SupplementTemplateInput): string[] {
  return [
    `一、甲乙双方于${i.frameworkEffectiveDate}签署《云服务框架协议》（协议编号：${i.frameworkNumber}，有效期自${i.frameworkEffectiveDate}起至${i.frameworkExpiryDate}止，以下简称“框架协议”）。甲方的企业名称已由“${i.oldName}”变更为“${i.newName}”，统一社会信用代码${i.creditCode}不变；变更后的名称已于${i.verifiedDate}通过乙方平台的实名认证。`,
    `二、自本补充协议生效之日起，框架协议及其全部附件中的甲方名称均变更为“${i.newName}”。名称变更不影响框架协议及其附件的效力，甲方在框架协议及其附件项下的全部权利和义务由变更名称后的甲方继续享有和承担。`,
    '三、本补充协议生效前已签署的框架协议及其附件保留其签署时的文本，不重新签署；双方以本补充协议确认其中的甲方名称变更。',
    '四、除本补充协议约定的事项外，框架协议的其他条款不变。本补充协议是框架协议不可分割的组成部分，与框架协议具有同等法律效力；本补充协议与框架协议不一致的，以本补充协议为准。',
    `五、本补充协议由双方以可靠的电子签名签署，自双方签署完成之时生效，至框架协议期满或终止之日终止。双方的电子签名与手写签名或者盖章具有同等的法律效力。${copiesText[i.copies]}`,
  ];
}
