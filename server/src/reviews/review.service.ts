import {
  REVIEW_STEP_LABELS,
  isReviewer,
  type AccountType,
  type ReviewStep,
} from '@cityleague/domain';
import { sql } from 'kysely';

import type { Principal } from '../accounts/account.repository.js';
import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import { emitWebhookEvent } from '../webhooks/webhook.emit.js';
import type { Db, Trx } from '../db/database.js';
import type { EventRow, StoredReviewStep } from '../db/schema.js';
import { storedRoute, toConsoleEvent } from '../events/event.dto.js';
import {
  EventNotFound,
  ReviewStepNotRequired,
  ReviewStepsPending,
} from '../events/event.errors.js';
import * as events from '../events/event.repository.js';
import { canSeeEvent } from '../events/event.scope.js';
import { getOwnConsoleEvent, pendingChangeOf, type Actor } from '../events/event.service.js';
import { NotInReview, NotReviewer, ReasonRequired } from './review.errors.js';

function asAccount(user: Principal) {
  return { accountType: user.accountType as AccountType, divisionCode: user.divisionCode };
}

export interface QueueFilter {
  kind?: 'filing' | 'change';
  section?: string;
  level?: string;
  sport?: string;
  district?: string;
  q?: string;
  minDaysWaiting?: number;
}

/**
 * Lists what waits for this reviewer: submitted filings and change requests to approved events
 * routed to it, longest waiting first, narrowed by the filter.
 */
export async function reviewQueue(db: Db, user: Principal, filter: QueueFilter = {}) {
  let query = events
    .eventViewQuery(db)
    .leftJoin('event_changes as change', 'change.id', 'events.pending_change_id')
    .where('events.reviewer_type', '=', user.accountType)
    .where((eb) =>
      eb.or([
        eb('events.reviewer_district_code', 'is', null),
        eb('events.reviewer_district_code', '=', user.divisionCode),
      ]),
    );
  const waitingSince = sql<Date>`coalesce(change.submitted_at, events.submitted_at)`;
  if (filter.kind === 'filing') query = query.where('events.state', '=', 'submitted');
  else if (filter.kind === 'change') {
    query = query.where('events.pending_change_id', 'is not', null);
  } else {
    query = query.where((eb) =>
      eb.or([eb('events.state', '=', 'submitted'), eb('events.pending_change_id', 'is not', null)]),
    );
  }
  if (filter.section) query = query.where('events.section', '=', filter.section);
  if (filter.level) query = query.where('events.level', '=', filter.level);
  if (filter.sport) query = query.where('events.sport', '=', filter.sport);
  if (filter.district) query = query.where('events.district_code', '=', filter.district);
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where('events.name', 'ilike', pattern);
  }
  if (filter.minDaysWaiting !== undefined && filter.minDaysWaiting > 0) {
    query = query.where(
      waitingSince,
      '<=',
      sql<Date>`now() - make_interval(days => ${filter.minDaysWaiting})`,
    );
  }
  const rows = await query.orderBy(waitingSince).orderBy('events.id').limit(500).execute();
  const items = [];
  for (const row of rows) items.push(toConsoleEvent(row, user, await pendingChangeOf(db, row)));
  return { items };
}

/** Locks a submitted filing that the actor reviews; others get not-found or not-reviewer. */
async function lockForReview(trx: Trx, actor: Actor, id: string): Promise<EventRow> {
  const event = await events.lockEvent(trx, id);
  if (!event || !canSeeEvent(actor.user, event)) throw new EventNotFound(id);
  const reviewer = isReviewer(asAccount(actor.user), storedRoute(event));
  if (!reviewer) throw new NotReviewer(id);
  if (event.state !== 'submitted') throw new NotInReview(id, event.state);
  return event;
}

/**
 * Records a review step of a submitted filing: the federation's pre-review or the X-sport
 * assessment, with the reviewer's note. Recording a step again replaces the note.
 */
export async function recordReviewStep(
  db: Db,
  actor: Actor,
  id: string,
  step: ReviewStep,
  input: { note: string },
) {
  const note = input.note.trim();
  if (note === '') throw new ReasonRequired();
  await db.transaction().execute(async (trx) => {
    const event = await lockForReview(trx, actor, id);
    const steps = event.review_steps;
    const index = steps.findIndex((entry) => entry.step === step);
    if (index < 0) throw new ReviewStepNotRequired(step);
    const { rows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
    const done = {
      at: new Date(rows[0]?.now ?? Date.now()).toISOString(),
      by: actor.user.id,
      byName: actor.user.displayName,
      note,
    };
    const updated: StoredReviewStep[] = steps.map((entry, i) =>
      i === index ? { ...entry, done } : entry,
    );
    await events.updateEvent(trx, id, { review_steps: JSON.stringify(updated) });
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'event.review_step_recorded',
      entityType: 'event',
      entityId: id,
      detail: { step, label: REVIEW_STEP_LABELS[step], note },
    });
  });
  return getOwnConsoleEvent(db, actor, id);
}

async function decide(
  db: Db,
  actor: Actor,
  id: string,
  decision: { state: 'approved' | 'returned'; reason?: string },
) {
  await db.transaction().execute(async (trx) => {
    const event = await lockForReview(trx, actor, id);
    const approved = decision.state === 'approved';
    if (approved) {
      const pending = event.review_steps.filter((entry) => entry.done === null);
      if (pending.length > 0) {
        throw new ReviewStepsPending(pending.map((entry) => entry.step).join(', '));
      }
    }
    await events.updateEvent(trx, id, {
      state: decision.state,
      return_reason: approved ? null : (decision.reason ?? null),
      approved_at: approved ? sql<Date>`now()` : null,
    });
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: approved ? 'event.approved' : 'event.returned',
      entityType: 'event',
      entityId: id,
      detail: approved ? {} : { reason: decision.reason },
    });
    if (approved) {
      await emitWebhookEvent(trx, {
        action: 'event.approved',
        resourceType: 'event',
        resourceId: id,
        eventId: id,
      });
    }
  });
  return getOwnConsoleEvent(db, actor, id);
}

/** Approves a submitted filing once its review steps are recorded; only its reviewer may. */
export async function approveEvent(db: Db, actor: Actor, id: string) {
  return decide(db, actor, id, { state: 'approved' });
}

/** Returns a submitted filing to its organiser for changes, with a required reason. */
export async function returnEvent(db: Db, actor: Actor, id: string, reason: string) {
  const trimmed = reason.trim();
  if (trimmed === '') throw new ReasonRequired();
  return decide(db, actor, id, { state: 'returned', reason: trimmed });
}

/**
 * Approves several filings, each in its own transaction, so that one that cannot be approved
 * (a step not recorded, already decided) leaves the others approved. Reports each outcome.
 */
export async function batchApprove(db: Db, actor: Actor, ids: string[]) {
  const results: { id: string; ok: boolean; code: string | null }[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      await approveEvent(db, actor, id);
      results.push({ id, ok: true, code: null });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string') throw error;
      results.push({ id, ok: false, code });
    }
  }
  return { results };
}
