import {
  FIELDS_FIXED_AFTER_APPROVAL,
  NOTIFIED_CHANGE_FIELDS,
  acceptsChangeRequests,
  changeNeedsReview,
  isReviewer,
  type AccountType,
  type FilingField,
} from '@cityleague/domain';
import { sql } from 'kysely';

import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { Db, Executor, Trx } from '../db/database.js';
import type { EventRow } from '../db/schema.js';
import { withFieldErrors, type FieldError } from '../http/problem.js';
import { uuidv7 } from '../shared/ids.js';
import { emitEntryWebhookEvents, emitWebhookEvent } from '../webhooks/webhook.emit.js';
import { filingOf, storedRoute } from './event.dto.js';
import {
  CapacityBelowEntries,
  ChangeEmpty,
  ChangeNotFound,
  ChangeNotPending,
  ChangePending,
  EventNotFound,
  EventNotOwned,
  FieldFixedAfterApproval,
  FilingIncomplete,
  InvalidTransition,
  ReasonRequired,
} from './event.errors.js';
import { checkFiling, clearedFiledDetails } from './event.filing.js';
import * as repository from './event.repository.js';
import type { EventPatch, Filing } from './event.schemas.js';
import { canSeeEvent } from './event.scope.js';
import {
  actingUserId,
  auditChanges,
  createEvent,
  filingChanges,
  filingColumns,
  getOwnConsoleEvent,
  tidy,
  type Actor,
} from './event.service.js';
import { applyEventCapacity } from '../registrations/group.service.js';
import { cancelTeamsOfCancelledEvent } from '../registrations/team.service.js';
import { NotReviewer } from '../reviews/review.errors.js';

/** Fields fixed once an event is approved, with the level and section that route its review. */
const FIXED: readonly string[] = ['level', 'section', ...FIELDS_FIXED_AFTER_APPROVAL];

function requireReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed === '') throw new ReasonRequired();
  return trimmed;
}

async function lockOwn(trx: Trx, actor: Actor, id: string): Promise<EventRow> {
  const event = await repository.lockEvent(trx, id);
  if (!event || !canSeeEvent(actor.user, event)) throw new EventNotFound(id);
  if (event.organisation_id !== actor.user.organisationId) throw new EventNotOwned(id);
  return event;
}

/**
 * Queues one SMS per active entry of an event, each with a deduplication key made of the
 * cause and the entry, so that a retried cause never sends a person the same message twice.
 */
async function notifyEntrants(
  trx: Executor,
  eventId: string,
  kind: 'event.changed' | 'event.cancelled',
  cause: string,
  statuses: readonly ('active' | 'cancelled')[] = ['active'],
) {
  await sql`
    insert into notification_outbox (id, kind, event_id, registration_id, payload, dedup_key)
    select gen_random_uuid(), ${kind}, r.event_id, r.id,
      jsonb_build_object('registrationId', r.id, 'eventId', r.event_id, 'cause', ${cause}::text),
      ${kind} || ':' || ${cause}::text || ':' || r.id
    from registrations r
    where r.event_id = ${eventId} and r.status in (${sql.join(statuses)})
    on conflict (dedup_key) where dedup_key is not null do nothing`.execute(trx);
}

/**
 * Writes changed details to an event, records them and notifies partners. Entrants get an SMS
 * when the name, time or place changes.
 */
async function applyChange(
  trx: Trx,
  actor: Actor,
  event: EventRow,
  after: Filing,
  changes: Record<string, [unknown, unknown]>,
  cause: string,
  changeId: string | null,
) {
  const changed = Object.fromEntries(
    Object.keys(changes).map((key) => [key, after[key as keyof Filing]]),
  ) as Partial<Filing>;
  await repository.updateEvent(trx, event.id, {
    ...filingColumns(changed),
    pending_change_id: null,
  });
  if (changed.capacity !== undefined && changed.capacity !== null) {
    await applyEventCapacity(trx, event.id, changed.capacity);
  }
  await recordAudit(trx, {
    ...auditActorOf(actor),
    action: 'event.changed',
    entityType: 'event',
    entityId: event.id,
    detail: { changes, ...(changeId === null ? {} : { changeId }) },
    changes: auditChanges(changes),
  });
  if (Object.keys(changes).some((field) => NOTIFIED_CHANGE_FIELDS.includes(field as FilingField))) {
    await notifyEntrants(trx, event.id, 'event.changed', cause);
  }
  await emitWebhookEvent(trx, {
    action: 'event.changed',
    resourceType: 'event',
    resourceId: event.id,
    eventId: event.id,
  });
}

/**
 * Requests a change to an approved or published event. A change to the time, the place, the
 * rules or a cut in capacity goes to the event's reviewer as a change request, and the event
 * stays as it was until approval. Any other change takes effect at once, and so does every
 * change of an event that passed on submit.
 */
