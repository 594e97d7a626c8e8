import { sql, type Kysely } from 'kysely';

/**
 * Sums of the event facts per division, dimension, month and state, so that a division's
 * dashboard reads some thousands of sums instead of every event of its year.
 *
 * A fact row is `rolled` when its event is not a draft and has a month, and `ended` once its
 * event has ended. A trigger before each insert and update sets both. The sums of the rolled
 * rows are kept in `dashboard_fact_rollups`, one row per division (the city, the event's
 * district, street and community), dimension (`total`, `section`, `sport`, `level`,
 * `organisation`, and the child divisions a dashboard of that level groups by), key, month,
 * state, community games or not, and ended or not. A key of '' is an event without a value
 * there: no sport, or no child division.
 *
 * Row-level triggers queue each change of a rolled row in `dashboard_fact_rollup_changes`: the
 * old row with sign -1 and the new row with sign +1. `dashboard_apply_rollup_changes()` adds
 * the queue to the sums under one advisory lock, in one statement, so the sums plus the queue
 * always equal the rolled rows. A dashboard reads the sums, the queue and the viewer's own
 * drafts in one statement, so its figures are exact whether or not the queue has been applied.
 * `dashboard_mark_ended_facts()` marks the rows of the events that have ended since; a job
 * calls both every second, so an event counts as held at most a second after its end.
 *
 * A registration statement updates its event's fact row, so it queues two rows. The applier
 * sums them per rollup row, so the sums of a popular event take one update per second.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table dashboard_event_facts
      add column rolled boolean not null default false,
      add column ended boolean not null default false`.execute(db);
  await replaceFactOf(db, true);

  await sql`
    create table dashboard_fact_rollups (
      scope text not null,
      dimension text not null,
      key text not null,
      month text not null,
      state text not null,
      community_games boolean not null,
      ended boolean not null,
      events integer not null,
      registrations integer not null,
      cancellations integer not null,
      check_ins integer not null,
      online integer not null,
      on_site integer not null,
      partner integer not null,
      primary key (scope, dimension, month, key, state, community_games, ended)
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
      ended boolean not null,
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

  const queue = (row: 'old' | 'new', sign: number) => sql`
    insert into dashboard_fact_rollup_changes (sign, organisation_id, state, level, section,
      sport, district_code, street_code, community_code, month, ended, registrations,
      cancellations, check_ins, online, on_site, partner)
    values (${sql.raw(String(sign))}, ${sql.raw(row)}.organisation_id, ${sql.raw(row)}.state,
      ${sql.raw(row)}.level, ${sql.raw(row)}.section, ${sql.raw(row)}.sport,
      ${sql.raw(row)}.district_code, ${sql.raw(row)}.street_code, ${sql.raw(row)}.community_code,
      ${sql.raw(row)}.month, ${sql.raw(row)}.ended, ${sql.raw(row)}.registrations,
      ${sql.raw(row)}.cancellations, ${sql.raw(row)}.check_ins, ${sql.raw(row)}.online,
      ${sql.raw(row)}.on_site, ${sql.raw(row)}.partner);`;
  await sql`
    create function dashboard_fact_rolled_changed() returns trigger language plpgsql as $$
    begin
      if current_setting('cityleague.dashboard_rebuild', true) = 'on' then
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') and old.rolled then
        ${queue('old', -1)}
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.rolled then
        ${queue('new', 1)}
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger dashboard_fact_rollups_insert
    after insert on dashboard_event_facts
    for each row when (new.rolled)
    execute function dashboard_fact_rolled_changed()`.execute(db);
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

  // The ended flag is exact when the row is written; the job marks the events that end later.
  await sql`
    create function dashboard_fact_flags() returns trigger language plpgsql as $$
    begin
      new.rolled := new.state <> 'draft' and new.month is not null;
      new.ended := coalesce(new.ends_at < now(), false);
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger dashboard_fact_flags
    before insert or update on dashboard_event_facts
    for each row execute function dashboard_fact_flags()`.execute(db);

  await sql`
    create index dashboard_event_facts_to_end on dashboard_event_facts (ends_at)
    where not ended`.execute(db);

  await sql`
    create function dashboard_mark_ended_facts() returns integer language sql as $$
      with marked as (
        update dashboard_event_facts set ended = true
        where not ended and ends_at < now()
        returning 1
      )
      select count(*)::integer from marked
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
          t.section = 'community_games' as community_games, t.ended,
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
        group by 1, 2, 3, 4, 5, 6, 7
      ),
      added as (
        insert into dashboard_fact_rollups as r
        select * from sums
        where (events, registrations, cancellations, check_ins, online, on_site, partner)
          <> (0, 0, 0, 0, 0, 0, 0)
        order by scope, dimension, month, key, state, community_games, ended
        on conflict (scope, dimension, month, key, state, community_games, ended) do update set
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

  // Recounts the sums from the rolled rows, after it has set the flags of every fact row again.
  // The setting keeps the trigger from queueing what the recount already contains.
  await sql`
    create function dashboard_rebuild_rollups() returns void language plpgsql as $$
    begin
      perform pg_advisory_xact_lock(hashtextextended('dashboard_fact_rollup_changes', 0));
      perform set_config('cityleague.dashboard_rebuild', 'on', true);
      -- The trigger before the update sets both flags.
      update dashboard_event_facts set ended = ended
      where rolled <> (state <> 'draft' and month is not null)
        or ended <> coalesce(ends_at < now(), false);
      perform set_config('cityleague.dashboard_rebuild', 'off', true);
      delete from dashboard_fact_rollup_changes;
      delete from dashboard_fact_rollups;
      insert into dashboard_fact_rollups
      select k.scope, k.dimension, k.key, f.month, f.state,
        f.section = 'community_games', f.ended, count(*)::integer,
        sum(f.registrations)::integer, sum(f.cancellations)::integer, sum(f.check_ins)::integer,
        sum(f.online)::integer, sum(f.on_site)::integer, sum(f.partner)::integer
      from dashboard_event_facts f
      cross join lateral dashboard_rollup_keys(f.district_code, f.street_code,
        f.community_code, f.section, f.sport, f.level, f.organisation_id) k
      where f.rolled
      group by 1, 2, 3, 4, 5, 6, 7;
    end
    $$`.execute(db);

  // The recount of the earlier migrations keeps its body under a new name. The rebuild runs it
  // with the queueing held off, so that deleting and inserting the fact rows queues nothing.
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

/**
 * Replaces dashboard_fact_of of 0021: with `flags` it returns the two new columns too, as
 * false, which the trigger before the insert sets.
 */
