import { describe, expect, it } from 'vitest';
import { ACCOUNT_TYPES, EVENT_LEVELS, SECTIONS, type AccountType } from './catalogue.js';
import type { EventState } from './lifecycle.js';
import {
  MENU_KEYS,
  canFile,
  filingScopes,
  isReviewer,
  menusFor,
  permittedEventActions,
  routeReview,
  type MenuKey,
  type ReviewRoute,
} from './routing.js';

// "level/section" pairs each account type may file. City administrators file nothing, and only
// streets file community games.
const CITY_AND_DISTRICT_ORGANISER_SECTIONS = [
  'league_event',
  'brand_event',
  'series',
  'x_sport',
  'fitness_test',
  'online_event',
];
const EXPECTED_FILING: Record<AccountType, string[]> = {
  sports_bureau: [],
  committee: [],
  district_bureau: ['district/brand_event'],
  contractor: [
    ...CITY_AND_DISTRICT_ORGANISER_SECTIONS.map((section) => `city/${section}`),
    ...CITY_AND_DISTRICT_ORGANISER_SECTIONS.map((section) => `district/${section}`),
  ],
  community_association: CITY_AND_DISTRICT_ORGANISER_SECTIONS.map((section) => `city/${section}`),
  street: ['district/brand_event', 'street/community_games', 'community/community_games'],
  operator: [],
  security_officer: [],
};

const XUHUI = '310104';
const CHANGNING = '310105';
const XUHUI_STREET = '310104003';

describe('canFile', () => {
  const cases = ACCOUNT_TYPES.flatMap((accountType) =>
    EVENT_LEVELS.flatMap((level) =>
      SECTIONS.map((section) => ({
        accountType,
        level,
        section,
        expected: EXPECTED_FILING[accountType].includes(`${level}/${section}`),
      })),
    ),
  );

  it('covers every account type, level and section', () => {
    expect(cases).toHaveLength(8 * 4 * 7);
    expect(cases.filter((c) => c.expected)).toHaveLength(1 + 12 + 6 + 3);
  });

  it.each(cases)('$accountType files $level $section: $expected', (c) => {
    expect(canFile(c.accountType, c.level, c.section)).toBe(c.expected);
  });

  it('never lets anyone file city community games', () => {
    for (const accountType of ACCOUNT_TYPES) {
      expect(canFile(accountType, 'city', 'community_games'), accountType).toBe(false);
    }
  });
});

describe('filingScopes', () => {
  it.each(ACCOUNT_TYPES)('lists the scopes of %s', (accountType) => {
    const scopes = filingScopes(accountType).map((s) => `${s.level}/${s.section}`);
    expect([...scopes].sort()).toEqual([...EXPECTED_FILING[accountType]].sort());
  });
});

// A partner platform files what a contractor files: city and district organiser events.
const EXPECTED_PARTNER_FILING = [
  ...CITY_AND_DISTRICT_ORGANISER_SECTIONS.map((section) => `city/${section}`),
  ...CITY_AND_DISTRICT_ORGANISER_SECTIONS.map((section) => `district/${section}`),
];

describe('canFile for partners', () => {
  const cases = EVENT_LEVELS.flatMap((level) =>
    SECTIONS.map((section) => ({
      level,
      section,
      expected: EXPECTED_PARTNER_FILING.includes(`${level}/${section}`),
    })),
  );

  it('covers every level and section', () => {
    expect(cases).toHaveLength(4 * 7);
    expect(cases.filter((c) => c.expected)).toHaveLength(12);
  });

  it.each(cases)('partner files $level $section: $expected', (c) => {
    expect(canFile('partner', c.level, c.section)).toBe(c.expected);
  });

  it('lists the partner scopes', () => {
    const scopes = filingScopes('partner').map((s) => `${s.level}/${s.section}`);
    expect([...scopes].sort()).toEqual([...EXPECTED_PARTNER_FILING].sort());
  });

  it.each([
    ['city', 'league_event', { kind: 'reviewer', reviewerType: 'committee' }],
    [
      'district',
      'brand_event',
      { kind: 'reviewer', reviewerType: 'district_bureau', districtCode: XUHUI },
    ],
  ] as const)('routes a partner %s %s to its reviewer', (level, section, expected) => {
    const route = routeReview({
      level,
      section,
      districtCode: XUHUI,
      filer: { accountType: 'partner', divisionCode: XUHUI },
    });
    expect(route).toEqual(expected);
  });
});

