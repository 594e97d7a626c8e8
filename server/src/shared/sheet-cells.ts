import type { SheetCell } from '@cityleague/domain';
import type ExcelJS from 'exceljs';

/**
 * Returns the value of a cell as the sheet stored it: text stays text (leading zeros kept),
 * numbers stay numbers, dates stay dates. Rich text and links give their text, formulas their
 * result, and error values nothing.
 */
export function sheetCell(value: ExcelJS.CellValue): SheetCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as ExcelJS.CellFormulaValue).result;
    return result === undefined ? null : sheetCell(result as ExcelJS.CellValue);
  }
  if ('text' in value) return String(value.text);
  return null;
}

/** Returns the text of a cell, whatever Excel stored: text, number, rich text, link or formula. */
export function cellText(value: ExcelJS.CellValue): string {
  const cell = sheetCell(value);
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell);
}
