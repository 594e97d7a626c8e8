import { sql, type Kysely } from 'kysely';

import { createApplyParticipantDeltas } from './0033-statement-level-dashboard-triggers.js';

/**
 * Makes the applier of the participant-set queue cheaper, which the summary job runs every
 * second while registrations come in.
 *
 * On the benchmark's 1x data set (5.9 million set rows), applying the changes of 5,269 new
 * entries took 4.1 s, 0.75 ms an entry, of which the row inserts were half:
 *
 * - The delete of people whose entries reached 0 scanned the whole set table on every call,
 *   353 ms, even when no delta was negative: the planner expected the many rows of the `deltas`
 *   array to match and chose a sequential scan. Negative deltas are now taken apart first, the
 *   update and the delete run only when there are some, and the function plans without
 *   sequential scans, so every statement finds its rows through the primary key.
 * - The counters learnt who joined a set by joining the upserted rows back to the deltas, with
 *   two sorts spilled to disk (0.9 s). A set keeps no row of 0 entries, so a person joined
 *   exactly when the upsert inserted the row (`xmax = 0`), and left exactly when the delete
 *   removed it. The join is gone.
 * - The large statements passed the JIT threshold and compiled for 200 to 300 ms each time.
 *   Both functions now run without JIT, and the queue's sums get 64 MB of sort memory, which
 *   one applier at a time uses (it holds the queue's advisory lock).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function dashboard_apply_participant_deltas(
      deltas dashboard_participant_delta[])
    returns void language plpgsql
    set jit = off
    set enable_seqscan = off
    as $$
    declare
      negatives dashboard_participant_delta[];
      joined dashboard_participant_delta[];
      gone dashboard_participant_delta[];
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
        returning p.scope, p.period, p.person_hash, (p.xmax = 0) as inserted
      )
      select array_agg(row(u.scope, u.period, u.person_hash, 1)::dashboard_participant_delta)
      into joined
      from upserted u
      where u.inserted;

      negatives := array(select d from unnest(deltas) d where d.delta < 0);
      if cardinality(negatives) > 0 then
        update dashboard_participants p set entries = p.entries + d.delta
        from unnest(negatives) d
        where p.scope = d.scope and p.period = d.period and p.person_hash = d.person_hash;
        with removed as (
          delete from dashboard_participants p
          using unnest(negatives) d
          where p.entries = 0
            and p.scope = d.scope and p.period = d.period and p.person_hash = d.person_hash
          returning p.scope, p.period, p.person_hash
        )
        select array_agg(row(r.scope, r.period, r.person_hash, -1)::dashboard_participant_delta)
        into gone
        from removed r;
      end if;

      select array_agg(s.scope order by s.scope collate "C", s.period collate "C", s.shard),
        array_agg(s.period order by s.scope collate "C", s.period collate "C", s.shard),
        array_agg(s.shard order by s.scope collate "C", s.period collate "C", s.shard),
        array_agg(s.change order by s.scope collate "C", s.period collate "C", s.shard)
      into shard_scopes, shard_periods, shard_numbers, shard_changes
      from (
        select m.scope, m.period, (abs(hashtext(m.person_hash)) % 16)::smallint as shard,
          sum(m.delta)::integer as change
        from unnest(coalesce(joined, '{}') || coalesce(gone, '{}')) m
        group by 1, 2, 3
        having sum(m.delta) <> 0
      ) s;

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
  await sql`
    alter function dashboard_apply_participant_changes(integer)
      set jit = off
      set work_mem = '64MB'`.execute(db);
}

/** Restores the functions of 0033 and 0041. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter function dashboard_apply_participant_changes(integer) reset all`.execute(db);
  await sql`
    drop function dashboard_apply_participant_deltas(dashboard_participant_delta[])`.execute(db);
  await createApplyParticipantDeltas(db);
}
