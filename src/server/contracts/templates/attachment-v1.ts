/**
 * 框架协议附件（订单信息 / 备案信息） — template version `attachment-v1`.
 *
 * An attachment records the version it was generated from and is never re-rendered, so this
 * text must not change once released: a wording change is a new file (`-v2`) and a new
 * version string.
 */

export const attachmentTemplateVersion = 'attachment-v1';

export type AttachmentKind = 'icp_attachment' | 'order_attachment';

export const attachmentTitles: Record<AttachmentKind, string> = {
  order_attachment: '附件（订单信息）',
  icp_attachment: '附件（备案信息）',
};

/** The framework agreement's title as the attachment cites it. */
export const attachmentFrameworkTitle = '云服务框架协议';

export type AttachmentTemplateInput = {
  kind: AttachmentKind;
  frameworkNumber: string;
  /** Already formatted, e.g. 2026年5月1日; the expiry is the last day in force. */
  frameworkEffectiveDate: string;
  frameworkExpiryDate: string;
  itemCount: number;
  copies: 2 | 3;
};

const copiesText = {
  2: '本附件纸质文本一式贰份，甲乙双方各执壹份，每份具有同等法律效力。',
  3: '本附件纸质文本一式叁份，甲方执壹份，乙方执贰份，每份具有同等法律效力。',
} as const;

/** The numbered paragraphs printed above the table. */
export function attachmentClauses(i: AttachmentTemplateInput): string[] {
  const scope =
    i.kind === 'order_attachment'
      ? `二、本附件列明甲方已在乙方平台下达并完成支付的订单共${i.itemCount}笔（明细见下表）。上述订单项下乙方提供的云服务，适用框架协议的约定；订单载明的产品、规格、数量及金额以下表为准。`
      : `二、本附件列明甲方通过乙方平台办理并已审核通过的互联网信息服务备案（ICP备案）共${i.itemCount}项（明细见下表）。甲方确认所列备案主体、网站名称及域名信息真实、准确，相关网站使用乙方云服务适用框架协议的约定。`;
  return [
    `一、本附件系甲乙双方签署的《${attachmentFrameworkTitle}》（协议编号：${i.frameworkNumber}，有效期自${i.frameworkEffectiveDate}起至${i.frameworkExpiryDate}止，以下简称“框架协议”）的附件，是框架协议不可分割的组成部分，与框架协议具有同等法律效力。`,
    scope,
    '三、本附件未约定的事项，适用框架协议的约定；本附件与框架协议的约定不一致的，按照框架协议关于附件效力的约定处理。',
    '四、本附件由双方以可靠的电子签名签署，自双方签署完成之时生效，至框架协议期满或终止之日终止；框架协议终止或解除的，本附件同时终止。',
    `五、本附件以电子形式订立，双方的电子签名与手写签名或者盖章具有同等的法律效力。${copiesText[i.copies]}`,
  ];
}

/** Caption above the table. */
export const attachmentTableCaption: Record<AttachmentKind, string> = {
  order_attachment: '订单明细',
  icp_attachment: '备案信息明细',
};

/** The line under an order table: 合计：¥1,234.50（大写：壹仟贰佰叁拾肆元伍角整）. */
export function orderTotalLine(totalYuan: string, totalCapitals: string): string {
  return `订单金额合计：${totalYuan}（大写：${totalCapitals}）`;
}

/** Printed after the last item, before the signature block. */
export const attachmentEndNote = '（以下无正文，为签署栏）';
