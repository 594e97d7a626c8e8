import { sql, type Kysely } from 'kysely';

/**
 * Adds participant sets of each division's community games by sport, level and organisation,
 * and of its community games that name no division below it:
 * `<division>|cg-sport:<sport>`, `<division>|cg-level:<level>`,
 * `<division>|cg-org:<organisation id>` and `<division>|cg-unassigned`.
 *
 * The community sports association's dashboard counts its own events plus every community
 * game of the division. Its breakdown rows read the matching community-games set and add the
 * people of its own other events who are not in that set, so each row is an exact union (see
 * `dashboard.service.ts`). Only entries of community games reach the new sets: such an entry
 * touches up to 34 scopes in 2 periods, any other entry 21 as before.
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
          case when d.child is null then 'unassigned' end,
          case when fact.section = 'community_games' then 'cg-sport:' || fact.sport end,
          case when fact.section = 'community_games' then 'cg-level:' || fact.level end,
          case when fact.section = 'community_games'
            then 'cg-org:' || fact.organisation_id::text end,
          case when fact.section = 'community_games' and d.child is null
            then 'cg-unassigned' end
        ]) with ordinality as k (dimension, dimension_order)
        where division is not null and (dimension_order = 1 or dimension is not null)
        order by division_order, dimension_order
      )
    $$`.execute(db);
  await sql`select dashboard_rebuild()`.execute(db);
}

/** Restores the scopes of 0036 and recounts the sets. */
export async function down(db: Kysely<unknown>): Promise<void> {
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
