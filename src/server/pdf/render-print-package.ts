import { PDFArray, PDFDict, PDFDocument, PDFName, type PDFPage, PDFRef } from 'pdf-lib';
import { contentWidth, createContractDocument, ensureSpace, fieldTable, fontSize, heading, page, paragraph, table, title } from './layout.js';

export type PrintPackageInput = {
  /** Issued when the request was created, before anything is printed. */
  requestNumber: string;
  requestUrl: string;
  partyAName: string;
  destination: { recipient: string; phone: string; address: string; postalCode: string };
  /** `pdf` is the contract's paper original (纸质签署版); it is printed `copies` times. */
  contracts: { number: string; title: string; copies: number; pdf: Buffer }[];
};

const copiesInWords: Record<number, string> = { 1: '壹份', 2: '贰份', 3: '叁份' };
const inWords = (n: number) => copiesInWords[n] ?? `${n} 份`;

/**
 * A checkbox drawn as a vector square, then its line: a glyph such as ☐ may be missing from
 * the embedded font and would print as a box with a cross.
 */
function checkbox(doc: PDFKit.PDFDocument, text: string): void {
  ensureSpace(doc, 24);
  const size = 8;
  const top = doc.y + 3;
  doc.save().rect(page.left, top, size, size).lineWidth(0.7).strokeColor('#000000').stroke().restore();
  doc.font('regular').fontSize(fontSize.body).fillColor('#000000');
  doc.text(text, page.left + size + 6, doc.y, { width: contentWidth - size - 6 });
  doc.x = page.left;
  doc.moveDown(0.3);
}

/**
 * The print package of a stamping request: a cover sheet (request number and QR, what to stamp
 * and how many originals, where to mail them, what comes back, a checklist), then `copies`
 * paper originals of each contract. It is a clean unsigned document: the originals carry no
 * e-seal, and any signature widget is left behind (copied, it would show as a broken
 * signature); every font program gets a subset tag of its own.
 */
export async function renderPrintPackage(input: PrintPackageInput): Promise<Buffer> {
  const number = input.requestNumber;
  const { doc, finish } = createContractDocument({
    title: '线下盖章打印包',
    number,
    verifyUrl: input.requestUrl,
    draft: false,
    subject: '线下盖章封面',
  });
  title(doc, '线下盖章申请 · 封面', number);
  const totalCopies = input.contracts.reduce((sum, c) => sum + c.copies, 0);
  // Each party keeps the originals its clause names: Party A one of each contract, Party B the rest.
  const backToPartyA = input.contracts.length;
  const keptByPartyB = totalCopies - backToPartyA;
  paragraph(
    doc,
    `申请编号：${number}。甲方：${input.partyAName}。本打印包含本封面及下列合同的纸质签署版原件共 ${totalCopies} 份，已按份数排好，请全部打印。`,
  );
  heading(doc, '需盖章的合同');
  table(doc, {
    columns: [
      { header: '序号', width: 0.6, align: 'center' },
      { header: '合同编号', width: 2.2 },
      { header: '合同名称', width: 2.2 },
      { header: '原件份数', width: 1.2, align: 'center' },
      { header: '寄回甲方 / 乙方留存', width: 1.8, align: 'center' },
    ],
    rows: input.contracts.map((c, i) => [
      String(i + 1),
      c.number,
      c.title,
      `一式${inWords(c.copies)}`,
      `${inWords(1)} / ${inWords(c.copies - 1)}`,
    ]),
    zebra: true,
  });
  heading(doc, '办理步骤');
  for (const line of [
    '一、打印本文件全部页面（含本封面），每份原件单独装订。',
    '二、在每份原件末页「甲方」盖章处加盖公章（个人：签名并按手印），并将每份原件的页边对齐，在右侧「骑缝章处」加盖骑缝章。',
    `三、将 ${totalCopies} 份原件连同本封面寄至下方地址，快递单备注申请编号 ${number}。`,
    '四、寄出后，在控制台本申请的页面填写快递公司与运单号。',
    `五、乙方签收、盖章后，将 ${backToPartyA} 份原件（每份合同壹份）寄回甲方的回寄地址，其余 ${keptByPartyB} 份由乙方留存；乙方归档一份原件的扫描件，可在合同页面下载。`,
  ])
    paragraph(doc, line);
  fieldTable(doc, '寄送地址', [
    { label: '收件人', value: input.destination.recipient },
    { label: '联系电话', value: input.destination.phone },
    { label: '地址', value: input.destination.address },
    { label: '邮政编码', value: input.destination.postalCode },
  ]);
  heading(doc, '寄出前请核对');
  for (const line of [
    `每份原件均已在甲方盖章处加盖公章（或签名），份数与上表一致，共 ${totalCopies} 份；`,
    '每份原件均已加盖骑缝章，页码完整、无缺页；',
    `本封面已随件寄出，快递单上注明申请编号 ${number}；`,
    '寄出后已在控制台填写快递公司与运单号。',
  ])
    checkbox(doc, line);
  const cover = await finish();

  const merged = await PDFDocument.create();
  merged.setTitle(`线下盖章打印包 ${number}`);
  const sources = [{ pdf: cover, times: 1 }, ...input.contracts.map((c) => ({ pdf: c.pdf, times: c.copies }))];
  for (const source of sources) {
    const pdf = await PDFDocument.load(source.pdf, { updateMetadata: false });
    for (let i = 0; i < source.times; i++) {
      const pages = await merged.copyPages(pdf, pdf.getPageIndices());
      for (const p of pages) merged.addPage(withoutWidgets(p));
    }
  }
  retagFontSubsets(merged);
  return Buffer.from(await merged.save());
}

