import { isPlainDecimal, toHalfWidth } from '@cityleague/domain';
import type { FormRule } from 'antd';

/**
 * Normalises the text of a number input: full-width digits, signs and points become ASCII, so
 * `１２３` is 123, and spaces around the number are removed. Everything else stays, so that the
 * rules report separators (1,000), hexadecimal (0x10) and exponents (1e2).
 */
export function normaliseNumberText(text: string | undefined): string {
  return toHalfWidth(text ?? '')
    .replace(/。/g, '.')
    .trim();
}

/**
 * Reads the text of a number input: the number when the normalised text is plain decimal
 * digits, such as 35 or 2.5, else NaN. Number() alone would read 0x10 as 16 and 1e2 as 100.
 */
export function readNumberText(text: string | undefined): number {
  const normalised = normaliseNumberText(text);
  return isPlainDecimal(normalised) ? Number(normalised) : Number.NaN;
}

/**
 * Parses the text of an InputNumber: the normalised text when it is plain decimal digits or
 * empty, else 'NaN', because InputNumber itself reads 1e2 as 100. On 'NaN' InputNumber keeps
 * its last valid value and shows that value again on blur.
 */
export function parseNumberText(text: string | undefined): string {
  const normalised = normaliseNumberText(text);
  return normalised === '' || isPlainDecimal(normalised) ? normalised : 'NaN';
}

/** Options of a number rule: the label named in messages, the range and the unit. */
export interface NumberRuleOptions {
  label: string;
  min: number;
  max: number;
  /** Decimal places allowed; 0 for whole numbers. */
  decimals?: number;
  /** Unit after the maximum in messages, such as 人 or 小时. */
  unit?: string;
  required?: boolean;
}

/**
 * Returns the message for a number outside its range or with too many decimal places, or for a
 * text that is not plain decimal digits, or null when the number is valid. An empty value is
 * valid unless `required` is set.
 */
export function numberProblem(value: unknown, options: NumberRuleOptions): string | null {
  const { label, min, max, decimals = 0, unit = '', required = false } = options;
  if (value === null || value === undefined || value === '') {
    return required ? `请填写${label}` : null;
  }
  const number = typeof value === 'number' ? value : readNumberText(String(value));
  const scaled = number * 10 ** decimals;
  const valid =
    Number.isFinite(number) &&
    number >= min &&
    number <= max &&
    Math.abs(scaled - Math.round(scaled)) < 1e-6;
  if (valid) return null;
  const kind = decimals === 0 ? '整数' : `数（最多 ${decimals} 位小数）`;
  return `${label}须为 ${min} 至 ${max} ${unit}之间的${kind}`;
}

/**
 * Returns a form rule that reports a number outside its range or with too many decimal places,
 * in place of the clamping and rounding that InputNumber does with min, max and precision.
 */
export function numberRule(options: NumberRuleOptions): FormRule {
  return {
    validator: (_, value: unknown) => {
      const problem = numberProblem(value, options);
      return problem === null ? Promise.resolve() : Promise.reject(new Error(problem));
    },
  };
}
