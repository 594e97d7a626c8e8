import {
  isEditable,
  nextState,
  requiredReviewSteps,
  routeReview,
  type EventAction,
  type FilerType,
  type ReviewRoute,
} from '@cityleague/domain';
import { sql, type UpdateObject } from 'kysely';

import type { Principal } from '../accounts/account.repository.js';
import { auditActorOf } from '../audit/audit-context.js';
import { listAudit, recordAudit } from '../audit/audit.repository.js';
import { emitWebhookEvent } from '../webhooks/webhook.emit.js';
import type { Db, Executor, Trx } from '../db/database.js';
import type { Database, EventRow, StoredReviewStep } from '../db/schema.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { uuidv7 } from '../shared/ids.js';
import { InvalidCursor, withFieldErrors } from '../http/problem.js';
import { applyEventCapacity, ensureDefaultGroup } from '../registrations/group.service.js';
import { preReviewFederations } from '../sports/pre-review.repository.js';
import { filingOf, toConsoleEvent } from './event.dto.js';
import {
  EventNotEditable,
  EventNotFound,
  EventNotOwned,
  FilingIncomplete,
  InvalidTransition,
} from './event.errors.js';
import { checkFiling, clearedFiledDetails } from './event.filing.js';
import * as repository from './event.repository.js';
import type { EventInput, EventPatch, Filing } from './event.schemas.js';
import { canSeeEvent, visibleTo } from './event.scope.js';
import { pinyinSearchText } from './pinyin-search.js';
import { pinyinInitials, venueInitials } from './venue-initials.js';

/** The user acting on an event and their IP address, for permission checks and the audit log. */
export interface Actor {
  user: Principal;
  /**
   * The partner platform acting through the open API. `user` is then the partner's filer
   * (see `partnerActor`), whose id is the partner's and not a user's.
   */
  partner?: { id: string; name: string };
  ip: string;
  userAgent?: string | null;
}

/**
 * Builds the actor of a partner platform's write. The partner files as account type
 * `partner` for its organisation, city-wide, and may read only that organisation's events.
 */
export function partnerActor(
  partner: { id: string; name: string; organisationId: string },
  ip: string,
  userAgent: string | null,
): Actor {
  return {
    user: {
      id: partner.id,
      username: partner.name,
      displayName: partner.name,
      accountType: 'partner',
      organisationId: partner.organisationId,
      organisationName: '',
      divisionCode: '',
      divisionName: '',
      divisionLevel: '',
      mustChangePassword: false,
      totpEnrolled: false,
      pendingStep: null,
    },
    partner: { id: partner.id, name: partner.name },
    ip,
    userAgent,
  };
}

/** Returns the user who acts, or null for a partner, for columns that reference users. */
export function actingUserId(actor: Actor): string | null {
  return actor.partner ? null : actor.user.id;
}

/** Columns that hold each filing detail. */
export const FILING_COLUMNS = {
  name: 'name',
  level: 'level',
  section: 'section',
  sport: 'sport',
  divisionCode: 'division_code',
  venue: 'venue',
  address: 'address',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  capacity: 'capacity',
  registrationOpensAt: 'registration_opens_at',
  registrationClosesAt: 'registration_closes_at',
  host: 'host',
  organiser: 'organiser',
  coOrganisers: 'co_organisers',
  expectedParticipants: 'expected_participants',
  feeCents: 'fee_cents',
  rules: 'rules',
  safetyPlan: 'safety_plan',
  medicalCover: 'medical_cover',
  insurance: 'insurance',
  contactName: 'contact_name',
  contactPhone: 'contact_phone',
  description: 'description',
  contractId: 'contract_id',
} as const satisfies Record<keyof Filing, keyof EventRow>;

type FilingKey = keyof Filing;

/** Trims text details; a detail of spaces alone counts as not given. */
export function tidy(filing: Filing): Filing {
  const result = { ...filing } as Record<FilingKey, unknown>;
  for (const key of Object.keys(result) as FilingKey[]) {
    const value = result[key];
    if (typeof value === 'string') result[key] = value.trim() === '' ? null : value.trim();
    if (Array.isArray(value)) {
      const items = value.map((item: string) => item.trim()).filter((item) => item !== '');
      result[key] = items.length === 0 ? null : items;
    }
  }
  return result as Filing;
}

/** Builds a filing from a new event's input: what it leaves out is null. */
function filingOfInput(input: EventInput): Filing {
  const filing = Object.fromEntries(
    Object.keys(FILING_COLUMNS).map((key) => [key, input[key as FilingKey] ?? null]),
  ) as Filing;
  return tidy(filing);
}

