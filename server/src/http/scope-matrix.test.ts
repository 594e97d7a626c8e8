import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createAccount,
  createTestContext,
  fileEvent,
  postOk,
  signIn,
  type TestContext,
  whileCheckInOpen,
} from '../test/harness.js';
import { minimalPng, multipart } from '../documents/document-test-support.js';
import { entryTemplate } from '../registrations/entry-workbook.js';

/** The import template with its example row, for dry runs of an offline entries import. */
const IMPORT_WORKBOOK = (await entryTemplate()).toString('base64');

/*
 * Data-scope matrix: every console route that takes an event or a division is called by every
 * account type on events in every state, owned by organisations in two districts, and the
 * outcome is compared with the tables below. Rejected requests must write nothing.
 */

// ---------------------------------------------------------------------------------------------
// Route classification. Every route under /api/ must appear here, so a new route fails the
// coverage test until someone decides which scope it has and adds it to the matrix.
// ---------------------------------------------------------------------------------------------

/**
 * `public`: no session needed. `any-session`: every signed-in account, about itself.
 * `own-session`: the league's business accounts, on their own lists and filings.
 * `scoped-by-event` and `scoped-by-division`: business accounts, within their data scope.
 * `operator` and `security-officer`: that platform role alone.
 * `partner-signed`: partner platforms by signed request, never a session.
 * `oversight`: the operator and the city's sports bureau and committee, the regulator's view.
 * `citizen-session`: a citizen signed in with an SMS code (the `csid` cookie); no console
 * account has one, so every console caller gets 401 CIT_SESSION_REQUIRED.
 */
type RouteClass =
  | 'public'
  | 'citizen-session'
  | 'any-session'
  | 'own-session'
  | 'scoped-by-event'
  | 'scoped-by-division'
  | 'operator'
  | 'security-officer'
  | 'partner-signed'
  | 'oversight';

const ROUTE_CLASSES: Record<string, RouteClass> = {
  'GET /api/sports': 'public',
  'GET /api/divisions': 'public',
  'GET /api/divisions/:code': 'public',
  'GET /api/events': 'public',
  'GET /api/events/:id': 'public',
  'GET /api/events/:id/poster.png': 'public',
  'GET /api/events/calendar': 'public',
  'POST /api/events/:id/registrations': 'public',
  'GET /api/events/:id/groups': 'public',
  'GET /api/events/:id/registration-form': 'public',
  'POST /api/events/:id/registration-attachments': 'public',
  'GET /api/tickets/:code': 'public',
  'GET /api/tickets/:code/qr.svg': 'public',
  'GET /api/events/:id/results': 'public',
  'GET /api/certificates/:code': 'public',
  // The signed link authorises on-site registration, as the ticket code authorises its page.
  'GET /api/events/:id/on-site': 'public',
  'POST /api/events/:id/on-site-registrations': 'public',
  'POST /api/session': 'public',
  'DELETE /api/session': 'public',
  // The portal routes need no session: the log-in cookie, then the registration cookie that
  // the callback sets, authorise the steps of a self-registration (portal/portal.routes.ts).
  'GET /api/portal': 'public',
  'GET /api/portal/start': 'public',
  'GET /api/portal/callback': 'public',
  'GET /api/portal/registration': 'public',
  'POST /api/portal/registration': 'public',
  'POST /api/portal/registration/street-link': 'public',
  'GET /api/registration-requests': 'operator',
  'POST /api/registration-requests/:id/approve': 'operator',
  'POST /api/registration-requests/:id/reject': 'operator',
  'GET /api/me': 'any-session',
  'POST /api/me/password': 'any-session',
  'POST /api/session/totp': 'any-session',
  'POST /api/me/totp/enrolment': 'any-session',
  'POST /api/me/totp': 'any-session',
  'DELETE /api/me/totp': 'any-session',
  // The alert phone is the signed-in user's own; alerts/alert-notifications.test.ts covers it.
  'GET /api/me/phone': 'any-session',
  'PUT /api/me/phone': 'any-session',
  'GET /api/console/events': 'own-session',
  'POST /api/console/events': 'own-session',
  'GET /api/reviews': 'own-session',
  'GET /api/console/events/:id': 'scoped-by-event',
  'GET /api/console/events/:id/share-qr.svg': 'scoped-by-event',
  'PATCH /api/console/events/:id': 'scoped-by-event',
  'POST /api/console/events/:id/submit': 'scoped-by-event',
  'POST /api/console/events/:id/publish': 'scoped-by-event',
  'GET /api/console/events/:id/registrations': 'scoped-by-event',
  'POST /api/console/events/:id/registrations': 'scoped-by-event',
  'POST /api/console/events/:id/registrations/:registrationId/reveal': 'scoped-by-event',
  'GET /api/console/events/:id/registrations/:registrationId': 'scoped-by-event',
  'GET /api/console/events/:id/registrations/:registrationId/files/:fileId': 'scoped-by-event',
  'POST /api/console/events/:id/registrations/:registrationId/cancel': 'scoped-by-event',
  'GET /api/console/events/:id/registrations/export': 'scoped-by-event',
  'POST /api/console/events/:id/registration-imports': 'scoped-by-event',
  'GET /api/console/registration-imports/template': 'own-session',
  'GET /api/console/events/:id/teams': 'scoped-by-event',
  'POST /api/console/events/:id/teams/:teamId/cancel': 'scoped-by-event',
  'GET /api/console/events/:id/groups': 'scoped-by-event',
  'PUT /api/console/events/:id/cancel-deadline': 'scoped-by-event',
  'POST /api/console/events/:id/groups': 'scoped-by-event',
  'PATCH /api/console/events/:id/groups/:groupId': 'scoped-by-event',
  'DELETE /api/console/events/:id/groups/:groupId': 'scoped-by-event',
  'GET /api/console/events/:id/registration-form': 'scoped-by-event',
  'PUT /api/console/events/:id/registration-form': 'scoped-by-event',
  'POST /api/console/events/:id/registration-form/apply-template': 'scoped-by-event',
  'GET /api/console/form-templates': 'own-session',
  'POST /api/console/form-templates': 'own-session',
  'DELETE /api/console/form-templates/:templateId': 'own-session',
  'POST /api/console/events/:id/check-ins': 'scoped-by-event',
  'GET /api/console/events/:id/results': 'scoped-by-event',
  'PUT /api/console/events/:id/results/:registrationId': 'scoped-by-event',
  'DELETE /api/console/events/:id/results/:registrationId': 'scoped-by-event',
  'POST /api/console/events/:id/results/publish': 'scoped-by-event',
  'GET /api/console/events/:id/results/template.xlsx': 'scoped-by-event',
  'POST /api/console/events/:id/result-imports': 'scoped-by-event',
  'GET /api/console/events/:id/result-imports/:importId': 'scoped-by-event',
  'POST /api/console/events/:id/result-imports/:importId/commit': 'scoped-by-event',
  'GET /api/console/events/:id/certificate-design': 'scoped-by-event',
  'PUT /api/console/events/:id/certificate-design': 'scoped-by-event',
  'GET /api/console/events/:id/certificate-preview.png': 'scoped-by-event',
  'POST /api/console/events/:id/check-ins/batch': 'scoped-by-event',
  'GET /api/console/events/:id/check-in-list': 'scoped-by-event',
  'GET /api/console/events/:id/check-in-stats': 'scoped-by-event',
  'GET /api/console/events/:id/on-site-link': 'scoped-by-event',
  'GET /api/console/events/:id/documents': 'scoped-by-event',
  'POST /api/console/events/:id/documents': 'scoped-by-event',
  'GET /api/console/events/:id/documents/:documentId': 'scoped-by-event',
  'DELETE /api/console/events/:id/documents/:documentId': 'scoped-by-event',
  'GET /api/console/events/:id/chat-groups': 'scoped-by-event',
  'POST /api/console/events/:id/chat-groups': 'scoped-by-event',
  'GET /api/console/events/:id/chat-groups/:chatGroupId/image': 'scoped-by-event',
  'DELETE /api/console/events/:id/chat-groups/:chatGroupId': 'scoped-by-event',
  'POST /api/reviews/:eventId/approve': 'scoped-by-event',
  'POST /api/reviews/:eventId/return': 'scoped-by-event',
  'POST /api/reviews/:eventId/steps/:step': 'scoped-by-event',
  'POST /api/reviews/:eventId/changes/:changeId/approve': 'scoped-by-event',
  'POST /api/reviews/:eventId/changes/:changeId/return': 'scoped-by-event',
  'POST /api/reviews/batch-approve': 'own-session',
  'POST /api/console/events/:id/cancel': 'scoped-by-event',
  'POST /api/console/events/:id/copy': 'scoped-by-event',
  'POST /api/console/events/:id/changes': 'scoped-by-event',
  'POST /api/console/events/:id/changes/:changeId/withdraw': 'scoped-by-event',
  'GET /api/operator/pre-reviews': 'operator',
  'GET /api/operator/outbox': 'operator',
  'POST /api/operator/outbox/:id/retry': 'operator',
  'PUT /api/operator/pre-reviews/:sport': 'operator',
  'DELETE /api/operator/pre-reviews/:sport': 'operator',
  'GET /api/dashboard': 'scoped-by-division',
  // Reports belong to the requesting organisation; the division check inside is proven in
  // reports/reports.test.ts.
  'POST /api/reports': 'own-session',
  'GET /api/reports': 'own-session',
  'GET /api/reports/:id': 'own-session',
  'GET /api/reports/:id/download': 'own-session',
  // Alerts are read by the administrators of their district; alerts/alerts.test.ts proves it.
  'GET /api/alerts': 'own-session',
  'GET /api/alerts/notifications/unread': 'own-session',
  'POST /api/alerts/notifications/read': 'own-session',
  'POST /api/alerts/:id/acknowledge': 'own-session',
  'POST /api/alerts/:id/resolve': 'own-session',
  'GET /api/operator/alerts': 'operator',
  'GET /api/operator/alerts/notifications/unread': 'operator',
  'POST /api/operator/alerts/notifications/read': 'operator',
  'POST /api/operator/alerts/:id/acknowledge': 'operator',
  'POST /api/operator/alerts/:id/resolve': 'operator',
  'POST /api/operator/alerts/evaluate': 'operator',
  'GET /api/operator/alert-rules': 'operator',
  'PUT /api/operator/alert-rules/:code': 'operator',
  'GET /api/dashboard/events': 'scoped-by-division',
  'GET /api/dashboard/export': 'scoped-by-division',
  'GET /api/operator/partners': 'operator',
  'POST /api/operator/partners': 'operator',
  'GET /api/operator/partners/:id': 'operator',
  'PATCH /api/operator/partners/:id': 'operator',
  'POST /api/operator/partners/:id/credentials': 'operator',
  'DELETE /api/operator/partners/:id/credentials/:keyId': 'operator',
  'GET /api/operator/partners/:id/webhooks': 'operator',
  'POST /api/operator/partners/:id/webhooks': 'operator',
  'PATCH /api/operator/partners/:id/webhooks/:endpointId': 'operator',
  'GET /api/operator/partners/:id/webhook-deliveries': 'operator',
  'POST /api/operator/partners/:id/webhook-deliveries/:deliveryId/redeliver': 'operator',
  'GET /api/partner/v1/events': 'partner-signed',
  'POST /api/partner/v1/events': 'partner-signed',
  'PATCH /api/partner/v1/events/:id': 'partner-signed',
  'POST /api/partner/v1/events/:id/cancel': 'partner-signed',
  'GET /api/partner/v1/registrations': 'partner-signed',
  'POST /api/partner/v1/events/:id/registrations': 'partner-signed',
  'PATCH /api/partner/v1/events/:id/registrations/:registrationId': 'partner-signed',
  'POST /api/partner/v1/events/:id/registrations/:registrationId/cancel': 'partner-signed',
  'GET /api/partner/v1/reconciliation/:day': 'partner-signed',
  'POST /api/partner/v1/reconciliation/:day': 'partner-signed',
  'GET /api/operator/partners/:id/duplicates': 'operator',
  'GET /api/operator/partners/:id/hostable-events': 'operator',
  'GET /api/operator/partners/:id/hosted-events': 'operator',
  'PUT /api/operator/partners/:id/hosted-events/:eventId': 'operator',
  'DELETE /api/operator/partners/:id/hosted-events/:eventId': 'operator',
  'POST /api/partner/v1/events/:id/publish': 'partner-signed',
  'GET /api/operator/partners/:id/reconciliation/:day': 'operator',
  'GET /api/oversight/partners': 'oversight',
  'POST /api/citizen/sms-codes': 'public',
  'POST /api/citizen/session': 'public',
  'DELETE /api/citizen/session': 'public',
  'GET /api/citizen/me': 'citizen-session',
  'PUT /api/citizen/profile': 'citizen-session',
  'PUT /api/citizen/preferences': 'citizen-session',
  'GET /api/citizen/events/:id/chat-groups': 'citizen-session',
  'GET /api/citizen/events/:id/chat-groups/:chatGroupId/image': 'citizen-session',
  'GET /api/citizen/registrations': 'citizen-session',
  'POST /api/citizen/events/:id/registrations/:registrationId/cancel': 'citizen-session',
  'POST /api/citizen/events/:id/registrations/:registrationId/accept': 'citizen-session',
  'GET /api/citizen/results': 'citizen-session',
  'GET /api/citizen/certificates/:code/:file': 'citizen-session',
  'GET /api/citizen/events/:id/one-click': 'citizen-session',
  'POST /api/citizen/events/:id/one-click-registrations': 'citizen-session',
  'POST /api/citizen/events/:id/teams': 'citizen-session',
  'GET /api/citizen/teams': 'citizen-session',
  'GET /api/citizen/events/:id/teams/:teamId': 'citizen-session',
  'PUT /api/citizen/events/:id/teams/:teamId/members': 'citizen-session',
  'POST /api/citizen/events/:id/teams/:teamId/cancel': 'citizen-session',
  'GET /api/dev/sms': 'public',
  'GET /api/audit/entries': 'security-officer',
  'GET /api/audit/export': 'security-officer',
  'GET /api/console/contracts/mine': 'own-session',
  'GET /api/console/poster-templates': 'own-session',
  'POST /api/console/posters': 'own-session',
  'GET /api/console/venues': 'own-session',
  'GET /api/console/contracts': 'operator',
  'GET /api/console/contracts/template.xlsx': 'operator',
  'POST /api/console/contracts/imports': 'operator',
  'GET /api/console/contracts/imports/:id': 'operator',
  'POST /api/console/contracts/imports/:id/commit': 'operator',
  'GET /api/operator/accounts': 'operator',
  'POST /api/operator/accounts': 'operator',
  'POST /api/operator/accounts/:id/password-reset': 'operator',
  'POST /api/operator/accounts/:id/unlock': 'operator',
  'POST /api/operator/accounts/:id/totp-reset': 'operator',
  'POST /api/operator/accounts/:id/disable': 'operator',
  'POST /api/operator/accounts/:id/enable': 'operator',
  'POST /api/operator/preset-street-accounts': 'operator',
};

