import { sql, type Kysely } from 'kysely';

/**
 * Keeps the dashboard summaries of registrations with one trigger run per statement instead of
 * one per row.
 *
 * Since 0031 an active entry reaches up to 20 participant sets in 2 periods, and the row-level
 * trigger of 0021 upserted each of those 40 rows, and their counters, one at a time. A
 * registration batch of 250 entries made some 10,000 single-row upserts. The statement-level
 * triggers read the statement's rows from its transition tables, sum the changes per event,
 * per participant-set row and per counter row, and apply each sum with one set-based
 * statement. Every figure stays what the row-level trigger produced.
 *
 * Concurrency: each table's rows are locked in key order (facts by event, participant rows by
 * scope, period and person, counter rows by scope, period and shard, text in byte order), and
 * the tables in that order, so two statements that touch the same rows wait for each other
 * rather than deadlock.
 * Every change adds to the stored value under the row lock (`x = x + excluded.x`), so
 * concurrent statements lose no counts.
 *
 * The trigger on events stays row-level, because it runs once per changed event, but it moves
 * an event's people with the same set-based function: it sums the old and the new scopes of
 * the event's active entries, so a set that both contain is not touched, and it locks rows in
 * the same order as the registration triggers. `dashboard_registration_changed()` and
 * `dashboard_count_person()` stay, unused, so that `down` can restore the triggers of 0021.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One entry's contribution to the summaries: sign 1 for a row as it is now, -1 for a row as
  // it was before the statement.
  await sql`
    create type dashboard_entry_change as (
      event_id uuid,
      phone_hash text,
      status text,
      checked_in boolean,
      channel text,
      sign integer
    )`.execute(db);
  await sql`
    create type dashboard_participant_delta as (
      scope text,
      period text,
      person_hash text,
      delta integer
    )`.execute(db);

  await createApplyParticipantDeltas(db);
  await createApplyEntryChanges(db);

  // The transition tables hold only the statement's rows. For an update, a row counts only
  // when a column the summaries read changed. The join is on the primary key, which no
  // statement changes.
  await sql`
    create function dashboard_registrations_changed() returns trigger language plpgsql as $$
    declare
      changes dashboard_entry_change[];
    begin
      if tg_op = 'INSERT' then
        select array_agg(row(n.event_id, n.phone_hash, n.status, n.checked_in_at is not null,
          n.channel, 1)::dashboard_entry_change)
        into changes from new_rows n;
      elsif tg_op = 'DELETE' then
        select array_agg(row(o.event_id, o.phone_hash, o.status, o.checked_in_at is not null,
          o.channel, -1)::dashboard_entry_change)
        into changes from old_rows o;
      else
        select array_agg(change) into changes from (
          select unnest(array[
            row(o.event_id, o.phone_hash, o.status, o.checked_in_at is not null, o.channel,
              -1)::dashboard_entry_change,
            row(n.event_id, n.phone_hash, n.status, n.checked_in_at is not null, n.channel,
              1)::dashboard_entry_change
          ]) as change
          from old_rows o
          join new_rows n on n.id = o.id
          where o.event_id is distinct from n.event_id
            or o.status is distinct from n.status
            or (o.checked_in_at is null) <> (n.checked_in_at is null)
            or o.channel is distinct from n.channel
            or o.phone_hash is distinct from n.phone_hash
        ) as changed;
      end if;
      perform dashboard_apply_entry_changes(changes);
      return null;
    end
    $$`.execute(db);

  await replaceEventChanged(db);

  await sql`drop trigger dashboard_registrations_sync on registrations`.execute(db);
  // PostgreSQL takes transition tables only on triggers of a single event, and on an update
  // trigger only without a column list, so each event gets its own trigger.
  await sql`
    create trigger dashboard_registrations_inserted after insert on registrations
    referencing new table as new_rows
    for each statement execute function dashboard_registrations_changed()`.execute(db);
  await sql`
    create trigger dashboard_registrations_updated after update on registrations
    referencing old table as old_rows new table as new_rows
    for each statement execute function dashboard_registrations_changed()`.execute(db);
  await sql`
    create trigger dashboard_registrations_deleted after delete on registrations
    referencing old table as old_rows
    for each statement execute function dashboard_registrations_changed()`.execute(db);
}

/**
 * Creates dashboard_apply_participant_deltas(deltas): adds each delta to a person's entries in
 * one participant set and period, removes people whose entries reach 0, and moves the sharded
 * counters by the people who joined or left a set. The caller sums the deltas first: at most
 * one per scope, period and person, and none of 0. A repeated key with a positive delta fails
 * the upsert ("cannot affect row a second time").
 */
