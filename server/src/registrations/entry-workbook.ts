import {
  ENTRY_IMPORT_COLUMNS,
  type EntryRowError,
  type RawEntryRow,
  type SheetCell,
} from '@cityleague/domain';
import ExcelJS from 'exceljs';

import { sheetCell } from '../shared/sheet-cells.js';

/** Name of the template's sheet; an import reads the first sheet, whatever its name. */
export const ENTRY_SHEET_NAME = '线下报名';

const TEMPLATE_EXAMPLE = ['测试报名人', '13800138000', '', '2012-03-09', ''];

function cellText(value: SheetCell): string {
  return value === null ? '' : String(value).trim();
}

/**
 * Returns whether a row is the template's example row, left in the file: the example's name
 * with the example's mobile number, whatever the other cells contain.
 */
export function isTemplateExample(values: RawEntryRow): boolean {
  return (
    cellText(values.name) === TEMPLATE_EXAMPLE[0] && cellText(values.phone) === TEMPLATE_EXAMPLE[1]
  );
}

function headerText(value: ExcelJS.CellValue): string {
  const cell = sheetCell(value);
  return typeof cell === 'string' ? cell.trim() : '';
}

/** The data rows with their Excel row numbers, or the problems of the header row. */
export type EntryWorkbookRows =
  | { ok: true; rows: { row: number; values: RawEntryRow }[] }
  | { ok: false; errors: EntryRowError[] };

/**
 * Loads an .xlsx workbook and reads the first sheet. Row 1 has the headers, found by their
 * text in any order; optional columns may be absent. Rows whose cells are all blank are
 * skipped. Throws when the bytes are not a workbook.
 */
export async function readEntryWorkbook(bytes: Buffer): Promise<EntryWorkbookRows> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const headers = new Map<string, number>();
  sheet?.getRow(1).eachCell((cell, column) => {
    const text = headerText(cell.value);
    if (text !== '' && !headers.has(text)) headers.set(text, column);
  });
  const missing = ENTRY_IMPORT_COLUMNS.filter(
    (column) => column.required && !headers.has(column.header),
  );
  if (!sheet || missing.length > 0) {
    const absent = sheet ? missing : ENTRY_IMPORT_COLUMNS.filter((column) => column.required);
    return {
      ok: false,
      errors: absent.map((column) => ({
        row: 1,
        column: column.header,
        code: 'missing_column',
        reason: `缺少“${column.header}”列，请使用导入模板`,
      })),
    };
  }

  const rows: { row: number; values: RawEntryRow }[] = [];
  for (let number = 2; number <= sheet.rowCount; number++) {
    const excelRow = sheet.getRow(number);
    const values = {} as RawEntryRow;
    for (const column of ENTRY_IMPORT_COLUMNS) {
      const index = headers.get(column.header);
      values[column.key] = index === undefined ? null : sheetCell(excelRow.getCell(index).value);
    }
    const blank = Object.values(values).every(
      (value) => value === null || (typeof value === 'string' && value.trim() === ''),
    );
    if (!blank) rows.push({ row: number, values });
  }
  return { ok: true, rows };
}

/** A column of a written workbook: its header and width in characters (a Chinese character is about two). */
export interface SheetColumn {
  header: string;
  width: number;
}

/**
 * Writes one sheet with a bold, frozen header row and these rows of text. Every column is
 * formatted as text, so that ID and mobile numbers keep every digit when the file is edited
 * and imported again.
 */
export async function writeTextWorkbook(
  sheetName: string,
  columns: readonly SheetColumn[],
  rows: readonly (readonly string[])[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'cityleague';
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((column) => ({
    header: column.header,
    width: column.width,
    style: { numFmt: '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow([...row]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Builds the import template: the header row and one example row of fake data. */
export function entryTemplate(): Promise<Buffer> {
  return writeTextWorkbook(
    ENTRY_SHEET_NAME,
    ENTRY_IMPORT_COLUMNS.map((column) => ({
      header: column.header,
      width: column.key === 'idNumber' ? 24 : 16,
    })),
    [TEMPLATE_EXAMPLE],
  );
}
