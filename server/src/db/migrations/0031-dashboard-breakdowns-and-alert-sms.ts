import { sql, type Kysely } from 'kysely';

/**
 * Keeps unique participants per breakdown in every division, and gives officials a mobile
 * number for alert SMS.
 *
 * Participant-set scopes become `<division code>` for a whole city, district, street or
 * community, and `<division code>|<dimension>:<value>` for its events of one section, sport,
 * level or organisation (`310104|sport:running`, `3101|org:<organisation id>`). The triggers
 * of 0021 call `dashboard_scopes`, so replacing it is enough; the rebuild recounts the sets
 * under the new names. Each active entry now touches up to 20 scopes in 2 periods.
 *
 * `users.phone_*` holds an official's mobile number, encrypted beside its keyed hash and a
 * masked copy, as the other personal data columns do. Users without one get no alert SMS.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Returns the scopes in one fixed order (division level first, then dimension), so that
  // dashboard_count_person keeps touching the rows of one person in a fixed order.
  await sql`
    create or replace function dashboard_scopes(fact dashboard_event_facts) returns text[]
    language sql immutable as $$
      select array(
        select division || coalesce('|' || dimension, '')
        from unnest(array['3101', fact.district_code, fact.street_code, fact.community_code])
          with ordinality as d (division, division_order)
        cross join unnest(array[
          null, 'section:' || fact.section, 'sport:' || fact.sport, 'level:' || fact.level,
          'org:' || fact.organisation_id::text
        ]) with ordinality as k (dimension, dimension_order)
        where division is not null and (dimension_order = 1 or dimension is not null)
        order by division_order, dimension_order
      )
    $$`.execute(db);
  await sql`select dashboard_rebuild()`.execute(db);

  await sql`
    alter table users
      add column phone_ciphertext text,
      add column phone_hash text,
      add column phone_masked text,
      add constraint users_phone_complete check (
        (phone_ciphertext is null) = (phone_hash is null)
        and (phone_hash is null) = (phone_masked is null)
      )`.execute(db);
}

/** Restores the scopes of 0021 and drops the officials' phone columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users drop constraint users_phone_complete,
      drop column phone_masked, drop column phone_hash, drop column phone_ciphertext`.execute(db);
  await sql`
    create or replace function dashboard_scopes(fact dashboard_event_facts) returns text[]
    language sql immutable as $$
      select array_remove(array[
        '3101', fact.district_code, fact.street_code,
        'org:' || fact.organisation_id::text, 'section:' || fact.section
      ], null)
    $$`.execute(db);
  await sql`select dashboard_rebuild()`.execute(db);
}
