import { sql } from 'kysely';

import type { Executor } from '../db/database.js';

/** An outbox row claimed for one delivery attempt. */
export interface ClaimedNotification {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/**
 * Claims up to `limit` due rows of the given kinds for one attempt each. It counts the attempt
 * and moves `next_attempt_at` past the lease. Another dispatcher therefore skips the rows while
 * this one sends them, and retries them after the lease when this process dies mid-send.
 * `for update skip locked` lets several instances claim at once without waiting on each other.
 */
export async function claimDue(
  db: Executor,
  kinds: readonly string[],
  limit: number,
  leaseSeconds: number,
): Promise<ClaimedNotification[]> {
  if (kinds.length === 0) return [];
  const { rows } = await sql<ClaimedNotification>`
    update notification_outbox
    set attempts = attempts + 1,
        next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
    where id in (
      select id from notification_outbox
      where sent_at is null and abandoned_at is null and next_attempt_at <= now()
        and kind in (${sql.join(kinds)})
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    )
    returning id, kind, payload, attempts`.execute(db);
  return rows;
}

/** Marks a row sent and replaces its payload, which drops secrets such as a sign-in code. */
export async function markSent(db: Executor, id: string, payload: Record<string, unknown>) {
  await db
    .updateTable('notification_outbox')
    .set({ sent_at: sql`now()`, last_error: null, payload: JSON.stringify(payload) })
    .where('id', '=', id)
    .execute();
}

/** Schedules the next attempt of a row whose delivery failed. */
export async function markFailed(db: Executor, id: string, error: string, retryInSeconds: number) {
  await db
    .updateTable('notification_outbox')
    .set({
      last_error: error,
      next_attempt_at: sql`now() + make_interval(secs => ${retryInSeconds})`,
    })
    .where('id', '=', id)
    .execute();
}

/** Gives a row up for good, keeping it with the reason. */
export async function markAbandoned(
  db: Executor,
  id: string,
  reason: string,
  payload: Record<string, unknown>,
) {
  await db
    .updateTable('notification_outbox')
    .set({ abandoned_at: sql`now()`, last_error: reason, payload: JSON.stringify(payload) })
    .where('id', '=', id)
    .execute();
}