/** Parses `printRoutes({ commonPrefix: false })` into `METHOD /path` keys. */
function routesFromTree(tree: string): string[] {
  const keys: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = Array.from(match[1] ?? '').length / 4;
    const path = (stack[depth - 1] ?? '') + (match[2] ?? '');
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      keys.push(`${method} ${path}`);
    }
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Accounts: the sports bureau, the committee and the association; a district bureau and a street
// in each of 徐汇 (310104) and 浦东 (310115); a city-wide contractor and one in 浦东; and a caller
// with no session.
// ---------------------------------------------------------------------------------------------

const CITY = '3101';
const XUHUI = '310104';
const PUDONG = '310115';
const XUJIAHUI = '310104014';
const LUJIAZUI = '310115005';

const ACCOUNTS = {
  bureau: { accountType: 'sports_bureau', divisionCode: CITY },
  committee: { accountType: 'committee', divisionCode: CITY },
  association: { accountType: 'community_association', divisionCode: CITY },
  xuhui: { accountType: 'district_bureau', divisionCode: XUHUI },
  pudong: { accountType: 'district_bureau', divisionCode: PUDONG },
  xujiahui: { accountType: 'street', divisionCode: XUJIAHUI },
  lujiazui: { accountType: 'street', divisionCode: LUJIAZUI },
  contractorA: { accountType: 'contractor', divisionCode: CITY },
  contractorB: { accountType: 'contractor', divisionCode: PUDONG },
} as const;

/** The platform roles, which may use none of the business routes. */
const PLATFORM_ACCOUNTS = {
  operator: { accountType: 'operator', divisionCode: CITY },
  security: { accountType: 'security_officer', divisionCode: CITY },
} as const;

type AccountKey = keyof typeof ACCOUNTS;
type PlatformKey = keyof typeof PLATFORM_ACCOUNTS;
type Caller = AccountKey | PlatformKey | 'anonymous';

const ACCOUNT_KEYS = Object.keys(ACCOUNTS) as AccountKey[];
const PLATFORM_KEYS = Object.keys(PLATFORM_ACCOUNTS) as PlatformKey[];
const CALLERS: Caller[] = [...ACCOUNT_KEYS, ...PLATFORM_KEYS, 'anonymous'];

function isPlatform(caller: Caller): caller is PlatformKey {
  return caller in PLATFORM_ACCOUNTS;
}

/** Tells whether a route class admits a caller past the role check. */
function admits(kind: RouteClass, caller: Caller): boolean {
  if (kind === 'partner-signed') return false;
  if (caller === 'anonymous') return kind === 'public';
  switch (kind) {
    case 'public':
    case 'any-session':
      return true;
    case 'citizen-session':
      // A console session, platform roles included, is not a citizen session.
      return false;
    case 'operator':
      return caller === 'operator';
    case 'security-officer':
      return caller === 'security';
    case 'oversight':
      return caller === 'operator' || caller === 'bureau' || caller === 'committee';
    default:
      return !isPlatform(caller);
  }
}

