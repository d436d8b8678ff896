import PDFDocument from 'pdfkit';
import { type ContractFonts, loadContractFonts } from './font.js';
import { coalesceStreamWrites, deflateStreamsFast, shareLayoutCache, splitTemplateFont } from './pdfkit-tuning.js';
import { placeQrCode, qrCodeForm, qrRuns } from './qr.js';
import { drawPartySeal } from './seal.js';

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
  /** The paper original (纸质签署版): marked as such, with a strip for the cross-page seal. */
  paper?: boolean;
  subject?: string;
  fonts?: ContractFonts;
  /**
   * The fixed text of the document's template: its characters get a font subset of their own,
   * the same in every document of the template, so it is built once (pdfkit-tuning.ts).
   */
  templateText?: string;
  /**
   * The seals split across the right edge of every page (骑缝章), top to bottom; none on a
   * draft or a single page.
   */
  crossPageSeals?: CrossPageSeal[];
  /** Further Info dictionary entries (e.g. what an evidence report attests). */
  info?: Record<string, string>;
};

export type CrossPageSeal = { name: string; personal: boolean };

/** The fixed strings the page frame and the signature block draw, for a template's text. */
export const layoutTemplateText = [
  '合同编号：第页/共',
  '（以下无正文）（本页为签署页，无正文）',
  '扫描二维码验证合同真伪',
  '甲方乙方（盖章）：（签名）：法定代表人或授权代表（签字）：签署日期：—',
  '0123456789 年月日-',
].join('');

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
      ...o.info,
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
  deflateStreamsFast(doc);
  coalesceStreamWrites(doc);
  shareLayoutCache(doc, 'bold', fonts.cjk.bold);
  shareLayoutCache(doc, 'regular', fonts.cjk.regular);
  if (o.templateText) {
    splitTemplateFont(doc, {
      family: 'regular',
      variableFamily: 'regular-variable',
      font: fonts.cjk.regular,
      templateText: o.templateText + layoutTemplateText,
    });
  }
  doc.font('regular').fontSize(fontSize.body).fillColor('#000000');

  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const finish = async () => {
    const range = doc.bufferedPageRange();
    const qr = qrCodeForm(doc, qrRuns(o.verifyUrl), qrSize);
    // A paper original takes its cross-page seals in wet ink, in the strip its frame draws.
    const seals = !o.draft && !o.paper && range.count > 1 ? (o.crossPageSeals ?? []).map((seal) => crossPageSealForm(doc, fonts, seal)) : [];
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      drawPageFrame(doc, o, qr, i - range.start + 1, range.count);
      seals.forEach((form, k) => {
        drawCrossPageSlice(doc, form, k, crossPageSealCentreY(k), i - range.start, range.count);
      });
    }
    doc.end();
    return ended;
  };
  return { doc, fonts, finish };
}

/** The verification QR code in the footer, in points. */
const qrSize = 52;

