import PDFDocument from 'pdfkit';
import { type ContractFonts, loadContractFonts } from './font.js';
import { drawQrCode } from './qr.js';
import { drawSeal } from './seal.js';

/** A4 in points, and the frame every contract page shares. */
export const page = {
  width: 595.28,
  height: 841.89,
  left: 64,
  right: 64,
  top: 78,
  bottom: 92,
} as const;

export const contentWidth = page.width - page.left - page.right;

export const fontSize = { title: 20, heading: 12, body: 10.5, small: 8.5 } as const;

export type Rect = [number, number, number, number];

export type ContractDocument = {
  doc: PDFKit.PDFDocument;
  fonts: ContractFonts;
  /** Adds headers, footers (page X of Y, QR) and watermark to every page; ends the doc. */
  finish(): Promise<Buffer>;
};

export type ContractDocumentOptions = {
  title: string;
  number: string;
  verifyUrl: string;
  draft: boolean;
  subject?: string;
  fonts?: ContractFonts;
};

const draftWatermark = '草稿 · 仅供预览';

export function createContractDocument(o: ContractDocumentOptions): ContractDocument {
  const fonts = o.fonts ?? loadContractFonts();
  const doc = new PDFDocument({
    size: 'A4',
    pdfVersion: '1.7',
    bufferPages: true,
    autoFirstPage: true,
    margins: { top: page.top, bottom: page.bottom, left: page.left, right: page.right },
    info: {
      Title: `${o.title} ${o.number}`,
      Subject: o.subject ?? o.title,
      Keywords: o.number,
      Creator: 'Qiyue',
      Producer: 'Qiyue',
    },
    lang: 'zh-CN',
    displayTitle: true,
    // Without a font pdfkit parses Helvetica's AFM for every document (~2 ms).
    font: fonts.cjk.regular as unknown as string,
  });
  // pdfkit takes a parsed fontkit font as well as bytes; sharing one parse across documents
  // saves ~8 ms per contract. Its types only list the byte forms.
  doc.registerFont('regular', fonts.cjk.regular as unknown as Buffer);
  doc.registerFont('bold', fonts.cjk.bold as unknown as Buffer);
  doc.font('regular').fontSize(fontSize.body).fillColor('#000000');

  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const finish = async () => {
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      drawPageFrame(doc, o, i - range.start + 1, range.count);
    }
    doc.end();
    return ended;
  };
  return { doc, fonts, finish };
}

function drawPageFrame(
  doc: PDFKit.PDFDocument,
  o: ContractDocumentOptions,
  pageNo: number,
  pageCount: number,
): void {
  // Writing below the bottom margin would make pdfkit start a new page.
  const savedBottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  const x0 = page.left;
  const x1 = page.width - page.right;

  doc.save();
  doc.font('regular').fontSize(fontSize.small).fillColor('#555555');
  doc.text(o.title, x0, 40, { width: contentWidth / 2, lineBreak: false });
  doc.text(`合同编号：${o.number}`, x0 + contentWidth / 2, 40, {
    width: contentWidth / 2,
    align: 'right',
    lineBreak: false,
  });
  doc.moveTo(x0, 56).lineTo(x1, 56).lineWidth(0.6).strokeColor('#999999').stroke();

  const footerTop = page.height - 78;
  const qrSize = 52;
  doc.moveTo(x0, footerTop).lineTo(x1, footerTop).lineWidth(0.6).strokeColor('#999999').stroke();
  doc.text(`第 ${pageNo} 页 / 共 ${pageCount} 页`, x0, footerTop + 12, {
    width: contentWidth,
    align: 'center',
    lineBreak: false,
  });
  doc.text(`合同编号：${o.number}`, x0, footerTop + 12, { width: 200, lineBreak: false });
  doc.text('扫描二维码验证合同真伪', x0, footerTop + 26, { width: 200, lineBreak: false });
  drawQrCode(doc, o.verifyUrl, x1 - qrSize, footerTop + 6, qrSize);

  if (o.draft) {
    doc.save();
    doc.rotate(-35, { origin: [page.width / 2, page.height / 2] });
    doc.font('bold').fontSize(54).fillColor('#c00000').fillOpacity(0.13);
    doc.text(draftWatermark, 0, page.height / 2 - 30, {
      width: page.width,
      align: 'center',
      lineBreak: false,
    });
    doc.restore();
  }
  doc.restore();
  doc.page.margins.bottom = savedBottom;
}

/** Starts a new page unless `height` more points fit on this one. */
export function ensureSpace(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > page.height - page.bottom) doc.addPage();
}