// ---------------------------------------------------------------------------------------------
// Events. `seenBy` lists the accounts besides the owner that may see the event, written out
// from the rules in event.scope.ts: the sports bureau and the committee see every filed event,
// a district bureau the filed events of its district, the association filed community games,
// and nobody sees another organisation's draft. `reviewer` is the review route stored on the
// filing (docs/architecture.md, "Review routing"); null when it passes on submit.
// ---------------------------------------------------------------------------------------------

type State = 'draft' | 'submitted' | 'returned' | 'approved' | 'published' | 'cancelled';

const CITY_XH = { level: 'city', section: 'league_event', divisionCode: XUHUI };
const CITY_PD = { level: 'city', section: 'series', divisionCode: PUDONG };
const DISTRICT_PD = { level: 'district', section: 'series', divisionCode: LUJIAZUI };
const GAMES_XJH = { level: 'street', section: 'community_games', divisionCode: XUJIAHUI };
const GAMES_LJZ = { level: 'street', section: 'community_games', divisionCode: LUJIAZUI };
const BRAND_XJH = { level: 'district', section: 'brand_event', divisionCode: XUJIAHUI };
const BRAND_XH = { level: 'district', section: 'brand_event', divisionCode: XUHUI };
const BRAND_PD = { level: 'district', section: 'brand_event', divisionCode: PUDONG };

interface EventSpec {
  owner: AccountKey;
  filing: { level: string; section: string; divisionCode: string };
  state: State;
  seenBy: AccountKey[];
  reviewer: AccountKey | null;
}

const FILED_XUHUI: AccountKey[] = ['bureau', 'committee', 'xuhui'];
const FILED_PUDONG: AccountKey[] = ['bureau', 'committee', 'pudong'];
const FILED_GAMES_XJH: AccountKey[] = ['bureau', 'committee', 'xuhui', 'association'];
const FILED_GAMES_LJZ: AccountKey[] = ['bureau', 'committee', 'pudong', 'association'];
const FILED_OWN_BRAND: AccountKey[] = ['bureau', 'committee'];

const EVENTS = {
  'a.draft': {
    owner: 'contractorA',
    filing: CITY_XH,
    state: 'draft',
    seenBy: [],
    reviewer: 'committee',
  },
  'a.submitted': {
    owner: 'contractorA',
    filing: CITY_XH,
    state: 'submitted',
    seenBy: FILED_XUHUI,
    reviewer: 'committee',
  },
  'a.returned': {
    owner: 'contractorA',
    filing: CITY_XH,
    state: 'returned',
    seenBy: FILED_XUHUI,
    reviewer: 'committee',
  },
  'a.approved': {
    owner: 'contractorA',
    filing: CITY_XH,
    state: 'approved',
    seenBy: FILED_XUHUI,
    reviewer: 'committee',
  },
  'a.published': {
    owner: 'contractorA',
    filing: CITY_XH,
    state: 'published',
    seenBy: FILED_XUHUI,
    reviewer: 'committee',
  },
  'a.cancelled': {
    owner: 'contractorA',
    filing: CITY_XH,
    state: 'cancelled',
    seenBy: FILED_XUHUI,
    reviewer: 'committee',
  },
  'b.draft': {
    owner: 'contractorB',
    filing: DISTRICT_PD,
    state: 'draft',
    seenBy: [],
    reviewer: 'pudong',
  },
  'b.submitted': {
    owner: 'contractorB',
    filing: DISTRICT_PD,
    state: 'submitted',
    seenBy: FILED_PUDONG,
    reviewer: 'pudong',
  },
  'b.published': {
    owner: 'contractorB',
    filing: DISTRICT_PD,
    state: 'published',
    seenBy: FILED_PUDONG,
    reviewer: 'pudong',
  },
  'xjh.games.draft': {
    owner: 'xujiahui',
    filing: GAMES_XJH,
    state: 'draft',
    seenBy: [],
    reviewer: 'association',
  },
  'xjh.games.submitted': {
    owner: 'xujiahui',
    filing: GAMES_XJH,
    state: 'submitted',
    seenBy: FILED_GAMES_XJH,
    reviewer: 'association',
  },
  'xjh.games.published': {
    owner: 'xujiahui',
    filing: GAMES_XJH,
    state: 'published',
    seenBy: FILED_GAMES_XJH,
    reviewer: 'association',
  },
  'xjh.brand.submitted': {
    owner: 'xujiahui',
    filing: BRAND_XJH,
    state: 'submitted',
    seenBy: FILED_XUHUI,
    reviewer: 'xuhui',
  },
  'xjh.brand.returned': {
    owner: 'xujiahui',
    filing: BRAND_XJH,
    state: 'returned',
    seenBy: FILED_XUHUI,
    reviewer: 'xuhui',
  },
  'ljz.games.draft': {
    owner: 'lujiazui',
    filing: GAMES_LJZ,
    state: 'draft',
    seenBy: [],
    reviewer: 'association',
  },
  'ljz.games.submitted': {
    owner: 'lujiazui',
    filing: GAMES_LJZ,
    state: 'submitted',
    seenBy: FILED_GAMES_LJZ,
    reviewer: 'association',
  },
  'xh.draft': { owner: 'xuhui', filing: BRAND_XH, state: 'draft', seenBy: [], reviewer: null },
  'xh.approved': {
    owner: 'xuhui',
    filing: BRAND_XH,
    state: 'approved',
    seenBy: FILED_OWN_BRAND,
    reviewer: null,
  },
  'xh.published': {
    owner: 'xuhui',
    filing: BRAND_XH,
    state: 'published',
    seenBy: FILED_OWN_BRAND,
    reviewer: null,
  },
  'pd.approved': {
    owner: 'pudong',
    filing: BRAND_PD,
    state: 'approved',
    seenBy: FILED_OWN_BRAND,
    reviewer: null,
  },
  'assoc.draft': {
    owner: 'association',
    filing: CITY_PD,
    state: 'draft',
    seenBy: [],
    reviewer: 'committee',
  },
  'assoc.submitted': {
    owner: 'association',
    filing: CITY_PD,
    state: 'submitted',
    seenBy: FILED_PUDONG,
    reviewer: 'committee',
  },
  'assoc.published': {
    owner: 'association',
    filing: CITY_PD,
    state: 'published',
    seenBy: FILED_PUDONG,
    reviewer: 'committee',
  },
} satisfies Record<string, EventSpec>;

type EventKey = keyof typeof EVENTS;
const EVENT_KEYS = Object.keys(EVENTS) as EventKey[];
const spec = (key: EventKey): EventSpec => EVENTS[key];

// ---------------------------------------------------------------------------------------------
// Expected outcomes of the scoped-by-event routes. For a caller with a session:
//
// | action        | may not see the event | sees it, not the owner    | owner                                   |
// |---------------|-----------------------|---------------------------|-----------------------------------------|
// | detail        | 404 EVT_NOT_FOUND     | 200                       | 200                                     |
// | share-qr      | as detail                                                                         |
// | patch         | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 200 draft/returned, else 409 EVT_NOT_EDITABLE |
// | submit        | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 200 draft/returned, else 409 EVT_INVALID_TRANSITION |
// | publish       | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 200 approved, else 409 EVT_INVALID_TRANSITION |
// | registrations | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 200                                     |
// | entry-add     | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 400 REG_INVALID_NAME (the body's name is empty) |
// | reveal        | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 200 with registrations (published, cancelled), else 404 REG_REGISTRATION_NOT_FOUND |
// | entry-detail  | as reveal                                                                         |
// | entry-file    | 404 EVT_NOT_FOUND     | 404 REG_FILE_NOT_FOUND    | 404 REG_FILE_NOT_FOUND (no entry has a file) |
// | check-in      | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 200 published, else 409 CHK_EVENT_NOT_PUBLISHED |
// | check-in-batch | as check-in                                                                      |
// | check-in-list, check-in-stats, on-site-link | 404 EVT_NOT_FOUND | 403 EVT_NOT_OWNED | 200        |
// | cancel        | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 200 unless cancelled, then 409 EVT_INVALID_TRANSITION |
// | copy          | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 201                                     |
// | change        | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 200 approved/published, else 409 EVT_INVALID_TRANSITION |
// | change-withdraw | 404 EVT_NOT_FOUND   | 403 EVT_NOT_OWNED         | 404 EVT_CHANGE_NOT_FOUND (no such change) |
// | approve       | 404 EVT_NOT_FOUND     | stored reviewer: 200 submitted, else 409 EVT_NOT_IN_REVIEW; anyone else 403 REV_NOT_REVIEWER |
// | return        | as approve                                                                         |
// | step          | as approve, but 409 EVT_STEP_NOT_REQUIRED where approve succeeds                    |
// | change-approve, change-return | 404 EVT_NOT_FOUND | stored reviewer: 404 EVT_CHANGE_NOT_FOUND; anyone else 403 REV_NOT_REVIEWER |
// | documents, document-download, chat-groups, chat-group-image | 404 EVT_NOT_FOUND | 200  | 200       |
// | document-upload | 404 EVT_NOT_FOUND   | 403 EVT_NOT_OWNED         | 201 draft/returned, else 409 EVT_NOT_EDITABLE |
// | document-delete | 404 EVT_NOT_FOUND   | 403 EVT_NOT_OWNED         | 204 draft/returned, else 409 EVT_NOT_EDITABLE |
// | chat-group-upload | 404 EVT_NOT_FOUND | 403 EVT_NOT_OWNED         | 201 unless cancelled, then 409 DOC_EVENT_CANCELLED |
// | chat-group-delete | 404 EVT_NOT_FOUND | 403 EVT_NOT_OWNED         | 204 unless cancelled, then 409 DOC_EVENT_CANCELLED |
// | groups        | 404 EVT_NOT_FOUND     | 200                       | 200                                     |
// | group-create  | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 201 before publication; 409 GRP_OVER_EVENT_CAPACITY published (the default group has every place); 409 GRP_EVENT_CANCELLED cancelled |
// | group-update, group-delete | 404 EVT_NOT_FOUND | 403 EVT_NOT_OWNED | 404 GRP_NOT_FOUND (no such group), 409 GRP_EVENT_CANCELLED cancelled |
// | cancel-deadline | 404 EVT_NOT_FOUND   | 403 EVT_NOT_OWNED         | 200 unless cancelled, then 409 GRP_EVENT_CANCELLED |
// | registration-cancel | 404 EVT_NOT_FOUND | 403 EVT_NOT_OWNED      | 200 published, 409 REG_ALREADY_CANCELLED cancelled, else 404 REG_REGISTRATION_NOT_FOUND |
// | export        | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 200                                     |
// | import-check  | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 200 published, else 404 EVT_NOT_FOUND   |
// | teams         | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 200                                     |
// | team-cancel   | 404 EVT_NOT_FOUND     | 403 EVT_NOT_OWNED         | 404 TEAM_NOT_FOUND (no team has the id) |
//
// A caller with no session gets 401 ACC_SESSION_REQUIRED from every one of them.
// ---------------------------------------------------------------------------------------------