describe('routeReview', () => {
  it.each([
    ['contractor', XUHUI],
    ['community_association', '310000'],
    ['district_bureau', XUHUI],
  ] as const)('routes a city event filed by %s to the committee', (accountType, divisionCode) => {
    const route = routeReview({
      level: 'city',
      section: 'league_event',
      districtCode: XUHUI,
      filer: { accountType, divisionCode },
    });
    expect(route).toEqual({ kind: 'reviewer', reviewerType: 'committee' });
  });

  it('routes city-level community games to the committee', () => {
    const route = routeReview({
      level: 'city',
      section: 'community_games',
      districtCode: XUHUI,
      filer: { accountType: 'street', divisionCode: XUHUI_STREET },
    });
    expect(route).toEqual({ kind: 'reviewer', reviewerType: 'committee' });
  });

  it.each(['street', 'community'] as const)(
    'routes %s community games to the association',
    (level) => {
      const route = routeReview({
        level,
        section: 'community_games',
        districtCode: XUHUI,
        filer: { accountType: 'street', divisionCode: XUHUI_STREET },
      });
      expect(route).toEqual({ kind: 'reviewer', reviewerType: 'community_association' });
    },
  );

  it('routes a street brand event to its district bureau', () => {
    const route = routeReview({
      level: 'district',
      section: 'brand_event',
      districtCode: XUHUI,
      filer: { accountType: 'street', divisionCode: XUHUI_STREET },
    });
    expect(route).toEqual({
      kind: 'reviewer',
      reviewerType: 'district_bureau',
      districtCode: XUHUI,
    });
  });

  it('passes a bureau brand event in its district', () => {
    const route = routeReview({
      level: 'district',
      section: 'brand_event',
      districtCode: XUHUI,
      filer: { accountType: 'district_bureau', divisionCode: XUHUI },
    });
    expect(route).toEqual({ kind: 'auto' });
  });

  it('routes another district bureau filing to the event district', () => {
    // canFile rejects this filing before review, but the route must still name the bureau
    // of the event's district and never pass it on submit.
    const route = routeReview({
      level: 'district',
      section: 'brand_event',
      districtCode: XUHUI,
      filer: { accountType: 'district_bureau', divisionCode: CHANGNING },
    });
    expect(route).toEqual({
      kind: 'reviewer',
      reviewerType: 'district_bureau',
      districtCode: XUHUI,
    });
  });

  it('routes a contractor district event to the district bureau', () => {
    const route = routeReview({
      level: 'district',
      section: 'league_event',
      districtCode: CHANGNING,
      filer: { accountType: 'contractor', divisionCode: XUHUI },
    });
    expect(route).toEqual({
      kind: 'reviewer',
      reviewerType: 'district_bureau',
      districtCode: CHANGNING,
    });
  });
});

describe('isReviewer', () => {
  const committeeRoute: ReviewRoute = { kind: 'reviewer', reviewerType: 'committee' };
  const associationRoute: ReviewRoute = {
    kind: 'reviewer',
    reviewerType: 'community_association',
  };
  const xuhuiBureauRoute: ReviewRoute = {
    kind: 'reviewer',
    reviewerType: 'district_bureau',
    districtCode: XUHUI,
  };
  const autoRoute: ReviewRoute = { kind: 'auto' };

  it.each([
    ['committee', '310000', committeeRoute, true],
    ['community_association', '310000', associationRoute, true],
    ['district_bureau', XUHUI, xuhuiBureauRoute, true],
    ['sports_bureau', '310000', committeeRoute, false],
    ['district_bureau', XUHUI, committeeRoute, false],
    ['contractor', XUHUI, committeeRoute, false],
    ['committee', '310000', associationRoute, false],
    ['district_bureau', XUHUI, associationRoute, false],
    ['street', XUHUI_STREET, associationRoute, false],
    ['district_bureau', CHANGNING, xuhuiBureauRoute, false],
    ['street', XUHUI, xuhuiBureauRoute, false],
    ['committee', XUHUI, xuhuiBureauRoute, false],
    ['district_bureau', XUHUI, autoRoute, false],
    ['committee', '310000', autoRoute, false],
  ] as const)('%s of %s on %o: %s', (accountType, divisionCode, route, expected) => {
    expect(isReviewer({ accountType, divisionCode }, route)).toBe(expected);
  });

  it('matches the reviewer of a routed street filing', () => {
    const route = routeReview({
      level: 'district',
      section: 'brand_event',
      districtCode: XUHUI,
      filer: { accountType: 'street', divisionCode: XUHUI_STREET },
    });
    expect(isReviewer({ accountType: 'district_bureau', divisionCode: XUHUI }, route)).toBe(true);
    expect(isReviewer({ accountType: 'district_bureau', divisionCode: CHANGNING }, route)).toBe(
      false,
    );
  });

  it('matches no reviewer of an auto-passed filing', () => {
    const route = routeReview({
      level: 'district',
      section: 'brand_event',
      districtCode: XUHUI,
      filer: { accountType: 'district_bureau', divisionCode: XUHUI },
    });
    for (const accountType of ACCOUNT_TYPES) {
      expect(isReviewer({ accountType, divisionCode: XUHUI }, route), accountType).toBe(false);
    }
  });
});

