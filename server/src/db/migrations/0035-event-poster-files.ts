import { sql, type Kysely } from 'kysely';

/**
 * Adds event_poster_files, the rendered public posters of events shared by every API instance.
 *
 * Each row keeps the PNG of one event at one served width with the fingerprint of what it
 * draws (the hex digits of the poster's ETag). A request renders again only when the
 * fingerprint differs, and the new PNG replaces the row, so an event keeps at most one row per
 * width.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table event_poster_files (
      event_id uuid not null references events (id) on delete cascade,
      width integer not null check (width in (360, 720, 1080)),
      fingerprint text not null check (fingerprint ~ '^[0-9a-f]{32}$'),
      bytes bytea not null,
      rendered_at timestamptz not null default now(),
      primary key (event_id, width)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists event_poster_files`.execute(db);
}