const ACTIONS = [
  'detail',
  'entry-detail',
  'entry-file',
  'share-qr',
  'patch',
  'submit',
  'publish',
  'registrations',
  'entry-add',
  'reveal',
  'check-in',
  'check-in-batch',
  'check-in-list',
  'check-in-stats',
  'on-site-link',
  'approve',
  'return',
  'step',
  'cancel',
  'copy',
  'change',
  'change-withdraw',
  'change-approve',
  'change-return',
  'documents',
  'document-upload',
  'document-download',
  'document-delete',
  'chat-groups',
  'chat-group-upload',
  'chat-group-image',
  'chat-group-delete',
  'groups',
  'group-create',
  'group-update',
  'group-delete',
  'registration-cancel',
  'cancel-deadline',
  'export',
  'import-check',
  'results',
  'result-put',
  'result-delete',
  'results-publish',
  'results-template',
  'result-import',
  'result-import-get',
  'result-import-commit',
  'certificate-design',
  'certificate-design-put',
  'certificate-preview',
  'registration-form',
  'registration-form-save',
  'registration-form-apply',
  'teams',
  'team-cancel',
] as const;
type Action = (typeof ACTIONS)[number];

/** A change request id that no event has, for which the change routes return EVT_CHANGE_NOT_FOUND. */
const ABSENT_CHANGE_ID = '00000000-0000-7000-8000-00000000c4a9';

/** Actions that every account seeing the event may take, the owner's included. */
const READING: ReadonlySet<Action> = new Set([
  'detail',
  'share-qr',
  'documents',
  'document-download',
  'chat-groups',
  'chat-group-image',
  'groups',
  'registration-form',
]);

/**
 * Actions that write when they succeed, so their successes run on fresh copies of the event.
 * A reveal writes its audit entry.
 */
const WRITING: ReadonlySet<Action> = new Set([
  'step',
  'cancel',
  'copy',
  'change',
  'change-withdraw',
  'change-approve',
  'change-return',
  'patch',
  'reveal',
  'entry-add',
  'submit',
  'publish',
  'check-in',
  'check-in-batch',
  'approve',
  'return',
  'document-upload',
  'document-delete',
  'chat-group-upload',
  'chat-group-delete',
  'group-create',
  'group-update',
  'group-delete',
  'registration-cancel',
  'cancel-deadline',
  'export',
  'result-put',
  'result-delete',
  'results-publish',
  'result-import',
  'result-import-commit',
  'certificate-design-put',
  'registration-form-save',
  'registration-form-apply',
]);

interface Outcome {
  status: number;
  code?: string;
}

const OK: Outcome = { status: 200 };
const CREATED: Outcome = { status: 201 };
const CHANGE_NOT_FOUND: Outcome = { status: 404, code: 'EVT_CHANGE_NOT_FOUND' };
const INVALID_TRANSITION: Outcome = { status: 409, code: 'EVT_INVALID_TRANSITION' };
const NOT_FOUND: Outcome = { status: 404, code: 'EVT_NOT_FOUND' };
const NOT_OWNED: Outcome = { status: 403, code: 'EVT_NOT_OWNED' };
const NOT_REVIEWER: Outcome = { status: 403, code: 'REV_NOT_REVIEWER' };
const NO_SESSION: Outcome = { status: 401, code: 'ACC_SESSION_REQUIRED' };
const ROLE_FORBIDDEN: Outcome = { status: 403, code: 'ACC_ROLE_FORBIDDEN' };
const SIGNATURE_MISSING: Outcome = { status: 401, code: 'PTN_SIGNATURE_MISSING' };
const NO_CITIZEN_SESSION: Outcome = { status: 401, code: 'CIT_SESSION_REQUIRED' };
const GROUPS_OF_CANCELLED_EVENT: Outcome = { status: 409, code: 'GRP_EVENT_CANCELLED' };
const RESULTS_NOT_OPEN: Outcome = { status: 409, code: 'RES_EVENT_NOT_PUBLISHED' };
const IMPORT_NOT_FOUND: Outcome = { status: 404, code: 'RES_IMPORT_NOT_FOUND' };

/** Outcomes of the result and certificate routes for the event's owner. */
function ownerResultOutcome(action: Action, state: State): Outcome {
  const published = state === 'published';
  switch (action) {
    case 'results':
    case 'results-template':
    case 'certificate-design':
    case 'certificate-preview':
      return OK;
    case 'result-import-get':
    case 'result-import-commit':
      return IMPORT_NOT_FOUND;
    case 'result-put':
    case 'certificate-design-put':
      return published ? OK : RESULTS_NOT_OPEN;
    case 'result-delete':
      return published ? { status: 404, code: 'RES_RESULT_NOT_FOUND' } : RESULTS_NOT_OPEN;
    case 'results-publish':
      return published ? { status: 409, code: 'RES_NOTHING_TO_PUBLISH' } : RESULTS_NOT_OPEN;
    case 'result-import':
      return published ? { status: 400, code: 'RES_FILE_UNREADABLE' } : RESULTS_NOT_OPEN;
    default:
      throw new Error(`No owner rule for ${action}`);
  }
}

function ownerOutcome(action: Action, state: State): Outcome {
  const editable = state === 'draft' || state === 'returned';
  const notCancelled = state !== 'cancelled';
  switch (action) {
    case 'document-upload':
      return editable ? { status: 201 } : { status: 409, code: 'EVT_NOT_EDITABLE' };
    case 'document-delete':
      return editable ? { status: 204 } : { status: 409, code: 'EVT_NOT_EDITABLE' };
    case 'chat-group-upload':
      return notCancelled ? { status: 201 } : { status: 409, code: 'DOC_EVENT_CANCELLED' };
    case 'chat-group-delete':
      return notCancelled ? { status: 204 } : { status: 409, code: 'DOC_EVENT_CANCELLED' };
    case 'detail':
    case 'registrations':
    case 'export':
    case 'check-in-list':
    case 'check-in-stats':
    case 'on-site-link':
      return OK;
    case 'import-check':
      return state === 'published' ? OK : NOT_FOUND;
    case 'entry-add':
      // The request's name is invalid, so the owner's request is checked and nothing is written.
      return { status: 400, code: 'REG_INVALID_NAME' };
    case 'teams':
      return OK;
    case 'team-cancel':
      return { status: 404, code: 'TEAM_NOT_FOUND' };
    case 'patch':
      return editable ? OK : { status: 409, code: 'EVT_NOT_EDITABLE' };
    case 'submit':
      return editable ? OK : { status: 409, code: 'EVT_INVALID_TRANSITION' };
    case 'publish':
      return state === 'approved' ? OK : { status: 409, code: 'EVT_INVALID_TRANSITION' };
    case 'check-in':
    case 'check-in-batch':
      return state === 'published' ? OK : { status: 409, code: 'CHK_EVENT_NOT_PUBLISHED' };
    case 'reveal':
    case 'entry-detail':
      return state === 'published' || state === 'cancelled'
        ? OK
        : { status: 404, code: 'REG_REGISTRATION_NOT_FOUND' };
    case 'cancel':
      return state === 'cancelled' ? INVALID_TRANSITION : OK;
    case 'copy':
      return CREATED;
    case 'change':
      return state === 'approved' || state === 'published' ? OK : INVALID_TRANSITION;
    case 'change-withdraw':
      return CHANGE_NOT_FOUND;
    case 'group-create':
      if (state === 'cancelled') return GROUPS_OF_CANCELLED_EVENT;
      return state === 'published' ? { status: 409, code: 'GRP_OVER_EVENT_CAPACITY' } : CREATED;
    case 'group-update':
    case 'group-delete':
      return state === 'cancelled'
        ? GROUPS_OF_CANCELLED_EVENT
        : { status: 404, code: 'GRP_NOT_FOUND' };
    case 'cancel-deadline':
      return state === 'cancelled' ? GROUPS_OF_CANCELLED_EVENT : OK;
    case 'registration-form-save':
    case 'registration-form-apply':
      // The unchanged default form passes the form's lock, and the new notice is a write. A
      // cancelled event takes no change.
      return state === 'cancelled' ? { status: 409, code: 'EVT_NOT_EDITABLE' } : OK;
    case 'registration-cancel':
      if (state === 'published') return OK;
      // Cancelling the event cancelled its entries.
      if (state === 'cancelled') return { status: 409, code: 'REG_ALREADY_CANCELLED' };
      return { status: 404, code: 'REG_REGISTRATION_NOT_FOUND' };
    default:
      return ownerResultOutcome(action, state);
  }
}

