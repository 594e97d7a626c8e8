import {
  ageOn,
  checkMobile,
  checkPersonName,
  checkResidentId,
  GUARDIAN_CONSENT_AGE,
  needsGuardianConsent,
  shanghaiDate,
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

/** Returns a person's age on the event's start date from a valid ID number, else undefined. */
export function ageFromIdNumber(idNumber: unknown, startsAt: string | null): number | undefined {
  if (typeof idNumber !== 'string' || !startsAt) return undefined;
  const checked = checkResidentId(idNumber.trim());
  if (!checked.ok) return undefined;
  return ageOn(checked.value.birthDate, shanghaiDate(new Date(startsAt)));
}

/**
 * Tells whether a person with this ID number is under 14 on the event's start date and so needs
 * a guardian's consent, by the server's rule. Without a valid ID number the age is unknown and
 * no guardian is needed.
 */
export function guardianNeededFor(idNumber: unknown, startsAt: string | null): boolean {
  return needsGuardianConsent(ageFromIdNumber(idNumber, startsAt));
}

/** The error of a guardian's consent box left unticked. */
export const GUARDIAN_CONSENT_MISSING = '须由监护人勾选同意';

/** Chinese messages for the server's field errors of `guardian.<field>`, by field. */
export const GUARDIAN_MESSAGES: Record<string, string> = {
  name: '请填写监护人真实姓名',
  phone: '请填写监护人的11位手机号码',
  consent: GUARDIAN_CONSENT_MISSING,
};

/** Returns the Chinese error for a guardian's real name, or undefined when it is acceptable. */
export function guardianNameProblem(input: string): string | undefined {
  return nameProblem(input)?.replace('姓名', '监护人姓名');
}

/** Returns the hint above the guardian fields; `person` names the entrant, as 报名人. */
export function guardianHint(person: string, consentAge: number = GUARDIAN_CONSENT_AGE): string {
  return `${person}在比赛当天未满 ${consentAge} 周岁，须由监护人填写并同意`;
}
