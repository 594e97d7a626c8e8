import { sql, type Kysely } from 'kysely';

import { pinyinInitials } from '../../events/venue-initials.js';

const BACKFILL_BATCH = 1_000;

/**
 * Adds the public event search and the citizens' preferences.
 *
 * Search matches any part of a name, so a GIN index over the one- and two-character pieces
 * (grams) of each published event's search document serves `like '%…%'` queries: the query's
 * grams narrow the rows through the index, and `like` confirms them. pg_trgm is not used,
 * because its three-character grams cannot serve the two-character Chinese words citizens
 * type most (篮球, 徐汇), and PGlite loads it only as an extra bundle. These functions are
 * core SQL, so PostgreSQL and PGlite plan the query the same way.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events add column name_initials text`.execute(db);
  await backfillNameInitials(db);

  // The document is lower-case so that typed Latin letters (3V3, LQS) match in any case.
  await sql`
    create function event_search_document(
      name text, name_initials text, venue text, venue_initials text, address text
    ) returns text
    language sql immutable parallel safe
    return lower(
      coalesce(name, '') || ' ' || coalesce(name_initials, '') || ' ' || coalesce(venue, '')
        || ' ' || coalesce(venue_initials, '') || ' ' || coalesce(address, ''))`.execute(db);
  await sql`
    create function search_grams(document text) returns text[]
    language sql immutable parallel safe
    begin atomic
      select coalesce(array_agg(distinct gram), '{}')
      from (
        select substr(document, position, 1) as gram
        from generate_series(1, length(document)) as position
        union all
        select substr(document, position, 2)
        from generate_series(1, length(document) - 1) as position
      ) as grams
      where gram !~ '\\s';
    end`.execute(db);
  // Without the pending list (fastupdate), a write updates the index at once. Events are
  // written rarely and searched often, and a long pending list makes every search slower.
  await sql`
    create index events_search on events using gin (
      search_grams(event_search_document(name, name_initials, venue, venue_initials, address))
    ) with (fastupdate = off) where state = 'published'`.execute(db);
  await sql`
    create index events_published_start on events (starts_at, id)
    where state = 'published'`.execute(db);

  await sql`
    alter table citizens
      add column favourite_sports text[] not null default '{}',
      add column district_code text references divisions (code)`.execute(db);
}

/** Fills name_initials for the events written before this migration, in batches by id. */
async function backfillNameInitials(db: Kysely<unknown>): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<{ id: string; name: string }>`
      select id, name from events where id > ${after}::uuid order by id limit ${BACKFILL_BATCH}`.execute(
      db,
    );
    const last = rows.at(-1);
    if (!last) break;
    const values = rows.map((row) => sql`(${row.id}::uuid, ${pinyinInitials(row.name)})`);
    await sql`
      update events set name_initials = backfill.initials
      from (values ${sql.join(values)}) as backfill (id, initials)
      where events.id = backfill.id`.execute(db);
    after = last.id;
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table citizens drop column if exists favourite_sports,
      drop column if exists district_code`.execute(db);
  await sql`drop index if exists events_published_start`.execute(db);
  await sql`drop index if exists events_search`.execute(db);
  await sql`drop function if exists search_grams(text)`.execute(db);
  await sql`drop function if exists event_search_document(text, text, text, text, text)`.execute(
    db,
  );
  await sql`alter table events drop column if exists name_initials`.execute(db);
}