export function title(doc: PDFKit.PDFDocument, text: string, number: string): void {
  doc.font('bold').fontSize(fontSize.title).fillColor('#000000');
  doc.text(text, page.left, doc.y, { width: contentWidth, align: 'center', characterSpacing: 2 });
  doc.moveDown(0.3);
  doc.font('regular').fontSize(fontSize.body);
  doc.text(`合同编号：${number}`, { width: contentWidth, align: 'right' });
  doc.moveDown(0.8);
}

export function heading(doc: PDFKit.PDFDocument, text: string): void {
  ensureSpace(doc, 48);
  doc.moveDown(0.5);
  doc.font('bold').fontSize(fontSize.heading).fillColor('#000000');
  doc.text(text, page.left, doc.y, { width: contentWidth });
  doc.moveDown(0.25);
}

export function paragraph(
  doc: PDFKit.PDFDocument,
  text: string,
  options: { indent?: boolean } = {},
): void {
  doc.font('regular').fontSize(fontSize.body).fillColor('#000000');
  doc.text(text, page.left, doc.y, {
    width: contentWidth,
    align: 'justify',
    lineGap: 3.5,
    paragraphGap: 3,
    indent: options.indent ? fontSize.body * 2 : 0,
  });
}

export type Field = { label: string; value: string | null | undefined };

/** Label/value rows, e.g. a party's particulars. Empty values print as a dash. */
export function fieldTable(doc: PDFKit.PDFDocument, caption: string, fields: Field[]): void {
  const labelWidth = 118;
  ensureSpace(doc, 40 + fields.length * 18);
  doc.font('bold').fontSize(fontSize.heading).text(caption, page.left, doc.y, {
    width: contentWidth,
  });
  doc.moveDown(0.2);
  for (const f of fields) {
    doc.font('regular').fontSize(fontSize.body);
    const value = f.value?.trim() ? f.value : '—';
    const h = Math.max(
      doc.heightOfString(`${f.label}：`, { width: labelWidth }),
      doc.heightOfString(value, { width: contentWidth - labelWidth }),
    );
    ensureSpace(doc, h + 4);
    const y = doc.y;
    doc.text(`${f.label}：`, page.left + 12, y, { width: labelWidth - 12 });
    doc.text(value, page.left + labelWidth, y, { width: contentWidth - labelWidth });
    doc.y = y + h + 3;
  }
  doc.moveDown(0.5);
}

export type SignatoryParty = {
  role: '甲方' | '乙方';
  name: string;
  /** A person signs; an organisation seals and its representative signs. */
  personal: boolean;
  representative?: string | null;
  date: string;
};

export const sealRadius = 48;

/**
 * Two columns, Party A left and Party B right, each with its seal over the name when the
 * contract is being signed. Returns the seal rectangles in PDF user space (origin bottom
 * left) for the signature widgets.
 */
export function signatureBlock(
  doc: PDFKit.PDFDocument,
  fonts: ContractFonts,
  parties: [SignatoryParty, SignatoryParty],
  withSeals: boolean,
): { partyA: Rect; partyB: Rect } {
  ensureSpace(doc, 190);
  doc.moveDown(1);
  const top = doc.y;
  const colWidth = contentWidth / 2 - 10;
  const rects: Rect[] = [];
  parties.forEach((p, i) => {
    const x = page.left + i * (colWidth + 20);
    let y = top;
    doc.font('bold').fontSize(fontSize.body + 0.5).fillColor('#000000');
    const nameLabel = p.personal ? `${p.role}（签名）：` : `${p.role}（盖章）：`;
    doc.text(nameLabel, x, y, { width: colWidth });
    y = doc.y + 2;
    doc.font('regular').fontSize(fontSize.body);
    doc.text(p.name, x, y, { width: colWidth });
    const nameBottom = doc.y;
    y = Math.max(nameBottom + 44, top + 90);
    if (!p.personal) {
      doc.text(`法定代表人或授权代表（签字）：${p.representative ?? ''}`, x, y, {
        width: colWidth,
      });
      y = doc.y + 8;
    }
    doc.text(`签署日期：${p.date}`, x, y, { width: colWidth });
    const cx = x + colWidth / 2 - 10;
    const cy = top + 50;
    if (withSeals) {
      drawSeal(doc, {
        cx,
        cy,
        radius: sealRadius,
        name: p.name,
        caption: p.personal ? undefined : '合同专用章',
        font: fonts.cjk.regular,
      });
    }
    rects.push([
      cx - sealRadius,
      page.height - (cy + sealRadius),
      cx + sealRadius,
      page.height - (cy - sealRadius),
    ]);
  });
  doc.x = page.left;
  doc.y = top + 170;
  return { partyA: rects[0]!, partyB: rects[1]! };
}

const dateFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

/** 2026年5月1日, in China Standard Time whatever the server's zone. */
export function formatChineseDate(d: Date): string {
  const parts = Object.fromEntries(dateFormat.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}年${parts.month}月${parts.day}日`;
}