describe('menusFor', () => {
  const EXPECTED_MENUS: Record<AccountType, MenuKey[]> = {
    sports_bureau: ['dashboard', 'events', 'partner_oversight', 'reports', 'alerts'],
    committee: ['dashboard', 'events', 'reviews', 'partner_oversight', 'reports', 'alerts'],
    district_bureau: ['dashboard', 'events', 'filing', 'reviews', 'check_in', 'reports', 'alerts'],
    contractor: ['dashboard', 'events', 'filing', 'check_in', 'reports'],
    community_association: ['dashboard', 'events', 'filing', 'reviews', 'check_in', 'reports'],
    street: ['dashboard', 'events', 'filing', 'check_in', 'reports'],
    operator: [
      'accounts',
      'contracts',
      'partners',
      'pre_reviews',
      'outbox',
      'alerts',
      'alert_rules',
    ],
    security_officer: ['audit'],
  };

  it('lists the menu keys', () => {
    expect(MENU_KEYS).toEqual([
      'dashboard',
      'events',
      'filing',
      'reviews',
      'check_in',
      'accounts',
      'contracts',
      'partners',
      'pre_reviews',
      'audit',
      'partner_oversight',
      'outbox',
      'reports',
      'alerts',
      'alert_rules',
    ]);
  });

  it('keeps accounts, audit and the business menus on separate account types', () => {
    const business = new Set<MenuKey>([
      'dashboard',
      'events',
      'filing',
      'reviews',
      'check_in',
      'partner_oversight',
      'reports',
    ]);
    const platform = new Set<MenuKey>([
      'accounts',
      'contracts',
      'partners',
      'pre_reviews',
      'alert_rules',
    ]);
    for (const accountType of ACCOUNT_TYPES) {
      const menus = menusFor(accountType);
      const duties = [
        menus.some((menu) => business.has(menu)),
        menus.some((menu) => platform.has(menu)),
        menus.includes('audit'),
      ].filter(Boolean);
      expect(duties, accountType).toHaveLength(1);
    }
  });

  it.each(ACCOUNT_TYPES)('lists the menus of %s', (accountType) => {
    expect(menusFor(accountType)).toEqual(EXPECTED_MENUS[accountType]);
  });

  it('returns a fresh array on each call', () => {
    const first = menusFor('street');
    first.push('reviews');
    expect(menusFor('street')).toEqual(EXPECTED_MENUS.street);
  });
});

describe('permittedEventActions', () => {
  const owner = {
    accountType: 'contractor' as const,
    divisionCode: '3101',
    organisationId: 'org-a',
  };
  const committee = {
    accountType: 'committee' as const,
    divisionCode: '3101',
    organisationId: 'org-c',
  };
  const xuhui = {
    accountType: 'district_bureau' as const,
    divisionCode: XUHUI,
    organisationId: 'org-x',
  };
  const changning = {
    accountType: 'district_bureau' as const,
    divisionCode: CHANGNING,
    organisationId: 'org-n',
  };
  const toCommittee: ReviewRoute = { kind: 'reviewer', reviewerType: 'committee' };
  const toXuhui: ReviewRoute = {
    kind: 'reviewer',
    reviewerType: 'district_bureau',
    districtCode: XUHUI,
  };

  function event(
    state: EventState,
    route: ReviewRoute | null = toCommittee,
    registeredCount = 0,
    hasPendingChange = false,
  ) {
    return { organisationId: 'org-a', state, route, registeredCount, hasPendingChange };
  }

  it.each([
    ['draft', owner, event('draft'), ['edit', 'submit', 'cancel', 'copy']],
    ['returned', owner, event('returned'), ['edit', 'submit', 'cancel', 'copy']],
    ['submitted', owner, event('submitted'), ['cancel', 'copy']],
    ['approved', owner, event('approved'), ['publish', 'change', 'cancel', 'copy']],
    [
      'published',
      owner,
      event('published'),
      ['change', 'cancel', 'copy', 'registrations', 'check_in'],
    ],
    [
      'published with a pending change',
      owner,
      event('published', toCommittee, 2, true),
      ['withdraw_change', 'cancel', 'copy', 'registrations', 'check_in'],
    ],
    ['cancelled', owner, event('cancelled', toCommittee, 3), ['copy', 'registrations']],
    ['cancelled without entries', owner, event('cancelled'), ['copy', 'registrations']],
    ['submitted, its reviewer', committee, event('submitted'), ['approve', 'return']],
    ['approved, its reviewer', committee, event('approved'), []],
    [
      'published with a pending change, its reviewer',
      committee,
      event('published', toCommittee, 0, true),
      ['review_change'],
    ],
    ['pending change, other district', changning, event('approved', toXuhui, 0, true), []],
    ['submitted, district reviewer', xuhui, event('submitted', toXuhui), ['approve', 'return']],
    ['submitted, other district', changning, event('submitted', toXuhui), []],
    ['submitted, not routed', committee, event('submitted', null), []],
    ['published, not owner', committee, event('published', toCommittee, 5), []],
    ['published, district bureau reading', xuhui, event('published', toCommittee, 5), []],
  ] as const)('%s', (_label, viewer, subject, expected) => {
    expect(permittedEventActions(viewer, subject)).toEqual(expected);
  });
});
