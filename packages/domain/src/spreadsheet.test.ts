import { describe, expect, it } from 'vitest';

import { csvField, neutraliseCell, toCsv } from './spreadsheet.js';

describe('neutraliseCell', () => {
  it.each([
    ['=HYPERLINK("http://example.invalid")', `'=HYPERLINK("http://example.invalid")`],
    ['+8613800138000', "'+8613800138000"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['测试用户', '测试用户'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j becomes %j', (value, expected) => {
    expect(neutraliseCell(value)).toBe(expected);
  });
});

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=1,2', `"'=1,2"`],
  ])('%j becomes %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('toCsv', () => {
  it('starts with a byte order mark and ends rows with CRLF', () => {
    expect(
      toCsv([
        ['姓名', '电话'],
        ['测试用户', '138****8000'],
      ]),
    ).toBe('\uFEFF姓名,电话\r\n测试用户,138****8000\r\n');
  });
});
