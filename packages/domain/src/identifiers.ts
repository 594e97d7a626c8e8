/** Outcome of checking an identifier: the normalised value, or why it is invalid. */
export type CheckResult<T> =
  { ok: true; value: T } | { ok: false; reason: IdentifierProblem; position?: number };

export type IdentifierProblem =
  'empty' | 'length' | 'character' | 'prefix' | 'birth_date' | 'region' | 'check_character';

/** Replaces full-width ASCII (digits, letters, plus sign) and ideographic spaces by ASCII. */
export function toHalfWidth(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

// Unicode's Extended_Pictographic property: emoji and other pictographs, including © and ®.
const PICTOGRAPH = /\p{Extended_Pictographic}/u;

/**
 * Tells whether a text contains a pictographic emoji. Formal names and addresses (an event's
 * name, venue and address, organisation names, a check-in gate) reject them, because filings,
 * SMS and printed documents show those verbatim; free text such as a description accepts them.
 */
export function containsEmoji(text: string): boolean {
  return PICTOGRAPH.test(text);
}

// Mainland mobile number ranges allotted by the Ministry of Industry and Information
// Technology: 13x, 145-149, 150-153, 155-159, 162, 165-167, 170-178, 18x, 190-193, 195-199.
const MOBILE_PATTERN = /^1(3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}$/;

/**
 * Normalises a mainland mobile number to its 11 digits: full-width digits become ASCII,
 * spaces and hyphens go, and a +86, 0086 or 86 country prefix is removed.
 */
export function checkMobile(input: string): CheckResult<string> {
  let digits = toHalfWidth(input).replace(/[\s\-()]/g, '');
  if (digits === '') return { ok: false, reason: 'empty' };
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);

  const bad = digits.search(/\D/);
  if (bad >= 0) return { ok: false, reason: 'character', position: bad + 1 };
  if (digits.length !== 11) return { ok: false, reason: 'length' };
  if (!MOBILE_PATTERN.test(digits)) return { ok: false, reason: 'prefix' };
  return { ok: true, value: digits };
}

/** Masks a normalised mobile number for display: 138****5678. */
export function maskMobile(mobile: string): string {
  if (mobile.length !== 11) return '*'.repeat(mobile.length);
  return `${mobile.slice(0, 3)}****${mobile.slice(7)}`;
}

export const PERSON_NAME_MIN_LENGTH = 2;
export const PERSON_NAME_MAX_LENGTH = 30;

