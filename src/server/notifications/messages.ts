import type { StampingStatus } from '../../shared/schemas/stamping.js';

// E-mails go to the finance and legal staff of Chinese companies: Chinese first, English after.
const stampingLines: Record<StampingStatus, [zh: string, en: string]> = {
  submitted: ['我们已收到您的线下盖章申请，请按打印包封面的地址寄出盖章文件。', 'We have your stamping request; please mail the stamped copies to the address on the cover sheet.'],
  received: ['我们已签收您寄来的合同文件，正在安排盖章。', 'We have received your copies and are stamping them.'],
  stamped: ['合同已加盖我方印章，即将寄回。', 'The copies carry our seal and will be mailed back shortly.'],
  returned: ['盖章合同已寄回，请留意快递并在收到后确认收货（15 天后自动完成）。', 'The stamped copies are on their way; please confirm receipt (completed automatically after 15 days).'],
  completed: ['线下盖章已完成。', 'Offline stamping is complete.'],
  rejected: ['您的线下盖章申请未通过。', 'Your stamping request was rejected.'],
  cancelled: ['您的线下盖章申请已取消。', 'Your stamping request was cancelled.'],
};

const statusNames: Record<StampingStatus, string> = {
  submitted: '已提交',
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