function drawPageFrame(
  doc: PDFKit.PDFDocument,
  o: ContractDocumentOptions,
  qr: PDFKit.PDFKitReference,
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
  doc.moveTo(x0, footerTop).lineTo(x1, footerTop).lineWidth(0.6).strokeColor('#999999').stroke();
  doc.text(`第 ${pageNo} 页 / 共 ${pageCount} 页`, x0, footerTop + 12, {
    width: contentWidth,
    align: 'center',
    lineBreak: false,
  });
  doc.text(`合同编号：${o.number}`, x0, footerTop + 12, { width: 200, lineBreak: false });
  doc.text('扫描二维码验证合同真伪', x0, footerTop + 26, { width: 200, lineBreak: false });
  placeQrCode(doc, qr, x1 - qrSize, footerTop + 6);

  if (o.paper) drawPaperMarks(doc);

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

/** Grey, never red: a printed original must not look stamped before anyone stamped it. */
const stampingPlaceColor = '#9a9a9a';

/**
 * 纸质签署版 under the header, and along the right edge a dashed strip where the pages, fanned
 * out, take the cross-page seal (骑缝章).
 */
function drawPaperMarks(doc: PDFKit.PDFDocument): void {
  doc.save();
  doc.font('bold').fontSize(fontSize.small).fillColor('#555555');
  doc.text('纸质签署版', page.left, 60, { width: contentWidth, align: 'center', lineBreak: false });
  const stripWidth = 26;
  const x = page.width - stripWidth - 8;
  const top = 130;
  const height = page.height - 260;
  doc.rect(x, top, stripWidth, height).dash(3, { space: 3 }).lineWidth(0.6).strokeColor(stampingPlaceColor).stroke();
  doc.undash();
  doc.font('regular').fontSize(fontSize.small).fillColor(stampingPlaceColor);
  const label = '骑缝章处';
  const step = (height - 40) / label.length;
  for (const [i, c] of [...label].entries()) doc.text(c, x, top + 20 + i * step, { width: stripWidth, align: 'center', lineBreak: false });
  doc.restore();
}

/** An empty place for a wet-ink seal: a dashed grey circle with its caption. */
function drawStampingPlace(doc: PDFKit.PDFDocument, cx: number, cy: number, caption: string): void {
  doc.save();
  doc.circle(cx, cy, sealRadius).dash(3, { space: 3 }).lineWidth(0.6).strokeColor(stampingPlaceColor).stroke();
  doc.undash();
  doc.font('regular').fontSize(fontSize.small).fillColor(stampingPlaceColor);
  doc.text(caption, cx - sealRadius, cy - 5, { width: sealRadius * 2, align: 'center', lineBreak: false });
  doc.restore();
}

/** The radius of a cross-page seal, in points. */
export const crossPageSealRadius = 40;

/** Where the k-th cross-page seal is centred, from the top of the page. */
export function crossPageSealCentreY(k: number): number {
  return page.height * 0.3 + k * (crossPageSealRadius * 2 + 60);
}

/** The width of the slice of a cross-page seal each of `pageCount` pages shows. */
export function crossPageSliceWidth(pageCount: number): number {
  return (crossPageSealRadius * 2) / pageCount;
}

/**
 * Slice `index` of `count` of a seal, against the right edge of the page: laid side by side
 * with each page shifted by one slice, the printed pages reassemble the whole seal, so a page
 * swapped in or taken out shows as a break in it.
 */
function drawCrossPageSlice(doc: PDFKit.PDFDocument, form: PDFKit.PDFKitReference, k: number, cy: number, index: number, count: number): void {
  const r = crossPageSealRadius;
  const w = crossPageSliceWidth(count);
  const name = `CrossPageSeal${k}`;
  (doc.page.xobjects as Record<string, PDFKit.PDFKitReference>)[name] = form;
  doc.save();
  doc.rect(page.width - w, cy - r, w, 2 * r).clip();
  doc.addContent(`1 0 0 1 ${page.width - w - index * w} ${cy - r} cm /${name} Do`);
  doc.restore();
}

/**
 * A whole seal as a form XObject, written into the file once and placed on every page: drawn
 * on each page, its glyph outlines were most of a long attachment's bytes and render time.
 * pdfkit draws only onto pages, so the seal's operators are collected as it draws them, and
 * the opacity states they name go into the form's own resources.
 */
function crossPageSealForm(doc: PDFKit.PDFDocument, fonts: ContractFonts, seal: CrossPageSeal): PDFKit.PDFKitReference {
  const r = crossPageSealRadius;
  const operators: string[] = [];
  const addContent = doc.addContent;
  doc.addContent = (data: string) => {
    operators.push(String(data));
    return doc;
  };
  try {
    drawPartySeal(doc, { cx: r, cy: r, radius: r, name: seal.name, personal: seal.personal, caption: seal.personal ? undefined : '合同专用章', font: fonts.cjk.regular });
  } finally {
    doc.addContent = addContent;
  }
  const content = operators.join('\n');
  const states = (doc.page as unknown as { ext_gstates: Record<string, PDFKit.PDFKitReference> }).ext_gstates;
  const used = Object.fromEntries([...content.matchAll(/\/(Gs\d+) gs/g)].map(([, name]) => [name!, states[name!]!]));
  const form = doc.ref({ Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 2 * r, 2 * r], Resources: { ExtGState: used } });
  form.end(content);
  return form;
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

const paragraphStyle = { lineGap: 3.5, paragraphGap: 3, indent: fontSize.body * 2 } as const;

type ParagraphCache = {
  /** Widths of single characters at the body size (both regular subsets share the metrics). */
  charWidths: Map<string, number>;
  /** A paragraph's lines depend only on its text: the template's paragraphs are broken once. */
  lines: Map<string, WrappedLine[]>;
};
/** Per font (the fontkit object under pdfkit's current font). */
const paragraphCaches = new WeakMap<object, ParagraphCache>();

function paragraphCache(doc: PDFKit.PDFDocument): ParagraphCache {
  const font = (doc as unknown as { _font: { font: object } })._font.font;
  let cache = paragraphCaches.get(font);
  if (!cache) {
    cache = { charWidths: new Map(), lines: new Map() };
    paragraphCaches.set(font, cache);
  }
  return cache;
}

/**
 * A body paragraph, justified on both edges: every line but the last is spread to the full
 * width by spacing its characters, as Chinese typesetting does (pdfkit only stretches spaces,
 * which Chinese text has none of). Lines break by `wrapText`'s rules; a line that would end
 * below the bottom margin starts a new page.
 */
export function paragraph(
  doc: PDFKit.PDFDocument,
  text: string,
  options: { indent?: boolean } = {},
): void {
  doc.font('regular').fontSize(fontSize.body).fillColor('#000000');
  const indent = options.indent ? paragraphStyle.indent : 0;
  const cache = paragraphCache(doc);
  const key = `${indent}:${text}`;
  let lines = cache.lines.get(key);
  if (!lines) {
    const measure = (ch: string) => {
      let w = cache.charWidths.get(ch);
      if (w === undefined) {
        w = doc.widthOfString(ch);
        cache.charWidths.set(ch, w);
      }
      return w;
    };
    lines = wrapText(text, contentWidth, measure, 0, indent);
    // Names and other variable text make new paragraphs; start again rather than grow forever.
    if (cache.lines.size >= 2000) cache.lines.clear();
    cache.lines.set(key, lines);
  }
  const lineHeight = doc.currentLineHeight(true);
  const maxY = page.height - page.bottom;
  let y = doc.y;
  if (y + lineHeight > maxY) {
    doc.addPage();
    y = doc.y;
  }
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    let characterSpacing = 0;
    const count = [...line.text].length;
    if (!last && count > 1) {
      const slack = contentWidth - line.indent - doc.widthOfString(line.text);
      // A line cut short before a long Latin token is left ragged rather than letter-spaced.
      if (slack > 0 && slack / (count - 1) <= fontSize.body * 0.3) characterSpacing = slack / (count - 1);
    }
    if (line.text) doc.text(line.text, page.left + line.indent, y, { lineBreak: false, characterSpacing });
    y += lineHeight + paragraphStyle.lineGap;
    if (!last && y + lineHeight > maxY) {
      doc.addPage();
      y = doc.y;
    }
  });
  doc.x = page.left;
  doc.y = y + paragraphStyle.paragraphGap;
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
  withSeals: boolean | 'stamping-places',
  signaturePageLabel?: string,
): { partyA: Rect; partyB: Rect } {
  if (signaturePageLabel) {
    doc.addPage();
    doc.font('regular').fontSize(fontSize.body).fillColor('#000000');
    doc.text(signaturePageLabel, page.left, doc.y, { width: contentWidth, align: 'center' });
  } else {
    ensureSpace(doc, 190);
  }
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
    if (withSeals === 'stamping-places') drawStampingPlace(doc, cx, cy, p.personal ? '签名处' : '盖章处');
    else if (withSeals) {
      drawPartySeal(doc, {
        cx,
        cy,
        radius: sealRadius,
        name: p.name,
        personal: p.personal,
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
/** The signature block of a contract between Party A and Party B, dated, sealed unless a draft. */
export function partiesSignatureBlock(
  doc: PDFKit.PDFDocument,
  fonts: ContractFonts,
  o: {
    partyA: { name: string; subjectType: 'personal' | 'enterprise'; legalRepresentative?: string | null };
    partyB: { name: string; legalRepresentative: string };
    signedAt: Date;
    draft: boolean;
    /** The paper original: empty stamping places, the date left for the hand that stamps. */
    paper?: boolean;
    /** Puts the block on a page of its own headed by this label (templates from v2 on). */
    signaturePageLabel?: string;
  },
): { partyA: Rect; partyB: Rect } {
  const date = o.draft || o.paper ? '    年    月    日' : formatChineseDate(o.signedAt);
  return signatureBlock(
    doc,
    fonts,
    [
      { role: '甲方', name: o.partyA.name, personal: o.partyA.subjectType === 'personal', representative: o.partyA.legalRepresentative, date },
      { role: '乙方', name: o.partyB.name, personal: false, representative: o.partyB.legalRepresentative, date },
    ],
    o.paper ? 'stamping-places' : !o.draft,
    o.signaturePageLabel,
  );
}

/** Party A's and Party B's seals for the cross-page strip, as they seal the signature block. */
export function partiesCrossPageSeals(o: { partyA: { name: string; subjectType: 'personal' | 'enterprise' }; partyB: { name: string } }): CrossPageSeal[] {
  return [
    { name: o.partyA.name, personal: o.partyA.subjectType === 'personal' },
    { name: o.partyB.name, personal: false },
  ];
}

export function formatChineseDate(d: Date): string {
  const parts = Object.fromEntries(dateFormat.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}年${parts.month}月${parts.day}日`;
}

// ---------------------------------------------------------------------------------------
// Tables

export type TableAlign = 'left' | 'center' | 'right';

export type TableColumn = {
  header: string;
  /** A weight: the widths are scaled so the columns fill the content width. */
  width: number;
  align?: TableAlign;
  /**
   * Indent (points) of the continuation lines of a wrapped line, so that each line of a
   * multi-line cell (e.g. one domain per line) still starts visibly at the cell's edge.
   */
  hangingIndent?: number;
};

/** A cell's text; `\n` starts a new line. `span` merges it with the cells to its right. */
export type TableCell = string | { text: string; span?: number; align?: TableAlign };

export type TableOptions = {
  columns: TableColumn[];
  rows: TableCell[][];
  /** Bold rows after the body (e.g. a total), kept on the page of the last body row. */
  footerRows?: TableCell[][];
  /** A bold caption above the table, kept on the page of its header and first row. */
  caption?: string;
  fontSize?: number;
  /** Shade every other body row (default true). */
  zebra?: boolean;
  /**
   * Points that must stay free under the table on its last page, for what follows it (e.g.
   * the signature block): when they would not, the last rows move to a new page with the
   * header, so that what follows never sits on a page without table rows.
   */
  keepWithNext?: number;
  /** Called as body rows are drawn (row count so far, total), e.g. for a job's progress. */
  onRow?: (drawn: number, total: number) => void;
};

export type TableLayout = {
  /** Pages (0-based, in the buffered range) the table is drawn on, first to last. */
  pages: number[];
  /** How many body rows each of those pages holds (a row split over pages counts once, where it starts). */
  rowsPerPage: number[];
};

const tableStyle = {
  padX: 4,
  padY: 3.5,
  /** Line pitch as a multiple of the font size. */
  leading: 1.32,
  rule: '#b9b9b9',
  frame: '#6f6f6f',
  headerFill: '#e9edf2',
  zebraFill: '#f6f7f9',
  footerFill: '#eef0f3',
} as const;

type PreparedCell = { x: number; width: number; align: TableAlign; lines: WrappedLine[] };
type PreparedRow = {
  cells: PreparedCell[];
  /** Lines of its tallest cell. */
  lines: number;
  bold: boolean;
  /** The body row (for zebra striping); -1 for the header and footer. */
  index: number;
};

/** A row, or the lines from..to of a row too tall for the rest of a page. */
type RowPiece = { row: PreparedRow; from: number; to: number; height: number; breakBefore: boolean };

/** Characters after which a line may break inside Latin text (domains, codes, paths). */
const latinBreakAfter = new Set([' ', '-', '.', '/', '_', ',', ';', ':', '，', '、', '；']);

/** Ideographs, kana, hangul and CJK punctuation: a line may break before or after each. */
function isCjk(cp: number): boolean {
  return (
    (cp >= 0x2e80 && cp <= 0x9fff) ||
    (cp >= 0xac00 && cp <= 0xd7af) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xffef) ||
    cp >= 0x20000
  );
}

export type WrappedLine = { text: string; indent: number };

/** `-1` in 京ICP备12345678号-1 or a negative number stays together. */
const isDigit = (cp: number) => cp >= 0x30 && cp <= 0x39;

/** Closing punctuation (禁则) and a hyphen must not start a line. */
const noLineStart = new Set([...'，。、；：！？）》」』】〕’”,.;:!?)]}%·-']);

/**
 * Greedy line breaking with per-character widths (measured once per character, per font
 * and size), which is far cheaper than pdfkit's LineWrapper for hundreds of cells. Breaks
 * between CJK characters and after a space or - . / _ in Latin text, never before closing
 * punctuation; a run with no break opportunity (an order number) is split where it
 * overflows. `\n` starts a new line; the lines a long line wraps onto are `hangingIndent`
 * narrower and carry that indent.
 */
export function wrapText(
  text: string,
  width: number,
  measure: (ch: string) => number,
  hangingIndent = 0,
  firstLineIndent = 0,
): WrappedLine[] {
  const widthOf = (s: string) => {
    let w = 0;
    for (const c of s) w += measure(c);
    return w;
  };
  // Most cells fit on one line.
  if (!text.includes('\n') && widthOf(text) <= width - firstLineIndent) return [{ text: text.trimEnd(), indent: firstLineIndent }];
  const out: WrappedLine[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let lineWidth = 0;
    /** Index in `line` of the last break opportunity; 0 when there is none. */
    let lastBreak = 0;
    let prev = '';
    let indent = out.length === 0 ? firstLineIndent : 0;
    for (const ch of paragraph) {
      const w = measure(ch);
      const cp = ch.codePointAt(0)!;
      const prevCp = prev ? prev.codePointAt(0)! : 0;
      if (
        line !== '' &&
        !noLineStart.has(ch) &&
        (isCjk(cp) || isCjk(prevCp) || (latinBreakAfter.has(prev) && !(prev === '-' && isDigit(cp))))
      ) {
        lastBreak = line.length;
      }
      // A loop: after breaking at an earlier opportunity the carried text plus this
      // character may still overflow.
      while (line !== '' && ch !== ' ' && lineWidth + w > width - indent) {
        let at = lastBreak;
        if (at === 0) {
          // No opportunity: split here, or before the last character so that closing
          // punctuation does not start the next line.
          at = noLineStart.has(ch) && line.length > prev.length ? line.length - prev.length : line.length;
        }
        out.push({ text: line.slice(0, at).trimEnd(), indent });
        line = line.slice(at).trimStart();
        lineWidth = widthOf(line);
        lastBreak = 0;
        indent = Math.min(hangingIndent, width / 2);
      }
      line += ch;
      lineWidth += w;
      prev = ch;
    }
    out.push({ text: line.trimEnd(), indent });
  }
  return out;
}

/**
 * Draws a ruled table that fills the content width, starting at `doc.y`: the header row
 * (bold, shaded) is repeated at the top of every page the table runs onto; a row is as high
 * as its longest wrapped cell and moves to the next page whole (only a row taller than a
 * page is split); body rows may be zebra striped. Leaves `doc.y` under the table.
 */
export function table(doc: PDFKit.PDFDocument, o: TableOptions): TableLayout {
  const size = o.fontSize ?? 9;
  const zebra = o.zebra ?? true;
  const { padX, padY } = tableStyle;
  const lineHeight = size * tableStyle.leading;
  const totalWeight = o.columns.reduce((s, c) => s + c.width, 0);
  const xs: number[] = [];
  const widths: number[] = [];
  let x = page.left;
  for (const c of o.columns) {
    const w = (c.width / totalWeight) * contentWidth;
    xs.push(x);
    widths.push(w);
    x += w;
  }

  const measurer = (font: 'regular' | 'bold') => {
    const widths = new Map<string, number>();
    return (ch: string) => {
      let w = widths.get(ch);
      if (w === undefined) {
        doc.font(font).fontSize(size);
        w = doc.widthOfString(ch);
        widths.set(ch, w);
      }
      return w;
    };
  };
  const measure = { regular: measurer('regular'), bold: measurer('bold') };
  /** Product names, specifications and the like repeat from row to row. */
  const wrapped = new Map<string, WrappedLine[]>();

  const prepare = (cells: TableCell[], bold: boolean, index: number, header = false): PreparedRow => {
    const out: PreparedCell[] = [];
    let col = 0;
    for (const cell of cells) {
      if (col >= o.columns.length) throw new Error('a table row has more cells than columns');
      const c = typeof cell === 'string' ? { text: cell } : cell;
      const span = Math.max(1, Math.min(('span' in c && c.span) || 1, o.columns.length - col));
      let width = 0;
      for (let k = col; k < col + span; k++) width += widths[k]!;
      const align = header ? 'center' : ('align' in c && c.align) || o.columns[col]!.align || 'left';
      const key = `${col}:${span}:${bold ? 'b' : 'r'}:${c.text}`;
      let lines = wrapped.get(key);
      if (!lines) {
        lines = wrapText(
          c.text,
          width - 2 * padX,
          bold ? measure.bold : measure.regular,
          span === 1 ? o.columns[col]!.hangingIndent : 0,
        );
        wrapped.set(key, lines);
      }
      out.push({ x: xs[col]!, width, align, lines });
      col += span;
    }
    const lines = Math.max(1, ...out.map((c) => c.lines.length));
    return { cells: out, lines, bold, index };
  };
  const heightOf = (lines: number) => lines * lineHeight + 2 * padY;

  const bottom = page.height - page.bottom;
  const header = prepare(
    o.columns.map((c) => c.header),
    true,
    -1,
    true,
  );
  const headerHeight = heightOf(header.lines);
  const body = o.rows.map((cells, i) => prepare(cells, false, i));
  const footer = (o.footerRows ?? []).map((r) => prepare(r, true, -1));
  const footerHeight = footer.reduce((s, r) => s + heightOf(r.lines), 0);
  const pageRoom = bottom - page.top - headerHeight;
  /** A row split over pages leaves at least this many lines on a page. */
  const minSplitLines = 3;

  let captionHeight = 0;
  if (o.caption) {
    doc.font('bold').fontSize(fontSize.heading);
    captionHeight = doc.heightOfString(o.caption, { width: contentWidth }) + 5;
  }

  /**
   * Pagination as arithmetic first: whether the table starts on a new page, the pieces it
   * draws and before which of them a page breaks, and where it ends on its last page. A row
   * moves to the next page whole, unless it is taller than a page: then it fills the rest
   * of this one and continues.
   */
  const paginate = (forced: number | null) => {
    const pieces: RowPiece[] = [];
    /** The footer must share a page with the last row. */
    const tail = (i: number) => (i === body.length - 1 ? footerHeight : 0);
    const first = body[0];
    const firstNeed = !first
      ? footerHeight
      : heightOf(first.lines) + tail(0) <= pageRoom
        ? heightOf(first.lines) + tail(0)
        : heightOf(Math.min(first.lines, minSplitLines));
    const startNewPage =
      forced === 0 || (doc.y > page.top + 1 && doc.y + captionHeight + headerHeight + firstNeed > bottom);
    let y = (startNewPage ? page.top : doc.y) + captionHeight + headerHeight;
    /** No body row on this page yet. */
    let fresh = true;
    /** The next piece starts a new page. */
    let breakNext = false;
    const newPage = () => {
      breakNext = true;
      fresh = true;
      y = page.top + headerHeight;
    };
    const place = (row: PreparedRow, from: number, to: number) => {
      pieces.push({ row, from, to, height: heightOf(to - from), breakBefore: breakNext });
      breakNext = false;
      fresh = false;
      y += heightOf(to - from);
    };
    body.forEach((row, i) => {
      if (i > 0 && i === forced && !fresh) newPage();
      let from = 0;
      while (from < row.lines) {
        const remaining = row.lines - from;
        const rest = heightOf(remaining) + tail(i);
        if (y + rest <= bottom) {
          place(row, from, row.lines);
          break;
        }
        if (!fresh && rest <= pageRoom) {
          newPage();
          continue;
        }
        // Taller than a page: fill the rest of this one (if enough lines fit) and go on.
        const fit = Math.floor((bottom - y - 2 * padY) / lineHeight);
        if (fit >= remaining) {
          // The lines fit, the footer does not: it goes to the next page.
          place(row, from, row.lines);
          break;
        }
        if (fit >= minSplitLines || (fresh && fit > 0)) {
          place(row, from, from + fit);
          from += fit;
        }
        newPage();
      }
    });
    const footerBreak = footerHeight > 0 && y + footerHeight > bottom;
    if (footerBreak) y = page.top + headerHeight;
    return { pieces, startNewPage, endY: y + footerHeight, footerBreak };
  };

  let plan = paginate(null);
  if (o.keepWithNext && plan.endY + o.keepWithNext > bottom && body.length > 0) {
    // Carry the last rows over so that what follows shares a page with them.
    const retry = paginate(Math.max(0, body.length - 3));
    if (retry.endY + o.keepWithNext <= bottom) plan = retry;
  }

  // The table is drawn on the newest page: pages are only ever appended meanwhile.
  const currentPage = () => {
    const r = doc.bufferedPageRange();
    return r.start + r.count - 1;
  };

  const drawRow = (row: PreparedRow, y: number, fill: string | null, from = 0, to = row.lines) => {
    const height = heightOf(to - from);
    if (fill) doc.rect(page.left, y, contentWidth, height).fill(fill);
    doc.font(row.bold ? 'bold' : 'regular').fontSize(size).fillColor('#000000');
    for (const cell of row.cells) {
      const lines = from === 0 && to >= cell.lines.length ? cell.lines : cell.lines.slice(from, to);
      // Centre the block vertically; a CJK glyph's ink is centred ~0.78 em below the y
      // pdfkit draws a line at.
      let ly = y + (height - lines.length * lineHeight) / 2 + lineHeight / 2 - size * 0.78;
      for (const line of lines) {
        if (line.text) {
          let lx = cell.x + padX + line.indent;
          if (cell.align !== 'left') {
            const room = cell.width - 2 * padX - line.indent - doc.widthOfString(line.text);
            lx += cell.align === 'right' ? room : room / 2;
          }
          doc.text(line.text, lx, ly, { lineBreak: false });
        }
        ly += lineHeight;
      }
    }
    return height;
  };

  /** The rules of one page's part of the table: frame, row rules, column rules. */
  const drawGrid = (y0: number, rows: { cells: PreparedCell[]; height: number }[]) => {
    const y1 = rows.reduce((y, r) => y + r.height, y0);
    doc.save();
    doc.lineWidth(0.4).strokeColor(tableStyle.rule);
    let y = y0 + headerHeight;
    for (const row of rows.slice(1)) {
      if (y > y0 + headerHeight) doc.moveTo(page.left, y).lineTo(page.left + contentWidth, y);
      y += row.height;
    }
    // Column rules, interrupted where a cell spans several columns.
    for (let k = 1; k < o.columns.length; k++) {
      const cx = xs[k]!;
      let segStart = y0;
      let ry = y0;
      for (const row of rows) {
        if (row.cells.some((c) => c.x < cx - 0.01 && c.x + c.width > cx + 0.01)) {
          if (ry > segStart) doc.moveTo(cx, segStart).lineTo(cx, ry);
          segStart = ry + row.height;
        }
        ry += row.height;
      }
      if (y1 > segStart) doc.moveTo(cx, segStart).lineTo(cx, y1);
    }
    doc.stroke();
    doc.lineWidth(0.8).strokeColor(tableStyle.frame);
    doc.rect(page.left, y0, contentWidth, y1 - y0).stroke();
    doc.moveTo(page.left, y0 + headerHeight).lineTo(page.left + contentWidth, y0 + headerHeight);
    doc.stroke();
    doc.restore();
  };

  const pages: number[] = [];
  const rowsPerPage: number[] = [];
  if (plan.startNewPage) doc.addPage();
  let y = doc.y;
  if (o.caption) {
    doc.font('bold').fontSize(fontSize.heading).fillColor('#000000');
    doc.text(o.caption, page.left, y, { width: contentWidth });
    y += captionHeight;
  }
  let sliceTop = y;
  let slice: { cells: PreparedCell[]; height: number }[] = [];
  const startSlice = () => {
    pages.push(currentPage());
    rowsPerPage.push(0);
    sliceTop = y;
    slice = [{ cells: header.cells, height: headerHeight }];
    y += drawRow(header, y, tableStyle.headerFill);
  };
  const breakPage = () => {
    drawGrid(sliceTop, slice);
    doc.addPage();
    y = doc.y;
    startSlice();
  };
  startSlice();
  for (const piece of plan.pieces) {
    if (piece.breakBefore) breakPage();
    const fill = zebra && piece.row.index % 2 === 1 ? tableStyle.zebraFill : null;
    drawRow(piece.row, y, fill, piece.from, piece.to);
    slice.push({ cells: piece.row.cells, height: piece.height });
    if (piece.from === 0) {
      rowsPerPage[rowsPerPage.length - 1]! += 1;
      o.onRow?.(piece.row.index + 1, body.length);
    }
    y += piece.height;
  }
  if (plan.footerBreak) breakPage();
  for (const row of footer) {
    const height = drawRow(row, y, tableStyle.footerFill);
    slice.push({ cells: row.cells, height });
    y += height;
  }
  drawGrid(sliceTop, slice);
  doc.x = page.left;
  doc.y = y;
  return { pages, rowsPerPage };
}
