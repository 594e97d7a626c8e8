import { describe, expect, it } from 'vitest';

import {
  ALERT_RULE_CODES,
  ALERT_RULES,
  checkAlertParameters,
  defaultAlertParameters,
  nextAlertStatus,
} from './alerts.js';

describe('alert rules', () => {
  it.each(ALERT_RULE_CODES)('%s has valid defaults', (code) => {
    expect(ALERT_RULES[code].code).toBe(code);
    expect(checkAlertParameters(code, defaultAlertParameters(code))).toEqual([]);
  });

  it('reports every parameter problem', () => {
    expect(
      checkAlertParameters('sms_failure_rate', { windowMinutes: 4, ratePercent: 'x', extra: 1 }),
    ).toEqual([
      { key: 'extra', message: 'unknown parameter extra' },
      { key: 'windowMinutes', message: 'must be from 5 to 1440' },
      { key: 'ratePercent', message: 'must be a number' },
      { key: 'minMessages', message: 'must be a number' },
    ]);
  });

  it('accepts both ends of a range', () => {
    expect(checkAlertParameters('review_overdue', { days: 1 })).toEqual([]);
    expect(checkAlertParameters('review_overdue', { days: 365 })).toEqual([]);
    expect(checkAlertParameters('review_overdue', { days: 366 })).toHaveLength(1);
    expect(checkAlertParameters('review_overdue', { days: Number.NaN })).toHaveLength(1);
  });

  it('rejects fractions in whole-number parameters', () => {
    expect(checkAlertParameters('review_overdue', { days: 1.5 })).toEqual([
      { key: 'days', message: 'must be a whole number' },
    ]);
    expect(
      checkAlertParameters('low_check_in_rate', {
        ratePercent: 30,
        minRegistrations: 10.5,
        lookbackDays: 14,
      }),
    ).toEqual([{ key: 'minRegistrations', message: 'must be a whole number' }]);
  });

  it('allows two decimal places in the spike factor', () => {
    const spike = { windowHours: 1, baselineDays: 7, minCount: 50 };
    expect(checkAlertParameters('event_registration_spike', { ...spike, factor: 2.25 })).toEqual(
      [],
    );
    expect(checkAlertParameters('event_registration_spike', { ...spike, factor: 2.255 })).toEqual([
      { key: 'factor', message: 'must have at most 2 decimal places' },
    ]);
  });
});

describe('nextAlertStatus', () => {
  it('moves new to acknowledged or resolved, acknowledged to resolved', () => {
    expect(nextAlertStatus('new', 'acknowledge')).toBe('acknowledged');
    expect(nextAlertStatus('new', 'resolve')).toBe('resolved');
    expect(nextAlertStatus('acknowledged', 'resolve')).toBe('resolved');
  });

  it('rejects every other move', () => {
    expect(nextAlertStatus('acknowledged', 'acknowledge')).toBeUndefined();
    expect(nextAlertStatus('resolved', 'acknowledge')).toBeUndefined();
    expect(nextAlertStatus('resolved', 'resolve')).toBeUndefined();
  });
});
