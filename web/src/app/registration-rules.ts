import { checkMobile, type IdentifierProblem } from '@cityleague/domain';

export const NAME_MIN_LENGTH = 2;
export const NAME_MAX_LENGTH = 20;

/** The safety notice a person accepts before registering. */
export const SAFETY_NOTICE = '本人自愿参赛，身体健康，已知晓赛事风险并遵守赛事规程';

// The server accepts Chinese characters, Latin letters, spaces and the middle dot of
// transliterated names (张三, 阿卜杜·热合曼, Li Lei).
const NAME_CHARACTERS = /^[\p{Script=Han}A-Za-z·•.\s]+$/u;

const PHONE_PROBLEMS: Partial<Record<IdentifierProblem, string>> = {
  empty: '请填写手机号码',
  character: '手机号码只能包含数字',
  length: '手机号码应为 11 位数字',
  prefix: '手机号码号段不正确，请检查后重新填写',
};

/** Returns the Chinese error for a real name, or undefined when it is acceptable. */
export function nameProblem(input: string): string | undefined {
  const name = input.trim();
  if (name === '') return '请填写姓名';
  // Array.from counts characters outside the Basic Multilingual Plane (rare surnames) once.
  const length = Array.from(name).length;
  if (length < NAME_MIN_LENGTH || length > NAME_MAX_LENGTH) {
    return `姓名应为 ${NAME_MIN_LENGTH}-${NAME_MAX_LENGTH} 个字`;
  }
  if (!NAME_CHARACTERS.test(name)) return '姓名只能包含汉字、英文字母和间隔号“·”';
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
