import {
  checkMobile,
  checkPersonName,
  PERSON_NAME_MAX_LENGTH,
  PERSON_NAME_MIN_LENGTH,
  type IdentifierProblem,
} from '@cityleague/domain';

export const NAME_MIN_LENGTH = PERSON_NAME_MIN_LENGTH;
export const NAME_MAX_LENGTH = PERSON_NAME_MAX_LENGTH;

/** The safety notice a person accepts before registering. */
export const SAFETY_NOTICE = '本人自愿参赛，身体健康，已知晓赛事风险并遵守赛事规程';

const PHONE_PROBLEMS: Partial<Record<IdentifierProblem, string>> = {
  empty: '请填写手机号码',
  character: '手机号码只能包含数字',
  length: '手机号码应为 11 位数字',
  prefix: '手机号码号段不正确，请检查后重新填写',
};

const NAME_LENGTH_TEXT = `姓名应为 ${NAME_MIN_LENGTH}-${NAME_MAX_LENGTH} 个字`;
const NAME_CHARACTERS_TEXT = "只能包含汉字、字母、空格和间隔号“·”、点“.”、连字符“-”、撇号“'”";

/** The whole name rule in Chinese, shown when the server rejects a name. */
export const NAME_RULE_TEXT = `${NAME_LENGTH_TEXT}，${NAME_CHARACTERS_TEXT}`;

/** Returns the name as the form sends it, normalised as the server does. */
export function normaliseName(input: string): string {
  const checked = checkPersonName(input);
  return checked.ok ? checked.value : input.trim();
}

/** Returns the Chinese error for a real name, or undefined when it is acceptable. */
export function nameProblem(input: string): string | undefined {
  const checked = checkPersonName(input);
  if (checked.ok) return undefined;
  switch (checked.reason) {
    case 'empty':
      return '请填写姓名';
    case 'length':
      return NAME_LENGTH_TEXT;
    case 'character':
      return `姓名${NAME_CHARACTERS_TEXT}`;
    case 'no_letter':
      return '姓名须包含汉字或字母';
  }
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
