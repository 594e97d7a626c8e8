/** Minimum length of a staff password, counted in Unicode code points. */
export const PASSWORD_MIN_LENGTH = 10;

/** Number of character classes (lower, upper, digit, symbol) a staff password must mix. */
export const PASSWORD_MIN_CLASSES = 3;

/** Number of an account's most recent passwords, the current one included, that it may not reuse. */
export const PASSWORD_HISTORY_SIZE = 5;

/** A rule of the staff password policy, as the field error codes of ACC_WEAK_PASSWORD name it. */
export type PasswordRule = 'too_short' | 'classes' | 'contains_username' | 'reused';

export const PASSWORD_RULES: readonly PasswordRule[] = [
  'too_short',
  'classes',
  'contains_username',
  'reused',
];

/** Chinese text for each failed rule, shown under the password field. */
export const PASSWORD_RULE_MESSAGES: Readonly<Record<PasswordRule, string>> = {
  too_short: `密码至少 ${PASSWORD_MIN_LENGTH} 位`,
  classes: `密码须包含小写字母、大写字母、数字、符号中的至少 ${PASSWORD_MIN_CLASSES} 类`,
  contains_username: '密码不能包含账号名',
  reused: `不能使用最近 ${PASSWORD_HISTORY_SIZE} 次用过的密码`,
};

/**
 * Counts the character classes in a password: ASCII lower-case letters, ASCII upper-case
 * letters, ASCII digits, and symbols, which are all other characters (spaces and Chinese
 * characters included).
 */
export function countPasswordClasses(password: string): number {
  let lower = false;
  let upper = false;
  let digit = false;
  let symbol = false;
  for (const character of password) {
    if (character >= 'a' && character <= 'z') lower = true;
    else if (character >= 'A' && character <= 'Z') upper = true;
    else if (character >= '0' && character <= '9') digit = true;
    else symbol = true;
  }
  return [lower, upper, digit, symbol].filter(Boolean).length;
}

/**
 * Checks a new staff password against the rules that need no stored data and returns the
 * failed rules in the order of PASSWORD_RULES; an empty list means the password passes.
 * `reused` is the caller's finding, because comparing with earlier passwords needs their
 * hashes, which only the server holds.
 */
export function checkPassword(
  password: string,
  context: { username: string; reused?: boolean },
): PasswordRule[] {
  const failed: PasswordRule[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) failed.push('too_short');
  if (countPasswordClasses(password) < PASSWORD_MIN_CLASSES) failed.push('classes');
  const username = context.username.trim().toLowerCase();
  if (username !== '' && password.toLowerCase().includes(username)) {
    failed.push('contains_username');
  }
  if (context.reused === true) failed.push('reused');
  return failed;
}
