import { sql, type Kysely } from 'kysely';

/**
 * Adds indexes for two lookups that read whole tables at city scale.
 *
 * A citizen's registrations are found by mobile number hash, newest first, and the unique
 * indexes on registrations all lead with the event. A search word that names a sport or a
 * street matches events by sport or street code in an `or` with the gram indexes, and
 * PostgreSQL combines the alternatives with a bitmap only when each of them has an index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index registrations_phone on registrations (phone_hash, id desc)`.execute(db);
  await sql`
    create index events_published_sport on events (sport) where state = 'published'`.execute(db);
  await sql`
    create index events_published_street on events (division_code)
    where state = 'published'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists events_published_street`.execute(db);
  await sql`drop index if exists events_published_sport`.execute(db);
  await sql`drop index if exists registrations_phone`.execute(db);
}
