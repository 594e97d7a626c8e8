import {
  checkMobile,
  checkPersonName,
  checkResidentId,
  isRealDate,
  RESIDENT_ID_PROBLEM_MESSAGES,
  shanghaiDate,
  toHalfWidth,
  type ResidentId,
} from './identifiers.js';
import { earliestBirthDate, MAX_AGE_YEARS } from './forms.js';

/**
 * A cell as a spreadsheet reader hands it over, before any interpretation: text, a number
 * (Excel keeps numbers as doubles, so digits past the 15th are lost), a date, or nothing.
 */
export type SheetCell = string | number | boolean | Date | null;

/** Columns of the offline entries workbook: the header text in row 1 and the field it fills. */
export const ENTRY_IMPORT_COLUMNS = [
  { key: 'name', header: '姓名', required: true },
  { key: 'phone', header: '手机号码', required: true },
  { key: 'idNumber', header: '身份证号码', required: false },
  { key: 'birthDate', header: '出生日期', required: false },
  { key: 'group', header: '组别', required: false },
] as const;

export type EntryColumnKey = (typeof ENTRY_IMPORT_COLUMNS)[number]['key'];

/** The cells of one data row, by column. */
export type RawEntryRow = Record<EntryColumnKey, SheetCell>;

/** One problem of an entries file: the Excel row, the column header, a stable code and a Chinese reason. */
export interface EntryRowError {
  row: number;
  column: string;
  code: string;
  reason: string;
}

/** A data row that passed every check, with normalised values. */
export interface CheckedEntryRow {
  row: number;
  name: string;
  phone: string;
  id: ResidentId | undefined;
  /** ISO date; from the ID number when one is given. */
  birthDate: string | undefined;
  /** The group's name as written, trimmed; empty when the column is blank. */
  group: string;
}

// Excel counts days from 1899-12-30 (its serial 60 is the 29 February 1900 that never was,
// which this epoch absorbs for every date after it).
const EXCEL_EPOCH_UTC = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/** Turns an Excel date serial (days since 1899-12-30, time of day ignored) into an ISO date. */
export function excelSerialToIsoDate(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial >= 2_958_466) return undefined;
  return new Date(EXCEL_EPOCH_UTC + Math.floor(serial) * DAY_MS).toISOString().slice(0, 10);
}

const DATE_PATTERNS = [
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/,
  /^(\d{4})(\d{2})(\d{2})$/,
];

/**
 * Reads a date as people type it into a sheet: 2012-03-09, 2012/3/9, 2012.3.9, 2012年3月9日 or
 * 20120309, full-width digits included. Returns the ISO date, or undefined when it is not a
 * real date.
 */
export function parseDateText(input: string): string | undefined {
  const text = toHalfWidth(input).replace(/\s+/g, '');
  for (const pattern of DATE_PATTERNS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (!isRealDate(year, month, day)) return undefined;
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }
  return undefined;
}

/**
 * Returns the ISO date of a date cell: a date value (readers give it at UTC midnight), an Excel serial
 * number, or text in one of the forms parseDateText reads.
 */
export function sheetCellDate(cell: SheetCell): string | undefined {
  if (cell instanceof Date) {
    return Number.isNaN(cell.getTime()) ? undefined : cell.toISOString().slice(0, 10);
  }
  if (typeof cell === 'number') return excelSerialToIsoDate(cell);
  if (typeof cell === 'string') return parseDateText(cell);
  return undefined;
}

/** Returns the text of a cell, with numbers written out in full, without exponent or separators. */
export function sheetCellText(cell: SheetCell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') {
    return Number.isInteger(cell) ? BigInt(cell).toString() : String(cell);
  }
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell);
}

const NAME_REASONS: Record<string, string> = {
  empty: '姓名不能为空',
  length: '姓名应为 2 至 30 个字',
  character: '姓名含有不允许的字符',
  no_letter: '姓名应至少含一个汉字或字母',
};

const PHONE_REASONS: Record<string, string> = {
  empty: '手机号码不能为空',
  character: '手机号码只能含数字',
  length: '手机号码应为 11 位',
  prefix: '不是有效的中国大陆手机号码',
};

/**
 * Checks one data row of an offline entries workbook. Name and mobile number are required and
 * normalised as on the web form. An ID number stored as an Excel number cannot be trusted: a
 * double keeps 15 significant digits and an ID number has 18, so it is refused with a reason
 * that tells how to fix the sheet. Text cells are never turned into numbers, so leading zeros
 * stay. A birth date given beside an ID number must agree with it.
 */
export function checkEntryRow(
  row: number,
  raw: RawEntryRow,
  today: Date = new Date(),
): { ok: true; value: CheckedEntryRow } | { ok: false; errors: EntryRowError[] } {
  const errors: EntryRowError[] = [];
  const fail = (key: EntryColumnKey, code: string, reason: string) => {
    const column = ENTRY_IMPORT_COLUMNS.find((candidate) => candidate.key === key)!;
    errors.push({ row, column: column.header, code, reason });
  };

  const name = checkPersonName(sheetCellText(raw.name));
  if (!name.ok) fail('name', `name_${name.reason}`, NAME_REASONS[name.reason] ?? '姓名无效');

  const phone = checkMobile(sheetCellText(raw.phone));
  if (!phone.ok) {
    fail('phone', `phone_${phone.reason}`, PHONE_REASONS[phone.reason] ?? '手机号码无效');
  }

  let id: ResidentId | undefined;
  if (typeof raw.idNumber === 'number' && !Number.isSafeInteger(raw.idNumber)) {
    fail(
      'idNumber',
      'id_stored_as_number',
      '身份证号码以数字格式保存，末几位已丢失；请把该列设为文本格式后重新填写',
    );
  } else {
    const text = sheetCellText(raw.idNumber).trim();
    if (text !== '') {
      const checked = checkResidentId(text, today);
      if (checked.ok) id = checked.value;
      else fail('idNumber', `id_${checked.reason}`, RESIDENT_ID_PROBLEM_MESSAGES[checked.reason]);
    }
  }

  let birthDate: string | undefined;
  const birthText = sheetCellText(raw.birthDate).trim();
  if (raw.birthDate !== null && birthText !== '') {
    birthDate = sheetCellDate(raw.birthDate);
    if (birthDate === undefined) {
      fail('birthDate', 'birth_date_invalid', '出生日期无法识别，请写成 2012-03-09 这样的日期');
    } else if (birthDate > shanghaiDate(today)) {
      fail('birthDate', 'birth_date_future', '出生日期不能晚于今天');
      birthDate = undefined;
    } else if (birthDate < earliestBirthDate(shanghaiDate(today))) {
      fail(
        'birthDate',
        'birth_date_too_early',
        `出生日期早于 ${MAX_AGE_YEARS} 年前，请检查是否填错`,
      );
      birthDate = undefined;
    } else if (id && id.birthDate !== birthDate) {
      fail('birthDate', 'birth_date_mismatch', '出生日期与身份证号码不一致');
    }
  }

  if (errors.length > 0 || !name.ok || !phone.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      row,
      name: name.value,
      phone: phone.value,
      id,
      birthDate: id?.birthDate ?? birthDate,
      group: sheetCellText(raw.group).trim(),
    },
  };
}
