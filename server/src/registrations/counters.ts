import { sql } from 'kysely';

import type { Executor } from '../db/database.js';

export interface CounterDrift {
  kind: 'group' | 'event' | 'team';
  id: string;
  eventId: string;
  counter: number;
  /**
   * Expected value of the counter: entries holding a place (team members included), the sum of
   * the groups' counters, or a team's live members.
   */
  expected: number;
}

/**
 * Compares every counter with what it counts and returns the mismatches, none when the
 * counters are consistent: each group's `taken` with its active and offered entries, and each
 * event's `registered_count` with the sum of its groups' `taken` (zero for an event without
 * groups). For a team, the counter is the number of live members that have the team's status,
 * and the expected value is the number of all its live members. So a member out of step with
 * its team, or a live member of a cancelled team, shows up. `eventId` limits the check to one event. docs/architecture.md shows the same query
 * for psql.
 */
export async function checkCounters(db: Executor, eventId?: string): Promise<CounterDrift[]> {
  const only = eventId ?? null;
  const result = await sql<{
    kind: 'group' | 'event' | 'team';
    id: string;
    event_id: string;
    counter: number;
    expected: number;
  }>`
    select * from (
      select 'group' as kind, g.id, g.event_id, g.taken as counter,
        (select count(*)::int from registrations r
          where r.group_id = g.id and r.status in ('active', 'offered')) as expected
      from event_groups g
      where ${only}::uuid is null or g.event_id = ${only}::uuid
      union all
      select 'event', e.id, e.id, e.registered_count,
        coalesce((select sum(g.taken)::int from event_groups g where g.event_id = e.id), 0)
      from events e
      where ${only}::uuid is null or e.id = ${only}::uuid
      union all
      select 'team', t.id, t.event_id,
        (select count(*)::int from registrations r
          where r.team_id = t.id and r.status <> 'cancelled' and r.status = t.status),
        (select count(*)::int from registrations r
          where r.team_id = t.id and r.status <> 'cancelled')
      from teams t
      where ${only}::uuid is null or t.event_id = ${only}::uuid
    ) drift
    where counter <> expected
    order by kind, id`.execute(db);
  return result.rows.map((row) => ({
    kind: row.kind,
    id: row.id,
    eventId: row.event_id,
    counter: row.counter,
    expected: row.expected,
  }));
}
