import type { ContractFonts } from './font.js';
import { createContractDocument, fieldTable, fontSize, formatChineseDate, heading, paragraph, table, type TableCell, title } from './layout.js';

/**
 * The evidence report (出证报告) of one contract: what the contract file is (its SHA-256),
 * who signed it with which certificate and when the timestamps prove, how each key was held,
 * the willingness confirmations and the full audit trail with its hashes, and how to check
 * all of it without trusting this platform's word. Party B signs it (evidence/).
 */

export type EvidenceSignature = {
  role: 'party_a' | 'party_b' | 'document_timestamp' | 'unknown';
  signer: string;
  certificate: { subject: string; serial: string; issuer: string; sha256: string } | null;
  timestamp: { time: string; tsa: string } | null;
  keyCustody: 'platform' | 'signer' | null;
  valid: boolean;
};

export type EvidenceEvent = {
  seq: number;
  action: string;
  actorRole: string;
  at: string;
  hash: string;
  /** What the event recorded (channel, masked destination, IP…), already flattened to text. */
  details: string;
};

export type EvidenceReportInput = {
  contract: {
    number: string;
    kind: 'framework' | 'icp_attachment' | 'order_attachment' | 'supplement';
    partyA: string;
    partyB: string;
    effectiveAt: string;
    /** Exclusive end of the term. */
    expiresAt: string;
    sha256: string;
    bytes: number;
  };
  signatures: EvidenceSignature[];
  /** The contract's own audit events, in chain order; willingness confirmations among them. */
  events: EvidenceEvent[];
  chainValid: boolean;
  /** SHA-256 of the platform root certificate (DER), hex. */
  rootSha256: string;
  verifyUrl: string;
  generatedAt: string;
};

/** Info dictionary keys /verify reads from the revision Party B's signature covers. */
export const evidenceInfoKeys = { marker: 'QiyueEvidenceReport', contractNumber: 'QiyueContractNumber', contractSha256: 'QiyueContractSha256' } as const;
export const evidenceMarkerValue = 'evidence-report-v1';

export const evidenceTitle = '电子合同出证报告';

const kindText = { framework: '云服务框架协议', icp_attachment: '附件（备案信息）', order_attachment: '附件（订单信息）', supplement: '补充协议' } as const;
const roleText = { party_a: '甲方签名', party_b: '乙方签名', document_timestamp: '文档时间戳', unknown: '其他签名' } as const;

export function custodyText(c: EvidenceSignature['keyCustody'], role: EvidenceSignature['role']): string {
  if (role === 'party_b') return '乙方机构密钥，由乙方（本平台）持有';
  if (c === 'signer') return '签署人持有：密钥由签署人（浏览器 WebCrypto 或其自有系统）生成，私钥未离开签署人，平台仅收到公钥';
  if (c === 'platform') return '托管密钥：由平台生成并代为持有（key held by the platform）';
  return '—';
}

const time = (iso: string) => `${iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC')}`;

