import { sql, type Kysely } from 'kysely';

/**
 * Adds quarters (`YYYY-Qn`) to the periods of the participant sets, beside years and months.
 *
 * A quarter's unique participants were the union of its three month sets, one
 * `count(distinct)` per figure. A city dashboard of a quarter has some 90 figures, and on a
 * city's data those unions took 1.3 s together. Now each quarter has a set and counters of its
 * own, so a quarter reads one counter per figure, as a year or a month does.
 *
 * The triggers still queue an event's year and month. The applier adds the quarter of each
 * queued month, so the trigger functions of 0033 and 0038 stay as they are. The migration and
 * the rebuild derive the quarter sets from the month sets: a person's entries in a quarter are
 * the sum of their entries in its months. An active entry now touches 3 periods instead of 2.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table dashboard_participants
      drop constraint dashboard_participants_period_check,
      add constraint dashboard_participants_period_check
        check (period ~ '^[0-9]{4}(-[0-9]{2}|-Q[1-4])?$')`.execute(db);
  await sql`
    create function dashboard_quarter(month text) returns text language sql immutable as $$
      select left(month, 4) || '-Q' || ((substr(month, 6, 2)::integer + 2) / 3)::text
    $$`.execute(db);
  await replaceApply(db, true);
  await sql`
    create function dashboard_add_quarter_sets() returns void language plpgsql as $$
    begin
      insert into dashboard_participants (scope, period, person_hash, entries)
      select scope, dashboard_quarter(period), person_hash, sum(entries)
      from dashboard_participants
      where period ~ '^[0-9]{4}-[0-9]{2}$'
      group by 1, 2, 3;
      insert into dashboard_participant_counts (scope, period, shard, participants)
      select scope, period, abs(hashtext(person_hash)) % 16, count(*)
      from dashboard_participants
      where period like '%-Q%'
      group by 1, 2, 3;
    end
    $$`.execute(db);
  await replaceRebuild(db, true);
  await sql`select dashboard_add_quarter_sets()`.execute(db);
}

/**
 * Replaces dashboard_apply_participant_changes of 0038: with `quarters` each queued month also
 * counts in its quarter.
 */
async function replaceApply(db: Kysely<unknown>, quarters: boolean): Promise<void> {
  const periods = quarters
    ? sql`(
          select distinct q.period from unnest(t.periods) as m (period)
          cross join lateral (values (m.period), (case when m.period ~ '^[0-9]{4}-[0-9]{2}$'
            then dashboard_quarter(m.period) end)) as q (period)
          where q.period is not null
        ) as p`
    : sql`unnest(t.periods) as p (period)`;
  await sql`
    create or replace function dashboard_apply_participant_changes(max_rows integer)
    returns integer language plpgsql as $$
    declare
      claimed integer;
      sums dashboard_participant_delta[];
    begin
      -- An empty queue takes no lock, so dashboards read at once while nothing is pending.
      if not exists (select 1 from dashboard_participant_changes) then
        return 0;
      end if;
      perform pg_advisory_xact_lock(hashtextextended('dashboard_participant_changes', 0));
      with taken as (
        delete from dashboard_participant_changes c
        where c.id in (
          select q.id from dashboard_participant_changes q order by q.id limit max_rows)
        returning c.scopes, c.periods, c.people, c.deltas
      ),
      summed as (
        select s.scope, p.period, x.person_hash, sum(x.delta)::integer as delta
        from taken t
        cross join lateral unnest(t.scopes) as s (scope)
        cross join lateral ${periods}
        cross join lateral unnest(t.people, t.deltas) as x (person_hash, delta)
        group by s.scope, p.period, x.person_hash
        having sum(x.delta) <> 0
      )
      select (select count(*) from taken)::integer,
        array(select row(m.scope, m.period, m.person_hash, m.delta)::dashboard_participant_delta
          from summed m)
      into claimed, sums;
      perform dashboard_apply_participant_deltas(sums);
      return claimed;
    end
    $$`.execute(db);
}

/** Replaces dashboard_rebuild() of 0040: with `quarters` it adds the quarter sets. */
async function replaceRebuild(db: Kysely<unknown>, quarters: boolean): Promise<void> {
  await sql`
    create or replace function dashboard_rebuild() returns void language plpgsql as $$
    begin
      perform set_config('cityleague.dashboard_rebuild', 'on', true);
      perform dashboard_rebuild_counts();
      ${quarters ? sql`perform dashboard_add_quarter_sets();` : sql``}
      perform dashboard_rebuild_rollups();
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`select dashboard_apply_participant_changes(null)`.execute(db);
  await replaceRebuild(db, false);
  await replaceApply(db, false);
  await sql`drop function dashboard_add_quarter_sets()`.execute(db);
  await sql`drop function dashboard_quarter(text)`.execute(db);
  await sql`delete from dashboard_participant_counts where period like '%-Q%'`.execute(db);
  await sql`delete from dashboard_participants where period like '%-Q%'`.execute(db);
  await sql`
    alter table dashboard_participants
      drop constraint dashboard_participants_period_check,
      add constraint dashboard_participants_period_check
        check (period ~ '^[0-9]{4}(-[0-9]{2})?$')`.execute(db);
}