/**
 * Maps filing details to the columns that store them. A name and a venue are written with their
 * pinyin initials and full pinyin, which the public search and venue suggestions match typed
 * pinyin against.
 */
export function filingColumns(filing: Partial<Filing>): UpdateObject<Database, 'events'> {
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filing)) {
    const column = FILING_COLUMNS[key as FilingKey];
    set[column] = key === 'coOrganisers' ? JSON.stringify(value ?? []) : value;
  }
  if (filing.name !== undefined) {
    set.name_initials = filing.name === null ? null : pinyinInitials(filing.name);
    set.name_pinyin = filing.name === null ? null : pinyinSearchText(filing.name);
  }
  if (filing.venue !== undefined) {
    set.venue_initials = filing.venue === null ? null : venueInitials(filing.venue);
    set.venue_pinyin = filing.venue === null ? null : pinyinSearchText(filing.venue);
  }
  return set as UpdateObject<Database, 'events'>;
}

/** Compares two detail values; timestamps compare as instants, whatever offset they are written in. */
export function sameValue(before: unknown, after: unknown): boolean {
  if (typeof before === 'string' && typeof after === 'string' && ISO_INSTANT.test(before)) {
    return Date.parse(before) === Date.parse(after);
  }
  if (Array.isArray(before) || Array.isArray(after)) {
    return JSON.stringify(before ?? []) === JSON.stringify(after ?? []);
  }
  return before === after;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T/;

/** Lists the details that differ between two versions of a filing, each with both values. */
export function filingChanges(before: Filing, after: Filing): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const key of Object.keys(FILING_COLUMNS) as FilingKey[]) {
    if (!sameValue(before[key], after[key])) changes[key] = [before[key], after[key]];
  }
  return changes;
}

/** Shapes changed details for the audit entry's before/after record. */
export function auditChanges(changes: Record<string, [unknown, unknown]>) {
  return Object.fromEntries(
    Object.entries(changes).map(([field, [before, after]]) => [field, { before, after }]),
  );
}

async function loadView(db: Executor, id: string) {
  const view = await repository.findEventView(db, id);
  if (!view) throw new EventNotFound(id);
  return view;
}

/** Routes a filing of the actor to its reviewer, as stored on the event. */
function reviewRouteOf(
  actor: Actor,
  filing: { level: string; section: string; districtCode: string },
): ReviewRoute {
  return routeReview({
    level: filing.level as EventInput['level'],
    section: filing.section as EventInput['section'],
    districtCode: filing.districtCode,
    filer: {
      accountType: actor.user.accountType as FilerType,
      divisionCode: actor.user.divisionCode,
    },
  });
}

/** Stores where a submission will go, so drafts show their future reviewer too. */
function reviewerColumns(route: ReviewRoute | null) {
  if (route === null || route.kind === 'auto')
    return { reviewer_type: null, reviewer_district_code: null };
  return { reviewer_type: route.reviewerType, reviewer_district_code: route.districtCode ?? null };
}

/** Locks an event that the actor's organisation owns; others get not-found or not-owned. */
export async function lockOwnEvent(trx: Trx, actor: Actor, id: string): Promise<EventRow> {
  const event = await repository.lockEvent(trx, id);
  if (!event || !canSeeEvent(actor.user, event)) throw new EventNotFound(id);
  if (event.organisation_id !== actor.user.organisationId) throw new EventNotOwned(id);
  return event;
}

function requireTransition(event: EventRow, action: EventAction) {
  const next = nextState(event.state as Parameters<typeof nextState>[0], action);
  if (!next) throw new InvalidTransition(event.state, action);
  return next;
}

/** Files a new event as a draft of the actor's organisation; it may lack any detail yet. */
export async function createEvent(
  db: Db,
  actor: Actor,
  input: EventInput,
  options: { copiedFrom?: string } = {},
) {
  const id = await db.transaction().execute((trx) => insertDraft(trx, actor, input, options));
  return getOwnConsoleEvent(db, actor, id);
}