export async function renderEvidenceReport(input: EvidenceReportInput, options: { fonts?: ContractFonts } = {}): Promise<Buffer> {
  const c = input.contract;
  const { doc, finish } = createContractDocument({
    title: evidenceTitle,
    number: c.number,
    verifyUrl: input.verifyUrl,
    draft: false,
    subject: `${evidenceTitle}（${c.number}）`,
    fonts: options.fonts,
    info: {
      [evidenceInfoKeys.marker]: evidenceMarkerValue,
      [evidenceInfoKeys.contractNumber]: c.number,
      [evidenceInfoKeys.contractSha256]: c.sha256,
    },
  });

  title(doc, evidenceTitle, c.number);
  paragraph(
    doc,
    `本报告由${c.partyB}（乙方）的电子合同平台于${time(input.generatedAt)}出具，载明下列合同文件的签署过程与审计记录，并由乙方以电子签名签署、加盖可信时间戳。报告所列事实均可按第五部分的方法独立核验。`,
    { indent: true },
  );

  fieldTable(doc, '一、合同信息', [
    { label: '合同编号', value: c.number },
    { label: '合同类型', value: kindText[c.kind] },
    { label: '甲方', value: c.partyA },
    { label: '乙方', value: c.partyB },
    { label: '有效期', value: `${formatChineseDate(new Date(c.effectiveAt))}至${formatChineseDate(new Date(new Date(c.expiresAt).getTime() - 1))}` },
    { label: '文件大小', value: `${c.bytes} 字节` },
    { label: '文件 SHA-256', value: c.sha256 },
  ]);

  heading(doc, '二、电子签名');
  input.signatures.forEach((s, i) => {
    fieldTable(doc, `${i + 1}. ${roleText[s.role]}`, [
      { label: '签署方', value: s.signer },
      ...(s.certificate
        ? [
            { label: '证书主题', value: s.certificate.subject },
            { label: '证书序列号', value: s.certificate.serial },
            { label: '证书 SHA-256 指纹', value: s.certificate.sha256 },
            { label: '颁发者', value: s.certificate.issuer },
          ]
        : []),
      { label: '时间戳时间', value: s.timestamp ? time(s.timestamp.time) : null },
      { label: '时间戳机构', value: s.timestamp?.tsa },
      ...(s.role === 'document_timestamp' ? [] : [{ label: '密钥保管', value: custodyText(s.keyCustody, s.role) }]),
      { label: '校验结果', value: s.valid ? '有效' : '无效' },
    ]);
  });

  heading(doc, '三、意愿认证');
  const confirmations = input.events.filter((e) => e.action.startsWith('signing.'));
  if (confirmations.length === 0) {
    paragraph(doc, '审计记录中没有本合同的意愿认证事件。', { indent: true });
  } else {
    table(doc, {
      columns: [
        { header: '序号', width: 8, align: 'right' },
        { header: '事件', width: 26 },
        { header: '时间', width: 26 },
        { header: '内容', width: 40 },
      ],
      rows: confirmations.map((e) => [String(e.seq), e.action, time(e.at), e.details || '—']),
      fontSize: 8,
    });
  }

  heading(doc, '四、审计记录');
  paragraph(
    doc,
    input.chainValid
      ? '审计链校验：完整。每条记录的哈希为其内容与前一条记录哈希的 SHA-256（RFC 8785 规范化 JSON），逐条相连，任何删改都会使其后的哈希不再相符。'
      : '审计链校验：不完整。账户审计链中存在哈希与内容不符或未能依次相连的记录。',
    { indent: true },
  );
  const rows: TableCell[][] = [];
  for (const e of input.events) {
    rows.push([String(e.seq), e.action, e.actorRole, time(e.at)]);
    rows.push([{ text: `哈希 ${e.hash}`, span: 4, align: 'left' }]);
  }
  table(doc, {
    columns: [
      { header: '序号', width: 8, align: 'right' },
      { header: '事件', width: 34 },
      { header: '操作者', width: 18 },
      { header: '时间', width: 30 },
    ],
    rows,
    fontSize: 8,
    zebra: false,
  });

  heading(doc, '五、核验方法');
  for (const text of [
    `1. 计算所持合同文件的 SHA-256，应与第一部分所列 ${c.sha256} 一致。`,
    `2. 在 ${input.verifyUrl} 上传合同文件或本报告，平台验证其中每个签名与时间戳；上传本报告时可同时选择合同文件，核对两者是否对应。扫描页脚二维码可打开该页面。`,
    `3. 亦可用任何支持 PAdES 的验证工具独立验证：签名证书均链至本平台根证书，其 SHA-256 指纹为 ${input.rootSha256}。`,
    '4. 第四部分每条审计记录的哈希可由平台导出的审计数据逐条重算核对。',
  ]) {
    paragraph(doc, text);
  }
  doc.moveDown(0.5);
  doc.font('regular').fontSize(fontSize.small).fillColor('#555555');
  doc.text('（以下无正文）', { align: 'center' });

  return finish();
}
