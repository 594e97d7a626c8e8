import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';

import type { Db, Executor } from '../db/database.js';
import { startPeriodicJob } from '../shared/periodic-job.js';

/** Outbox kind of the reminder SMS sent the day before an event. */
export const REMINDER_KIND = 'event.reminder';

/**
 * Queues one reminder SMS for every active entry of each published event that starts
 * tomorrow in Asia/Shanghai, on the database clock. The deduplication key is the kind, the
 * entry and the event's start date, and the outbox's unique index on it lets only the first
 * insert through. So a reminder goes out once per entry and date however often the job runs
 * and on however many instances, and a postponed event gets a reminder for its new date.
 * Returns the number of reminders queued by this run.
 */
export async function queueReminders(db: Executor): Promise<number> {
  const result = await sql<{ id: string }>`
    with tomorrow as (
      select (date_trunc('day', now() at time zone 'Asia/Shanghai') + interval '1 day')
        at time zone 'Asia/Shanghai' as starts,
        (date_trunc('day', now() at time zone 'Asia/Shanghai') + interval '2 day')
        at time zone 'Asia/Shanghai' as ends
    )
    insert into notification_outbox (id, kind, event_id, registration_id, payload, dedup_key)
    select gen_random_uuid(), ${REMINDER_KIND}, e.id, r.id,
      jsonb_build_object('registrationId', r.id::text, 'eventId', e.id::text, 'eventDate', day.value),
      ${REMINDER_KIND} || ':' || r.id::text || ':' || day.value
    from tomorrow
    join events e on e.starts_at >= tomorrow.starts and e.starts_at < tomorrow.ends
    cross join lateral (
      select to_char(e.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as value
    ) day
    join registrations r on r.event_id = e.id and r.status = 'active'
    where e.state = 'published'
    on conflict (dedup_key) where dedup_key is not null do nothing
    returning id`.execute(db);
  return result.rows.length;
}

/** Runs `queueReminders` every `intervalMs` until the returned function is called. */
export function startReminderJob(db: Db, log: FastifyBaseLogger, intervalMs = 15 * 60_000) {
  const job = startPeriodicJob({
    intervalMs,
    log,
    failureMessage: 'event reminder round failed',
    runAtStart: true,
    round: async () => {
      const count = await queueReminders(db);
      if (count > 0) log.info({ queued: count }, 'event reminders queued');
    },
  });
  return job.stop;
}
