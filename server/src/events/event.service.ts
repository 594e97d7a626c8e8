import {
  isEditable,
  nextState,
  routeReview,
  type AccountType,
  type EventAction,
} from '@cityleague/domain';
import { sql, type UpdateObject } from 'kysely';

import type { Principal } from '../accounts/account.repository.js';
import { auditActorOf } from '../audit/audit-context.js';
import { listAudit, recordAudit } from '../audit/audit.repository.js';
import { emitWebhookEvent } from '../webhooks/webhook.emit.js';
import type { Db, Executor, Trx } from '../db/database.js';
import type { Database, EventRow } from '../db/schema.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { uuidv7 } from '../shared/ids.js';
import { InvalidCursor } from '../http/problem.js';
import { toConsoleEvent } from './event.dto.js';
import {
  EventNotEditable,
  EventNotFound,
  EventNotOwned,
  InvalidTransition,
} from './event.errors.js';
import { checkFiling } from './event.filing.js';
import * as repository from './event.repository.js';
import type { EventInput, EventPatch } from './event.schemas.js';
import { canSeeEvent, visibleTo } from './event.scope.js';

/** The user acting on an event and their IP address, for permission checks and the audit log. */
export interface Actor {
  user: Principal;
  ip: string;
  userAgent?: string | null;
}

const EDITABLE_FIELDS = {
  name: 'name',
  sport: 'sport',
  level: 'level',
  section: 'section',
  divisionCode: 'division_code',
  venue: 'venue',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  capacity: 'capacity',
  registrationOpensAt: 'registration_opens_at',
  registrationClosesAt: 'registration_closes_at',
  contractId: 'contract_id',
} as const satisfies Record<keyof EventInput, keyof EventRow>;

function toInput(event: EventRow): EventInput {
  return {
    name: event.name,
    sport: event.sport,
    level: event.level as EventInput['level'],
    section: event.section as EventInput['section'],
    divisionCode: event.division_code,
    venue: event.venue,
    startsAt: new Date(event.starts_at).toISOString(),
    endsAt: new Date(event.ends_at).toISOString(),
    capacity: event.capacity,
    registrationOpensAt: new Date(event.registration_opens_at).toISOString(),
    registrationClosesAt: new Date(event.registration_closes_at).toISOString(),
    ...(event.contract_id === null ? {} : { contractId: event.contract_id }),
  };
}

/** Compares two field values; timestamps compare as instants, whatever offset they are written in. */
function sameValue(
  before: string | number | undefined,
  after: string | number | undefined,
): boolean {
  if (typeof before === 'string' && typeof after === 'string' && ISO_INSTANT.test(before)) {
    return Date.parse(before) === Date.parse(after);
  }
  return before === after;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T/;

async function loadView(db: Executor, id: string) {
  const view = await repository.findEventView(db, id);
  if (!view) throw new EventNotFound(id);
  return view;
}

/** Routes a filing of the actor to its reviewer, as stored on the event. */
function reviewRouteOf(
  actor: Actor,
  filing: { level: string; section: string; districtCode: string },
) {
  return routeReview({
    level: filing.level as EventInput['level'],
    section: filing.section as EventInput['section'],
    districtCode: filing.districtCode,
    filer: {
      accountType: actor.user.accountType as AccountType,
      divisionCode: actor.user.divisionCode,
    },
  });
}

/** Stores where a submission will go, so drafts show their future reviewer too. */
function reviewerColumns(route: ReturnType<typeof routeReview>) {
  if (route.kind === 'auto') return { reviewer_type: null, reviewer_district_code: null };
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

/** Files a new event as a draft of the actor's organisation. */
export async function createEvent(db: Db, actor: Actor, input: EventInput) {
  const division = await checkFiling(db, actor.user, input);
  const districtCode = division.district_code ?? division.code;
  const route = reviewRouteOf(actor, { ...input, districtCode });
  const id = uuidv7();

  await db.transaction().execute(async (trx) => {
    await repository.insertEvent(trx, {
      id,
      organisation_id: actor.user.organisationId,
      created_by: actor.user.id,
      name: input.name.trim(),
      sport: input.sport,
      level: input.level,
      section: input.section,
      division_code: division.code,
      district_code: districtCode,
      venue: input.venue.trim(),
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      capacity: input.capacity,
      registration_opens_at: input.registrationOpensAt,
      registration_closes_at: input.registrationClosesAt,
      contract_id: input.contractId ?? null,
      state: 'draft',
      ...reviewerColumns(route),
      return_reason: null,
      submitted_at: null,
      approved_at: null,
      published_at: null,
      cancelled_at: null,
      updated_at: new Date(),
    });
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'event.created',
      entityType: 'event',
      entityId: id,
      detail: { name: input.name },
    });
  });
  return toConsoleEvent(await loadView(db, id), actor.user);
}

