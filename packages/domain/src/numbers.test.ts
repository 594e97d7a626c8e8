import { describe, expect, it } from 'vitest';

import { isPlainDecimal } from './numbers.js';

describe('isPlainDecimal', () => {
  it.each(['0', '35', '007', '-2', '2.25', '2026'])('accepts %s', (text) => {
    expect(isPlainDecimal(text)).toBe(true);
  });

  it.each([
    '',
    '0x10',
    '0X7EA',
    '0b1',
    '0o7',
    '1e2',
    '1E2',
    '+5',
    '1,0',
    '1,000',
    ' 7',
    '7 ',
    '1 0',
    '.5',
    '5.',
    '-',
    'Infinity',
    'NaN',
    '３５',
  ])('rejects %j', (text) => {
    expect(isPlainDecimal(text)).toBe(false);
  });
});
