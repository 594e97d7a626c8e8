import { describe, expect, it } from 'vitest';

import {
  checkEntryRow,
  excelSerialToIsoDate,
  parseDateText,
  sheetCellDate,
  sheetCellText,
  type RawEntryRow,
} from './entry-rows.js';
import { residentIdCheckCharacter, residentIdProblem } from './identifiers.js';

const TODAY = new Date('2026-12-05T04:00:00Z');

/** Builds a valid fake ID number for a birth date. Odd order digits make a male, even a female. */
function fakeId(birth: string, order = '123'): string {
  const first17 = `310104${birth.replace(/-/g, '')}${order}`;
  return first17 + residentIdCheckCharacter(first17);
}

function row(cells: Partial<RawEntryRow>): RawEntryRow {
  return {
    name: '测试甲',
    phone: '13800138000',
    idNumber: null,
    birthDate: null,
    group: null,
    ...cells,
  };
}

describe('excelSerialToIsoDate', () => {
  it.each([
    [1, '1899-12-31'],
    [61, '1900-03-01'],
    [40977, '2012-03-09'],
    [40977.75, '2012-03-09'],
    [44986, '2023-03-01'],
  ])('reads serial %s as %s', (serial, iso) => {
    expect(excelSerialToIsoDate(serial)).toBe(iso);
  });

  it.each([0, -3, Number.NaN, Number.POSITIVE_INFINITY, 3_000_000])('refuses %s', (serial) => {
    expect(excelSerialToIsoDate(serial)).toBeUndefined();
  });
});

describe('parseDateText', () => {
  it.each([
    ['2012-03-09', '2012-03-09'],
    ['2012/3/9', '2012-03-09'],
    ['2012.3.9', '2012-03-09'],
    ['2012年3月9日', '2012-03-09'],
    ['2012年3月9', '2012-03-09'],
    ['20120309', '2012-03-09'],
    ['２０１２－０３－０９', '2012-03-09'],
    [' 2012 - 03 - 09 ', '2012-03-09'],
    ['2012-02-29', '2012-02-29'],
  ])('reads %s', (text, iso) => {
    expect(parseDateText(text)).toBe(iso);
  });

  it.each(['2013-02-29', '2012-13-01', '2012-00-10', '12-03-09', '三月九日', '', '2012-3'])(
    'refuses %s',
    (text) => {
      expect(parseDateText(text)).toBeUndefined();
    },
  );
});

describe('sheetCellDate and sheetCellText', () => {
  it('reads dates stored as dates, serials and text alike', () => {
    expect(sheetCellDate(new Date(Date.UTC(2012, 2, 9)))).toBe('2012-03-09');
    expect(sheetCellDate(40977)).toBe('2012-03-09');
    expect(sheetCellDate('2012/3/9')).toBe('2012-03-09');
    expect(sheetCellDate(new Date('invalid'))).toBeUndefined();
    expect(sheetCellDate(true)).toBeUndefined();
  });

  it('writes whole numbers out in full and keeps text as it is', () => {
    expect(sheetCellText(13800138000)).toBe('13800138000');
    expect(sheetCellText(1e15)).toBe('1000000000000000');
    expect(sheetCellText('00123')).toBe('00123');
    expect(sheetCellText(null)).toBe('');
    expect(sheetCellText(2.5)).toBe('2.5');
  });
});

describe('checkEntryRow', () => {
  it('normalises name, mobile number and ID number as the web form does', () => {
    const id = fakeId('2012-03-09');
    const result = checkEntryRow(
      2,
      row({
        name: ' 测试  乙 ',
        phone: '+86 138 0013 8000',
        idNumber: id.toLowerCase(),
        group: ' 少年组 ',
      }),
      TODAY,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        row: 2,
        name: '测试 乙',
        phone: '13800138000',
        id: { id, birthDate: '2012-03-09', sex: 'male' },
        birthDate: '2012-03-09',
        group: '少年组',
      },
    });
  });

  it('accepts a mobile number stored as a number', () => {
    const result = checkEntryRow(3, row({ phone: 13800138000 }), TODAY);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.phone).toBe('13800138000');
  });

  it('rejects an ID number stored as a number', () => {
    const stored = Number(fakeId('1990-01-01', '121'));
    const result = checkEntryRow(4, row({ idNumber: stored }), TODAY);
    expect(result).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({ row: 4, column: '身份证号码', code: 'id_stored_as_number' }),
      ],
    });
  });

  it('words a wrong check character as the forms do', () => {
    const valid = fakeId('1990-01-01');
    const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    const result = checkEntryRow(3, row({ idNumber: wrong }), TODAY);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.code)).toEqual(['id_check_character']);
    expect(result.errors[0]?.reason).toBe('身份证号码校验位不正确，请核对后重新填写');
    expect(result.errors[0]?.reason).toBe(residentIdProblem(wrong, TODAY));
  });

  it('keeps leading zeros of text cells', () => {
    const result = checkEntryRow(5, row({ idNumber: '0123' }), TODAY);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((error) => error.code)).toEqual(['id_length']);
  });

  it('reads birth dates of every cell type', () => {
    for (const cell of [40977, new Date(Date.UTC(2012, 2, 9)), '2012年3月9日']) {
      const result = checkEntryRow(6, row({ birthDate: cell }), TODAY);
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.value.birthDate).toBe('2012-03-09');
    }
    const mismatch = checkEntryRow(
      7,
      row({ idNumber: fakeId('2012-03-09'), birthDate: '2012-03-10' }),
      TODAY,
    );
    expect(!mismatch.ok && mismatch.errors.map((error) => error.code)).toEqual([
      'birth_date_mismatch',
    ]);
  });

  it('refuses a birth date in the future, judged in Asia/Shanghai', () => {
    // 2026-12-05T20:00Z is already 6 December in Shanghai.
    const late = new Date('2026-12-05T20:00:00Z');
    expect(checkEntryRow(8, row({ birthDate: '2026-12-06' }), late).ok).toBe(true);
    const result = checkEntryRow(8, row({ birthDate: '2026-12-07' }), late);
    expect(!result.ok && result.errors.map((error) => error.code)).toEqual(['birth_date_future']);
  });

  it('rejects a birth date over 120 years ago', () => {
    // 2026-12-05T20:00Z is 6 December in Shanghai, so 1906-12-06 is the earliest date.
    const late = new Date('2026-12-05T20:00:00Z');
    expect(checkEntryRow(8, row({ birthDate: '1906-12-06' }), late).ok).toBe(true);
    const result = checkEntryRow(8, row({ birthDate: '1906-12-05' }), late);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((error) => error.code)).toEqual(['birth_date_too_early']);
    expect(errors[0]?.reason).toBe('出生日期早于 120 年前，请检查是否填错');
  });

  it('lists every problem of a row, each with its column', () => {
    const result = checkEntryRow(9, row({ name: '', phone: '12345', birthDate: 'soon' }), TODAY);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => [error.column, error.code])).toEqual([
      ['姓名', 'name_empty'],
      ['手机号码', 'phone_length'],
      ['出生日期', 'birth_date_invalid'],
    ]);
    for (const error of result.errors) expect(error.reason).toMatch(/[\u4e00-\u9fff]/);
  });
});
