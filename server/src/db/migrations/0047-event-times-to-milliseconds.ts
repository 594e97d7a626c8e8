import { type Kysely, sql } from 'kysely';

/**
 * Cuts event times to milliseconds. List cursors carry milliseconds, so an event whose start
 * had microseconds (the demo seed moved past events by an interval taken from now()) came
 * after its own cursor and was listed again on every page of the soonest-first list.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update events set
      starts_at = date_trunc('milliseconds', starts_at),
      ends_at = date_trunc('milliseconds', ends_at),
      registration_opens_at = date_trunc('milliseconds', registration_opens_at),
      registration_closes_at = date_trunc('milliseconds', registration_closes_at),
      published_at = date_trunc('milliseconds', published_at)
    where starts_at <> date_trunc('milliseconds', starts_at)
      or ends_at <> date_trunc('milliseconds', ends_at)
      or registration_opens_at <> date_trunc('milliseconds', registration_opens_at)
      or registration_closes_at <> date_trunc('milliseconds', registration_closes_at)
      or published_at <> date_trunc('milliseconds', published_at)`.execute(db);
}

/** Nothing to undo: the cut times list in the same order. */
export async function down(): Promise<void> {}