export async function requestChange(
  db: Db,
  actor: Actor,
  id: string,
  input: { patch: EventPatch; reason: string },
) {
  const reason = requireReason(input.reason);
  await db.transaction().execute(async (trx) => {
    const event = await lockOwn(trx, actor, id);
    if (!acceptsChangeRequests(event.state as 'approved')) {
      throw new InvalidTransition(event.state, 'change');
    }
    if (event.pending_change_id !== null) throw new ChangePending(id);

    const before = filingOf(event);
    const after = tidy({ ...before, ...(input.patch as Partial<Filing>) });
    const cleared = clearedFiledDetails(after);
    if (cleared.length > 0) throw withFieldErrors(new FilingIncomplete(), cleared);
    const changes = filingChanges(before, after);
    const fields = Object.keys(changes);
    if (fields.length === 0) throw new ChangeEmpty();
    const fixed: FieldError[] = fields
      .filter((field) => FIXED.includes(field))
      .map((field) => ({ field, code: 'fixed', message: 'cannot change after approval' }));
    if (fixed.length > 0) throw withFieldErrors(new FieldFixedAfterApproval(), fixed);
    await checkFiling(trx, actor.user, after);
    if (after.capacity !== null && after.capacity < event.registered_count) {
      throw new CapacityBelowEntries(after.capacity, event.registered_count);
    }

    const route = storedRoute(event);
    const needsReview =
      route.kind === 'reviewer' &&
      changeNeedsReview(fields as FilingField[], {
        before: before.capacity,
        after: after.capacity,
      });
    if (!needsReview) {
      await applyChange(trx, actor, event, after, changes, uuidv7(), null);
      return;
    }
    const changeId = uuidv7();
    await trx
      .insertInto('event_changes')
      .values({
        id: changeId,
        event_id: id,
        before: JSON.stringify(pick(before, fields)),
        after: JSON.stringify(pick(after, fields)),
        fields,
        reason,
        reviewer_type: event.reviewer_type,
        reviewer_district_code: event.reviewer_district_code,
        return_reason: null,
        submitted_by: actingUserId(actor),
        submitted_by_partner_id: actor.partner?.id ?? null,
        decided_by: null,
        decided_at: null,
      })
      .execute();
    await repository.updateEvent(trx, id, { pending_change_id: changeId });
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'event.change_requested',
      entityType: 'event',
      entityId: id,
      // The timeline reads the detail alone, so the detail carries the values it shows.
      detail: { changeId, fields, reason, changes },
      changes: auditChanges(changes),
    });
  });
  return getOwnConsoleEvent(db, actor, id);
}

function pick(filing: Filing, fields: string[]) {
  return Object.fromEntries(fields.map((field) => [field, filing[field as keyof Filing]]));
}

async function lockPendingChange(trx: Trx, id: string, changeId: string) {
  const change = await trx
    .selectFrom('event_changes')
    .selectAll()
    .where('id', '=', changeId)
    .where('event_id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!change) throw new ChangeNotFound(changeId);
  if (change.state !== 'pending') throw new ChangeNotPending(changeId, change.state);
  return change;
}

async function closeChange(
  trx: Trx,
  actor: Actor,
  changeId: string,
  state: 'approved' | 'returned' | 'withdrawn',
  returnReason: string | null,
) {
  await trx
    .updateTable('event_changes')
    .set({
      state,
      return_reason: returnReason,
      // A partner that cancels its event closes the pending change with no deciding user.
      decided_by: actingUserId(actor),
      decided_at: sql<Date>`now()`,
    })
    .where('id', '=', changeId)
    .execute();
}

/** Withdraws the organiser's own pending change; the event stays as approved. */
export async function withdrawChange(db: Db, actor: Actor, id: string, changeId: string) {
  await db.transaction().execute(async (trx) => {
    await lockOwn(trx, actor, id);
    await lockPendingChange(trx, id, changeId);
    await closeChange(trx, actor, changeId, 'withdrawn', null);
    await repository.updateEvent(trx, id, { pending_change_id: null });
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'event.change_withdrawn',
      entityType: 'event',
      entityId: id,
      detail: { changeId },
    });
  });
  return getOwnConsoleEvent(db, actor, id);
}

/**
 * Decides a pending change as the event's reviewer. Approval checks the change again against
 * the entries taken meanwhile, applies it and notifies the entrants. A return needs a reason
 * and leaves the event as it was.
 */
