import {
  frameworkClauses,
  frameworkPreamble,
  frameworkTemplateVersion,
  frameworkTitle,
  signatureBlockHeading,
} from '../contracts/templates/framework-agreement-v1.js';
import type { ContractFonts } from './font.js';
import {
  createContractDocument,
  fieldTable,
  formatChineseDate,
  heading,
  paragraph,
  type Rect,
  partiesSignatureBlock,
  title,
} from './layout.js';

export type PartyASnapshot = {
  subjectType: 'personal' | 'enterprise';
  name: string;
  /** Credit code for an enterprise; the masked ID number for a person. */
  idCode: string;
  legalRepresentative?: string | null;
  address: string;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
  bankName?: string | null;
  bankAccount?: string | null;
};

export type PartyBDetails = {
  name: string;
  creditCode: string;
  address: string;
  legalRepresentative: string;
  contactPhone: string;
  contactEmail: string;
  bankName: string;
  bankAccount: string;
};

export type FrameworkAgreementInput = {
  number: string;
  templateVersion: string;
  partyA: PartyASnapshot;
  partyB: PartyBDetails;
  copies: 2 | 3;
  termYears: 1 | 2 | 3;
  effectiveAt: Date;
  /** Exclusive end of the term: the last day in force is the day before, China time. */
  expiresAt: Date;
  verifyUrl: string;
  draft: boolean;
  /** The paper original of the print package: no e-seals, stamping places instead. */
  paper?: boolean;
};

export type RenderedContract = {
  pdf: Buffer;
  /** Where the seals are on the last page (PDF user space), for signature widgets. */
  signatureRects: { partyA: Rect; partyB: Rect };
};

export function partyAFields(a: PartyASnapshot) {
  const enterprise = a.subjectType === 'enterprise';
  return [
    { label: enterprise ? '名称' : '姓名', value: a.name },
    { label: enterprise ? '统一社会信用代码' : '身份证号码', value: a.idCode },
    ...(enterprise ? [{ label: '法定代表人', value: a.legalRepresentative }] : []),
    { label: enterprise ? '住所' : '地址', value: a.address },
    { label: '联系人', value: a.contactName },
    { label: '联系电话', value: a.contactPhone },
    { label: '电子邮箱', value: a.contactEmail },
    { label: '开户银行', value: a.bankName },
    { label: '银行账号', value: a.bankAccount },
  ];
}

export function partyBFields(b: PartyBDetails) {
  return [
    { label: '名称', value: b.name },
    { label: '统一社会信用代码', value: b.creditCode },
    { label: '法定代表人', value: b.legalRepresentative },
    { label: '住所', value: b.address },
    { label: '联系电话', value: b.contactPhone },
    { label: '电子邮箱', value: b.contactEmail },
    { label: '开户银行', value: b.bankName },
    { label: '银行账号', value: b.bankAccount },
  ];
}

let templateText: string | undefined;

/** Every fixed string of the framework agreement, whatever the parties and terms. */
function frameworkTemplateText(): string {
  if (templateText === undefined) {
    const noParty = { name: '', idCode: '', address: '', contactName: '', contactPhone: '', contactEmail: '' };
    const labels = [
      ...partyAFields({ ...noParty, subjectType: 'enterprise' }),
      ...partyAFields({ ...noParty, subjectType: 'personal' }),
      ...partyBFields({ ...noParty, creditCode: '', legalRepresentative: '', bankName: '', bankAccount: '' }),
    ].map((f) => `${f.label}：`);
    const clauses = ([2, 3] as const).flatMap((copies) =>
      ([1, 2, 3] as const).flatMap((termYears) =>
        frameworkClauses({ partyAName: '', partyBName: '', copies, termYears, effectiveDate: '', expiryDate: '' }).flatMap((c) => [c.heading, ...c.paragraphs]),
      ),
    );
    templateText = [frameworkTitle, ...labels, ...frameworkPreamble, ...clauses, signatureBlockHeading].join('');
  }
  return templateText;
}

export async function renderFrameworkAgreementDocument(
  input: FrameworkAgreementInput,
  options: { fonts?: ContractFonts } = {},
): Promise<RenderedContract> {
  if (input.templateVersion !== frameworkTemplateVersion) {
    throw new Error(`unknown framework template version ${input.templateVersion}`);
  }
  const { doc, fonts, finish } = createContractDocument({
    title: frameworkTitle,
    number: input.number,
    verifyUrl: input.verifyUrl,
    draft: input.draft,
    paper: input.paper,
    fonts: options.fonts,
    templateText: frameworkTemplateText(),
  });
  const lastDay = new Date(input.expiresAt.getTime() - 1);
  const templateInput = {
    partyAName: input.partyA.name,
    partyBName: input.partyB.name,
    copies: input.copies,
    termYears: input.termYears,
    effectiveDate: formatChineseDate(input.effectiveAt),
    expiryDate: formatChineseDate(lastDay),
  };

  title(doc, frameworkTitle, input.number);
  fieldTable(doc, '甲方', partyAFields(input.partyA));
  fieldTable(doc, '乙方', partyBFields(input.partyB));
  for (const text of frameworkPreamble) paragraph(doc, text, { indent: true });
  for (const clause of frameworkClauses(templateInput)) {
    heading(doc, clause.heading);
    for (const text of clause.paragraphs) paragraph(doc, text);
  }
  doc.moveDown(0.6);
  paragraph(doc, signatureBlockHeading, { indent: true });

  const signatureRects = partiesSignatureBlock(doc, fonts, {
    partyA: input.partyA,
    partyB: input.partyB,
    signedAt: input.effectiveAt,
    draft: input.draft,
    paper: input.paper,
  });
  return { pdf: await finish(), signatureRects };
}

/** Renders the framework agreement; a draft carries a watermark and no seals. */
export async function renderFrameworkAgreement(
  input: FrameworkAgreementInput,
  options: { fonts?: ContractFonts } = {},
): Promise<Buffer> {
  return (await renderFrameworkAgreementDocument(input, options)).pdf;
}