export async function createApplyParticipantDeltas(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function dashboard_apply_participant_deltas(deltas dashboard_participant_delta[])
    returns void language plpgsql as $$
    declare
      shard_scopes text[];
      shard_periods text[];
      shard_numbers smallint[];
      shard_changes integer[];
    begin
      if deltas is null or cardinality(deltas) = 0 then
        return;
      end if;

      -- Locks every row to change in key order: a positive delta is added here, a negative one
      -- adds 0 here and is subtracted below, because an inserted row must pass the check
      -- entries >= 0 before the conflict turns it into an update. A negative delta for a
      -- person missing from the set changes nothing, as in dashboard_count_person.
      with upserted as (
        insert into dashboard_participants as p (scope, period, person_hash, entries)
        select d.scope, d.period, d.person_hash, greatest(d.delta, 0)
        from unnest(deltas) d
        where d.delta > 0 or exists (
          select 1 from dashboard_participants q
          where q.scope = d.scope and q.period = d.period and q.person_hash = d.person_hash)
        order by d.scope collate "C", d.period collate "C", d.person_hash collate "C"
        on conflict (scope, period, person_hash) do update set entries = p.entries + excluded.entries
        returning p.scope, p.period, p.person_hash, p.entries
      ),
      moved as (
        select u.scope, u.period, (abs(hashtext(u.person_hash)) % 16)::smallint as shard,
          u.entries - greatest(d.delta, 0) as before, d.delta
        from upserted u
        join unnest(deltas) d
          on d.scope = u.scope and d.period = u.period and d.person_hash = u.person_hash
      ),
      shards as (
        select m.scope, m.period, m.shard,
          sum(case
            when m.before = 0 and m.before + m.delta > 0 then 1
            when m.before > 0 and m.before + m.delta = 0 then -1
            else 0
          end)::integer as change
        from moved m
        group by m.scope, m.period, m.shard
      )
      select array_agg(s.scope order by s.scope collate "C", s.period collate "C", s.shard),
        array_agg(s.period order by s.scope collate "C", s.period collate "C", s.shard),
        array_agg(s.shard order by s.scope collate "C", s.period collate "C", s.shard),
        array_agg(s.change order by s.scope collate "C", s.period collate "C", s.shard)
      into shard_scopes, shard_periods, shard_numbers, shard_changes
      from shards s
      where s.change <> 0;

      update dashboard_participants p set entries = p.entries + d.delta
      from unnest(deltas) d
      where d.delta < 0
        and p.scope = d.scope and p.period = d.period and p.person_hash = d.person_hash;
      delete from dashboard_participants p
      using unnest(deltas) d
      where d.delta < 0 and p.entries = 0
        and p.scope = d.scope and p.period = d.period and p.person_hash = d.person_hash;

      if shard_scopes is null then
        return;
      end if;
      -- The counters follow the same two steps: lock in key order and add what joined, then
      -- subtract what left.
      insert into dashboard_participant_counts as c (scope, period, shard, participants)
      select s.scope, s.period, s.shard, greatest(s.change, 0)
      from unnest(shard_scopes, shard_periods, shard_numbers, shard_changes)
        as s (scope, period, shard, change)
      where s.change > 0 or exists (
        select 1 from dashboard_participant_counts q
        where q.scope = s.scope and q.period = s.period and q.shard = s.shard)
      order by s.scope collate "C", s.period collate "C", s.shard
      on conflict (scope, period, shard) do update
        set participants = c.participants + excluded.participants;
      update dashboard_participant_counts c set participants = c.participants + s.change
      from unnest(shard_scopes, shard_periods, shard_numbers, shard_changes)
        as s (scope, period, shard, change)
      where s.change < 0 and c.scope = s.scope and c.period = s.period and c.shard = s.shard;
    end
    $$`.execute(db);
}

/**
 * Creates dashboard_apply_entry_changes(changes): sums the changes per event into its fact
 * row's counters and per participant-set row into dashboard_apply_participant_deltas.
 */
export async function createApplyEntryChanges(db: Kysely<unknown>): Promise<void> {
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
      -- Entries of one person in two events of the statement can share a set, so the deltas
      -- are summed per set row.
      perform dashboard_apply_participant_deltas(array(
        select row(s.scope, p.period, e.phone_hash, sum(e.delta)::integer)::dashboard_participant_delta
        from (
          select c.event_id, c.phone_hash, sum(c.sign)::integer as delta
          from unnest(changes) c
          where c.status = 'active'
          group by c.event_id, c.phone_hash
        ) e
        join dashboard_event_facts f on f.event_id = e.event_id
        cross join lateral unnest(dashboard_scopes(f)) as s (scope)
        cross join lateral unnest(array[left(f.month, 4), f.month]) as p (period)
        where e.delta <> 0 and f.month is not null
        group by s.scope, p.period, e.phone_hash
        having sum(e.delta) <> 0
      ));
    end
    $$`.execute(db);
}