function expectedOutcome(caller: Caller, key: EventKey, action: Action): Outcome {
  if (caller === 'anonymous') return NO_SESSION;
  if (isPlatform(caller)) return ROLE_FORBIDDEN;
  const event = spec(key);
  const owner = event.owner === caller;
  if (!owner && !event.seenBy.includes(caller)) return NOT_FOUND;
  if (action === 'approve' || action === 'return' || action === 'step') {
    if (event.reviewer !== caller) return NOT_REVIEWER;
    if (event.state !== 'submitted') return { status: 409, code: 'EVT_NOT_IN_REVIEW' };
    // No sport of the fixtures needs a pre-review, so the step is never required.
    return action === 'step' ? { status: 409, code: 'EVT_STEP_NOT_REQUIRED' } : OK;
  }
  if (action === 'change-approve' || action === 'change-return') {
    return event.reviewer === caller ? CHANGE_NOT_FOUND : NOT_REVIEWER;
  }
  if (action === 'entry-file') return { status: 404, code: 'REG_FILE_NOT_FOUND' };
  if (READING.has(action)) return OK;
  return owner ? ownerOutcome(action, event.state) : NOT_OWNED;
}

// Dashboard: a division is in scope when it lies within the account's own division.
const DASHBOARD_DIVISIONS = [CITY, XUHUI, PUDONG, XUJIAHUI, LUJIAZUI];
const DASHBOARD_SCOPE: Record<AccountKey, string[]> = {
  bureau: [CITY, XUHUI, PUDONG, XUJIAHUI, LUJIAZUI],
  committee: [CITY, XUHUI, PUDONG, XUJIAHUI, LUJIAZUI],
  association: [CITY, XUHUI, PUDONG, XUJIAHUI, LUJIAZUI],
  contractorA: [CITY, XUHUI, PUDONG, XUJIAHUI, LUJIAZUI],
  contractorB: [PUDONG, LUJIAZUI],
  xuhui: [XUHUI, XUJIAHUI],
  pudong: [PUDONG, LUJIAZUI],
  xujiahui: [XUJIAHUI],
  lujiazui: [LUJIAZUI],
};

// ---------------------------------------------------------------------------------------------
// Set-up
// ---------------------------------------------------------------------------------------------

let ctx: TestContext;
const cookies = {} as Record<AccountKey | PlatformKey, string>;
const ids = {} as Record<EventKey, string>;
/** Registration codes of each event that are not checked in yet. */
const openCodes = {} as Record<string, string[]>;
/** Registration ids of each event, in registration order. */
const registrationIds = {} as Record<string, string[]>;
/** A registration id that no event has: reveals on events without registrations use it. */
const ABSENT_REGISTRATION_ID = '00000000-0000-7000-8000-000000000000';
/** The document and the chat-group QR code that each event's owner uploaded while a draft. */
const documentIds = {} as Record<string, string>;
const chatGroupIds = {} as Record<string, string>;
/** Ids that no document or chat group has, for the route coverage check. */
const ABSENT_DOCUMENT_ID = '00000000-0000-7000-8000-00000000d0c0';
/** An id that no file answer has, for the entry-file route. */
const ABSENT_FILE_ID = '00000000-0000-7000-8000-00000000f11e';
const ABSENT_CHAT_GROUP_ID = '00000000-0000-7000-8000-00000000c600';
/** A group id that no event has, for which group updates and deletions return GRP_NOT_FOUND. */
const ABSENT_GROUP_ID = '00000000-0000-7000-8000-00000000a600';
/** A result import id that no event has. */
const ABSENT_IMPORT_ID = '00000000-0000-7000-8000-00000000e5c0';
/** A team id that no event has, for which team cancellations return TEAM_NOT_FOUND. */
const ABSENT_TEAM_ID = '00000000-0000-7000-8000-000000007ea0';
/** Names, phone numbers and masked phone numbers of every registrant. */
const personalData: string[] = [];
let registrantCount = 0;

function call(caller: Caller, options: InjectOptions): Promise<LightMyRequestResponse> {
  if (caller === 'anonymous') return ctx.app.inject(options);
  return ctx.app.inject({ ...options, headers: { ...options.headers, cookie: cookies[caller] } });
}

const SURNAMES = ['赵', '钱', '孙', '李', '周', '吴', '郑', '王'];
const GIVEN = ['一鸣', '二丽', '三峰', '四海', '五岳', '六合'];

async function register(eventId: string): Promise<string> {
  const index = registrantCount++;
  const name = `${SURNAMES[index % 8]}${GIVEN[Math.floor(index / 8) % 6]}${'甲乙丙丁'[index % 4]}`;
  const phone = `1380013${String(1000 + index)}`;
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload: { name, phone },
  });
  if (response.statusCode !== 201) {
    throw new Error(`Registration failed: ${response.statusCode} ${response.body}`);
  }
  const receipt = response.json<{ id: string; code: string; phoneMasked: string }>();
  personalData.push(name, phone, receipt.phoneMasked);
  (registrationIds[eventId] ??= []).push(receipt.id);
  return receipt.code;
}

/** Builds a multipart upload of a small PNG with one text field. */
function pngUpload(field: string, value: string) {
  return multipart([
    { name: field, value },
    { name: 'file', filename: 'qr.png', content: minimalPng(), contentType: 'image/png' },
  ]);
}

/** Uploads a small PNG as the owner and returns the new document's or chat group's id. */
async function uploadOk(cookie: string, url: string, field: string, value: string) {
  const form = pngUpload(field, value);
  const response = await ctx.app.inject({
    method: 'POST',
    url,
    payload: form.payload,
    headers: { ...form.headers, cookie },
  });
  if (response.statusCode !== 201) {
    throw new Error(`Upload to ${url} failed: ${response.statusCode} ${response.body}`);
  }
  return response.json<{ id: string }>().id;
}

/** Brings a new event of the owner to the state of the spec, with two registrations (one checked in) once published. */
async function createEvent(specOf: EventSpec, name: string): Promise<string> {
  const ownerCookie = cookies[specOf.owner];
  const reviewerCookie = specOf.reviewer ? cookies[specOf.reviewer] : undefined;
  const event = await fileEvent(ctx.app, ownerCookie, { ...specOf.filing, name });
  const id: string = event.id;
  documentIds[id] = await uploadOk(
    ownerCookie,
    `/api/console/events/${id}/documents`,
    'category',
    'safety_plan',
  );
  chatGroupIds[id] = await uploadOk(
    ownerCookie,
    `/api/console/events/${id}/chat-groups`,
    'label',
    '1群',
  );
  const target = specOf.state;
  if (target === 'draft') return id;

  const submitted = await postOk(ctx.app, ownerCookie, `/api/console/events/${id}/submit`);
  if (target === 'submitted') return id;
  if (target === 'returned') {
    await postOk(ctx.app, reviewerCookie!, `/api/reviews/${id}/return`, { reason: '请补充场地' });
    return id;
  }
  if (submitted.state === 'submitted') {
    await postOk(ctx.app, reviewerCookie!, `/api/reviews/${id}/approve`);
  }
  if (target === 'approved') return id;

  await postOk(ctx.app, ownerCookie, `/api/console/events/${id}/publish`);
  const first = await register(id);
  const second = await register(id);
  await whileCheckInOpen(ctx.db, id, () =>
    postOk(ctx.app, ownerCookie, `/api/console/events/${id}/check-ins`, { code: first }),
  );
  openCodes[id] = [second];
  if (target === 'cancelled') {
    await postOk(ctx.app, ownerCookie, `/api/console/events/${id}/cancel`, { reason: '场地维修' });
  }
  return id;
}

