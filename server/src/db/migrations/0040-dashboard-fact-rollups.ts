import { sql, type Kysely } from 'kysely';

/**
 * Sums of the event facts of ended events per division, dimension, month and state, so that a
 * division's dashboard reads some thousands of sums instead of every event of its year.
 *
 * A fact row is `rolled` once its event has ended and is not a draft. The sums of the rolled
 * rows are kept in `dashboard_fact_rollups`, one row per division (the city, the event's
 * district, street and community), dimension (`total`, `section`, `sport`, `level`,
 * `organisation`, and the child divisions a dashboard of that level groups by), key, month,
 * state and whether the event is a community game. A key of '' is an event without a value
 * there: no sport, or no child division.
 *
 * A row-level trigger queues a change of a rolled fact row in `dashboard_fact_rollup_changes`:
 * the old row with sign -1 and the new row with sign +1. `dashboard_apply_rollup_changes()`
 * adds the queue to the sums under one advisory lock, in one statement, so the sums plus the
 * queue always equal the rolled rows. A dashboard reads the sums, the queue and the facts that
 * are not rolled in one statement, so its figures are exact whether or not the queue has been
 * applied. `dashboard_roll_ended_facts()` rolls the rows of the events that have ended; a job
 * calls both every second. A change that makes a rolled row a draft, moves it out of every
 * month or ends it in the future unrolls it.
 *
 * Rolled events rarely change: entries and check-ins happen before the end. So the queue is
 * short, and the registration transaction of an event that is open never touches it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table dashboard_event_facts
      add column rolled boolean not null default false`.execute(db);
  await replaceFactOf(db, true);

  await sql`
    create table dashboard_fact_rollups (
      scope text not null,
      dimension text not null,
      key text not null,
      month text not null,
      state text not null,
      community_games boolean not null,
      events integer not null,
      registrations integer not null,
      cancellations integer not null,
      check_ins integer not null,
      online integer not null,
      on_site integer not null,
      partner integer not null,
      primary key (scope, dimension, month, key, state, community_games)
    )`.execute(db);

  await sql`
    create table dashboard_fact_rollup_changes (
      id bigint generated always as identity primary key,
      sign integer not null check (sign in (-1, 1)),
      organisation_id uuid not null,
      state text not null,
      level text not null,
      section text not null,
      sport text,
      district_code text,
      street_code text,
      community_code text,
      month text not null,
      registrations integer not null,
      cancellations integer not null,
      check_ins integer not null,
      online integer not null,
      on_site integer not null,
      partner integer not null
    )`.execute(db);

  // The rollup rows one event adds to: each of its divisions with the dimensions a dashboard
  // of that division's level groups by (see CHILD_GROUP and RANKED_GROUP of the service).
  await sql`
    create function dashboard_rollup_keys(
      district text, street text, community text,
      section text, sport text, level text, organisation uuid
    ) returns table (scope text, dimension text, key text)
    language sql immutable as $$
      select s.scope, d.dimension, d.key
      from (values ('3101', 0), (district, 1), (street, 2), (community, 3)) as s (scope, depth)
      cross join lateral (values
        ('total', ''),
        ('section', section),
        ('sport', coalesce(sport, '')),
        ('level', level),
        ('organisation', organisation::text),
        ('district', case when s.depth = 0 then coalesce(district, '') end),
        ('street', case when s.depth in (0, 1) then coalesce(street, '') end),
        ('community', case when s.depth = 2 then coalesce(community, '') end)
      ) as d (dimension, key)
      where s.scope is not null and d.key is not null
    $$`.execute(db);

  await sql`
    create function dashboard_fact_rolled_changed() returns trigger language plpgsql as $$
    begin
      if current_setting('cityleague.dashboard_rebuild', true) = 'on' then
        return null;
      end if;
      if old.rolled then
        insert into dashboard_fact_rollup_changes (sign, organisation_id, state, level, section,
          sport, district_code, street_code, community_code, month, registrations,
          cancellations, check_ins, online, on_site, partner)
        values (-1, old.organisation_id, old.state, old.level, old.section, old.sport,
          old.district_code, old.street_code, old.community_code, old.month, old.registrations,
          old.cancellations, old.check_ins, old.online, old.on_site, old.partner);
      end if;
      if tg_op = 'UPDATE' and new.rolled then
        insert into dashboard_fact_rollup_changes (sign, organisation_id, state, level, section,
          sport, district_code, street_code, community_code, month, registrations,
          cancellations, check_ins, online, on_site, partner)
        values (1, new.organisation_id, new.state, new.level, new.section, new.sport,
          new.district_code, new.street_code, new.community_code, new.month, new.registrations,
          new.cancellations, new.check_ins, new.online, new.on_site, new.partner);
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger dashboard_fact_rollups_update
    after update on dashboard_event_facts
    for each row when ((old.rolled or new.rolled) and old is distinct from new)
    execute function dashboard_fact_rolled_changed()`.execute(db);
  await sql`
    create trigger dashboard_fact_rollups_delete
    after delete on dashboard_event_facts
    for each row when (old.rolled)
    execute function dashboard_fact_rolled_changed()`.execute(db);

  await sql`
    create function dashboard_fact_unroll() returns trigger language plpgsql as $$
    begin
      new.rolled := false;
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger dashboard_fact_unroll
    before update on dashboard_event_facts
    for each row when (new.rolled and (new.state = 'draft' or new.month is null
      or new.ends_at is null or new.ends_at >= now()))
    execute function dashboard_fact_unroll()`.execute(db);

  await sql`
    create index dashboard_event_facts_to_roll on dashboard_event_facts (ends_at)
    where not rolled and state <> 'draft' and month is not null`.execute(db);
  // The facts a dashboard still reads row by row.
  for (const column of [
    'month',
    'district_code, month',
    'street_code, month',
    'community_code, month',
  ]) {
    const name = `dashboard_event_facts_live_${column.split(',')[0]}`;
    await sql`
      create index ${sql.id(name)} on dashboard_event_facts (${sql.raw(column)})
      where not rolled`.execute(db);
  }

  await sql`
    create function dashboard_roll_ended_facts() returns integer language sql as $$
      with rolled as (
        update dashboard_event_facts set rolled = true
        where not rolled and state <> 'draft' and month is not null and ends_at < now()
        returning 1
      )
      select count(*)::integer from rolled
    $$`.execute(db);

  await sql`
    create function dashboard_apply_rollup_changes() returns integer language plpgsql as $$
    declare
      applied integer;
    begin
      perform pg_advisory_xact_lock(hashtextextended('dashboard_fact_rollup_changes', 0));
      with taken as (
        delete from dashboard_fact_rollup_changes returning *
      ),
      sums as (
        select k.scope, k.dimension, k.key, t.month, t.state,
          t.section = 'community_games' as community_games,
          sum(t.sign)::integer as events,
          sum(t.sign * t.registrations)::integer as registrations,
          sum(t.sign * t.cancellations)::integer as cancellations,
          sum(t.sign * t.check_ins)::integer as check_ins,
          sum(t.sign * t.online)::integer as online,
          sum(t.sign * t.on_site)::integer as on_site,
          sum(t.sign * t.partner)::integer as partner
        from taken t
        cross join lateral dashboard_rollup_keys(t.district_code, t.street_code,
          t.community_code, t.section, t.sport, t.level, t.organisation_id) k
        group by 1, 2, 3, 4, 5, 6
      ),
      added as (
        insert into dashboard_fact_rollups as r
        select * from sums
        where (events, registrations, cancellations, check_ins, online, on_site, partner)
          <> (0, 0, 0, 0, 0, 0, 0)
        order by scope, dimension, month, key, state, community_games
        on conflict (scope, dimension, month, key, state, community_games) do update set
          events = r.events + excluded.events,
          registrations = r.registrations + excluded.registrations,
          cancellations = r.cancellations + excluded.cancellations,
          check_ins = r.check_ins + excluded.check_ins,
          online = r.online + excluded.online,
          on_site = r.on_site + excluded.on_site,
          partner = r.partner + excluded.partner
        returning 1
      )
      select count(*)::integer into applied from taken;
      return applied;
    end
    $$`.execute(db);

  // Recounts the sums from the rolled rows, which it first sets for every fact. The setting
  // keeps the trigger from queueing what the recount already holds.
  await sql`
    create function dashboard_rebuild_rollups() returns void language plpgsql as $$
    begin
      perform pg_advisory_xact_lock(hashtextextended('dashboard_fact_rollup_changes', 0));
      perform set_config('cityleague.dashboard_rebuild', 'on', true);
      update dashboard_event_facts set rolled = not rolled
      where rolled <> (state <> 'draft' and month is not null and coalesce(ends_at < now(), false));
      perform set_config('cityleague.dashboard_rebuild', 'off', true);
      delete from dashboard_fact_rollup_changes;
      delete from dashboard_fact_rollups;
      insert into dashboard_fact_rollups
      select k.scope, k.dimension, k.key, f.month, f.state,
        f.section = 'community_games', count(*)::integer,
        sum(f.registrations)::integer, sum(f.cancellations)::integer, sum(f.check_ins)::integer,
        sum(f.online)::integer, sum(f.on_site)::integer, sum(f.partner)::integer
      from dashboard_event_facts f
      cross join lateral dashboard_rollup_keys(f.district_code, f.street_code,
        f.community_code, f.section, f.sport, f.level, f.organisation_id) k
      where f.rolled
      group by 1, 2, 3, 4, 5, 6;
    end
    $$`.execute(db);

  // The recount of the earlier migrations keeps its body under a new name; the rebuild runs it
  // with the trigger held off, so that deleting the rolled facts queues nothing.
  await sql`alter function dashboard_rebuild() rename to dashboard_rebuild_counts`.execute(db);
  await sql`
    create function dashboard_rebuild() returns void language plpgsql as $$
    begin
      perform set_config('cityleague.dashboard_rebuild', 'on', true);
      perform dashboard_rebuild_counts();
      perform dashboard_rebuild_rollups();
    end
    $$`.execute(db);

  await sql`select dashboard_rebuild_rollups()`.execute(db);
}

/** Replaces dashboard_fact_of of 0021: with `rolled` it returns the new column too, as false. */
async function replaceFactOf(db: Kysely<unknown>, rolled: boolean): Promise<void> {
  await sql`
    create or replace function dashboard_fact_of(e events) returns dashboard_event_facts
    language sql stable as $$
      select e.id, e.organisation_id, e.state, e.level, e.section, e.sport, e.district_code,
        d.street_code, case when d.level = 'community' then d.code end,
        dashboard_month(e.starts_at), e.ends_at, 0, 0, 0, 0, 0, 0 ${sql.raw(rolled ? ', false' : '')}
      from (select 1) as one
      left join divisions d on d.code = e.division_code
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function dashboard_rebuild()`.execute(db);
  await sql`alter function dashboard_rebuild_counts() rename to dashboard_rebuild`.execute(db);
  await sql`drop function dashboard_rebuild_rollups()`.execute(db);
  await sql`drop function dashboard_apply_rollup_changes()`.execute(db);
  await sql`drop function dashboard_roll_ended_facts()`.execute(db);
  await sql`drop trigger dashboard_fact_unroll on dashboard_event_facts`.execute(db);
  await sql`drop trigger dashboard_fact_rollups_update on dashboard_event_facts`.execute(db);
  await sql`drop trigger dashboard_fact_rollups_delete on dashboard_event_facts`.execute(db);
  await sql`drop function dashboard_fact_unroll()`.execute(db);
  await sql`drop function dashboard_fact_rolled_changed()`.execute(db);
  await sql`
    drop function dashboard_rollup_keys(text, text, text, text, text, text, uuid)`.execute(db);
  await sql`drop table dashboard_fact_rollup_changes`.execute(db);
  await sql`drop table dashboard_fact_rollups`.execute(db);
  await sql`alter table dashboard_event_facts drop column rolled`.execute(db);
  await replaceFactOf(db, false);
}
