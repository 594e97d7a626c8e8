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
