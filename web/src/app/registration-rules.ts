import { checkMobile, type IdentifierProblem } from '@cityleague/domain';

// The server's rule: 2 to 30 characters after trimming and collapsing runs of spaces.
export const NAME_MIN_LENGTH = 2;
export const NAME_MAX_LENGTH = 30;

/** The safety notice a person accepts before registering. */
export const SAFETY_NOTICE = '本人自愿参赛，身体健康，已知晓赛事风险并遵守赛事规程';

// The server accepts Chinese characters, Latin letters, spaces, the middle dots of
// transliterated names and the marks of Latin names (张三, 阿卜杜·热合曼, Zhang San-Li, D'Angelo).
const NAME_CHARACTERS = /^[\p{Script=Han}A-Za-z·•.\-'\s]+$/u;
// A name needs at least one letter, so that "--" or ". ." is no name.
const NAME_LETTER = /[\p{Script=Han}A-Za-z]/u;

// Phone keyboards type typographic apostrophes (’) and full-width marks where the server
// expects ASCII ones.
const NAME_REPLACEMENTS: [RegExp, string][] = [
  [/[\u2018\u2019\uFF07]/g, "'"],
  [/[\u2010\u2011\uFF0D]/g, '-'],
  [/\uFF0E/g, '.'],
];

const PHONE_PROBLEMS: Partial<Record<IdentifierProblem, string>> = {
  empty: '请填写手机号码',
  character: '手机号码只能包含数字',
  length: '手机号码应为 11 位数字',
  prefix: '手机号码号段不正确，请检查后重新填写',
};

const NAME_LENGTH_TEXT = `姓名应为 ${NAME_MIN_LENGTH}-${NAME_MAX_LENGTH} 个字`;
const NAME_CHARACTERS_TEXT = "只能包含汉字、英文字母、空格和间隔号“·”、点“.”、连字符“-”、撇号“'”";

/** The whole name rule in Chinese, shown when the server rejects a name. */
export const NAME_RULE_TEXT = `${NAME_LENGTH_TEXT}，${NAME_CHARACTERS_TEXT}`;

/**
 * Returns the name as the form sends it: trimmed, runs of spaces collapsed, and typographic
 * marks replaced by the ASCII marks that the server accepts.
 */
export function normaliseName(input: string): string {
  let name = input.trim().replace(/\s+/g, ' ');
  for (const [pattern, replacement] of NAME_REPLACEMENTS) name = name.replace(pattern, replacement);
  return name;
}

/** Returns the Chinese error for a real name, or undefined when it is acceptable. */
export function nameProblem(input: string): string | undefined {
  const name = normaliseName(input);
  if (name === '') return '请填写姓名';
  // Array.from counts characters outside the Basic Multilingual Plane (rare surnames) once,
  // as the server's Unicode pattern does.
  const length = Array.from(name).length;
  if (length < NAME_MIN_LENGTH || length > NAME_MAX_LENGTH) return NAME_LENGTH_TEXT;
  if (!NAME_CHARACTERS.test(name)) return `姓名${NAME_CHARACTERS_TEXT}`;
  if (!NAME_LETTER.test(name)) return '姓名须包含汉字或英文字母';
  return undefined;
}

/**
 * Checks a mobile number with the same rule as the server. Returns the normalised 11 digits
 * or the Chinese error.
 */
export function checkPhone(input: string): { phone: string } | { problem: string } {
  const result = checkMobile(input);
  if (result.ok) return { phone: result.value };
  return { problem: PHONE_PROBLEMS[result.reason] ?? '手机号码格式不正确' };
}
