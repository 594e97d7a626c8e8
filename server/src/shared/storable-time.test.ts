import { describe, expect, it } from 'vitest';

import { isStorableDateTime, isStorableDay, isStorableTime } from './storable-time.js';

describe('isStorableDay', () => {
  it.each(['2026-12-06', '2028-02-29', '0001-01-01', '9999-12-31'])('accepts %s', (day) => {
    expect(isStorableDay(day)).toBe(true);
  });

  it.each(['0000-01-01', '2026-02-30', '2027-02-29', '2026-13-01', '2026-1-1', '12026-01-01', ''])(
    'rejects %j',
    (day) => {
      expect(isStorableDay(day)).toBe(false);
    },
  );
});

describe('isStorableDateTime', () => {
  it.each([
    '2026-12-06T10:00:00Z',
    '2026-12-06T10:00:00.123456Z',
    '2026-12-06t10:00:00z',
    '2026-12-06 10:00:00+08:00',
    '2026-12-06T10:00:00-14:00',
    '0001-01-01T00:00:00Z',
    '0001-01-01T00:30:00-01:00',
    '9999-12-31T23:59:59.999Z',
    '9999-12-31T10:00:00+08:00',
  ])('accepts %s', (text) => {
    expect(isStorableDateTime(text)).toBe(true);
  });

  it.each([
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00+01:00',
    '9999-12-31T23:59:59-14:00',
    '2026-02-30T10:00:00Z',
    '2026-12-06T24:00:00Z',
    '2026-12-06T10:60:00Z',
    '2026-12-06T10:00:60Z',
    '2026-12-06T10:00:00+16:00',
    '2026-12-06T10:00:00+08:60',
    '2026-12-06T10:00:00',
    '2026-12-06',
    '12026-01-01T00:00:00Z',
    'nonsense',
  ])('rejects %j', (text) => {
    expect(isStorableDateTime(text)).toBe(false);
  });
});

describe('isStorableTime', () => {
  it('bounds the years 0001 to 9999', () => {
    expect(isStorableTime(Date.parse('0001-01-01T00:00:00Z'))).toBe(true);
    expect(isStorableTime(Date.parse('0001-01-01T00:00:00Z') - 1)).toBe(false);
    expect(isStorableTime(Date.parse('9999-12-31T23:59:59.999Z'))).toBe(true);
    expect(isStorableTime(Date.parse('9999-12-31T23:59:59.999Z') + 1)).toBe(false);
    expect(isStorableTime(Number.NaN)).toBe(false);
  });
});
