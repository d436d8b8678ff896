import {
  type AttachmentKind,
  attachmentClauses,
  bodyEndNote,
  attachmentFrameworkTitle,
  attachmentTableCaption,
  attachmentTemplateVersion,
  attachmentTitles,
  orderTotalLine,
  signaturePageLabel,
} from '../contracts/templates/attachment-v2.js';
import { amountInChineseCapitals, formatYuan } from '../../shared/money.js';
import type { ContractFonts } from './font.js';
import {
  contentWidth,
  createContractDocument,
  type Field,
  fieldTable,
  fontSize,
  formatChineseDate,
  page,
  paragraph,
  partiesCrossPageSeals,
  partiesSignatureBlock,
  type TableCell,
  type TableColumn,
  table,
  title,
} from './layout.js';
import type { PartyASnapshot, PartyBDetails, RenderedContract } from './render-framework-agreement.js';

export type AttachmentOrder = {
  orderNo: string;
  product: string;
  spec: string;
  quantity: number;
  /** Integer fen. */
  amountFen: number;
  paidAt: Date;
};

export type AttachmentIcpFiling = {
  filingNumber: string;
  siteName: string;
  domains: string[];
  entityName: string;
  approvedAt: Date;
};

export type AttachmentInput = {
  /** e.g. FA2026000123-A01 */
  number: string;
  kind: AttachmentKind;
  templateVersion: string;
  framework: { number: string; effectiveAt: Date; expiresAt: Date };
  partyA: PartyASnapshot;
  partyB: PartyBDetails;
  copies: 2 | 3;
  /** Required for an order attachment, 1 to 5,000. */
  orders?: AttachmentOrder[];
  /** Required for an ICP attachment, 1 to 5,000. */
  icpFilings?: AttachmentIcpFiling[];
  verifyUrl: string;
  draft: boolean;
  /** The paper original of the print package: no e-seals, stamping places instead. */
  paper?: boolean;
  /** The attachment's signing (= effective) time for 签署日期; defaults to now. */
  signedAt?: Date;
};

export const maxAttachmentItems = 5000;

export class AttachmentInputError extends Error {}

const orderColumns: TableColumn[] = [
  { header: '序号', width: 28, align: 'center' },
  { header: '订单号', width: 112 },
  { header: '产品', width: 90 },
  { header: '规格', width: 118 },
  { header: '数量', width: 36, align: 'right' },
  { header: '金额（元）', width: 83, align: 'right' },
];

const icpColumns: TableColumn[] = [
  { header: '序号', width: 28, align: 'center' },
  { header: '备案号', width: 113 },
  { header: '网站名称', width: 66 },
  { header: '域名', width: 114, hangingIndent: 9 },
  { header: '备案主体', width: 76 },
  { header: '审核通过日期', width: 72, align: 'center' },
];

function itemsOf(input: AttachmentInput): { columns: TableColumn[]; rows: TableCell[][]; count: number } {
  if (input.kind === 'order_attachment') {
    const orders = input.orders ?? [];
    checkCount(orders.length, input.icpFilings, 'orders');
    return {
      columns: orderColumns,
      count: orders.length,
      rows: orders.map((o, i) => {
        if (!Number.isSafeInteger(o.amountFen) || o.amountFen < 0) {
          throw new AttachmentInputError(`order ${o.orderNo}: amount must be a non-negative integer of fen`);
        }
        return [String(i + 1), o.orderNo, o.product, o.spec, String(o.quantity), formatYuan(o.amountFen)];
      }),
    };
  }
  const filings = input.icpFilings ?? [];
  checkCount(filings.length, input.orders, 'icpFilings');
  return {
    columns: icpColumns,
    count: filings.length,
    rows: filings.map((f, i) => [
      String(i + 1),
      f.filingNumber,
      f.siteName,
      f.domains.join('\n'),
      f.entityName,
      formatChineseDate(f.approvedAt),
    ]),
  };
}

function checkCount(n: number, other: unknown[] | undefined, field: string): void {
  if (n < 1 || n > maxAttachmentItems) {
    throw new AttachmentInputError(`${field}: an attachment lists 1 to ${maxAttachmentItems} items, not ${n}`);
  }
  if (other?.length) throw new AttachmentInputError('an attachment lists either orders or ICP filings');
}

