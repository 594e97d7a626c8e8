import { sql, type Kysely } from 'kysely';

/**
 * Adds the dashboards' summary tables, kept up to date by triggers in the transaction of each
 * change, so that a dashboard reads them and never scans the registrations.
 *
 * - `dashboard_event_facts`: one row per event with the dimensions a dashboard groups by
 *   (state, level, section, sport, district, street, community, organisation, the month the
 *   event starts in Asia/Shanghai) and its entry counters: active entries, cancelled entries,
 *   check-ins and active entries by channel class.
 * - `dashboard_participants`: per scope and period, the set of people (by the keyed hash of
 *   the mobile number) with at least one active entry, with how many entries each has. A scope
 *   is the city code, a district or street code, `org:<organisation id>` or
 *   `section:<section>`; a period is a year (`2026`) or a month (`2026-03`).
 * - `dashboard_participant_counts`: the number of those people per scope and period, in 16
 *   shards, so that a dashboard reads unique participants without counting the sets.
 *
 * `dashboard_rebuild()` recomputes both from the events and registrations.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Another change may add the channel column with online/on_site/partner values first; the
  // existing column stores 'web' for the citizens' app, which counts as online.
  await sql`alter table registrations add column if not exists channel text not null default 'online'`.execute(
    db,
  );

  await sql`
    create function dashboard_channel_class(channel text) returns text
    language sql immutable as $$
      select case
        when channel in ('on_site', 'console') then 'on_site'
        when channel = 'partner' then 'partner'
        else 'online'
      end
    $$`.execute(db);

  await sql`
    create function dashboard_month(starts_at timestamptz) returns text
    language sql stable as $$
      select to_char(starts_at at time zone 'Asia/Shanghai', 'YYYY-MM')
    $$`.execute(db);

  await sql`
    create table dashboard_event_facts (
      event_id uuid primary key references events (id) on delete cascade,
      organisation_id uuid not null,
      state text not null,
      level text not null,
      section text not null,
      sport text,
      district_code text,
      street_code text,
      community_code text,
      month text check (month ~ '^[0-9]{4}-[0-9]{2}$'),
      ends_at timestamptz,
      registrations integer not null default 0 check (registrations >= 0),
      cancellations integer not null default 0 check (cancellations >= 0),
      check_ins integer not null default 0 check (check_ins >= 0),
      online integer not null default 0 check (online >= 0),
      on_site integer not null default 0 check (on_site >= 0),
      partner integer not null default 0 check (partner >= 0)
    )`.execute(db);
  await sql`
    create index dashboard_event_facts_district on dashboard_event_facts (district_code, month)`.execute(
    db,
  );
  await sql`
    create index dashboard_event_facts_street on dashboard_event_facts (street_code, month)`.execute(
    db,
  );
  await sql`create index dashboard_event_facts_month on dashboard_event_facts (month)`.execute(db);
  await sql`
    create index dashboard_event_facts_organisation on dashboard_event_facts (organisation_id, month)`.execute(
    db,
  );

  await sql`
    create table dashboard_participants (
      scope text not null,
      period text not null check (period ~ '^[0-9]{4}(-[0-9]{2})?$'),
      person_hash text not null,
      -- 0 only between the decrement and the delete in dashboard_count_person.
      entries integer not null check (entries >= 0),
      primary key (scope, period, person_hash)
    )`.execute(db);

  await sql`
    create function dashboard_scopes(fact dashboard_event_facts) returns text[]
    language sql immutable as $$
      select array_remove(array[
        '3101', fact.district_code, fact.street_code,
        'org:' || fact.organisation_id::text, 'section:' || fact.section
      ], null)
    $$`.execute(db);

  // Counts the rows of dashboard_participants per scope and period, in 16 shards by person,
  // so that concurrent entries of different people rarely wait on the same counter row.
  await sql`
    create table dashboard_participant_counts (
      scope text not null,
      period text not null,
      shard smallint not null check (shard between 0 and 15),
      participants integer not null check (participants >= 0),
      primary key (scope, period, shard)
    )`.execute(db);

  // Adds `delta` (1 or -1) entries of one person to every scope and period of an event. The
  // rows are touched in one fixed order, so two transactions never wait on each other in a
  // circle over the rows of one person.
  await sql`
    create function dashboard_count_person(fact dashboard_event_facts, person text, delta integer)
    returns void language plpgsql as $$
    declare
      scope_code text;
      period_code text;
      remaining integer;
      person_shard smallint := abs(hashtext(person)) % 16;
    begin
      if fact.month is null then
        return;
      end if;
      foreach scope_code in array dashboard_scopes(fact) loop
        foreach period_code in array array[left(fact.month, 4), fact.month] loop
          if delta > 0 then
            insert into dashboard_participants as p (scope, period, person_hash, entries)
            values (scope_code, period_code, person, delta)
            on conflict (scope, period, person_hash) do update set entries = p.entries + delta
            returning entries into remaining;
          else
            update dashboard_participants set entries = entries + delta
            where scope = scope_code and period = period_code and person_hash = person
            returning entries into remaining;
            if remaining = 0 then
              delete from dashboard_participants
              where scope = scope_code and period = period_code and person_hash = person;
            end if;
          end if;
          -- A person new to the set adds one to the counter, a person who left takes one off.
          -- The decrement is a plain update, because an insert's row must pass the check first.
          if delta > 0 and remaining = delta then
            insert into dashboard_participant_counts as c (scope, period, shard, participants)
            values (scope_code, period_code, person_shard, 1)
            on conflict (scope, period, shard) do update set participants = c.participants + 1;
          elsif delta < 0 and remaining = 0 then
            update dashboard_participant_counts set participants = participants - 1
            where scope = scope_code and period = period_code and shard = person_shard;
          end if;
        end loop;
      end loop;
    end
    $$`.execute(db);

  await sql`
    create function dashboard_fact_of(e events) returns dashboard_event_facts
    language sql stable as $$
      select e.id, e.organisation_id, e.state, e.level, e.section, e.sport, e.district_code,
        d.street_code, case when d.level = 'community' then d.code end,
        dashboard_month(e.starts_at), e.ends_at, 0, 0, 0, 0, 0, 0
      from (select 1) as one
      left join divisions d on d.code = e.division_code
    $$`.execute(db);

  // Keeps the event's dimensions in its fact row. When the month, district, street,
  // organisation or section changes, the people of the event's active entries move from the
  // old scopes and periods to the new ones: a scan of that one event's entries.
  await sql`
    create function dashboard_event_changed() returns trigger language plpgsql as $$
    declare
      old_fact dashboard_event_facts;
      new_fact dashboard_event_facts;
      person text;
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
        for person in
          select phone_hash from registrations
          where event_id = new.id and status = 'active' order by phone_hash
        loop
          perform dashboard_count_person(old_fact, person, -1);
          perform dashboard_count_person(new_fact, person, 1);
        end loop;
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger dashboard_event_facts_sync
    after insert or update of organisation_id, state, level, section, sport, division_code,
      district_code, starts_at, ends_at
    on events for each row execute function dashboard_event_changed()`.execute(db);

  // Applies the difference between an entry's old and new row to its event's counters and to
  // the participant sets. A row that leaves an event (or is deleted) counts as removed there.
  await sql`
    create function dashboard_registration_changed() returns trigger language plpgsql as $$
    declare
      fact dashboard_event_facts;
      old_active boolean := tg_op <> 'INSERT' and old.status = 'active';
      new_active boolean := tg_op <> 'DELETE' and new.status = 'active';
    begin
      if tg_op <> 'INSERT' then
        update dashboard_event_facts set
          registrations = registrations - old_active::int,
          cancellations = cancellations - (old.status = 'cancelled')::int,
          check_ins = check_ins - (old.checked_in_at is not null)::int,
          online = online - (old_active and dashboard_channel_class(old.channel) = 'online')::int,
          on_site = on_site - (old_active and dashboard_channel_class(old.channel) = 'on_site')::int,
          partner = partner - (old_active and dashboard_channel_class(old.channel) = 'partner')::int
        where event_id = old.event_id
        returning * into fact;
        if old_active and fact.event_id is not null then
          perform dashboard_count_person(fact, old.phone_hash, -1);
        end if;
      end if;
      if tg_op <> 'DELETE' then
        update dashboard_event_facts set
          registrations = registrations + new_active::int,
          cancellations = cancellations + (new.status = 'cancelled')::int,
          check_ins = check_ins + (new.checked_in_at is not null)::int,
          online = online + (new_active and dashboard_channel_class(new.channel) = 'online')::int,
          on_site = on_site + (new_active and dashboard_channel_class(new.channel) = 'on_site')::int,
          partner = partner + (new_active and dashboard_channel_class(new.channel) = 'partner')::int
        where event_id = new.event_id
        returning * into fact;
        if new_active and fact.event_id is not null then
          perform dashboard_count_person(fact, new.phone_hash, 1);
        end if;
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger dashboard_registrations_sync
    after insert or delete or update of event_id, status, checked_in_at, channel, phone_hash
    on registrations for each row execute function dashboard_registration_changed()`.execute(db);

  // Recomputes both summary tables from the events and registrations. The share locks keep
  // writers out for the duration, so the result is consistent with one moment.
  await sql`
    create function dashboard_rebuild() returns void language plpgsql as $$
    begin
      lock table events, registrations in share mode;
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

  await sql`select dashboard_rebuild()`.execute(db);
}

/** Drops the summary tables and their triggers; the channel column stays. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists dashboard_registrations_sync on registrations`.execute(db);
  await sql`drop trigger if exists dashboard_event_facts_sync on events`.execute(db);
  await sql`drop function if exists dashboard_rebuild()`.execute(db);
  await sql`drop function if exists dashboard_registration_changed()`.execute(db);
  await sql`drop function if exists dashboard_event_changed()`.execute(db);
  await sql`drop function if exists dashboard_fact_of(events)`.execute(db);
  await sql`drop function if exists dashboard_count_person(dashboard_event_facts, text, integer)`.execute(
    db,
  );
  await sql`drop function if exists dashboard_scopes(dashboard_event_facts)`.execute(db);
  await sql`drop table if exists dashboard_participant_counts`.execute(db);
  await sql`drop table if exists dashboard_participants`.execute(db);
  await sql`drop table if exists dashboard_event_facts`.execute(db);
  await sql`drop function if exists dashboard_month(timestamptz)`.execute(db);
  await sql`drop function if exists dashboard_channel_class(text)`.execute(db);
}
