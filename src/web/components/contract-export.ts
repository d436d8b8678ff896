import type { ContractListItem as Contract } from '../../shared/schemas/contract';
import type { Translate } from '../i18n';
import { formatDate, formatDateTime } from './format';
import { isStampingStatus } from './stamping-status-tag';

/** Party A's name in a list row, whichever shape the list answers (`partyAName` or `partyA.name`). */
export const partyANameOf = (c: Contract) => c.partyAName;

/**
 * The rows on screen (after the filters) as an .xlsx file. exceljs is large, so it is loaded
 * only when someone exports.
 */
export async function exportContracts(contracts: Contract[], t: Translate): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = t('app.name');
  const sheet = workbook.addWorksheet(t('contracts.export.sheet'));
  sheet.columns = [
    { header: t('contracts.column.number'), key: 'number', width: 22 },
    { header: t('contracts.column.kind'), key: 'kind', width: 18 },
    { header: t('contracts.column.partyA'), key: 'partyA', width: 32 },
    { header: `${t('contracts.column.effectiveAt')} (UTC+8)`, key: 'effectiveAt', width: 14 },
    { header: `${t('contracts.column.expiresAt')} (UTC+8)`, key: 'expiresAt', width: 14 },
    { header: t('contracts.column.status'), key: 'status', width: 10 },
    { header: t('stamping.column.stampingStatus'), key: 'stamping', width: 12 },
    { header: t('contract.createdAt'), key: 'createdAt', width: 22 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const c of contracts) {
    sheet.addRow({
      number: c.number,
      kind: t(`contract.kind.${c.kind}`),
      partyA: partyANameOf(c),
      effectiveAt: formatDate(c.effectiveAt),
      expiresAt: formatDate(c.expiresAt),
      status: t(`contract.status.${c.status}`),
      stamping: isStampingStatus(c.stampingStatus) ? t(`stamping.status.${c.stampingStatus}`) : '',
      createdAt: formatDateTime(c.createdAt),
    });
  }
  const bytes = await workbook.xlsx.writeBuffer();
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `contracts-${formatDate(new Date().toISOString())}.xlsx`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