/** Inserts a new draft of the actor's organisation inside the caller's transaction; returns its id. */
export async function insertDraft(
  trx: Trx,
  actor: Actor,
  input: EventInput,
  options: { copiedFrom?: string } = {},
): Promise<string> {
  const filing = filingOfInput(input);
  const division = await checkFiling(trx, actor.user, filing);
  const districtCode = division === null ? null : (division.district_code ?? division.code);
  const id = uuidv7();

  await repository.insertEvent(trx, {
    id,
    organisation_id: actor.user.organisationId,
    created_by: actingUserId(actor),
    created_by_partner_id: actor.partner?.id ?? null,
    ...(filingColumns(filing) as Record<string, never>),
    name: filing.name,
    level: filing.level,
    section: filing.section,
    district_code: districtCode,
    state: 'draft',
    ...reviewerColumns(
      districtCode === null ? null : reviewRouteOf(actor, { ...filing, districtCode }),
    ),
    copied_from: options.copiedFrom ?? null,
    updated_at: new Date(),
  });
  await recordAudit(trx, {
    ...auditActorOf(actor),
    action: options.copiedFrom ? 'event.copied' : 'event.created',
    entityType: 'event',
    entityId: id,
    detail: { name: filing.name, ...(options.copiedFrom ? { from: options.copiedFrom } : {}) },
  });
  return id;
}

/**
 * Changes a draft or returned filing; a null clears a detail. A draft may lack details, but
 * a returned filing keeps every detail a filed event must have. The audit entry lists each
 * changed field with both values.
 */
export async function updateEvent(db: Db, actor: Actor, id: string, patch: EventPatch) {
  await db.transaction().execute((trx) => updateFiling(trx, actor, id, patch));
  return getOwnConsoleEvent(db, actor, id);
}

/** Changes a draft or returned filing, as `updateEvent` does, inside the caller's transaction. */
export async function updateFiling(trx: Trx, actor: Actor, id: string, patch: EventPatch) {
  const event = await lockOwnEvent(trx, actor, id);
  if (!isEditable(event.state as 'draft')) throw new EventNotEditable(event.state);

  const before = filingOf(event);
  const after = tidy({ ...before, ...(patch as Partial<Filing>) });
  if (event.state !== 'draft') {
    const cleared = clearedFiledDetails(after);
    if (cleared.length > 0) throw withFieldErrors(new FilingIncomplete(), cleared);
  }
  const division = await checkFiling(trx, actor.user, after);

  const changes = filingChanges(before, after);
  if (Object.keys(changes).length === 0) return;
  const changed = Object.fromEntries(
    Object.keys(changes).map((key) => [key, after[key as FilingKey]]),
  ) as Partial<Filing>;
  const districtCode = division === null ? null : (division.district_code ?? division.code);
  await repository.updateEvent(trx, id, {
    ...filingColumns(changed),
    district_code: districtCode,
    ...reviewerColumns(
      districtCode === null ? null : reviewRouteOf(actor, { ...after, districtCode }),
    ),
  });
  await recordAudit(trx, {
    ...auditActorOf(actor),
    action: 'event.updated',
    entityType: 'event',
    entityId: id,
    detail: { changes },
    changes: auditChanges(changes),
  });
}

/**
 * Submits a filing for review and routes it to its reviewer, with the review steps its sport
 * and section need. Every missing detail is reported at once. A filing whose route needs no
 * reviewer (a district bureau's own brand event) is approved in the same transaction.
 */
export async function submitEvent(db: Db, actor: Actor, id: string) {
  await db.transaction().execute((trx) => submitFiling(trx, actor, id));
  return getOwnConsoleEvent(db, actor, id);
}

/** Submits a filing, as `submitEvent` does, inside the caller's transaction. */
export async function submitFiling(trx: Trx, actor: Actor, id: string) {
  const event = await lockOwnEvent(trx, actor, id);
  requireTransition(event, 'submit');
  const filing = filingOf(event);
  const division = await checkFiling(trx, actor.user, filing, { complete: true });
  const districtCode = division?.district_code ?? division?.code ?? event.district_code ?? '';

  const route = reviewRouteOf(actor, { ...filing, districtCode });
  const audit = {
    ...auditActorOf(actor),
    entityType: 'event',
    entityId: id,
  };

  if (route.kind === 'auto') {
    await repository.updateEvent(trx, id, {
      state: 'approved',
      reviewer_type: null,
      reviewer_district_code: null,
      return_reason: null,
      review_steps: '[]',
      submitted_at: sql<Date>`now()`,
      approved_at: sql<Date>`now()`,
    });
    await recordAudit(trx, { ...audit, action: 'event.submitted' });
    await recordAudit(trx, { ...audit, action: 'event.approved', detail: { onSubmit: true } });
    await emitWebhookEvent(trx, {
      action: 'event.approved',
      resourceType: 'event',
      resourceId: id,
      eventId: id,
    });
    return;
  }
  const federations = await preReviewFederations(trx);
  const steps: StoredReviewStep[] = requiredReviewSteps(filing, new Set(federations.keys())).map(
    (step) => ({
      step,
      ...(step === 'pre_review' ? { federation: federations.get(filing.sport ?? '') } : {}),
      done: null,
    }),
  );
  await repository.updateEvent(trx, id, {
    state: 'submitted',
    reviewer_type: route.reviewerType,
    reviewer_district_code: route.districtCode ?? null,
    return_reason: null,
    review_steps: JSON.stringify(steps),
    submitted_at: sql<Date>`now()`,
  });
  await recordAudit(trx, {
    ...audit,
    action: 'event.submitted',
    detail: {
      reviewerType: route.reviewerType,
      districtCode: route.districtCode ?? null,
      steps: steps.map((step) => step.step),
    },
  });
}

