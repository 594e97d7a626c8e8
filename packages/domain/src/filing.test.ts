import { describe, expect, it } from 'vitest';

import {
  FILING_FIELD_LABELS,
  changeNeedsReview,
  filingFormOf,
  missingFilingFields,
  requiredFilingFields,
  type FilingField,
} from './filing.js';

describe('filingFormOf', () => {
  it.each([
    ['city', 'league_event', 'full'],
    ['district', 'brand_event', 'full'],
    ['district', 'x_sport', 'full'],
    ['street', 'community_games', 'short'],
    ['community', 'community_games', 'short'],
  ] as const)('%s %s uses the %s form', (level, section, form) => {
    expect(filingFormOf({ level, section })).toBe(form);
  });
});

describe('missingFilingFields', () => {
  it('lists every required field of an empty full filing, in the form order', () => {
    expect(missingFilingFields('full', {})).toEqual(requiredFilingFields('full'));
    expect(requiredFilingFields('full')).toHaveLength(20);
  });

  it('keeps the short form short', () => {
    expect(missingFilingFields('short', {})).toEqual([
      'name',
      'sport',
      'divisionCode',
      'venue',
      'startsAt',
      'endsAt',
      'capacity',
      'registrationOpensAt',
      'registrationClosesAt',
      'host',
      'rules',
    ]);
  });

  it('counts blank text and empty lists as missing, and zero as present', () => {
    const values: Partial<Record<FilingField, unknown>> = Object.fromEntries(
      requiredFilingFields('full').map((field) => [field, 'x']),
    );
    values.host = '   ';
    values.feeCents = 0;
    values.expectedParticipants = null;
    expect(missingFilingFields('full', values)).toEqual(['host', 'expectedParticipants']);
  });

  it('labels every field in Chinese', () => {
    for (const field of requiredFilingFields('full')) {
      expect(FILING_FIELD_LABELS[field]).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('changeNeedsReview', () => {
  const noCapacity = { before: 100, after: 100 };
  it.each([
    [['startsAt'], noCapacity, true],
    [['venue'], noCapacity, true],
    [['divisionCode'], noCapacity, true],
    [['rules'], noCapacity, true],
    [['safetyPlan'], noCapacity, true],
    [['name'], noCapacity, false],
    [['contactPhone', 'description'], noCapacity, false],
    [['registrationClosesAt'], noCapacity, false],
    [['capacity'], { before: 100, after: 120 }, false],
    [['capacity'], { before: 100, after: 99 }, true],
    [['name', 'capacity'], { before: 100, after: 80 }, true],
  ] as const)('%o with capacity %o needs review: %s', (changed, capacity, expected) => {
    expect(changeNeedsReview(changed, capacity)).toBe(expected);
  });
});