/** Changes a draft or returned event; the audit entry lists each changed field. */
export async function updateEvent(db: Db, actor: Actor, id: string, patch: EventPatch) {
  await db.transaction().execute(async (trx) => {
    const event = await lockOwnEvent(trx, actor, id);
    if (!isEditable(event.state as 'draft')) throw new EventNotEditable(event.state);

    const before = toInput(event);
    const after: EventInput = { ...before, ...patch };
    after.name = after.name.trim();
    after.venue = after.venue.trim();
    const division = await checkFiling(trx, actor.user, after);

    const changes: Record<string, [unknown, unknown]> = {};
    const set: UpdateObject<Database, 'events'> = {};
    for (const [field, column] of Object.entries(EDITABLE_FIELDS)) {
      const key = field as keyof EventInput;
      if (patch[key] === undefined || sameValue(before[key], after[key])) continue;
      changes[field] = [before[key], after[key]];
      Object.assign(set, { [column]: after[key] });
    }
    if (Object.keys(changes).length === 0) return;
    const districtCode = division.district_code ?? division.code;
    Object.assign(set, {
      district_code: districtCode,
      ...reviewerColumns(reviewRouteOf(actor, { ...after, districtCode })),
    });

    await repository.updateEvent(trx, id, set);
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'event.updated',
      entityType: 'event',
      entityId: id,
      detail: { changes },
      changes: Object.fromEntries(
        Object.entries(changes).map(([field, [before, after]]) => [field, { before, after }]),
      ),
    });
  });
  return toConsoleEvent(await loadView(db, id), actor.user);
}

/**
 * Submits a filing for review and routes it to its reviewer. A filing whose route needs no
 * reviewer (a district bureau's own brand event) is approved in the same transaction.
 */
export async function submitEvent(db: Db, actor: Actor, id: string) {
  await db.transaction().execute(async (trx) => {
    const event = await lockOwnEvent(trx, actor, id);
    requireTransition(event, 'submit');
    await checkFiling(trx, actor.user, toInput(event));

    const route = reviewRouteOf(actor, {
      level: event.level,
      section: event.section,
      districtCode: event.district_code,
    });
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
    await repository.updateEvent(trx, id, {
      state: 'submitted',
      reviewer_type: route.reviewerType,
      reviewer_district_code: route.districtCode ?? null,
      return_reason: null,
      submitted_at: sql<Date>`now()`,
    });
    await recordAudit(trx, {
      ...audit,
      action: 'event.submitted',
      detail: { reviewerType: route.reviewerType, districtCode: route.districtCode ?? null },
    });
  });
  return toConsoleEvent(await loadView(db, id), actor.user);
}

/** Publishes an approved event so that citizens can find it and register. */
export async function publishEvent(db: Db, actor: Actor, id: string) {
  await db.transaction().execute(async (trx) => {
    const event = await lockOwnEvent(trx, actor, id);
    requireTransition(event, 'publish');
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
  return toConsoleEvent(await loadView(db, id), actor.user);
}

/** Returns an event the user may see, with its audit timeline. */
export async function getConsoleEvent(db: Db, user: Principal, id: string) {
  const view = await repository.findEventView(db, id);
  if (!view || !canSeeEvent(user, view)) throw new EventNotFound(id);
  const entries = await listAudit(db, 'event', id);
  const timeline = entries.map((entry) => ({
    at: new Date(entry.at).toISOString(),
    action: entry.action,
    actorName: entry.actor_name,
    detail: entry.detail,
  }));
  return { ...toConsoleEvent(view, user), timeline };
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
  return { items: page.map((row) => toConsoleEvent(row, user)), nextCursor };
}