beforeAll(async () => {
  ctx = await createTestContext();
  for (const key of ACCOUNT_KEYS) {
    await createAccount(ctx.db, { username: `sm.${key}`, ...ACCOUNTS[key] });
    cookies[key] = await signIn(ctx.app, `sm.${key}`);
  }
  for (const key of PLATFORM_KEYS) {
    await createAccount(ctx.db, { username: `sm.${key}`, ...PLATFORM_ACCOUNTS[key] });
    cookies[key] = await signIn(ctx.app, `sm.${key}`);
  }
  for (const key of EVENT_KEYS) ids[key] = await createEvent(spec(key), `范围测试 ${key}`);
});

afterAll(async () => {
  await ctx?.close();
});

/**
 * Fingerprints every row that an event, citizen or contract route could write: events,
 * registrations, citizens, contracts, contract imports, audit, outbox, documents and chat
 * groups.
 */
async function fingerprint(): Promise<string> {
  const { rows } = await sql<{ print: string }>`
    select concat_ws(' ',
      (select md5(coalesce(string_agg(e::text, '|' order by e.id), '')) from events e),
      (select md5(coalesce(string_agg(r::text, '|' order by r.id), '')) from registrations r),
      (select md5(coalesce(string_agg(c::text, '|' order by c.id), '')) from citizens c),
      (select md5(coalesce(string_agg(c::text, '|' order by c.id), '')) from contracts c),
      (select count(*) from contract_imports),
      (select count(*) from audit_log),
      (select count(*) from notification_outbox),
      (select count(*) from check_in_scans),
      (select md5(coalesce(string_agg(d.id::text, '|' order by d.id), '')) from event_documents d),
      (select md5(coalesce(string_agg(g.id::text, '|' order by g.id), '')) from event_chat_groups g),
      (select md5(coalesce(string_agg(g::text, '|' order by g.id), '')) from event_groups g),
      (select md5(coalesce(string_agg(r::text, '|' order by r.id), '')) from event_results r),
      (select count(*) from result_imports),
      (select count(*) from result_publications),
      (select md5(coalesce(string_agg(d.event_id::text || d.layout || d.colour, '|'), ''))
        from certificate_designs d),
      (select count(*) from certificates),
      (select count(*) from event_safety_notices),
      (select count(*) from event_registration_forms))
      as print`.execute(ctx.db);
  return rows[0]?.print ?? '';
}

function requestFor(action: Action, eventId: string): InjectOptions {
  const base = `/api/console/events/${eventId}`;
  switch (action) {
    case 'detail':
      return { method: 'GET', url: base };
    case 'share-qr':
      return { method: 'GET', url: `${base}/share-qr.svg` };
    case 'patch':
      return { method: 'PATCH', url: base, payload: { name: '越权修改的名称' } };
    case 'submit':
      return { method: 'POST', url: `${base}/submit` };
    case 'publish':
      return { method: 'POST', url: `${base}/publish` };
    case 'registrations':
      return { method: 'GET', url: `${base}/registrations?limit=100` };
    case 'entry-add':
      return {
        method: 'POST',
        url: `${base}/registrations`,
        payload: { name: '', phone: '13800138000' },
      };
    case 'export':
      return { method: 'GET', url: `${base}/registrations/export?format=csv` };
    case 'import-check':
      return {
        method: 'POST',
        url: `${base}/registration-imports`,
        payload: { fileName: '线下报名.xlsx', content: IMPORT_WORKBOOK, dryRun: true },
      };
    case 'entry-detail': {
      const registrationId = registrationIds[eventId]?.[0] ?? ABSENT_REGISTRATION_ID;
      return { method: 'GET', url: `${base}/registrations/${registrationId}` };
    }
    case 'entry-file': {
      const registrationId = registrationIds[eventId]?.[0] ?? ABSENT_REGISTRATION_ID;
      return {
        method: 'GET',
        url: `${base}/registrations/${registrationId}/files/${ABSENT_FILE_ID}`,
      };
    }
    case 'reveal': {
      const registrationId = registrationIds[eventId]?.[0] ?? ABSENT_REGISTRATION_ID;
      return {
        method: 'POST',
        url: `${base}/registrations/${registrationId}/reveal`,
        payload: { field: 'phone' },
      };
    }
    case 'check-in':
      return {
        method: 'POST',
        url: `${base}/check-ins`,
        payload: { code: openCodes[eventId]?.[0] ?? '2345678923' },
      };
    case 'check-in-batch':
      return {
        method: 'POST',
        url: `${base}/check-ins/batch`,
        payload: {
          deviceId: 'scope-matrix',
          scans: [
            {
              code: openCodes[eventId]?.[0] ?? '2345678923',
              nonce: `nonce-${Math.random().toString(36).slice(2)}`,
              gate: '1号入口',
              scannedAt: new Date().toISOString(),
            },
          ],
        },
      };
    case 'check-in-list':
      return { method: 'GET', url: `${base}/check-in-list` };
    case 'check-in-stats':
      return { method: 'GET', url: `${base}/check-in-stats` };
    case 'on-site-link':
      return { method: 'GET', url: `${base}/on-site-link` };
    case 'documents':
      return { method: 'GET', url: `${base}/documents` };
    case 'document-upload': {
      const form = pngUpload('category', 'other');
      return { method: 'POST', url: `${base}/documents`, ...form };
    }
    case 'document-download':
    case 'document-delete':
      return {
        method: action === 'document-delete' ? 'DELETE' : 'GET',
        url: `${base}/documents/${documentIds[eventId] ?? ABSENT_DOCUMENT_ID}`,
      };
    case 'chat-groups':
      return { method: 'GET', url: `${base}/chat-groups` };
    case 'chat-group-upload': {
      const form = pngUpload('label', '2群');
      return { method: 'POST', url: `${base}/chat-groups`, ...form };
    }
    case 'chat-group-image':
      return {
        method: 'GET',
        url: `${base}/chat-groups/${chatGroupIds[eventId] ?? ABSENT_CHAT_GROUP_ID}/image`,
      };
    case 'chat-group-delete':
      return {
        method: 'DELETE',
        url: `${base}/chat-groups/${chatGroupIds[eventId] ?? ABSENT_CHAT_GROUP_ID}`,
      };
    case 'approve':
      return { method: 'POST', url: `/api/reviews/${eventId}/approve` };
    case 'return':
      return {
        method: 'POST',
        url: `/api/reviews/${eventId}/return`,
        payload: { reason: '越权退回' },
      };
    case 'step':
      return {
        method: 'POST',
        url: `/api/reviews/${eventId}/steps/pre_review`,
        payload: { note: '越权记录' },
      };
    case 'cancel':
      return { method: 'POST', url: `${base}/cancel`, payload: { reason: '越权取消' } };
    case 'copy':
      return { method: 'POST', url: `${base}/copy` };
    case 'change':
      return {
        method: 'POST',
        url: `${base}/changes`,
        payload: { patch: { description: '越权修改的简介' }, reason: '越权变更' },
      };
    case 'change-withdraw':
      return { method: 'POST', url: `${base}/changes/${ABSENT_CHANGE_ID}/withdraw` };
    case 'change-approve':
      return { method: 'POST', url: `/api/reviews/${eventId}/changes/${ABSENT_CHANGE_ID}/approve` };
    case 'change-return':
      return {
        method: 'POST',
        url: `/api/reviews/${eventId}/changes/${ABSENT_CHANGE_ID}/return`,
        payload: { reason: '越权退回' },
      };
    case 'groups':
      return { method: 'GET', url: `${base}/groups` };
    case 'group-create':
      return { method: 'POST', url: `${base}/groups`, payload: { name: '越权组别', capacity: 1 } };
    case 'group-update':
      return {
        method: 'PATCH',
        url: `${base}/groups/${ABSENT_GROUP_ID}`,
        payload: { name: '越权修改组别' },
      };
    case 'group-delete':
      return { method: 'DELETE', url: `${base}/groups/${ABSENT_GROUP_ID}` };
    case 'teams':
      return { method: 'GET', url: `${base}/teams` };
    case 'team-cancel':
      return {
        method: 'POST',
        url: `${base}/teams/${ABSENT_TEAM_ID}/cancel`,
        payload: { reason: '越权取消团队' },
      };
    case 'cancel-deadline':
      return {
        method: 'PUT',
        url: `${base}/cancel-deadline`,
        payload: { cancelDeadline: '2020-01-01T00:00:00.000Z' },
      };
    case 'registration-form':
      return { method: 'GET', url: `${base}/registration-form` };
    case 'registration-form-save':
      return {
        method: 'PUT',
        url: `${base}/registration-form`,
        payload: { form: { idNumber: 'optional', fields: [] }, safetyNotice: '越权修改的安全提示' },
      };
    case 'registration-form-apply':
      return {
        method: 'POST',
        url: `${base}/registration-form/apply-template`,
        payload: { templateId: 'builtin:default' },
      };
    case 'registration-cancel': {
      const registrationId = registrationIds[eventId]?.[1] ?? ABSENT_REGISTRATION_ID;
      return {
        method: 'POST',
        url: `${base}/registrations/${registrationId}/cancel`,
        payload: { reason: '越权取消报名' },
      };
    }
    default:
      return resultRequestFor(action, eventId);
  }
}

