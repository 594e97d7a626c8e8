import { sql } from 'kysely';

import type { Principal } from '../accounts/account.repository.js';
import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import { emitWebhookEvent } from '../webhooks/webhook.emit.js';
import type { Db } from '../db/database.js';
import { EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent } from '../events/event.service.js';
import { CodeNotFound, EventNotRunning } from './check-in.errors.js';

/**
 * Checks a person in by registration code. Scans are idempotent: the first scan records the
 * time and the scanner, a repeated scan changes nothing and reports that the person was already in.
 */
export async function checkIn(
  db: Db,
  actor: { user: Principal; ip: string; userAgent?: string | null },
  eventId: string,
  rawCode: string,
) {
  const event = await getVisibleEvent(db, actor.user, eventId);
  if (event.organisation_id !== actor.user.organisationId) throw new EventNotOwned(eventId);
  if (event.state !== 'published') throw new EventNotRunning(eventId);
  // NOTE: check-in has no time window yet; a published event accepts check-ins on any day.
  const code = rawCode.trim().toUpperCase();

  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('registrations')
      .set({ checked_in_at: sql<Date>`now()`, checked_in_by: actor.user.id })
      .where('event_id', '=', eventId)
      .where('code', '=', code)
      .where('status', '=', 'active')
      .where('checked_in_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (updated) {
      await recordAudit(trx, {
        ...auditActorOf(actor),
        action: 'registration.checked_in',
        entityType: 'registration',
        entityId: updated.id,
        detail: { eventId },
      });
      await emitWebhookEvent(trx, {
        action: 'check_in.recorded',
        resourceType: 'registration',
        resourceId: updated.id,
        eventId,
      });
      return { registration: updated, alreadyCheckedIn: false };
    }

    const existing = await trx
      .selectFrom('registrations')
      .selectAll()
      .where('event_id', '=', eventId)
      .where('code', '=', code)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!existing) throw new CodeNotFound(eventId);
    return { registration: existing, alreadyCheckedIn: true };
  });
}
