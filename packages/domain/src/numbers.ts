// An optional minus sign, ASCII digits and an optional fraction after one point. Hexadecimal
// (0x10), binary, octal, exponents (1e2), a leading plus sign, separators (1,000), spaces and
// a bare point (.5, 5.) do not match.
const PLAIN_DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/**
 * Tells whether a text is a number in plain decimal digits, such as 35, -2 or 2.25. JavaScript's
 * Number() and Ajv's type coercion also read 0x10 as 16, 1e2 as 100 and ' 7 ' as 7, which a
 * person typing a number does not mean. Full-width digits do not match: callers normalise them
 * first (toHalfWidth).
 */
export function isPlainDecimal(text: string): boolean {
  return PLAIN_DECIMAL.test(text);
}
