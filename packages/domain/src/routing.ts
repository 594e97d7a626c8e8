import type { AccountType, EventLevel, Section } from './catalogue.js';
import { acceptsChangeRequests, isEditable, type EventState } from './lifecycle.js';

/** A level and section pair that an account type may file. */
export interface FilingScope {
  level: EventLevel;
  section: Section;
}

const ORGANISER_SECTIONS: readonly Section[] = [
  'league_event',
  'brand_event',
  'series',
  'x_sport',
  'fitness_test',
  'online_event',
];

function pairs(levels: readonly EventLevel[], sections: readonly Section[]): FilingScope[] {
  return levels.flatMap((level) => sections.map((section) => ({ level, section })));
}

/**
 * Level and section pairs each account type may file. City administrators file nothing. A
 * district bureau files its district's brand events. Contractors file city and district
 * events, and the community sports association files city events. Streets file the district
 * brand events they host and community games.
 */
const FILING: Record<AccountType, readonly FilingScope[]> = {
  sports_bureau: [],
  committee: [],
  district_bureau: [{ level: 'district', section: 'brand_event' }],
  contractor: pairs(['city', 'district'], ORGANISER_SECTIONS),
  community_association: pairs(['city'], ORGANISER_SECTIONS),
  street: [
    { level: 'district', section: 'brand_event' },
    { level: 'street', section: 'community_games' },
    { level: 'community', section: 'community_games' },
  ],
  operator: [],
  security_officer: [],
};

/**
 * The filer of an event: a console account type, or `partner` for a partner platform that
 * files through the open API on behalf of its organisation.
 */
export type FilerType = AccountType | 'partner';

/**
 * Level and section pairs a partner platform may file: a contractor's pairs (city and district
 * organiser events), without a contractor's duty to name a contract. Partners never file
 * community games, which are the streets' own, nor do they pass review on submit.
 */
const PARTNER_FILING: readonly FilingScope[] = FILING.contractor;

function scopesOf(filer: FilerType): readonly FilingScope[] {
  return filer === 'partner' ? PARTNER_FILING : FILING[filer];
}

/** Returns the level and section pairs an account type or a partner may file. */
export function filingScopes(filer: FilerType): readonly FilingScope[] {
  return scopesOf(filer);
}

/** Tells whether an account type or a partner may file an event of this level and section. */
export function canFile(filer: FilerType, level: EventLevel, section: Section): boolean {
  return scopesOf(filer).some((s) => s.level === level && s.section === section);
}

export type ReviewerType = 'committee' | 'district_bureau' | 'community_association';

/** Review route of a filing: approval on submit (`auto`) or one reviewer account type. */
export type ReviewRoute =
  { kind: 'auto' } | { kind: 'reviewer'; reviewerType: ReviewerType; districtCode?: string };

/**
 * Routes a filing to its reviewer: city events to the organising committee, community
 * games to the community sports association, every other event to the bureau of the
 * event's district. A district bureau's own filings in its district pass on submit.
 */
export function routeReview(filing: {
  level: EventLevel;
  section: Section;
  districtCode: string;
  filer: { accountType: FilerType; divisionCode: string };
}): ReviewRoute {
  if (filing.level === 'city') return { kind: 'reviewer', reviewerType: 'committee' };
  if (filing.section === 'community_games') {
    return { kind: 'reviewer', reviewerType: 'community_association' };
  }
  if (
    filing.filer.accountType === 'district_bureau' &&
    filing.filer.divisionCode === filing.districtCode
  ) {
    return { kind: 'auto' };
  }
  return { kind: 'reviewer', reviewerType: 'district_bureau', districtCode: filing.districtCode };
}

/** Tells whether an account is the reviewer a route names. */
export function isReviewer(
  account: { accountType: AccountType; divisionCode: string },
  route: ReviewRoute,
): boolean {
  if (route.kind === 'auto') return false;
  if (account.accountType !== route.reviewerType) return false;
  return route.districtCode === undefined || route.districtCode === account.divisionCode;
}

export const MENU_KEYS = [
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
] as const;
export type MenuKey = (typeof MENU_KEYS)[number];

const REVIEWER_TYPES: readonly AccountType[] = [
  'committee',
  'district_bureau',
  'community_association',
];

/** Business account types that read the anomaly alerts of their division. */
export const ALERT_READER_TYPES: readonly AccountType[] = [
  'sports_bureau',
  'committee',
  'district_bureau',
];

/** Returns the console menus shown to an account type. */
export function menusFor(accountType: AccountType): MenuKey[] {
  if (accountType === 'operator') {
    return ['accounts', 'contracts', 'partners', 'pre_reviews', 'outbox', 'alerts', 'alert_rules'];
  }
  if (accountType === 'security_officer') return ['audit'];
  const menus: MenuKey[] = ['dashboard'];
  const files = FILING[accountType].length > 0;
  if (files || accountType === 'sports_bureau' || accountType === 'committee') menus.push('events');
  if (files) menus.push('filing');
  if (REVIEWER_TYPES.includes(accountType)) menus.push('reviews');
  if (files) menus.push('check_in');
  // The city's regulators watch every partner platform; the operator does so from its registry.
  if (accountType === 'sports_bureau' || accountType === 'committee') {
    menus.push('partner_oversight');
  }
  menus.push('reports');
  if (ALERT_READER_TYPES.includes(accountType)) menus.push('alerts');
  return menus;
}

/** Actions a console user may take on one event; the console shows a button for each. */
export const PERMITTED_EVENT_ACTIONS = [
  'edit',
  'submit',
  'publish',
  'approve',
  'return',
  'change',
  'withdraw_change',
  'review_change',
  'cancel',
  'copy',
  'registrations',
  'check_in',
] as const;
export type PermittedEventAction = (typeof PERMITTED_EVENT_ACTIONS)[number];

/**
 * Lists what a console user may do with an event it can see. The owning organisation edits
 * and submits drafts and returned filings, publishes approved events, requests changes to approved
 * ones (or withdraws its pending change), cancels any event not yet cancelled, copies any of
 * its events into a new draft, reads the entries of a published or cancelled event and checks
 * entrants in while the event is published. The reviewer that the stored route names approves or returns
 * a submitted filing and decides a pending change. Everyone else only reads.
 */
export function permittedEventActions(
  viewer: { accountType: AccountType; divisionCode: string; organisationId: string },
  event: {
    organisationId: string;
    state: EventState;
    route: ReviewRoute | null;
    registeredCount: number;
    hasPendingChange?: boolean;
  },
): PermittedEventAction[] {
  const actions: PermittedEventAction[] = [];
  const own = event.organisationId === viewer.organisationId;
  const pending = event.hasPendingChange === true;
  const reviewer = event.route !== null && isReviewer(viewer, event.route);
  if (own && isEditable(event.state)) actions.push('edit', 'submit');
  if (own && event.state === 'approved') actions.push('publish');
  if (event.state === 'submitted' && reviewer) actions.push('approve', 'return');
  if (own && acceptsChangeRequests(event.state))
    actions.push(pending ? 'withdraw_change' : 'change');
  if (pending && reviewer && acceptsChangeRequests(event.state)) actions.push('review_change');
  if (own && event.state !== 'cancelled') actions.push('cancel');
  if (own) actions.push('copy');
  if (own && (event.state === 'published' || event.state === 'cancelled')) {
    actions.push('registrations');
  }
  if (own && event.state === 'published') actions.push('check_in');
  return actions;
}
