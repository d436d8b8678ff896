import {
  bodyEndNote,
  frameworkTitle,
  signaturePageLabel,
  supplementClauses,
  supplementTemplateVersion,
  supplementTitle,
} from '../contracts/templates/supplement-v1.js';
import type { ContractFonts } from './font.js';
import { createContractDocument, fieldTable, formatChineseDate, paragraph, partiesCrossPageSeals, partiesSignatureBlock, title } from './layout.js';
import type { PartyASnapshot, PartyBDetails, RenderedContract } from './render-framework-agreement.js';

export type SupplementInput = {
  /** e.g. FA2026000123-S01 */
  number: string;
  templateVersion: string;
  framework: { number: string; effectiveAt: Date; expiresAt: Date };
  /** Party A under its new name. */
  partyA: PartyASnapshot;
  partyB: PartyBDetails;
  oldName: string;
  verifiedAt: Date;
  copies: 2 | 3;
  verifyUrl: string;
  draft: boolean;
  /** The paper original of the print package: no e-seals, stamping places instead. */
  paper?: boolean;
  /** The signing (= effective) time for 签署日期; defaults to now. */
  signedAt?: Date;
};

/**
 * Renders the supplementary agreement (补充协议) on Party A's change of name: its particulars,
 * the clauses of template `supplement-v1` stating the old and the new name, and the signature
 * block of both parties, Party A under its new name.
 */
export async function renderSupplementDocument(input: SupplementInput, options: { fonts?: ContractFonts } = {}): Promise<RenderedContract> {
  if (input.templateVersion !== supplementTemplateVersion) throw new Error(`unknown supplement template version ${input.templateVersion}`);
  if (!/-S\d{2}$/.test(input.number) || !input.number.startsWith(`${input.framework.number}-S`)) {
    throw new Error(`supplement ${input.number} does not belong to ${input.framework.number}`);
  }
  const { doc, fonts, finish } = createContractDocument({
    title: supplementTitle,
    number: input.number,
    verifyUrl: input.verifyUrl,
    draft: input.draft,
    paper: input.paper,
    subject: `${frameworkTitle}（${input.framework.number}）${supplementTitle}`,
    fonts: options.fonts,
    crossPageSeals: partiesCrossPageSeals(input),
  });
  const effectiveDate = formatChineseDate(input.framework.effectiveAt);
  const expiryDate = formatChineseDate(new Date(input.framework.expiresAt.getTime() - 1));
  const enterprise = input.partyA.subjectType === 'enterprise';

  title(doc, supplementTitle, input.number);
  fieldTable(doc, '基本信息', [
    { label: '所属框架协议', value: `《${frameworkTitle}》` },
    { label: '框架协议编号', value: input.framework.number },
    { label: '框架协议有效期', value: `${effectiveDate}至${expiryDate}` },
    { label: '甲方（变更后名称）', value: input.partyA.name },
    { label: '甲方（原名称）', value: input.oldName },
    { label: enterprise ? '统一社会信用代码' : '身份证号码', value: input.partyA.idCode },
    { label: '乙方', value: input.partyB.name },
    { label: '统一社会信用代码', value: input.partyB.creditCode },
  ]);
  for (const text of supplementClauses({
    frameworkNumber: input.framework.number,
    frameworkEffectiveDate: effectiveDate,
    frameworkExpiryDate: expiryDate,
    oldName: input.oldName,
    newName: input.partyA.name,
    creditCode: input.partyA.idCode,
    verifiedDate: formatChineseDate(input.verifiedAt),
    copies: input.copies,
  })) {
    paragraph(doc, text, { indent: true });
  }
  doc.moveDown(0.6);
  paragraph(doc, bodyEndNote, { indent: true });

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
