import { describe, expect, it } from 'vitest';

import { checkInRate, parseReportPeriod, reportPeriodDates } from './reports.js';

describe('parseReportPeriod', () => {
  it('reads a month, a quarter and a year', () => {
    expect(parseReportPeriod('monthly', '2026-03')).toEqual({
      kind: 'monthly',
      year: 2026,
      startMonth: 3,
      endMonth: 3,
      key: '2026-03',
      label: '2026年3月',
    });
    expect(parseReportPeriod('quarterly', '2026-Q4')).toMatchObject({
      startMonth: 10,
      endMonth: 12,
      label: '2026年第4季度',
    });
    expect(parseReportPeriod('annual', '2026')).toMatchObject({
      startMonth: 1,
      endMonth: 12,
      label: '2026年度',
    });
  });

  it.each([
    ['monthly', '2026-00'],
    ['monthly', '2026-13'],
    ['monthly', '2026-3'],
    ['monthly', '2026'],
    ['quarterly', '2026-Q0'],
    ['quarterly', '2026-Q5'],
    ['quarterly', '2026-03'],
    ['annual', '1999'],
    ['annual', '2101'],
    ['annual', '26'],
  ] as const)('rejects %s %s', (kind, text) => {
    expect(parseReportPeriod(kind, text)).toBeUndefined();
  });
});

describe('reportPeriodDates', () => {
  it('ends a period on the first day after it', () => {
    expect(reportPeriodDates(parseReportPeriod('monthly', '2026-02')!)).toEqual({
      from: '2026-02-01',
      until: '2026-03-01',
    });
    expect(reportPeriodDates(parseReportPeriod('quarterly', '2026-Q4')!)).toEqual({
      from: '2026-10-01',
      until: '2027-01-01',
    });
    expect(reportPeriodDates(parseReportPeriod('annual', '2026')!)).toEqual({
      from: '2026-01-01',
      until: '2027-01-01',
    });
  });
});

describe('checkInRate', () => {
  it('rounds to one decimal and is 0 without registrations', () => {
    expect(checkInRate(4, 7)).toBe(57.1);
    expect(checkInRate(1, 3)).toBe(33.3);
    expect(checkInRate(3, 3)).toBe(100);
    expect(checkInRate(0, 0)).toBe(0);
  });
});
