import { sql, type Kysely } from 'kysely';

import {
  createApplyEntryChanges,
  replaceEventChanged,
} from './0033-statement-level-dashboard-triggers.js';

/**
 * Moves the upkeep of the dashboards' participant sets out of the registration transaction.
 *
 * Since 0033 a registration statement applied its set changes itself: a batch of 250 entries
 * upserted some 10,000 rows of `dashboard_participants`, most of the batch's time, while it
 * held its event's lock, so the next batch of a popular event waited for it. Now the triggers
 * append one row per statement and event to `dashboard_participant_changes`: the event's
 * scopes and periods and each person's change of active entries. The event counters in
 * `dashboard_event_facts` stay in the transaction, because they are one row per event.
 *
 * `dashboard_apply_participant_changes(max_rows)` takes queued rows in id order, sums them per
 * set row and applies the sums as 0033 did. It runs under one advisory lock, so one caller at a
 * time applies. The order is safe: a change that removes an entry's person was written after
 * the entry's own change committed, so it has a larger id and becomes visible no earlier. A
 * background job applies the queue every second, and a dashboard applies it before it reads
 * the sets, so a dashboard shows every entry committed before it was asked for.
 *
 * When an event's scopes or month change, its people leave the old sets and join the new ones
 * through the same queue: one row with the old scopes and the negative counts, one with the new
 * scopes and the positive counts. Both triggers still lock the event's fact row first, so an
 * entry and a move of its event wait for each other and queue the scopes they saw.
 *
 * `dashboard_rebuild()` empties the queue after it has locked out every writer, because it
 * recounts every set from the registrations.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table dashboard_participant_changes (
      id bigint generated always as identity primary key,
      scopes text[] not null,
      periods text[] not null,
      people text[] not null,
      deltas integer[] not null,
      check (cardinality(people) = cardinality(deltas))
    )`.execute(db);

  await sql`
    create function dashboard_apply_participant_changes(max_rows integer) returns integer
    language plpgsql as $$
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
        cross join lateral unnest(t.periods) as p (period)
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

  await sql`
    create or replace function dashboard_apply_entry_changes(changes dashboard_entry_change[])
    returns void language plpgsql as $$
    begin
      if changes is null then
        return;
      end if;
      perform 1 from dashboard_event_facts f
      where f.event_id in (select c.event_id from unnest(changes) c)
      order by f.event_id
      for update;
      update dashboard_event_facts f set
        registrations = f.registrations + d.registrations,
        cancellations = f.cancellations + d.cancellations,
        check_ins = f.check_ins + d.check_ins,
        online = f.online + d.online,
        on_site = f.on_site + d.on_site,
        partner = f.partner + d.partner
      from (
        select c.event_id,
          sum(c.sign * (c.status = 'active')::int) as registrations,
          sum(c.sign * (c.status = 'cancelled')::int) as cancellations,
          sum(c.sign * c.checked_in::int) as check_ins,
          sum(c.sign * (c.status = 'active'
            and dashboard_channel_class(c.channel) = 'online')::int) as online,
          sum(c.sign * (c.status = 'active'
            and dashboard_channel_class(c.channel) = 'on_site')::int) as on_site,
          sum(c.sign * (c.status = 'active'
            and dashboard_channel_class(c.channel) = 'partner')::int) as partner
        from unnest(changes) c
        group by c.event_id
      ) d
      where f.event_id = d.event_id;

      -- Each active entry counts in every set of its event's scopes, in the event's year and
      -- month. Events without a month are in no set.
      insert into dashboard_participant_changes (scopes, periods, people, deltas)
      select dashboard_scopes(f), array[left(f.month, 4), f.month], e.people, e.deltas
      from (
        select p.event_id, array_agg(p.phone_hash order by p.phone_hash) as people,
          array_agg(p.delta order by p.phone_hash) as deltas
        from (
          select c.event_id, c.phone_hash, sum(c.sign)::integer as delta
          from unnest(changes) c
          where c.status = 'active'
          group by c.event_id, c.phone_hash
          having sum(c.sign) <> 0
        ) p
        group by p.event_id
      ) e
      join dashboard_event_facts f on f.event_id = e.event_id
      where f.month is not null
      order by e.event_id;
    end
    $$`.execute(db);

  await sql`
    create or replace function dashboard_event_changed() returns trigger language plpgsql as $$
    declare
      old_fact dashboard_event_facts;
      new_fact dashboard_event_facts;
    begin
      new_fact := dashboard_fact_of(new);
      select * into old_fact from dashboard_event_facts where event_id = new.id for update;
      if not found then
        insert into dashboard_event_facts values (new_fact.*);
        return null;
      end if;
      update dashboard_event_facts set
        organisation_id = new_fact.organisation_id, state = new_fact.state,
        level = new_fact.level, section = new_fact.section, sport = new_fact.sport,
        district_code = new_fact.district_code, street_code = new_fact.street_code,
        community_code = new_fact.community_code, month = new_fact.month,
        ends_at = new_fact.ends_at
      where event_id = new.id;
      if dashboard_scopes(old_fact) is distinct from dashboard_scopes(new_fact)
        or old_fact.month is distinct from new_fact.month then
        -- The sets both sides share cancel out when the queue is summed.
        insert into dashboard_participant_changes (scopes, periods, people, deltas)
        select m.scopes, m.periods, r.people,
          array(select m.sign * n from unnest(r.entries) as n)
        from (
          select array_agg(a.phone_hash order by a.phone_hash) as people,
            array_agg(a.entries order by a.phone_hash) as entries
          from (
            select phone_hash, count(*)::integer as entries
            from registrations
            where event_id = new.id and status = 'active'
            group by phone_hash
          ) a
          having count(*) > 0
        ) r
        cross join (
          select dashboard_scopes(old_fact) as scopes,
            array[left(old_fact.month, 4), old_fact.month] as periods, -1 as sign
          where old_fact.month is not null
          union all
          select dashboard_scopes(new_fact), array[left(new_fact.month, 4), new_fact.month], 1
          where new_fact.month is not null
        ) m;
      end if;
      return null;
    end
    $$`.execute(db);

  await replaceRebuild(db, true);
}

/**
 * Replaces dashboard_rebuild() of 0021; with `emptiesQueue` it also takes the queue's lock and
 * deletes the queued changes, which the recount already holds.
 */
