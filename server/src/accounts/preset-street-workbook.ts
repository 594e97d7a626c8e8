import ExcelJS from 'exceljs';

import type { PresetStreetAccount } from './preset-street-accounts.service.js';

/** Name of the only sheet of the preset street accounts workbook. */
export const PRESET_SHEET_NAME = '街镇预置账号';

/** Column headers of the sheet, in order. */
export const PRESET_HEADERS = ['序号', '区', '街镇', '行政区划代码', '账号', '初始密码'];

// Widths in characters; a Chinese character counts as about two.
const COLUMN_WIDTHS = [8, 14, 40, 16, 14, 22];

/**
 * Builds the workbook of the created preset street accounts: one row per account with a
 * running number, a bold frozen header row and the columns of PRESET_HEADERS. Codes,
 * usernames and passwords are stored as text, so Excel keeps leading zeros and symbols.
 */
function buildPresetWorkbook(accounts: PresetStreetAccount[]): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'cityleague';
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(PRESET_SHEET_NAME, {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = PRESET_HEADERS.map((header, index) => ({
    header,
    width: COLUMN_WIDTHS[index] ?? 12,
  }));
  sheet.getRow(1).font = { bold: true };
  accounts.forEach((account, index) => {
    sheet.addRow([
      index + 1,
      account.districtName,
      account.streetName,
      account.divisionCode,
      account.username,
      account.password,
    ]);
  });
  for (const column of [4, 5, 6]) sheet.getColumn(column).numFmt = '@';
  return workbook;
}

/** Writes the workbook of the created preset street accounts to an .xlsx file. */
export async function writePresetWorkbook(
  file: string,
  accounts: PresetStreetAccount[],
): Promise<void> {
  await buildPresetWorkbook(accounts).xlsx.writeFile(file);
}

/** Returns the workbook of the created preset street accounts as .xlsx bytes. */
export async function presetWorkbookBytes(accounts: PresetStreetAccount[]): Promise<Buffer> {
  const bytes = await buildPresetWorkbook(accounts).xlsx.writeBuffer();
  return Buffer.from(bytes);
}
