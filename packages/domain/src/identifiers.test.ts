import { describe, expect, it } from 'vitest';
import {
  checkCreditCode,
  checkMobile,
  checkResidentId,
  containsEmoji,
  creditCodeCheckCharacter,
  maskMobile,
  maskName,
  checkPersonName,
  maskResidentId,
  RESIDENT_ID_PROBLEM_MESSAGES,
  residentIdCheckCharacter,
  residentIdProblem,
  toHalfWidth,
} from './identifiers.js';

/** Converts ASCII digits, letters and '+' to their full-width forms (U+FF01 to U+FF5E). */
function toFullWidth(input: string): string {
  return input.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

/** Deterministic pseudo-random generator (a 32-bit LCG) so that sampled cases repeat. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('containsEmoji', () => {
  it.each(['😀', '徐汇篮球赛🏀', '1号门❤️', '👨‍👩‍👧 家庭组'])('finds emoji in %j', (text) => {
    expect(containsEmoji(text)).toBe(true);
  });

  it.each(['2026 徐汇区三人篮球赛', '漕溪北路 1 号（东门）', 'Gate A-2', '１号入口', '※ 注意'])(
    'accepts %j',
    (text) => {
      expect(containsEmoji(text)).toBe(false);
    },
  );
});

describe('toHalfWidth', () => {
  it.each([
    ['１３８００１３８０００', '13800138000'],
    ['＋８６', '+86'],
    ['ｘ', 'x'],
    ['Ｘ', 'X'],
    ['138\u30000013', '138 0013'],
    ['－', '-'],
    ['13800138000', '13800138000'],
  ])('converts %j to %j', (input, expected) => {
    expect(toHalfWidth(input)).toBe(expected);
  });
});

describe('checkMobile', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['+8613800138000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['+86-138-0013-8000', '13800138000'],
    ['(+86) 138 0013 8000', '13800138000'],
    ['008613800138000', '13800138000'],
    ['0086 138 0013 8000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['86 138 0013 8000', '13800138000'],
    ['138 0013 8000', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['  13800138000  ', '13800138000'],
    ['138\t0013\t8000', '13800138000'],
    ['１３８００１３８０００', '13800138000'],
    ['＋８６ １３８ ００１３ ８０００', '13800138000'],
    ['１３８－００１３－８０００', '13800138000'],
    ['138\u30000013\u30008000', '13800138000'],
    ['\u3000＋８６\u3000１３８００１３８０００', '13800138000'],
  ])('accepts %j as %s', (input, expected) => {
    expect(checkMobile(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['\u3000\u3000', 'empty'],
    ['- -', 'empty'],
  ])('rejects blank %j as empty', (input, reason) => {
    expect(checkMobile(input)).toEqual({ ok: false, reason });
  });

  it.each([
    ['1380013800', '10 digits'],
    ['138001380001', '12 digits'],
    ['861380013800', '12 digits starting with 86'],
    ['+861380013800', '+86 and 10 digits'],
    ['0086138001380001', '0086 and 12 digits'],
    ['+86', 'prefix alone'],
    ['1', 'one digit'],
  ])('rejects %j (%s) as length', (input) => {
    expect(checkMobile(input)).toEqual({ ok: false, reason: 'length' });
  });

  // The position counts characters of the normalised number: separators and the country
  // prefix are removed first, so it is the n-th digit of the 11-digit number.
  it.each([
    ['1380013800a', 11],
    ['138a0013800', 4],
    ['a3800138000', 1],
    ['138O0138000', 4],
    ['+86 138a0013800', 4],
    ['0086 138-0013-80x0', 10],
    ['138-0013-800a', 11],
    ['１３８ａ００１３８００', 4],
    ['138.0013.8000', 4],
    ['abc', 1],
  ])('rejects %j as character at position %i', (input, position) => {
    expect(checkMobile(input)).toEqual({ ok: false, reason: 'character', position });
  });

  // Ranges allotted by MIIT as listed in the implementation's comment, written out in full
  // so that a change of the pattern shows up here.
  const KNOWN_PREFIXES = [
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 145, 146, 147, 148, 149, 150, 151, 152, 153,
    155, 156, 157, 158, 159, 162, 165, 166, 167, 170, 171, 172, 173, 174, 175, 176, 177, 178, 180,
    181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 195, 196, 197, 198, 199,
  ];
  const ALL_PREFIXES = Array.from({ length: 100 }, (_, i) => 100 + i);

  it.each(KNOWN_PREFIXES)('accepts known prefix %i', (prefix) => {
    const mobile = `${prefix}00138000`;
    expect(checkMobile(mobile)).toEqual({ ok: true, value: mobile });
  });

  it.each(ALL_PREFIXES.filter((p) => !KNOWN_PREFIXES.includes(p)))(
    'rejects unknown prefix %i',
    (prefix) => {
      expect(checkMobile(`${prefix}00138000`)).toEqual({ ok: false, reason: 'prefix' });
    },
  );

  it.each(['12000138000', '12900138000', '14400138000', '15400138000', '19400138000'])(
    'rejects named unknown prefix in %s',
    (mobile) => {
      expect(checkMobile(mobile)).toEqual({ ok: false, reason: 'prefix' });
    },
  );

  it.each(['23800138000', '03800138000', '86138001380', '+86 238 0013 8000'])(
    'rejects %j not starting with 1 as prefix',
    (input) => {
      expect(checkMobile(input)).toEqual({ ok: false, reason: 'prefix' });
    },
  );

  it('checks prefix after stripping a country prefix', () => {
    expect(checkMobile('+86 144 0013 8000')).toEqual({ ok: false, reason: 'prefix' });
    expect(checkMobile('0086 19400138000')).toEqual({ ok: false, reason: 'prefix' });
  });
});

describe('maskMobile', () => {
  it.each([
    ['13800138000', '138****8000'],
    ['19912345678', '199****5678'],
    ['1380013800', '**********'],
    ['138001380001', '************'],
    ['', ''],
  ])('masks %j as %j', (input, expected) => {
    expect(maskMobile(input)).toBe(expected);
  });
});

describe('residentIdCheckCharacter', () => {
  // Worked by hand from GB 11643-1999: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
  // check characters indexed by (sum mod 11) in "1 0 X 9 8 7 6 5 4 3 2".
  //
  // 11010519491231002: 1*7 + 1*9 + 0*10 + 1*5 + 0*8 + 5*4 + 1*2 + 9*1 + 4*6 + 9*3
  //   + 1*7 + 2*9 + 3*10 + 1*5 + 0*8 + 0*4 + 2*2
  //   = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167, 167 mod 11 = 2, so 'X'.
  // 31010419900307123: 3*7 + 1*9 + 0*10 + 1*5 + 0*8 + 4*4 + 1*2 + 9*1 + 9*6 + 0*3
  //   + 0*7 + 3*9 + 0*10 + 7*5 + 1*8 + 2*4 + 3*2
  //   = 21+9+0+5+0+16+2+9+54+0+0+27+0+35+8+8+6 = 200, 200 mod 11 = 2, so 'X'.
  // 44052418800101001: 4*7 + 4*9 + 0*10 + 5*5 + 2*8 + 4*4 + 1*2 + 8*1 + 8*6 + 0*3
  //   + 0*7 + 1*9 + 0*10 + 1*5 + 0*8 + 0*4 + 1*2
  //   = 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195, 195 mod 11 = 8, so '4'.
  it.each([
    ['11010519491231002', 'X'],
    ['31010419900307123', 'X'],
    ['44052418800101001', '4'],
  ])('computes %s by hand as %s', (first17, expected) => {
    expect(residentIdCheckCharacter(first17)).toBe(expected);
  });

  // ISO 7064 MOD 11-2 states the check differently from the weight table: with X = 10,
  // sum of a(i) * 2^(18 - i) over all 18 characters is congruent to 1 mod 11.
  it('satisfies ISO 7064 MOD 11-2 on sampled bodies', () => {
    const random = makeRandom(11643);
    const seen = new Set<string>();
    for (let n = 0; n < 500; n++) {
      let first17 = '';
      for (let i = 0; i < 17; i++) first17 += String(Math.floor(random() * 10));
      const check = residentIdCheckCharacter(first17);
      seen.add(check);
      const values = [...first17].map(Number);
      values.push(check === 'X' ? 10 : Number(check));
      let sum = 0;
      for (let i = 0; i < 18; i++) sum += (values[i] ?? 0) * 2 ** (17 - i);
      expect(sum % 11, `${first17}${check}`).toBe(1);
    }
    expect([...seen].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']);
  });
});

describe('checkResidentId', () => {
  // Noon in Shanghai on 15 June 2025, so no date in these tests depends on the machine's clock.
  const TODAY = new Date('2025-06-15T12:00:00+08:00');

  function withCheck(first17: string): string {
    return first17 + residentIdCheckCharacter(first17);
  }

  it.each([
    ['11010519491231002X', '1949-12-31', 'female'],
    ['31010419900307123X', '1990-03-07', 'male'],
  ])('accepts hand-computed %s', (id, birthDate, sex) => {
    expect(checkResidentId(id, TODAY)).toEqual({ ok: true, value: { id, birthDate, sex } });
  });

  it.each([
    ['31011520000229004', '2000-02-29', 'female'],
    ['44030520240229001', '2024-02-29', 'male'],
    ['12010119000101001', '1900-01-01', 'male'],
    ['65010219801231008', '1980-12-31', 'female'],
    ['71000019900101001', '1990-01-01', 'male'],
    ['81000019900101002', '1990-01-01', 'female'],
    ['31010420250615001', '2025-06-15', 'male'],
  ])('accepts constructed %s', (first17, birthDate, sex) => {
    const id = withCheck(first17);
    expect(checkResidentId(id, TODAY)).toEqual({ ok: true, value: { id, birthDate, sex } });
  });

  it.each([
    ['11010519491231002x', 'lower-case x'],
    ['１１０１０５１９４９１２３１００２Ｘ', 'full-width digits and X'],
    ['１１０１０５１９４９１２３１００２ｘ', 'full-width lower-case x'],
    ['110105 19491231 002X', 'spaces'],
    ['110105\u300019491231\u3000002x', 'ideographic spaces'],
    [' 11010519491231002X\t', 'surrounding whitespace'],
  ])('normalises %j (%s)', (input) => {
    expect(checkResidentId(input, TODAY)).toEqual({
      ok: true,
      value: { id: '11010519491231002X', birthDate: '1949-12-31', sex: 'female' },
    });
  });

  it.each(['', '   ', '\u3000'])('rejects blank %j as empty', (input) => {
    expect(checkResidentId(input, TODAY)).toEqual({ ok: false, reason: 'empty' });
  });

  it.each([
    ['11010519491231002', '17 characters'],
    ['11010519491231002X1', '19 characters'],
    ['110105194912310', '15 characters, the old format'],
    ['1', 'one character'],
    ['110105-19491231-002X', 'hyphens are not removed'],
  ])('rejects %j (%s) as length', (input) => {
    expect(checkResidentId(input, TODAY)).toEqual({ ok: false, reason: 'length' });
  });

  it.each([
    ['A1010519491231002X', 1],
    ['11010519491231A02X', 15],
    ['1101051949123100X2', 17],
    ['110105194912310x2X', 16],
    ['11010519491231002Y', 18],
    ['11010519491231002-', 18],
    ['11O10519491231002X', 3],
  ])('rejects %s as character at position %i', (input, position) => {
    expect(checkResidentId(input, TODAY)).toEqual({ ok: false, reason: 'character', position });
  });

  it.each([
    ['01010519900101001', 'first digit 0'],
    ['91010519900101001', 'first digit 9'],
  ])('rejects %s (%s) as region', (first17) => {
    expect(checkResidentId(withCheck(first17), TODAY)).toEqual({
      ok: false,
      reason: 'region',
      position: 1,
    });
  });

  // Each body gets its correct check character, so the birth date is the only fault.
  it.each([
    ['31010419900230001', '30 February'],
    ['31010419901301001', 'month 13'],
    ['31010419900001001', 'month 00'],
    ['31010419900100001', 'day 00'],
    ['31010419900132001', '32 January'],
    ['31010419900431001', '31 April'],
    ['31010418991231001', 'year 1899'],
    ['31010400000101001', 'year 0000'],
    ['31010419000229001', '29 February 1900, not a leap year'],
    ['31010420230229001', '29 February 2023, not a leap year'],
    ['31010420250616001', 'the day after today'],
    ['31010420260101001', 'next year'],
    ['31010499991231001', 'year 9999'],
  ])('rejects %s (%s) as birth date', (first17) => {
    expect(checkResidentId(withCheck(first17), TODAY)).toEqual({
      ok: false,
      reason: 'birth_date',
      position: 7,
    });
  });

  it('rejects hand-computed 1880 example as birth date', () => {
    // The check character is right (see residentIdCheckCharacter above), but 1880 is before 1900.
    expect(checkResidentId('440524188001010014', TODAY)).toEqual({
      ok: false,
      reason: 'birth_date',
      position: 7,
    });
  });

  it('accepts a birth date of today in Shanghai before 08:00', () => {
    // 07:59:59 on 15 June in Shanghai is still 14 June in UTC.
    const earlyMorning = new Date('2025-06-15T07:59:59+08:00');
    const id = withCheck('31010420250615001');
    expect(checkResidentId(id, earlyMorning)).toEqual({
      ok: true,
      value: { id, birthDate: '2025-06-15', sex: 'male' },
    });
  });

  it('rejects tomorrow in Shanghai late at night', () => {
    // At 23:59:59 on 15 June in Shanghai, 16 June is still in the future.
    const lateNight = new Date('2025-06-15T23:59:59+08:00');
    expect(checkResidentId(withCheck('31010420250616001'), lateNight)).toEqual({
      ok: false,
      reason: 'birth_date',
      position: 7,
    });
  });

  it.each(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'])(
    'checks check character %s of 11010519491231002',
    (check) => {
      const expected =
        check === 'X'
          ? {
              ok: true,
              value: { id: '11010519491231002X', birthDate: '1949-12-31', sex: 'female' },
            }
          : { ok: false, reason: 'check_character', position: 18 };
      expect(checkResidentId(`11010519491231002${check}`, TODAY)).toEqual(expected);
    },
  );

  it.each([
    ['0', 'female'],
    ['1', 'male'],
    ['2', 'female'],
    ['3', 'male'],
    ['4', 'female'],
    ['5', 'male'],
    ['6', 'female'],
    ['7', 'male'],
    ['8', 'female'],
    ['9', 'male'],
  ])('reads sex from digit 17 = %s as %s', (digit, sex) => {
    const result = checkResidentId(withCheck(`3101041990030712${digit}`), TODAY);
    expect(result).toMatchObject({ ok: true, value: { sex } });
  });

  it('defaults today to the current time', () => {
    expect(checkResidentId('11010519491231002X').ok).toBe(true);
    expect(checkResidentId(withCheck('31010499991231001'))).toEqual({
      ok: false,
      reason: 'birth_date',
      position: 7,
    });
  });
});

describe('residentIdProblem', () => {
  const today = new Date('2026-12-05T04:00:00Z');
  const first17 = '31010419900101123';
  const valid = first17 + residentIdCheckCharacter(first17);

  it('returns nothing for a valid number', () => {
    expect(residentIdProblem(valid, today)).toBeUndefined();
  });

  it('names each problem in Chinese', () => {
    const wrongCheck = first17 + (valid[17] === '0' ? '1' : '0');
    const cases: [string, string][] = [
      ['', '请填写身份证号码'],
      ['3101041990', '身份证号码应为 18 位'],
      ['31010419900101A23X', '身份证号码只能包含数字，最后一位可以是 X'],
      ['010104199001011230', '身份证号码的地区码不正确'],
      ['310104199002301230', '身份证号码中的出生日期不正确'],
      [wrongCheck, '身份证号码校验位不正确，请核对后重新填写'],
    ];
    for (const [input, message] of cases)
      expect(residentIdProblem(input, today), input).toBe(message);
  });

  it('has a message for every reason', () => {
    for (const message of Object.values(RESIDENT_ID_PROBLEM_MESSAGES)) {
      expect(message).toMatch(/身份证号码/);
    }
  });
});

describe('maskResidentId', () => {
  it.each([
    ['11010519491231002X', '1101**********002X'],
    ['31010419900307123X', '3101**********123X'],
    ['11010519491231002', '*****************'],
    ['', ''],
  ])('masks %j as %j', (input, expected) => {
    expect(maskResidentId(input)).toBe(expected);
  });
});

describe('creditCodeCheckCharacter', () => {
  // Worked by hand from GB 32100-2015 for the standard's example 91350100M000100Y43:
  // values 9 1 3 5 0 1 0 0 M=21 0 0 0 1 0 0 Y=30 4, weights 3^(i-1) mod 31 =
  // 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
  // Sum = 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 420 + 0 + 0 + 0 + 8 + 0 + 0 + 900 + 112 = 1640,
  // 1640 mod 31 = 28, check value 31 - 28 = 3, so '3'.
  it('computes the standard example by hand', () => {
    expect(creditCodeCheckCharacter('91350100M000100Y4')).toBe('3');
  });

  // The standard's rule stated without the weight table: with weights 3^(i-1) mod 31 for
  // i = 1..17 and weight 1 for the check character, the total is divisible by 31.
  it('makes the weighted sum divisible by 31 on sampled bodies', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const random = makeRandom(32100);
    const seen = new Set<string>();
    for (let n = 0; n < 2000; n++) {
      let first17 = '';
      for (let i = 0; i < 17; i++) {
        first17 += alphabet[Math.floor(random() * alphabet.length)];
      }
      const check = creditCodeCheckCharacter(first17);
      seen.add(check);
      let sum = alphabet.indexOf(check);
      let weight = 1;
      for (let i = 0; i < 17; i++) {
        sum += alphabet.indexOf(first17[i] ?? '') * weight;
        weight = (weight * 3) % 31;
      }
      expect(sum % 31, `${first17}${check}`).toBe(0);
    }
    expect(seen.size).toBe(31);
  });
});

describe('checkCreditCode', () => {
  const EXAMPLE = '91350100M000100Y43';

  function withCheck(first17: string): string {
    return first17 + creditCodeCheckCharacter(first17);
  }

  it.each([
    [EXAMPLE, EXAMPLE],
    ['91350100m000100y43', EXAMPLE],
    [toFullWidth(EXAMPLE), EXAMPLE],
    [toFullWidth('91350100m000100y43'), EXAMPLE],
    ['9135 0100 M000 100Y 43', EXAMPLE],
    ['\u300091350100M000100Y43\u3000', EXAMPLE],
  ])('accepts %j as %s', (input, expected) => {
    expect(checkCreditCode(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    '91310104MA1FL0000',
    '12310000425012345',
    '52310115MJ0000001',
    'Y1310000000000000',
    'N2310101ABCDEFGHJ',
    '91440300KLMNPQRTU',
    '93110108WXY000000',
  ])('accepts constructed %s', (first17) => {
    const code = withCheck(first17);
    expect(checkCreditCode(code)).toEqual({ ok: true, value: code });
    expect(checkCreditCode(code.toLowerCase())).toEqual({ ok: true, value: code });
  });

  it.each(['', '  ', '\u3000'])('rejects blank %j as empty', (input) => {
    expect(checkCreditCode(input)).toEqual({ ok: false, reason: 'empty' });
  });

  it.each([
    ['91350100M000100Y4', '17 characters'],
    ['91350100M000100Y433', '19 characters'],
    ['913501', '6 characters'],
    ['91350100-M000100Y43', 'hyphen is not removed'],
  ])('rejects %j (%s) as length', (input) => {
    expect(checkCreditCode(input)).toEqual({ ok: false, reason: 'length' });
  });

  // Each case puts one forbidden letter into the example. The other characters stay valid,
  // so the reported position must be the letter's own.
  const FORBIDDEN_CASES: [string, number][] = [];
  for (const letter of ['I', 'O', 'Z', 'S', 'V']) {
    for (const position of [1, 2, 5, 9, 16, 18]) {
      FORBIDDEN_CASES.push([letter, position]);
    }
  }

  it.each(FORBIDDEN_CASES)('rejects forbidden %s at position %i', (letter, position) => {
    const code = EXAMPLE.slice(0, position - 1) + letter + EXAMPLE.slice(position);
    expect(code).toHaveLength(18);
    expect(checkCreditCode(code)).toEqual({ ok: false, reason: 'character', position });
    expect(checkCreditCode(code.toLowerCase())).toEqual({
      ok: false,
      reason: 'character',
      position,
    });
  });

  it.each([
    ['91350100M0001-0Y43', 14],
    ['91350100M000100Y4_', 18],
    ['9135010０M000100Y4中', 18],
    ['中1350100M000100Y43', 1],
  ])('rejects %s as character at position %i', (input, position) => {
    expect(checkCreditCode(input)).toEqual({ ok: false, reason: 'character', position });
  });

  it('reports the first of several bad characters', () => {
    expect(checkCreditCode('9135010OM00S100Y43')).toEqual({
      ok: false,
      reason: 'character',
      position: 8,
    });
  });

  // Positions 3-8 are the administrative division code and must be digits. The check
  // character is recomputed, so the division code is the only fault.
  it.each([3, 4, 5, 6, 7, 8])('rejects a letter at position %i as region', (position) => {
    const first17 = EXAMPLE.slice(0, position - 1) + 'A' + EXAMPLE.slice(position, 17);
    expect(checkCreditCode(withCheck(first17))).toEqual({ ok: false, reason: 'region', position });
  });

  it('reports the first non-digit of the division code', () => {
    expect(checkCreditCode(withCheck('9135B1C0M000100Y4'))).toEqual({
      ok: false,
      reason: 'region',
      position: 5,
    });
  });

  it('accepts letters outside positions 3-8', () => {
    const code = withCheck('YA350100ABCDEFGHJ');
    expect(checkCreditCode(code)).toEqual({ ok: true, value: code });
  });

  it.each([...'0123456789ABCDEFGHJKLMNPQRTUWXY'].filter((c) => c !== '3'))(
    'rejects check character %s of the example',
    (check) => {
      expect(checkCreditCode(`91350100M000100Y4${check}`)).toEqual({
        ok: false,
        reason: 'check_character',
        position: 18,
      });
    },
  );

  it('rejects a changed body with the old check character', () => {
    expect(checkCreditCode('91350100M000100Y53')).toEqual({
      ok: false,
      reason: 'check_character',
      position: 18,
    });
  });
});

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['欧阳娜娜', '欧***'],
    ['张', '张*'],
    ['  李四 ', '李*'],
    ['Zhang San', 'Z********'],
    ['', ''],
  ])('masks %j as %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});

describe('checkPersonName', () => {
  it.each([
    ['张三', '张三'],
    ['  张  三 ', '张 三'],
    ['Zhang San-Li', 'Zhang San-Li'],
    ['D’Angelo', "D'Angelo"],
    ['Ö Müller', 'Ö Müller'],
    ['阿卜杜·热合曼', '阿卜杜·热合曼'],
    ['𠮷野', '𠮷野'],
  ])('accepts %j as %j', (input, value) => {
    expect(checkPersonName(input)).toEqual({ ok: true, value });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['张', 'length'],
    ['张'.repeat(31), 'length'],
    ['张3', 'character'],
    ['<b>张三</b>', 'character'],
    ['--', 'no_letter'],
    ["'.", 'no_letter'],
  ])('rejects %j as %s', (input, reason) => {
    expect(checkPersonName(input)).toEqual({ ok: false, reason });
  });
});
