import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_TYPES,
  SPORTS,
  SPORT_SEARCH_ALIASES,
  SPORT_CATEGORIES,
  SPORT_CATEGORY_LABELS,
  requiresTotp,
  sportName,
} from './catalogue.js';

describe('requiresTotp', () => {
  it('requires TOTP of city administrators and platform roles', () => {
    const required = ACCOUNT_TYPES.filter((type) => requiresTotp(type));
    expect(required).toEqual(['sports_bureau', 'committee', 'operator', 'security_officer']);
  });

  it.each(['district_bureau', 'contractor', 'community_association', 'street'] as const)(
    'leaves TOTP optional for %s',
    (type) => {
      expect(requiresTotp(type)).toBe(false);
    },
  );
});

describe('sports catalogue', () => {
  it('describes every sport completely', () => {
    const codes = new Set(SPORTS.map((sport) => sport.code));
    expect(codes.size).toBe(SPORTS.length);
    for (const sport of SPORTS) {
      expect(sport.code).toMatch(/^[a-z0-9_]+$/);
      expect(sport.name).toMatch(/^[\u4e00-\u9fff]+$/);
      expect(SPORT_CATEGORIES).toContain(sport.category);
      expect(sport.initials).toMatch(/^[a-z]+$/);
    }
  });

  it('fills every category', () => {
    for (const category of SPORT_CATEGORIES) {
      expect(
        SPORTS.some((sport) => sport.category === category),
        category,
      ).toBe(true);
      expect(SPORT_CATEGORY_LABELS[category]).toMatch(/[\u4e00-\u9fff]/);
    }
    const xSports = SPORTS.filter((sport) => sport.category === 'x_sports').map((s) => s.code);
    expect(xSports).toEqual(expect.arrayContaining(['skateboarding', 'climbing', 'frisbee']));
  });

  it('keeps the codes that existing events and contracts refer to', () => {
    expect(sportName('basketball_3x3')).toBe('三人篮球');
    expect(sportName('tug_of_war')).toBe('拔河');
    expect(sportName('curling')).toBeUndefined();
  });

  it('gives search aliases that differ from the names', () => {
    for (const [code, aliases] of Object.entries(SPORT_SEARCH_ALIASES)) {
      expect(sportName(code), code).toBeDefined();
      expect(aliases?.length, code).toBeGreaterThan(0);
      for (const alias of aliases ?? []) {
        expect(alias, code).toBe(alias.toLowerCase().trim());
        expect(sportName(code)?.includes(alias), `${code} ${alias}`).toBe(false);
      }
    }
    expect(SPORT_SEARCH_ALIASES.running).toContain('跑步');
  });
});
