import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import { microsecondInstantOf } from '../shared/cursor.js';

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

/**
 * Queues notifications in the caller's transaction. A row whose `dedupKey` is already queued
 * is skipped, so a notification that must reach a person once is queued once.
 */
export async function enqueue(
  db: Executor,
  rows: { id: string; kind: string; payload: Record<string, unknown>; dedupKey: string }[],
) {
  if (rows.length === 0) return;
  await db
    .insertInto('notification_outbox')
    .values(
      rows.map((row) => ({
        id: row.id,
        kind: row.kind,
        event_id: null,
        registration_id: null,
        payload: JSON.stringify(row.payload),
        dedup_key: row.dedupKey,
      })),
    )
    .onConflict((conflict) =>
      conflict.column('dedup_key').where('dedup_key', 'is not', null).doNothing(),
    )
    .execute();
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

/** Delivery states the operator filters by: never tried, failed and retrying, given up. */
export type OutboxState = 'waiting' | 'retrying' | 'abandoned' | 'sent';

function stateCondition(state: OutboxState) {
  if (state === 'sent') return sql<boolean>`o.sent_at is not null`;
  if (state === 'abandoned') return sql<boolean>`o.sent_at is null and o.abandoned_at is not null`;
  const attempted = state === 'retrying' ? sql`o.attempts > 0` : sql`o.attempts = 0`;
  return sql<boolean>`o.sent_at is null and o.abandoned_at is null and ${attempted}`;
}

/**
 * Lists outbox rows in one state, newest first, after the cursor position. The payload is
 * never read: it may hold an encrypted number or code.
 */
export async function listByState(
  db: Executor,
  state: OutboxState,
  page: { after?: { createdAt: string; id: string }; limit: number },
) {
  let query = db
    .selectFrom('notification_outbox as o')
    .leftJoin('events as e', 'e.id', 'o.event_id')
    .select([
      'o.id',
      'o.kind',
      'o.created_at',
      'o.attempts',
      'o.next_attempt_at',
      'o.last_error',
      'o.abandoned_at',
      'o.sent_at',
      'o.event_id',
      'e.name as event_name',
      // The cursor keeps the microseconds, which an ISO string of a JavaScript Date drops.
      microsecondInstantOf('o.created_at').as('position'),
    ])
    .where(stateCondition(state))
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(page.limit + 1);
  if (page.after) {
    const { createdAt, id } = page.after;
    query = query.where(
      sql<boolean>`(o.created_at, o.id) < (${createdAt}::timestamptz, ${id}::uuid)`,
    );
  }
  return query.execute();
}

/** Counts unsent rows per state. */
export async function countUnsent(db: Executor) {
  const { rows } = await sql<{ waiting: number; retrying: number; abandoned: number }>`
    select
      count(*) filter (where abandoned_at is null and attempts = 0)::int as waiting,
      count(*) filter (where abandoned_at is null and attempts > 0)::int as retrying,
      count(*) filter (where abandoned_at is not null)::int as abandoned
    from notification_outbox where sent_at is null`.execute(db);
  return rows[0] ?? { waiting: 0, retrying: 0, abandoned: 0 };
}

/**
 * Makes an abandoned row due now with a fresh count of attempts. Rows still retrying are left
 * alone, because one of them may be leased by a dispatcher that is sending it. Returns
 * undefined when the row is not abandoned.
 */
export async function retryNow(db: Executor, id: string) {
  return db
    .updateTable('notification_outbox')
    .set({ abandoned_at: null, attempts: 0, next_attempt_at: sql`now()` })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .where('abandoned_at', 'is not', null)
    .returning(['id', 'kind'])
    .executeTakeFirst();
}
