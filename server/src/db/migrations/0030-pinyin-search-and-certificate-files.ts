import { sql, type Kysely } from 'kysely';

import { pinyinSearchText } from '../../events/pinyin-search.js';

const BACKFILL_BATCH = 1_000;

/**
 * Adds search by full pinyin and the stored certificate files.
 *
 * name_pinyin and venue_pinyin hold the full pinyin from each syllable to the end, each
 * preceded by a space (篮球赛: ' lanqiusai qiusai sai'), so `like '% lanq%'` matches a typed
 * pinyin word only where a syllable starts. A GIN index over the one- and two-character pieces
 * of both columns, built like events_search, narrows the rows before `like` confirms them.
 *
 * certificate_files keeps each rendered certificate PNG and PDF with a fingerprint of
 * everything drawn on it, so a download renders again only after the content changes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events add column name_pinyin text, add column venue_pinyin text`.execute(
    db,
  );
  await backfillPinyin(db);
  await sql`
    create function event_pinyin_document(name_pinyin text, venue_pinyin text) returns text
    language sql immutable parallel safe
    return coalesce(name_pinyin, '') || coalesce(venue_pinyin, '')`.execute(db);
  await sql`
    create index events_pinyin_search on events using gin (
      search_grams(event_pinyin_document(name_pinyin, venue_pinyin))
    ) with (fastupdate = off) where state = 'published'`.execute(db);

  await sql`
    create table certificate_files (
      certificate_id uuid not null references certificates (id) on delete cascade,
      format text not null check (format in ('png', 'pdf')),
      fingerprint text not null check (fingerprint ~ '^[0-9a-f]{64}$'),
      bytes bytea not null,
      rendered_at timestamptz not null default now(),
      primary key (certificate_id, format)
    )`.execute(db);
}

/** Fills the pinyin columns of the events written before this migration, in batches by id. */
async function backfillPinyin(db: Kysely<unknown>): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<{ id: string; name: string; venue: string | null }>`
      select id, name, venue from events where id > ${after}::uuid order by id
      limit ${BACKFILL_BATCH}`.execute(db);
    const last = rows.at(-1);
    if (!last) break;
    const values = rows.map(
      (row) =>
        sql`(${row.id}::uuid, ${pinyinSearchText(row.name)}::text, ${
          row.venue === null ? null : pinyinSearchText(row.venue)
        }::text)`,
    );
    await sql`
      update events set name_pinyin = backfill.name_pinyin, venue_pinyin = backfill.venue_pinyin
      from (values ${sql.join(values)}) as backfill (id, name_pinyin, venue_pinyin)
      where events.id = backfill.id`.execute(db);
    after = last.id;
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists certificate_files`.execute(db);
  await sql`drop index if exists events_pinyin_search`.execute(db);
  await sql`drop function if exists event_pinyin_document(text, text)`.execute(db);
  await sql`alter table events drop column if exists name_pinyin, drop column if exists venue_pinyin`.execute(
    db,
  );
}