// Chinese characters, Latin letters (accented ones too), spaces, the middle dots of
// transliterated names and the marks of Latin names: 张三, 阿卜杜·热合曼, Zhang San-Li, D'Angelo.
const NAME_CHARACTERS = /^[\p{Script=Han}\p{Script=Latin}·•.'\- ]+$/u;
const NAME_LETTER = /[\p{Script=Han}\p{Script=Latin}]/u;

// Phone keyboards type typographic apostrophes and full-width marks where ASCII is meant.
const NAME_REPLACEMENTS: [RegExp, string][] = [
  [/[\u2018\u2019\uFF07]/g, "'"],
  [/[\u2010\u2011\uFF0D]/g, '-'],
  [/\uFF0E/g, '.'],
];

/** Problems a person's name can have, beyond those of identifiers. */
export type PersonNameProblem = 'empty' | 'length' | 'character' | 'no_letter';

/**
 * Checks a person's real name: trimmed, runs of spaces collapsed and typographic marks made
 * ASCII, then 2 to 30 characters (counted as code points) with at least one letter.
 */
export function checkPersonName(
  input: string,
): { ok: true; value: string } | { ok: false; reason: PersonNameProblem } {
  let name = input.normalize('NFC').trim().replace(/\s+/g, ' ');
  for (const [pattern, replacement] of NAME_REPLACEMENTS) name = name.replace(pattern, replacement);
  if (name === '') return { ok: false, reason: 'empty' };
  const length = Array.from(name).length;
  if (length < PERSON_NAME_MIN_LENGTH || length > PERSON_NAME_MAX_LENGTH) {
    return { ok: false, reason: 'length' };
  }
  if (!NAME_CHARACTERS.test(name)) return { ok: false, reason: 'character' };
  if (!NAME_LETTER.test(name)) return { ok: false, reason: 'no_letter' };
  return { ok: true, value: name };
}

/** Masks a person's name for display: the first character stays, the rest become stars. */
export function maskName(name: string): string {
  const characters = Array.from(name.trim());
  if (characters.length === 0) return '';
  return characters[0] + '*'.repeat(Math.max(1, characters.length - 1));
}

export interface ResidentId {
  id: string;
  /** Birth date as YYYY-MM-DD. */
  birthDate: string;
  sex: 'male' | 'female';
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARACTERS = '10X98765432';
// First digit of the region code: 1 north, 2 north-east, 3 east, 4 central-south,
// 5 south-west, 6 north-west, 7 Taiwan, 8 Hong Kong, Macao and residence permits.
const ID_REGION_FIRST_DIGITS = '12345678';

/** Computes the ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number. */
export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK_CHARACTERS[sum % 11] ?? '';
}

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Returns the calendar date of an instant in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Formats an instant in Asia/Shanghai as yyyy-mm-dd hh:mm:ss, for files and logs people read. */
export function shanghaiDateTime(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ');
}

/** Tells whether year, month (1-12) and day name a real calendar date. */
export function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/**
 * Checks an 18-character resident ID number (GB 11643-1999): digits, a region code,
 * a real birth date not after the Shanghai date of `today`, and the MOD 11-2 check
 * character. Spaces and full-width characters are removed and a lower-case x is
 * upper-cased first.
 */
export function checkResidentId(input: string, today: Date = new Date()): CheckResult<ResidentId> {
  const id = toHalfWidth(input).replace(/\s/g, '').toUpperCase();
  if (id === '') return { ok: false, reason: 'empty' };
  if (id.length !== 18) return { ok: false, reason: 'length' };
  const bad = id.slice(0, 17).search(/\D/);
  if (bad >= 0) return { ok: false, reason: 'character', position: bad + 1 };
  if (!/[\dX]/.test(id[17] ?? '')) return { ok: false, reason: 'character', position: 18 };
  if (!ID_REGION_FIRST_DIGITS.includes(id[0] ?? '')) {
    return { ok: false, reason: 'region', position: 1 };
  }

  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  // "Today" is the calendar date in Asia/Shanghai, not in UTC.
  const todayIso = shanghaiDate(today);
  if (year < 1900 || !isRealDate(year, month, day) || birthDate > todayIso) {
    return { ok: false, reason: 'birth_date', position: 7 };
  }

  if (residentIdCheckCharacter(id) !== id[17]) {
    return { ok: false, reason: 'check_character', position: 18 };
  }
  const sex = Number(id[16]) % 2 === 1 ? 'male' : 'female';
  return { ok: true, value: { id, birthDate, sex } };
}

/**
 * Chinese message for each way a resident ID number can be invalid. Every form that takes an ID
 * number (registration, team members, the citizen's profile, the offline entries workbook)
 * shows these, so one mistake reads the same everywhere.
 */
export const RESIDENT_ID_PROBLEM_MESSAGES: Record<IdentifierProblem, string> = {
  empty: '请填写身份证号码',
  length: '身份证号码应为 18 位',
  character: '身份证号码只能包含数字，最后一位可以是 X',
  prefix: '身份证号码无效',
  region: '身份证号码的地区码不正确',
  birth_date: '身份证号码中的出生日期不正确',
  check_character: '身份证号码校验位不正确，请核对后重新填写',
};

/** Returns the Chinese message for an invalid resident ID number, or undefined when it is valid. */
export function residentIdProblem(input: string, today: Date = new Date()): string | undefined {
  const checked = checkResidentId(input, today);
  return checked.ok ? undefined : RESIDENT_ID_PROBLEM_MESSAGES[checked.reason];
}

/** Masks a resident ID number for display: 3101**********123X. */
export function maskResidentId(id: string): string {
  if (id.length !== 18) return '*'.repeat(id.length);
  return `${id.slice(0, 4)}${'*'.repeat(10)}${id.slice(14)}`;
}

// GB 32100-2015 character set: digits and upper-case letters without I, O, Z, S and V.
const CREDIT_CODE_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Computes the check character (18th) of a unified social credit code from its first 17. */
export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += CREDIT_CODE_CHARACTERS.indexOf(first17[i] ?? '') * (CREDIT_CODE_WEIGHTS[i] ?? 0);
  }
  return CREDIT_CODE_CHARACTERS[(31 - (sum % 31)) % 31] ?? '';
}

/**
 * Checks a unified social credit code (GB 32100-2015): 18 characters from its character
 * set, digits in the division code (positions 3-8) and the check character. A failure
 * names the 1-based position of the first wrong character.
 */
export function checkCreditCode(input: string): CheckResult<string> {
  const code = toHalfWidth(input).replace(/\s/g, '').toUpperCase();
  if (code === '') return { ok: false, reason: 'empty' };
  if (code.length !== 18) return { ok: false, reason: 'length' };
  for (let i = 0; i < 18; i++) {
    if (!CREDIT_CODE_CHARACTERS.includes(code[i] ?? '')) {
      return { ok: false, reason: 'character', position: i + 1 };
    }
  }
  const badRegion = code.slice(2, 8).search(/\D/);
  if (badRegion >= 0) return { ok: false, reason: 'region', position: badRegion + 3 };
  if (creditCodeCheckCharacter(code) !== code[17]) {
    return { ok: false, reason: 'check_character', position: 18 };
  }
  return { ok: true, value: code };
}
