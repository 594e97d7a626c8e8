import { sql, type Kysely } from 'kysely';

import { venueInitials } from '../../events/venue-initials.js';

const BACKFILL_BATCH = 1_000;

/**
 * Stores the pinyin initials of each event's venue, so that venue suggestions match typed
 * initials (tyg finds 体育馆) in SQL. The server fills the column whenever it writes a venue;
 * this migration backfills the events written before it. The backfill updates each event row
 * once, so partners' incremental sync lists those events once more.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events add column venue_initials text`.execute(db);

  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<{ id: string; venue: string }>`
      select id, venue from events
      where venue is not null and id > ${after}::uuid
      order by id
      limit ${BACKFILL_BATCH}`.execute(db);
    const last = rows.at(-1);
    if (!last) break;
    const values = rows.map((row) => sql`(${row.id}::uuid, ${venueInitials(row.venue)})`);
    await sql`
      update events set venue_initials = backfill.initials
      from (values ${sql.join(values)}) as backfill (id, initials)
      where events.id = backfill.id`.execute(db);
    after = last.id;
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events drop column if exists venue_initials`.execute(db);
}