async function replaceFactOf(db: Kysely<unknown>, flags: boolean): Promise<void> {
  await sql`
    create or replace function dashboard_fact_of(e events) returns dashboard_event_facts
    language sql stable as $$
      select e.id, e.organisation_id, e.state, e.level, e.section, e.sport, e.district_code,
        d.street_code, case when d.level = 'community' then d.code end,
        dashboard_month(e.starts_at), e.ends_at, 0, 0, 0, 0, 0, 0 ${sql.raw(flags ? ', false, false' : '')}
      from (select 1) as one
      left join divisions d on d.code = e.division_code
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function dashboard_rebuild()`.execute(db);
  await sql`alter function dashboard_rebuild_counts() rename to dashboard_rebuild`.execute(db);
  await sql`drop function dashboard_rebuild_rollups()`.execute(db);
  await sql`drop function dashboard_apply_rollup_changes()`.execute(db);
  await sql`drop function dashboard_mark_ended_facts()`.execute(db);
  await sql`drop trigger dashboard_fact_flags on dashboard_event_facts`.execute(db);
  for (const operation of ['insert', 'update', 'delete']) {
    await sql`
      drop trigger ${sql.id(`dashboard_fact_rollups_${operation}`)}
      on dashboard_event_facts`.execute(db);
  }
  await sql`drop function dashboard_fact_flags()`.execute(db);
  await sql`drop function dashboard_fact_rolled_changed()`.execute(db);
  await sql`
    drop function dashboard_rollup_keys(text, text, text, text, text, text, uuid)`.execute(db);
  await sql`drop table dashboard_fact_rollup_changes`.execute(db);
  await sql`drop table dashboard_fact_rollups`.execute(db);
  await sql`
    alter table dashboard_event_facts drop column rolled, drop column ended`.execute(db);
  await replaceFactOf(db, false);
}
