import ExcelJS from 'exceljs';

import { cellText } from '../shared/sheet-cells.js';
import { CONTRACT_COLUMNS, type RawContractRow, type RowError } from './contract-rows.js';

/** Name of the sheet of the template workbook; an import reads the first sheet, whatever its name. */
export const CONTRACT_SHEET_NAME = '中标合同';

// Widths in characters; a Chinese character counts as about two.
const COLUMN_WIDTHS = [36, 24, 10, 12, 16, 12, 44, 12, 16];

const EXAMPLE_ROW = [
  '上海示例体育发展有限公司',
  '91310000MA1FL8TQ49',
  '区级',
  '浦东新区',
  '联赛',
  '羽毛球',
  '2026上海城市业余联赛 羽毛球赛（浦东站）',
  '测试联系人',
  '13800138000',
];

/** The workbook's data rows with their Excel row numbers, or the header problems. */
export type WorkbookRows =
  { ok: true; rows: { row: number; values: RawContractRow }[] } | { ok: false; errors: RowError[] };

/** Builds the template workbook: the header row and one example row, every cell as text. */
export async function contractTemplate(): Promise<Buffer> {
  return writeContractWorkbook([EXAMPLE_ROW]);
}

/**
 * Builds a contract workbook with the header row and these data rows, each a list of cell
 * texts in the order of CONTRACT_COLUMNS. Every column is formatted as text.
 */
export async function writeContractWorkbook(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'cityleague';
  const sheet = workbook.addWorksheet(CONTRACT_SHEET_NAME, {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = CONTRACT_COLUMNS.map((column, index) => ({
    header: column.header,
    width: COLUMN_WIDTHS[index] ?? 16,
    style: { numFmt: '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Loads a workbook and reads the first sheet. Row 1 contains the headers, found by their text in
 * any order. Rows whose cells are all blank are skipped. Throws when the bytes are not an
 * .xlsx workbook.
 */
export async function readContractWorkbook(bytes: Buffer): Promise<WorkbookRows> {
  const workbook = new ExcelJS.Workbook();
  // NOTE: the 2 MiB cap applies to the compressed file. exceljs inflates the whole sheet in
  // memory before the row limit is checked, so a crafted file could still use much memory.
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { ok: false, errors: missingColumns(new Set()) };

  const headerColumns = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, column) => {
    const text = cellText(cell.value).trim();
    if (text !== '' && !headerColumns.has(text)) headerColumns.set(text, column);
  });
  const missing = missingColumns(new Set(headerColumns.keys()));
  if (missing.length > 0) return { ok: false, errors: missing };

  const rows: { row: number; values: RawContractRow }[] = [];
  for (let number = 2; number <= sheet.rowCount; number++) {
    const excelRow = sheet.getRow(number);
    const values = {} as RawContractRow;
    for (const column of CONTRACT_COLUMNS) {
      const index = headerColumns.get(column.header) ?? 0;
      values[column.key] = cellText(excelRow.getCell(index).value);
    }
    if (Object.values(values).every((value) => value.trim() === '')) continue;
    rows.push({ row: number, values });
  }
  return { ok: true, rows };
}

function missingColumns(headers: ReadonlySet<string>): RowError[] {
  return CONTRACT_COLUMNS.filter((column) => !headers.has(column.header)).map((column) => ({
    row: 1,
    column: column.header,
    code: 'missing_column',
    reason: `缺少“${column.header}”列，请使用导入模板`,
  }));
}