/**
 * Replaces dashboard_event_changed() of 0021: when an event's scopes or month change, its
 * people's entries leave the old set rows and join the new ones as one sum per set row.
 */
export async function replaceEventChanged(db: Kysely<unknown>): Promise<void> {
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
        perform dashboard_apply_participant_deltas(array(
          with set_rows as (
            select s.scope, p.period, -1 as sign
            from unnest(dashboard_scopes(old_fact)) as s (scope)
            cross join unnest(array[left(old_fact.month, 4), old_fact.month]) as p (period)
            where old_fact.month is not null
            union all
            select s.scope, p.period, 1 as sign
            from unnest(dashboard_scopes(new_fact)) as s (scope)
            cross join unnest(array[left(new_fact.month, 4), new_fact.month]) as p (period)
            where new_fact.month is not null
          ),
          moved_rows as (
            select scope, period, sum(sign)::integer as sign
            from set_rows
            group by scope, period
            having sum(sign) <> 0
          )
          select row(m.scope, m.period, r.phone_hash, sum(m.sign)::integer)::dashboard_participant_delta
          from registrations r
          cross join moved_rows m
          where r.event_id = new.id and r.status = 'active'
          group by m.scope, m.period, r.phone_hash
        ));
      end if;
      return null;
    end
    $$`.execute(db);
}

/** Restores the registration trigger and the event function of 0021. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists dashboard_registrations_deleted on registrations`.execute(db);
  await sql`drop trigger if exists dashboard_registrations_updated on registrations`.execute(db);
  await sql`drop trigger if exists dashboard_registrations_inserted on registrations`.execute(db);
  await sql`drop function if exists dashboard_registrations_changed()`.execute(db);
  await sql`drop function if exists dashboard_apply_entry_changes(dashboard_entry_change[])`.execute(
    db,
  );
  await sql`
    drop function if exists dashboard_apply_participant_deltas(dashboard_participant_delta[])`.execute(
    db,
  );
  await sql`drop type if exists dashboard_participant_delta`.execute(db);
  await sql`drop type if exists dashboard_entry_change`.execute(db);
  await sql`
    create or replace function dashboard_event_changed() returns trigger language plpgsql as $$
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
    create trigger dashboard_registrations_sync
    after insert or delete or update of event_id, status, checked_in_at, channel, phone_hash
    on registrations for each row execute function dashboard_registration_changed()`.execute(db);
}