/** Builds the request of a result or certificate action on an event. */
function resultRequestFor(action: Action, eventId: string): InjectOptions {
  const base = `/api/console/events/${eventId}`;
  const registrationId = registrationIds[eventId]?.[0] ?? ABSENT_REGISTRATION_ID;
  switch (action) {
    case 'results':
      return { method: 'GET', url: `${base}/results` };
    case 'result-put':
      return {
        method: 'PUT',
        url: `${base}/results/${registrationId}`,
        payload: { status: 'finished', rank: 1, time: '00:30:00', score: null },
      };
    case 'result-delete':
      return { method: 'DELETE', url: `${base}/results/${registrationId}` };
    case 'results-publish':
      return { method: 'POST', url: `${base}/results/publish` };
    case 'results-template':
      return { method: 'GET', url: `${base}/results/template.xlsx` };
    case 'result-import':
      return {
        method: 'POST',
        url: `${base}/result-imports`,
        payload: { fileName: '越权导入.xlsx', content: 'AAAAAAAA' },
      };
    case 'result-import-get':
      return { method: 'GET', url: `${base}/result-imports/${ABSENT_IMPORT_ID}` };
    case 'result-import-commit':
      return { method: 'POST', url: `${base}/result-imports/${ABSENT_IMPORT_ID}/commit` };
    case 'certificate-design':
      return { method: 'GET', url: `${base}/certificate-design` };
    case 'certificate-design-put':
      return {
        method: 'PUT',
        url: `${base}/certificate-design`,
        payload: { layout: 'modern', colour: 'blue' },
      };
    case 'certificate-preview':
      return { method: 'GET', url: `${base}/certificate-preview.png` };
    default:
      throw new Error(`No request for ${action}`);
  }
}

function describeOutcome(outcome: Outcome): string {
  return outcome.code ? `${outcome.status} ${outcome.code}` : String(outcome.status);
}

function actualOutcome(response: LightMyRequestResponse): Outcome {
  if (response.statusCode < 400) return { status: response.statusCode };
  return { status: response.statusCode, code: response.json<{ code?: string }>().code };
}