function basicFields(input: AttachmentInput, frameworkTerm: string): Field[] {
  const enterprise = input.partyA.subjectType === 'enterprise';
  return [
    { label: '所属框架协议', value: `《${attachmentFrameworkTitle}》` },
    { label: '框架协议编号', value: input.framework.number },
    { label: '框架协议有效期', value: frameworkTerm },
    { label: '甲方', value: input.partyA.name },
    { label: enterprise ? '统一社会信用代码' : '身份证号码', value: input.partyA.idCode },
    { label: '乙方', value: input.partyB.name },
    { label: '统一社会信用代码', value: input.partyB.creditCode },
  ];
}

/** Reports the share of rows drawn in steps of 5 %: a listener per row would cost more than the row. */
function progressSteps(onProgress: (fraction: number) => void) {
  let reported = 0;
  return (drawn: number, total: number) => {
    const step = Math.floor((drawn / total) * 20);
    if (step > reported) {
      reported = step;
      onProgress(step / 20);
    }
  };
}

/**
 * Renders an attachment (附件) to a framework agreement: its particulars, the clauses of
 * template `attachment-v2`, a table of the orders (with the total in figures and in
 * capitals) or ICP filings whose header repeats on every page, and the signature block with
 * both seals. A draft carries a watermark and no seals.
 */
export async function renderAttachmentDocument(
  input: AttachmentInput,
  options: { fonts?: ContractFonts; onProgress?: (fraction: number) => void } = {},
): Promise<RenderedContract> {
  if (input.templateVersion !== attachmentTemplateVersion) {
    throw new AttachmentInputError(`unknown attachment template version ${input.templateVersion}`);
  }
  if (!input.number.startsWith(`${input.framework.number}-A`)) {
    throw new AttachmentInputError(`attachment ${input.number} does not belong to ${input.framework.number}`);
  }
  const items = itemsOf(input);
  const docTitle = attachmentTitles[input.kind];
  const { doc, fonts, finish } = createContractDocument({
    title: docTitle,
    number: input.number,
    verifyUrl: input.verifyUrl,
    draft: input.draft,
    paper: input.paper,
    subject: `${attachmentFrameworkTitle}（${input.framework.number}）${docTitle}`,
    fonts: options.fonts,
    crossPageSeals: partiesCrossPageSeals(input),
  });

  // The term's end is exclusive: the last day in force is the day before, China time.
  const effectiveDate = formatChineseDate(input.framework.effectiveAt);
  const expiryDate = formatChineseDate(new Date(input.framework.expiresAt.getTime() - 1));

  title(doc, docTitle, input.number);
  fieldTable(doc, '基本信息', basicFields(input, `${effectiveDate}至${expiryDate}`));
  for (const text of attachmentClauses({
    kind: input.kind,
    frameworkNumber: input.framework.number,
    frameworkEffectiveDate: effectiveDate,
    frameworkExpiryDate: expiryDate,
    itemCount: items.count,
    copies: input.copies,
  })) {
    paragraph(doc, text, { indent: true });
  }

  // What follows the table: the total line (orders), the end note and the signature block.
  let totalLine: string | null = null;
  const footerRows: TableCell[][] = [];
  if (input.kind === 'order_attachment') {
    const total = (input.orders ?? []).reduce((s, o) => s + BigInt(o.amountFen), 0n);
    totalLine = orderTotalLine(formatYuan(total), amountInChineseCapitals(total));
    footerRows.push([
      { text: '合计', span: 5, align: 'center' },
      { text: formatYuan(total), align: 'right' },
    ]);
  }
  doc.font('regular').fontSize(fontSize.body);
  const tailText = [totalLine, bodyEndNote].filter((t): t is string => t !== null);
  // The signature block has a page of its own; the total and the end note stay with the rows.
  const tailHeight =
    tailText.reduce((h, t) => h + doc.heightOfString(t, { width: contentWidth, lineGap: 3.5 }) + 6, 0) + 20;

  doc.moveDown(0.6);
  table(doc, {
    caption: attachmentTableCaption[input.kind],
    columns: items.columns,
    rows: items.rows,
    footerRows,
    keepWithNext: tailHeight,
    onRow: options.onProgress && progressSteps(options.onProgress),
  });

  doc.moveDown(0.6);
  if (totalLine) {
    doc.font('bold').fontSize(fontSize.body).fillColor('#000000');
    doc.text(totalLine, page.left, doc.y, { width: contentWidth, lineGap: 3.5 });
    doc.moveDown(0.3);
  }
  paragraph(doc, bodyEndNote);

  const signatureRects = partiesSignatureBlock(doc, fonts, {
    partyA: input.partyA,
    partyB: input.partyB,
    signedAt: input.signedAt ?? new Date(),
    draft: input.draft,
    paper: input.paper,
    signaturePageLabel,
  });
  return { pdf: await finish(), signatureRects };
}