function withoutWidgets(page: PDFPage): PDFPage {
  const annots = page.node.Annots();
  if (!annots) return page;
  const kept = annots.asArray().filter((a) => {
    const dict = page.doc.context.lookup(a);
    return !(dict instanceof PDFDict && dict.get(PDFName.of('Subtype')) === PDFName.of('Widget'));
  });
  if (kept.length === 0) page.node.delete(PDFName.of('Annots'));
  else page.node.set(PDFName.of('Annots'), page.doc.context.obj(kept));
  return page;
}

const subsetTag = /^[A-Z]{6}\+/;

/** AAAAAA, AAAAAB, …: a subset tag per font program. */
function tagFor(n: number): string {
  let tag = '';
  for (let i = 0; i < 6; i++, n = Math.floor(n / 26)) tag = String.fromCharCode(65 + (n % 26)) + tag;
  return tag;
}

/**
 * pdfkit derives a subset's tag from the font's resource name, so the subsets of different
 * contracts share tags although their glyphs differ, and viewers may take one for the other.
 */
function retagFontSubsets(doc: PDFDocument): void {
  const name = (d: PDFDict, key: string) => {
    const v = d.get(PDFName.of(key));
    return v instanceof PDFName ? v.decodeText() : null;
  };
  const renamed = new Map<PDFDict, string>();
  let next = 0;
  const objects = doc.context.enumerateIndirectObjects().map(([, o]) => o).filter((o): o is PDFDict => o instanceof PDFDict);
  for (const d of objects) {
    const fontName = name(d, 'Type') === 'FontDescriptor' ? name(d, 'FontName') : null;
    if (!fontName || !subsetTag.test(fontName)) continue;
    const newName = `${tagFor(next++)}+${fontName.slice(7)}`;
    d.set(PDFName.of('FontName'), PDFName.of(newName));
    renamed.set(d, newName);
  }
  const descriptorName = (font: PDFDict) => {
    const descriptor = doc.context.lookup(font.get(PDFName.of('FontDescriptor')));
    return descriptor instanceof PDFDict ? renamed.get(descriptor) : undefined;
  };
  for (const d of objects) {
    if (name(d, 'Type') !== 'Font') continue;
    let newName = descriptorName(d);
    const descendants = d.get(PDFName.of('DescendantFonts'));
    const descendant = descendants instanceof PDFArray ? doc.context.lookup(descendants.get(0)) : descendants instanceof PDFRef ? doc.context.lookup(descendants) : undefined;
    if (!newName && descendant instanceof PDFDict) newName = descriptorName(descendant);
    if (newName) d.set(PDFName.of('BaseFont'), PDFName.of(newName));
  }
}