export async function decideChange(
  db: Db,
  actor: Actor,
  id: string,
  changeId: string,
  decision: { approve: true } | { approve: false; reason: string },
) {
  const returnReason = decision.approve ? null : requireReason(decision.reason);
  await db.transaction().execute(async (trx) => {
    const event = await repository.lockEvent(trx, id);
    if (!event || !canSeeEvent(actor.user, event)) throw new EventNotFound(id);
    const account = {
      accountType: actor.user.accountType as AccountType,
      divisionCode: actor.user.divisionCode,
    };
    if (!isReviewer(account, storedRoute(event))) throw new NotReviewer(id);
    const change = await lockPendingChange(trx, id, changeId);

    if (!decision.approve) {
      await closeChange(trx, actor, changeId, 'returned', returnReason);
      await repository.updateEvent(trx, id, { pending_change_id: null });
      await recordAudit(trx, {
        ...auditActorOf(actor),
        action: 'event.change_returned',
        entityType: 'event',
        entityId: id,
        detail: { changeId, reason: returnReason },
      });
      return;
    }
    const before = filingOf(event);
    const after = { ...before, ...change.after } as Filing;
    const capacity = after.capacity;
    if (capacity !== null && capacity < event.registered_count) {
      throw new CapacityBelowEntries(capacity, event.registered_count);
    }
    await closeChange(trx, actor, changeId, 'approved', null);
    await applyChange(trx, actor, event, after, filingChanges(before, after), changeId, changeId);
  });
  return getOwnConsoleEvent(db, actor, id);
}

/**
 * Cancels an event with a reason. The same transaction releases every active entry, queues one
 * SMS per entrant, closes a pending change and notifies partners: `event.cancelled` once the
 * event was approved, and `registration.cancelled` for each entry it ends.
 */
export async function cancelEvent(db: Db, actor: Actor, id: string, input: { reason: string }) {
  const reason = requireReason(input.reason);
  await db.transaction().execute(async (trx) => {
    const event = await lockOwn(trx, actor, id);
    if (event.state === 'cancelled') throw new InvalidTransition(event.state, 'cancel');
    // Waiting and offered entries end too, and every one of them gets the SMS.
    const released = await trx
      .updateTable('registrations')
      .set({
        status: 'cancelled',
        cancelled_at: sql<Date>`now()`,
        cancel_reason: 'event_cancelled',
        offer_expires_at: null,
      })
      .where('event_id', '=', id)
      .where('status', 'in', ['active', 'offered', 'waiting'])
      .returning('id')
      .execute();
    await trx
      .updateTable('event_groups')
      .set({ taken: 0, updated_at: sql<Date>`now()` })
      .where('event_id', '=', id)
      .execute();
    await cancelTeamsOfCancelledEvent(trx, id);
    if (event.pending_change_id !== null) {
      await closeChange(trx, actor, event.pending_change_id, 'withdrawn', null);
    }
    await repository.updateEvent(trx, id, {
      state: 'cancelled',
      cancel_reason: reason,
      cancelled_at: sql<Date>`now()`,
      registered_count: 0,
      pending_change_id: null,
    });
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'event.cancelled',
      entityType: 'event',
      entityId: id,
      detail: { reason, fromState: event.state, released: released.length },
    });
    if (released.length > 0) {
      await sql`
        insert into notification_outbox (id, kind, event_id, registration_id, payload, dedup_key)
        select gen_random_uuid(), 'event.cancelled', r.event_id, r.id,
          jsonb_build_object('registrationId', r.id, 'eventId', r.event_id),
          'event.cancelled:' || r.id
        from registrations r
        where r.id in (${sql.join(released.map((row) => row.id))})
        on conflict (dedup_key) where dedup_key is not null do nothing`.execute(trx);
    }
    if (event.published_at !== null || event.approved_at !== null) {
      await emitWebhookEvent(trx, {
        action: 'event.cancelled',
        resourceType: 'event',
        resourceId: id,
        eventId: id,
      });
    }
    await emitEntryWebhookEvents(
      trx,
      'registration.cancelled',
      id,
      released.map((row) => row.id),
    );
  });
  return getOwnConsoleEvent(db, actor, id);
}

/**
 * Copies one of the organisation's events into a new draft: every detail but the dates, the
 * registration window and the contract, which belong to the new edition.
 */
export async function copyEvent(db: Db, actor: Actor, id: string) {
  const source = await repository.findEventView(db, id);
  if (!source || !canSeeEvent(actor.user, source)) throw new EventNotFound(id);
  if (source.organisation_id !== actor.user.organisationId) throw new EventNotOwned(id);
  const filing = filingOf(source);
  const copy = Object.fromEntries(
    Object.entries({
      ...filing,
      startsAt: null,
      endsAt: null,
      registrationOpensAt: null,
      registrationClosesAt: null,
      contractId: actor.user.accountType === 'contractor' ? filing.contractId : null,
    }).filter(([, value]) => value !== null),
  );
  return createEvent(db, actor, copy as unknown as Parameters<typeof createEvent>[2], {
    copiedFrom: id,
  });
}
