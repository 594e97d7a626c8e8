import { sql, type Kysely } from 'kysely';

/**
 * Adds a participant set for each division's events that name no division below it: city
 * events without a district, district events without a street, street events without a
 * community. The dashboards' unassigned row reads it, so that row shows its unique
 * participants like the child rows beside it. An active entry reaches at most one such set,
 * in 2 periods.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function dashboard_scopes(fact dashboard_event_facts) returns text[]
    language sql immutable as $$
      select array(
        select division || coalesce('|' || dimension, '')
        from unnest(
          array['3101', fact.district_code, fact.street_code, fact.community_code],
          array[fact.district_code, fact.street_code, fact.community_code, 'none']
        ) with ordinality as d (division, child, division_order)
        cross join unnest(array[
          null, 'section:' || fact.section, 'sport:' || fact.sport, 'level:' || fact.level,
          'org:' || fact.organisation_id::text,
          case when d.child is null then 'unassigned' end
        ]) with ordinality as k (dimension, dimension_order)
        where division is not null and (dimension_order = 1 or dimension is not null)
        order by division_order, dimension_order
      )
    $$`.execute(db);
  await sql`select dashboard_rebuild()`.execute(db);
}

/** Restores the scopes of 0031 and recounts the sets. */
export async function down(db: Kysely<unknown>): Promise<void> {
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
}