/**
 * Publishes an approved event so that citizens can find it and register. An event whose
 * groups add up to more places than its capacity is rejected with GRP_OVER_EVENT_CAPACITY.
 */
export async function publishEvent(db: Db, actor: Actor, id: string) {
  await db.transaction().execute(async (trx) => {
    const event = await lockOwnEvent(trx, actor, id);
    requireTransition(event, 'publish');
    // Every entry belongs to a group: an event without groups gets the default one.
    await ensureDefaultGroup(trx, event);
    if (event.capacity !== null) await applyEventCapacity(trx, id, event.capacity);
    await repository.updateEvent(trx, id, {
      state: 'published',
      published_at: sql<Date>`date_trunc('milliseconds', now())`,
    });
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'event.published',
      entityType: 'event',
      entityId: id,
    });
    // Publication makes the event visible to every partner that reads events.
    await emitWebhookEvent(trx, {
      action: 'event.changed',
      resourceType: 'event',
      resourceId: id,
      eventId: id,
    });
  });
  return getOwnConsoleEvent(db, actor, id);
}

/** Returns an event as the console shows it to the actor, with its pending change. */
export async function getOwnConsoleEvent(db: Executor, actor: Actor, id: string) {
  const view = await loadView(db, id);
  return toConsoleEvent(view, actor.user, await pendingChangeOf(db, view));
}

/** Reads the change request waiting for review on an event, if any. */
export async function pendingChangeOf(db: Executor, event: { pending_change_id: string | null }) {
  if (event.pending_change_id === null) return null;
  return (
    (await db
      .selectFrom('event_changes')
      .selectAll()
      .where('id', '=', event.pending_change_id)
      .executeTakeFirst()) ?? null
  );
}

/** Returns an event the user may see, with its audit timeline. */
export async function getConsoleEvent(db: Db, user: Principal, id: string) {
  const view = await repository.findEventView(db, id);
  if (!view || !canSeeEvent(user, view)) throw new EventNotFound(id);
  const pending = await pendingChangeOf(db, view);
  const entries = await listAudit(db, 'event', id);
  const timeline = entries.map((entry) => ({
    at: new Date(entry.at).toISOString(),
    action: entry.action,
    actorName: entry.actor_name,
    detail: entry.detail,
  }));
  return { ...toConsoleEvent(view, user, pending), timeline };
}

/** Returns an event the user may see, or throws EVT_NOT_FOUND. */
export async function getVisibleEvent(db: Executor, user: Principal, id: string) {
  const view = await repository.findEventView(db, id);
  if (!view || !canSeeEvent(user, view)) throw new EventNotFound(id);
  return view;
}

const CONSOLE_CURSOR = ['id'] as const;

/** Lists the events a console user may see, newest filing first (ids are time-ordered). */
export async function listConsoleEvents(
  db: Db,
  user: Principal,
  filter: { state?: string; cursor?: string; limit?: number },
) {
  const limit = filter.limit ?? 20;
  let query = repository
    .eventViewQuery(db)
    .where(visibleTo(user))
    .orderBy('events.id', 'desc')
    .limit(limit + 1);
  if (filter.state) query = query.where('events.state', '=', filter.state);
  if (filter.cursor) {
    const position = decodeCursor(filter.cursor, CONSOLE_CURSOR);
    if (!position) throw new InvalidCursor();
    query = query.where('events.id', '<', position.id);
  }

  const rows = await query.execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ id: last.id }) : null;
  const changeIds = page.flatMap((row) => (row.pending_change_id ? [row.pending_change_id] : []));
  const changes =
    changeIds.length === 0
      ? []
      : await db.selectFrom('event_changes').selectAll().where('id', 'in', changeIds).execute();
  const changeById = new Map(changes.map((change) => [change.id, change]));
  const items = page.map((row) =>
    toConsoleEvent(row, user, changeById.get(row.pending_change_id ?? '') ?? null),
  );
  return { items, nextCursor };
}
