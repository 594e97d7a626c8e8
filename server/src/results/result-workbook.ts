import { formatResultTime } from '@cityleague/domain';
import ExcelJS from 'exceljs';

import { cellText } from '../shared/sheet-cells.js';
import { RESULT_COLUMNS, type RawResultRow, type RowError } from './result-rows.js';

/** Name of the sheet of the template workbook; an import reads the first sheet, whatever its name. */
export const RESULT_SHEET_NAME = '成绩';

// Widths in characters; a Chinese character counts as about two.
const COLUMN_WIDTHS = [14, 12, 14, 14, 8, 16, 10, 10];

const MILLISECONDS_PER_DAY = 86_400_000;

/** The workbook's data rows with their Excel row numbers, or the header problems. */
export type ResultWorkbookRows =
  { ok: true; rows: { row: number; values: RawResultRow }[] } | { ok: false; errors: RowError[] };

/**
 * Builds a result workbook with the header row and these data rows, each a list of cell texts
 * in the order of RESULT_COLUMNS. Every column is formatted as text, so times keep their
 * milliseconds and registration codes their letters.
 */
export async function writeResultWorkbook(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'cityleague';
  const sheet = workbook.addWorksheet(RESULT_SHEET_NAME, {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = RESULT_COLUMNS.map((column, index) => ({
    header: column.header,
    width: COLUMN_WIDTHS[index] ?? 12,
    style: { numFmt: '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Returns the text of a 用时 cell. Excel stores a time typed into a time-formatted cell as a
 * fraction of a day, which exceljs reads as a number or as a Date counted from 1899-12-30 UTC.
 */
function timeCellText(value: ExcelJS.CellValue): string {
  if (typeof value === 'number' && value > 0 && value < 5) {
    return formatResultTime(Math.round(value * MILLISECONDS_PER_DAY));
  }
  if (value instanceof Date) {
    const epoch = Date.UTC(1899, 11, 30);
    return formatResultTime(Math.round(value.getTime() - epoch));
  }
  return cellText(value);
}

/**
 * Loads a workbook and reads the first sheet. Row 1 contains the headers, found by their text in
 * any order. Rows whose cells are all blank are skipped. Throws when the bytes are not an
 * .xlsx workbook.
 */
export async function readResultWorkbook(bytes: Buffer): Promise<ResultWorkbookRows> {
  const workbook = new ExcelJS.Workbook();
  // NOTE: the size cap applies to the compressed file. exceljs inflates the whole sheet in
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

  const rows: { row: number; values: RawResultRow }[] = [];
  for (let number = 2; number <= sheet.rowCount; number++) {
    const excelRow = sheet.getRow(number);
    const values = {} as RawResultRow;
    for (const column of RESULT_COLUMNS) {
      const cell = excelRow.getCell(headerColumns.get(column.header) ?? 0).value;
      values[column.key] = column.key === 'time' ? timeCellText(cell) : cellText(cell);
    }
    if (Object.values(values).every((value) => value.trim() === '')) continue;
    rows.push({ row: number, values });
  }
  return { ok: true, rows };
}

function missingColumns(headers: ReadonlySet<string>): RowError[] {
  return RESULT_COLUMNS.filter((column) => !headers.has(column.header)).map((column) => ({
    row: 1,
    column: column.header,
    code: 'missing_column',
    reason: `缺少“${column.header}”列，请使用导入模板`,
  }));
}