function personalDataIn(body: string): string[] {
  return personalData.filter((value) => body.includes(value));
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('route coverage', () => {
  it('classifies every /api/ route', async () => {
    await ctx.app.ready();
    const fromTree = routesFromTree(ctx.app.printRoutes({ commonPrefix: false }));
    const openApi = ctx.app.swagger() as { paths?: Record<string, Record<string, unknown>> };
    const fromOpenApi = Object.entries(openApi.paths ?? {}).flatMap(([path, methods]) =>
      Object.keys(methods).map(
        (method) => `${method.toUpperCase()} ${path.replace(/{(\w+)}/g, ':$1')}`,
      ),
    );
    const api = new Set(
      [...fromTree, ...fromOpenApi].filter(
        (key) => / \/api\//.test(key) && !key.startsWith('HEAD '),
      ),
    );
    expect(api.size).toBeGreaterThan(20);
    const unclassified = [...api].filter((key) => !(key in ROUTE_CLASSES));
    expect(unclassified, 'add these routes to ROUTE_CLASSES and the matrix').toEqual([]);
    const stale = Object.keys(ROUTE_CLASSES).filter((key) => !api.has(key));
    expect(stale, 'these classified routes no longer exist').toEqual([]);
  });

  it('covers each scoped route in the matrix', () => {
    const covered = new Set(
      ACTIONS.map((action) => {
        const options = requestFor(action, ':id');
        const path = String(options.url)
          .split('?')[0]!
          .replace('/reviews/:id/', '/reviews/:eventId/')
          .replace(ABSENT_REGISTRATION_ID, ':registrationId')
          .replace(ABSENT_CHANGE_ID, ':changeId')
          .replace('/steps/pre_review', '/steps/:step')
          .replace(ABSENT_DOCUMENT_ID, ':documentId')
          .replace(ABSENT_FILE_ID, ':fileId')
          .replace(ABSENT_CHAT_GROUP_ID, ':chatGroupId')
          .replace(ABSENT_GROUP_ID, ':groupId')
          .replace(ABSENT_IMPORT_ID, ':importId')
          .replace(ABSENT_TEAM_ID, ':teamId');
        return `${options.method} ${path}`;
      }),
    );
    covered.add('GET /api/dashboard');
    covered.add('GET /api/dashboard/events');
    covered.add('GET /api/dashboard/export');
    const scoped = Object.entries(ROUTE_CLASSES)
      .filter(([, kind]) => kind === 'scoped-by-event' || kind === 'scoped-by-division')
      .map(([key]) => key);
    expect(scoped.filter((key) => !covered.has(key))).toEqual([]);
  });
});

/** Returns the outcome for a caller that a route class does not admit. */
function rejectionOf(kind: RouteClass, caller: Caller): Outcome {
  if (kind === 'partner-signed') return SIGNATURE_MISSING;
  if (kind === 'citizen-session') return NO_CITIZEN_SESSION;
  return caller === 'anonymous' ? NO_SESSION : ROLE_FORBIDDEN;
}

describe('role gate', () => {
  /** Builds a request to the route with placeholders filled. The role check runs first. */
  function sample(key: string): InjectOptions {
    const [method, path] = key.split(' ') as [InjectOptions['method'], string];
    const url = path.replace(/:(\w+)/g, () => ids['a.published']);
    return method === 'GET' || method === 'DELETE' ? { method, url } : { method, url, payload: {} };
  }

  it('turns away every caller that the route class does not admit, writing nothing', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const [key, kind] of Object.entries(ROUTE_CLASSES)) {
      for (const caller of CALLERS.filter((c) => !admits(kind, c))) {
        const before = await fingerprint();
        const response = await call(caller, sample(key));
        const expected = describeOutcome(rejectionOf(kind, caller));
        const actual = describeOutcome(actualOutcome(response));
        if (actual !== expected)
          mismatches.push(`${key} as ${caller}: expected ${expected}, got ${actual}`);
        if ((await fingerprint()) !== before)
          mismatches.push(`${key} as ${caller}: database changed`);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(mismatches).toEqual([]);
  });
});

describe('scoped-by-event routes', () => {
  it.each(ACTIONS)('%s follows the scope table', async (action) => {
    const mismatches: string[] = [];
    for (const key of EVENT_KEYS) {
      const id = ids[key];
      for (const caller of CALLERS) {
        const expected = expectedOutcome(caller, key, action);
        // Writing successes change the event, so they run on copies in a later test.
        if (expected.status < 300 && WRITING.has(action)) continue;
        // A preview renders a PNG for seconds; results.test.ts proves the owner's success.
        if (expected.status < 300 && action === 'certificate-preview') continue;
        const label = `${action} ${key} as ${caller}`;

        const before = WRITING.has(action) ? await fingerprint() : '';
        const response = await call(caller, requestFor(action, id));
        const actual = actualOutcome(response);
        if (describeOutcome(actual) !== describeOutcome(expected)) {
          mismatches.push(
            `${label}: expected ${describeOutcome(expected)}, got ${describeOutcome(actual)} ${response.body.slice(0, 200)}`,
          );
        }
        if (response.statusCode >= 400 && actual.code === undefined) {
          mismatches.push(`${label}: error response without a code`);
        }
        if (WRITING.has(action) && (await fingerprint()) !== before) {
          mismatches.push(`${label}: rejected request changed the database`);
        }
        const leaked = spec(key).owner === caller ? [] : personalDataIn(response.body);
        if (leaked.length > 0) mismatches.push(`${label}: personal data ${leaked.join(', ')}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('lists in each event exactly the actions that would succeed', async () => {
    const mismatches: string[] = [];
    for (const key of EVENT_KEYS) {
      for (const caller of CALLERS) {
        if (expectedOutcome(caller, key, 'detail').status !== 200) continue;
        const succeeds = (action: Action) => expectedOutcome(caller, key, action).status < 300;
        const owner = spec(key).owner === caller;
        const expected = [
          succeeds('patch') && 'edit',
          succeeds('submit') && 'submit',
          succeeds('publish') && 'publish',
          succeeds('approve') && 'approve',
          succeeds('return') && 'return',
          succeeds('change') && 'change',
          succeeds('cancel') && 'cancel',
          succeeds('copy') && 'copy',
          owner && ['published', 'cancelled'].includes(spec(key).state) && 'registrations',
          succeeds('check-in') && 'check_in',
        ].filter(Boolean);
        const response = await call(caller, requestFor('detail', ids[key]));
        const actions = response.json<{ actions: string[] }>().actions;
        if (JSON.stringify(actions) !== JSON.stringify(expected)) {
          mismatches.push(`${key} as ${caller}: ${actions.join(',')} != ${expected.join(',')}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('shows registrations to the owner only', async () => {
    const response = await call('contractorA', requestFor('registrations', ids['a.published']));
    expect(response.statusCode, response.body).toBe(200);
    const list = response.json<{ items: { name: string }[]; total: number; checkedIn: number }>();
    expect(list.total).toBe(2);
    expect(list.checkedIn).toBe(1);
    // The personal data check above can only find a leak if the owner's list carries it.
    expect(personalDataIn(response.body)).toHaveLength(4);
  });
});

describe('console lists', () => {
  it.each(ACCOUNT_KEYS)('event list of %s holds exactly the visible events', async (caller) => {
    const response = await call(caller, { method: 'GET', url: '/api/console/events?limit=100' });
    expect(response.statusCode, response.body).toBe(200);
    const listed = response.json<{ items: { id: string }[] }>().items.map((item) => item.id);
    const fixtureIds = new Set(Object.values(ids));
    const fixtureListed = listed.filter((id) => fixtureIds.has(id));
    const expected = EVENT_KEYS.filter(
      (key) => spec(key).owner === caller || spec(key).seenBy.includes(caller),
    ).map((key) => ids[key]);
    expect([...fixtureListed].sort()).toEqual([...expected].sort());

    const foreignDrafts = EVENT_KEYS.filter(
      (key) => spec(key).state === 'draft' && spec(key).owner !== caller,
    ).map((key) => ids[key]);
    expect(listed.filter((id) => foreignDrafts.includes(id))).toEqual([]);
    expect(personalDataIn(response.body)).toEqual([]);
  });

  it.each(ACCOUNT_KEYS)('review queue of %s holds its own filings', async (caller) => {
    const response = await call(caller, { method: 'GET', url: '/api/reviews' });
    expect(response.statusCode, response.body).toBe(200);
    const fixtureIds = new Set(Object.values(ids));
    const queued = response
      .json<{ items: { id: string }[] }>()
      .items.map((item) => item.id)
      .filter((id) => fixtureIds.has(id));
    const expected = EVENT_KEYS.filter(
      (key) => spec(key).state === 'submitted' && spec(key).reviewer === caller,
    ).map((key) => ids[key]);
    expect([...queued].sort()).toEqual([...expected].sort());
  });
});

describe('dashboard', () => {
  it.each(CALLERS)('division scope of %s', async (caller) => {
    const mismatches: string[] = [];
    const urls = [undefined, ...DASHBOARD_DIVISIONS].flatMap((division) => {
      const query = division ? `division=${division}` : '';
      return [
        `/api/dashboard?${query}`,
        `/api/dashboard/events?${query}`,
        `/api/dashboard/export?figureSet=children&${query}`,
      ].map((url) => ({ division, url }));
    });
    for (const { division, url } of urls) {
      const response = await call(caller, { method: 'GET', url });
      const label = `${url} as ${caller}`;
      const actual = describeOutcome(actualOutcome(response));
      if (caller === 'anonymous' || isPlatform(caller)) {
        const expected = describeOutcome(caller === 'anonymous' ? NO_SESSION : ROLE_FORBIDDEN);
        if (actual !== expected) mismatches.push(`${label}: expected ${expected}, got ${actual}`);
        continue;
      }
      const scope = division ?? ACCOUNTS[caller].divisionCode;
      const allowed = DASHBOARD_SCOPE[caller].includes(scope);
      const expected = allowed ? '200' : '403 ACC_OUT_OF_SCOPE';
      if (actual !== expected) {
        mismatches.push(`${label}: expected ${expected}, got ${actual}`);
        continue;
      }
      if (!allowed || !url.startsWith('/api/dashboard?')) continue;

      // Other organisations' drafts are never counted: the draft figure is the caller's own.
      const body = response.json<{ events: { draft: number } }>();
      const ownDrafts = EVENT_KEYS.filter(
        (key) =>
          spec(key).owner === caller &&
          spec(key).state === 'draft' &&
          spec(key).filing.divisionCode.startsWith(scope),
      ).length;
      if (body.events.draft !== ownDrafts) {
        mismatches.push(`${label}: ${body.events.draft} drafts counted, own drafts ${ownDrafts}`);
      }
      if (personalDataIn(response.body).length > 0) mismatches.push(`${label}: personal data`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('public routes', () => {
  it('shows only published events', async () => {
    const mismatches: string[] = [];
    for (const key of EVENT_KEYS) {
      const response = await ctx.app.inject({ method: 'GET', url: `/api/events/${ids[key]}` });
      const expected = spec(key).state === 'published' ? '200' : '404 EVT_NOT_FOUND';
      const actual = describeOutcome(actualOutcome(response));
      if (actual !== expected) mismatches.push(`GET ${key}: expected ${expected}, got ${actual}`);
      if (personalDataIn(response.body).length > 0) mismatches.push(`GET ${key}: personal data`);
    }
    expect(mismatches).toEqual([]);
  });

  it('rejects registration for unpublished events', async () => {
    const mismatches: string[] = [];
    for (const key of EVENT_KEYS.filter((k) => spec(k).state !== 'published')) {
      const before = await fingerprint();
      const response = await ctx.app.inject({
        method: 'POST',
        url: `/api/events/${ids[key]}/registrations`,
        payload: { name: '张三', phone: '13800138000' },
      });
      const actual = describeOutcome(actualOutcome(response));
      if (actual !== '404 EVT_NOT_FOUND') mismatches.push(`register ${key}: got ${actual}`);
      if ((await fingerprint()) !== before) mismatches.push(`register ${key}: database changed`);
    }
    expect(mismatches).toEqual([]);
  });

  it('lists only published events', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/events?limit=100' });
    expect(response.statusCode, response.body).toBe(200);
    const listed = response.json<{ items: { id: string }[] }>().items.map((item) => item.id);
    const unpublished = EVENT_KEYS.filter((key) => spec(key).state !== 'published').map(
      (key) => ids[key],
    );
    const published = EVENT_KEYS.filter((key) => spec(key).state === 'published').map(
      (key) => ids[key],
    );
    expect(listed.filter((id) => unpublished.includes(id))).toEqual([]);
    expect(published.filter((id) => !listed.includes(id))).toEqual([]);
    expect(personalDataIn(response.body)).toEqual([]);
  });
});

describe('writing successes', () => {
  // Each success runs on a fresh copy of the event in the same state, and must write.
  const cells = EVENT_KEYS.flatMap((key) =>
    ACTIONS.filter((action) => WRITING.has(action)).flatMap((action) =>
      CALLERS.filter((caller) => expectedOutcome(caller, key, action).status < 300).map(
        (caller) => [action, key, caller] as const,
      ),
    ),
  );

  const NEXT_STATE: Partial<Record<Action, State>> = {
    submit: 'submitted',
    publish: 'published',
    approve: 'approved',
    return: 'returned',
  };

  it.each(cells)('%s %s as %s succeeds and writes', async (action, key, caller) => {
    const copy = await createEvent(spec(key), `范围测试副本 ${key}`);
    const before = await fingerprint();
    const send = () => call(caller, requestFor(action, copy));
    // A check-in writes only inside the event's check-in window.
    const response = action.startsWith('check-in')
      ? await whileCheckInOpen(ctx.db, copy, send)
      : await send();
    expect(response.statusCode, response.body).toBe(expectedOutcome(caller, key, action).status);
    expect(await fingerprint()).not.toBe(before);
    const row = await ctx.db
      .selectFrom('events')
      .selectAll()
      .where('id', '=', copy)
      .executeTakeFirstOrThrow();
    const next = NEXT_STATE[action];
    if (next && !(action === 'submit' && spec(key).reviewer === null)) expect(row.state).toBe(next);
    if (action === 'submit' && spec(key).reviewer === null) expect(row.state).toBe('approved');
    if (action === 'patch') expect(row.name).toBe('越权修改的名称');
    if (action === 'cancel') {
      expect(row.state).toBe('cancelled');
      expect(row.registered_count).toBe(0);
    }
    if (action === 'change') expect(row.description).toBe('越权修改的简介');
    if (action === 'copy') {
      const created = response.json<{ id: string; state: string; copiedFrom: string }>();
      expect(created.state).toBe('draft');
      expect(created.copiedFrom).toBe(copy);
    }
    if (action === 'check-in') {
      expect(response.json<{ alreadyCheckedIn: boolean }>().alreadyCheckedIn).toBe(false);
    }
    const fileTables = {
      'document-upload': ['event_documents', 2],
      'document-delete': ['event_documents', 0],
      'chat-group-upload': ['event_chat_groups', 2],
      'chat-group-delete': ['event_chat_groups', 0],
    } as const;
    if (action in fileTables) {
      const [table, expected] = fileTables[action as keyof typeof fileTables];
      const rows = await ctx.db
        .selectFrom(table)
        .select('id')
        .where('event_id', '=', copy)
        .execute();
      expect(rows).toHaveLength(expected);
    }
    if (action === 'reveal') {
      const { value } = response.json<{ value: string }>();
      expect(value).toMatch(/^1380013\d{4}$/);
      expect(personalData).toContain(value);
    }
  });
});
