import { isReviewer, type AccountType } from '@cityleague/domain';
import { sql } from 'kysely';

import type { Principal } from '../accounts/account.repository.js';
import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import { emitWebhookEvent } from '../webhooks/webhook.emit.js';
import type { Db } from '../db/database.js';
import { storedRoute, toConsoleEvent } from '../events/event.dto.js';
import { EventNotFound } from '../events/event.errors.js';
import * as events from '../events/event.repository.js';
import { canSeeEvent } from '../events/event.scope.js';
import type { Actor } from '../events/event.service.js';
import { NotInReview, NotReviewer, ReasonRequired } from './review.errors.js';

function asAccount(user: Principal) {
  return { accountType: user.accountType as AccountType, divisionCode: user.divisionCode };
}

/** Lists the filings waiting for this reviewer, oldest submission first. */
export async function reviewQueue(db: Db, user: Principal) {
  const rows = await events
    .eventViewQuery(db)
    .where('events.state', '=', 'submitted')
    .where('events.reviewer_type', '=', user.accountType)
    .where((eb) =>
      eb.or([
        eb('events.reviewer_district_code', 'is', null),
        eb('events.reviewer_district_code', '=', user.divisionCode),
      ]),
    )
    .orderBy('events.submitted_at')
    .orderBy('events.id')
    .limit(500)
    .execute();
  return { items: rows.map((row) => toConsoleEvent(row, user)) };
}

async function decide(
  db: Db,
  actor: Actor,
  id: string,
  decision: { state: 'approved' | 'returned'; reason?: string },
) {
  await db.transaction().execute(async (trx) => {
    const event = await events.lockEvent(trx, id);
    if (!event || !canSeeEvent(actor.user, event)) throw new EventNotFound(id);
    const route = storedRoute(event);
    const reviewer = isReviewer(asAccount(actor.user), route);
    if (event.state !== 'submitted') {
      if (!reviewer) throw new NotReviewer(id);
      throw new NotInReview(id, event.state);
    }
    if (!reviewer) throw new NotReviewer(id);

    const approved = decision.state === 'approved';
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
  const view = await events.findEventView(db, id);
  if (!view) throw new EventNotFound(id);
  return toConsoleEvent(view, actor.user);
}

/** Approves a submitted filing; only the reviewer its route names may. */
export async function approveEvent(db: Db, actor: Actor, id: string) {
  return decide(db, actor, id, { state: 'approved' });
}

/** Returns a submitted filing to its organiser for changes, with a required reason. */
export async function returnEvent(db: Db, actor: Actor, id: string, reason: string) {
  const trimmed = reason.trim();
  if (trimmed === '') throw new ReasonRequired();
  return decide(db, actor, id, { state: 'returned', reason: trimmed });
}
