import { PDFArray, PDFDict, PDFDocument, PDFName, type PDFPage, PDFRef } from 'pdf-lib';
import { createContractDocument, fieldTable, heading, paragraph, table, title } from './layout.js';

export type PrintPackageInput = {
  /** Absent when printed before the request is submitted: the cover then says where to find it. */
  requestNumber: string | null;
  requestUrl: string;
  partyAName: string;
  destination: { recipient: string; phone: string; address: string; postalCode: string };
  contracts: { number: string; title: string; copies: number; pdf: Buffer }[];
};

const copiesInWords: Record<number, string> = { 2: '一式贰份', 3: '一式叁份' };

/**
 * The print package of a stamping request: a cover sheet (request number and QR, what to
 * stamp and how many copies, where to mail it, a checklist), then every page of each contract.
 * It is a clean unsigned document: the contracts' signature widgets are left behind (copied,
 * they would show as broken signatures), and every font program gets a subset tag of its own.
 */
export async function renderPrintPackage(input: PrintPackageInput): Promise<Buffer> {
  const number = input.requestNumber ?? '待提交';
  const { doc, finish } = createContractDocument({
    title: '线下盖章打印包',
    number,
    verifyUrl: input.requestUrl,
    draft: false,
    subject: '线下盖章封面',
  });
  title(doc, '线下盖章申请 · 封面', number);
  if (!input.requestNumber)
    paragraph(doc, '本封面打印于提交申请之前：寄出后请在控制台「线下盖章」中填写快递公司与运单号并提交，系统将生成申请编号，请将其写在封面右上角。');
  paragraph(doc, `甲方：${input.partyAName}。请将以下合同逐份打印，在每一份的甲方签署栏加盖公章（个人签名并按手印），并在每份合同的页边加盖骑缝章，连同本封面一并寄至下方地址。`);
  heading(doc, '需盖章的合同');
  table(doc, {
    columns: [
      { header: '序号', width: 0.6, align: 'center' },
      { header: '合同编号', width: 2.2 },
      { header: '合同名称', width: 2.2 },
      { header: '份数', width: 1.2, align: 'center' },
      { header: '盖章位置', width: 2.4 },
    ],
    rows: input.contracts.map((c, i) => [
      String(i + 1),
      c.number,
      c.title,
      `${copiesInWords[c.copies] ?? `${c.copies} 份`}`,
      '末页甲方签署栏盖公章；各页骑缝章',
    ]),
    zebra: true,
  });
  const totalCopies = input.contracts.reduce((sum, c) => sum + c.copies, 0);
  paragraph(doc, `合计需寄出盖章合同 ${totalCopies} 份。乙方盖章后将其中 1 份寄回甲方，其余由乙方留存。`);
  fieldTable(doc, '寄送地址', [
    { label: '收件人', value: input.destination.recipient },
    { label: '联系电话', value: input.destination.phone },
    { label: '地址', value: input.destination.address },
    { label: '邮政编码', value: input.destination.postalCode },
  ]);
  heading(doc, '寄出前请核对');
  for (const line of [
    '□ 每份合同均已在甲方签署栏加盖公章（或签名），份数与上表一致；',
    '□ 每份合同均已加盖骑缝章，页码完整、无缺页；',
    '□ 本封面已随件寄出，快递单上注明申请编号（或甲方名称）；',
    '□ 已在控制台填写快递公司与运单号，并确认回寄地址（提交后不可修改）。',
  ])
    paragraph(doc, line);
  const cover = await finish();

  const merged = await PDFDocument.create();
  merged.setTitle(`线下盖章打印包 ${number}`);
  for (const source of [cover, ...input.contracts.map((c) => c.pdf)]) {
    const pdf = await PDFDocument.load(source, { updateMetadata: false });
    const pages = await merged.copyPages(pdf, pdf.getPageIndices());
    for (const p of pages) merged.addPage(withoutWidgets(p));
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
