import type { StampingStatus } from '../../shared/schemas/stamping.js';

// E-mails go to the finance and legal staff of Chinese companies: Chinese first, English after.
const stampingLines: Record<StampingStatus, [zh: string, en: string]> = {
  awaiting_shipment: [
    '您的线下盖章申请已创建。请下载打印包（封面已印有申请编号），盖章后寄出，并在控制台填写快递公司与运单号。',
    'Your stamping request is created. Download the print package (its cover carries the request number), stamp and mail the originals, then enter the courier and tracking number in the console.',
  ],
  submitted: ['您已寄出盖章文件，我们收到后将通知您。', 'You have mailed the stamped originals; we will tell you when they arrive.'],
  received: ['我们已签收您寄来的合同文件，正在安排盖章。', 'We have received your copies and are stamping them.'],
  stamped: ['合同已加盖我方印章，即将寄回。', 'The copies carry our seal and will be mailed back shortly.'],
  returned: ['盖章合同已寄回，请留意快递并在收到后确认收货（15 天后自动完成）。', 'The stamped copies are on their way; please confirm receipt (completed automatically after 15 days).'],
  completed: ['线下盖章已完成。', 'Offline stamping is complete.'],
  rejected: ['您的线下盖章申请未通过。', 'Your stamping request was rejected.'],
  cancelled: ['您的线下盖章申请已取消。', 'Your stamping request was cancelled.'],
};

const statusNames: Record<StampingStatus, string> = {
  awaiting_shipment: '待寄出',
  submitted: '已寄出',
  received: '已签收',
  stamped: '已盖章',
  returned: '已寄回',
  completed: '已完成',
  rejected: '已驳回',
  cancelled: '已取消',
};

export function stampingEmail(options: { number: string; status: StampingStatus; note?: string | null; url: string }) {
  const [zh, en] = stampingLines[options.status];
  return {
    subject: `【契约】线下盖章申请 ${options.number} ${statusNames[options.status]}`,
    body: [zh, options.note ? `说明：${options.note}` : null, `查看详情：${options.url}`, '', en, options.note ? `Note: ${options.note}` : null]
      .filter((l) => l !== null)
      .join('\n'),
  };
}

export function verificationEmail(options: { approved: boolean; reason?: string; url: string }) {
  return options.approved
    ? {
        subject: '【契约】实名认证已通过',
        body: `您的实名认证已通过，现在可以申请合同。\n${options.url}\n\nYour real-name verification was approved; you can now apply for contracts.`,
      }
    : {
        subject: '【契约】实名认证未通过',
        body: `您的实名认证未通过。\n原因：${options.reason}\n请修改后重新提交：${options.url}\n\nYour real-name verification was rejected (${options.reason}). Please correct and submit again.`,
      };
}

const kindNames: Record<string, [zh: string, en: string]> = {
  framework: ['框架协议', 'framework agreement'],
  icp_attachment: ['附件（备案信息）', 'attachment (ICP filings)'],
  order_attachment: ['附件（订单信息）', 'attachment (orders)'],
  supplement: ['补充协议', 'supplement'],
};

export type ContractEmailEvent = 'generated' | 'voided' | 'terminated' | 'expiring';

export function contractEmail(options: {
  number: string;
  kind: string;
  event: ContractEmailEvent;
  reason?: string | null;
  expiresAt?: Date;
  /** A contract signed now that takes effect later (a renewal, a re-issued attachment): its first day, China time. */
  startsOn?: string;
  url: string;
}) {
  const [zhKind, enKind] = kindNames[options.kind] ?? [options.kind, options.kind];
  const date = options.expiresAt?.toISOString().slice(0, 10);
  const generated: [string, string, string] = options.startsOn
    ? ['已生成', `您的${zhKind} ${options.number} 已生成，将于 ${options.startsOn} 生效。`, `Your ${enKind} ${options.number} was generated and takes effect on ${options.startsOn}.`]
    : ['已生成', `您的${zhKind} ${options.number} 已生成并生效。`, `Your ${enKind} ${options.number} was generated and is in force.`];
  const lines: Record<ContractEmailEvent, [subject: string, zh: string, en: string]> = {
    generated,
    voided: ['已作废', `您的${zhKind} ${options.number} 已作废。`, `Your ${enKind} ${options.number} was voided.`],
    terminated: ['已终止', `您的${zhKind} ${options.number} 已被终止。`, `Your ${enKind} ${options.number} was terminated.`],
    expiring: ['即将到期', `您的${zhKind} ${options.number} 将于 ${date} 到期。`, `Your ${enKind} ${options.number} expires on ${date}.`],
  };
  const [status, zh, en] = lines[options.event];
  return {
    subject: `【契约】${zhKind} ${options.number} ${status}`,
    body: [zh, options.reason ? `原因：${options.reason}` : null, `查看详情：${options.url}`, '', en, options.reason ? `Reason: ${options.reason}` : null]
      .filter((l) => l !== null)
      .join('\n'),
  };
}

export function passwordResetEmail(options: { url: string; minutes: number }) {
  return {
    subject: '【契约】重置密码',
    body: [
      `请在 ${options.minutes} 分钟内打开以下链接设置新密码（仅可使用一次）：`,
      options.url,
      '如果不是您本人操作，请忽略本邮件，您的密码不会改变。',
      '',
      `Open the link above within ${options.minutes} minutes to set a new password (it works once). If you did not ask for this, ignore this e-mail.`,
    ].join('\n'),
  };
}

export function expiryReminderEmail(options: { number: string; daysBefore: number; expiresAt: Date; url: string }) {
  const day = options.expiresAt.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
  return {
    subject: `【契约】框架协议 ${options.number} 将于 ${options.daysBefore} 天后到期`,
    body: [
      `您的框架协议 ${options.number} 将于 ${day} 到期。到期前 60 天起可在控制台申请续签，续签协议在原协议到期后次日生效。`,
      `查看详情：${options.url}`,
      '',
      `Your framework agreement ${options.number} ends on ${day} (in ${options.daysBefore} day(s)). You can apply for its renewal in the console from 60 days before the end; the successor takes effect when it ends.`,
    ].join('\n'),
  };
}

const signingKindNames = { framework: '框架协议', renewal: '框架协议（续签）', icp_attachment: 'ICP 备案附件', order_attachment: '订单附件' } as const;

/** The willingness check's one-time code (意愿认证): what it confirms, and that no one else may ask for it. */
export function signingCodeMessage(o: { code: string; kind: keyof typeof signingKindNames; draftSha256: string }) {
  const what = signingKindNames[o.kind];
  return {
    subject: `【契约】签署验证码 ${o.code}`,
    body: [
      `您正在签署《${what}》，验证码：${o.code}，10 分钟内有效。`,
      `待签文件 SHA-256：${o.draftSha256}`,
      '验证码仅用于您本人确认签署，请勿告知任何人（包括平台工作人员）。',
      '',
      `Your confirmation code for signing the ${o.kind.replace('_', ' ')} is ${o.code}, valid for 10 minutes. Never tell it to anyone, platform staff included.`,
    ].join('\n'),
    sms: `【契约】验证码 ${o.code}，用于确认签署《${what}》，10 分钟内有效，请勿告知他人。`,
  };
}