async function replaceRebuild(db: Kysely<unknown>, emptiesQueue: boolean): Promise<void> {
  const queue = emptiesQueue
    ? sql`
      perform pg_advisory_xact_lock(hashtextextended('dashboard_participant_changes', 0));
      delete from dashboard_participant_changes;`
    : sql``;
  await sql`
    create or replace function dashboard_rebuild() returns void language plpgsql as $$
    begin
      lock table events, registrations in share mode;
      ${queue}
      delete from dashboard_participants;
      delete from dashboard_event_facts;
      insert into dashboard_event_facts select (dashboard_fact_of(e)).* from events e;
      update dashboard_event_facts f set
        registrations = c.registrations, cancellations = c.cancellations,
        check_ins = c.check_ins, online = c.online, on_site = c.on_site, partner = c.partner
      from (
        select event_id,
          count(*) filter (where status = 'active') as registrations,
          count(*) filter (where status = 'cancelled') as cancellations,
          count(checked_in_at) as check_ins,
          count(*) filter (where status = 'active'
            and dashboard_channel_class(channel) = 'online') as online,
          count(*) filter (where status = 'active'
            and dashboard_channel_class(channel) = 'on_site') as on_site,
          count(*) filter (where status = 'active'
            and dashboard_channel_class(channel) = 'partner') as partner
        from registrations group by event_id
      ) c
      where c.event_id = f.event_id;
      insert into dashboard_participants (scope, period, person_hash, entries)
      select s.scope, p.period, r.phone_hash, count(*)
      from registrations r
      join dashboard_event_facts f on f.event_id = r.event_id
      cross join lateral unnest(dashboard_scopes(f)) as s (scope)
      cross join lateral unnest(array[left(f.month, 4), f.month]) as p (period)
      where r.status = 'active' and f.month is not null
      group by s.scope, p.period, r.phone_hash;
      delete from dashboard_participant_counts;
      insert into dashboard_participant_counts (scope, period, shard, participants)
      select scope, period, abs(hashtext(person_hash)) % 16, count(*)
      from dashboard_participants group by 1, 2, 3;
    end
    $$`.execute(db);
}

/**
 * Applies what is queued, then restores the functions of 0033, which apply set changes in the
 * registration transaction, and drops the queue.
 */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`select dashboard_apply_participant_changes(null)`.execute(db);
  await createApplyEntryChanges(db);
  await replaceEventChanged(db);
  await replaceRebuild(db, false);
  await sql`drop function dashboard_apply_participant_changes(integer)`.execute(db);
  await sql`drop table dashboard_participant_changes`.execute(db);
}
