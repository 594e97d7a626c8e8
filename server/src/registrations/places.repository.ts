import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import type { RegistrationStatus } from '../db/schema.js';

/**
 * Locks an event's row for a change to its entries and reads what gates registration on the
 * database clock. Every transaction that changes an entry's status or a group's counter locks
 * the event's row first, here or with the `for update` of the console's event and group
 * changes. So they all lock rows in one order (event, group, entry) and cannot deadlock.
 */
export async function lockEventForEntries(db: Executor, eventId: string) {
  return (await lockEventsForEntries(db, [eventId]))[0];
}

/**
 * Locks several events as lockEventForEntries does, in ascending id order. PostgreSQL locks
 * each row as it leaves the sort, so two callers cannot deadlock on each other's events.
 * Returns the rows found, in that order.
 */
export async function lockEventsForEntries(db: Executor, eventIds: readonly string[]) {
  if (eventIds.length === 0) return [];
  return db
    .selectFrom('events')
    .select([
      'id',
      'name',
      'state',
      'organisation_id',
      'starts_at',
      'capacity',
      'registered_count',
      sql<boolean>`now() < registration_opens_at`.as('not_open'),
      sql<boolean>`now() >= registration_closes_at`.as('closed'),
      sql<boolean>`now() >= coalesce(cancel_deadline, registration_closes_at)`.as(
        'cancel_deadline_passed',
      ),
    ])
    .where('id', 'in', eventIds)
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
}

/**
 * Takes `count` places of a group and adds them to the event's registered_count, in one
 * statement. The conditional update is the capacity guard: it matches no row when the group
 * has fewer free places, and then neither counter changes. Returns whether the places were
 * taken.
 */
export async function takePlaces(db: Executor, groupId: string, count = 1): Promise<boolean> {
  return takeGroupsPlaces(db, [{ groupId, count }]);
}

/**
 * Takes places of several groups and adds them to their events' registered_count in one
 * statement, as takePlaces does for one group. `requested` names each group once.
 * Returns whether every group had the places. When one had not, the others' places are still
 * taken, so the caller must roll back.
 */
export async function takeGroupsPlaces(
  db: Executor,
  requested: readonly { groupId: string; count: number }[],
): Promise<boolean> {
  if (requested.length === 0) return true;
  const result = await sql<{ groups: number }>`
    with ${takeGroupsPlacesSteps(requested)}
    select count(*)::integer as groups from taken`.execute(db);
  return result.rows[0]?.groups === requested.length;
}

/**
 * Returns the common table expressions of takeGroupsPlaces, for a statement that takes places
 * along with other writes. `taken` has a row per group whose places were taken; when it has fewer
 * rows than `requested`, the caller must roll back.
 */
export function takeGroupsPlacesSteps(requested: readonly { groupId: string; count: number }[]) {
  return sql`
    requested as (
      select * from unnest(${requested.map((item) => item.groupId)}::uuid[],
        ${requested.map((item) => item.count)}::integer[]) as w (group_id, count)
    ),
    taken as (
      update event_groups g set taken = g.taken + w.count, updated_at = now()
      from requested w
      where g.id = w.group_id and g.taken + w.count <= g.capacity
      returning g.event_id, w.count
    ),
    counted as (
      update events set registered_count = registered_count + t.count
      from (select event_id, sum(count)::integer as count from taken group by event_id) t
      where events.id = t.event_id
      returning events.id
    )`;
}

/** Gives `count` places of a group back and subtracts them from the event's registered_count. */
export async function releasePlaces(db: Executor, groupId: string, count = 1): Promise<void> {
  const result = await sql<{ id: string }>`
    with released as (
      update event_groups set taken = taken - ${count}, updated_at = now()
      where id = ${groupId}
      returning event_id
    )
    update events set registered_count = registered_count - ${count}
    from released where events.id = released.event_id
    returning events.id`.execute(db);
  if (result.rows.length !== 1) throw new Error(`Group ${groupId} not found`);
}

/**
 * Changes an entry's status only when it still has the status the caller read. Returns the
 * row when it changed, so a second cancellation of one entry finds nothing to change and
 * releases nothing.
 */
export async function changeStatus(
  db: Executor,
  registrationId: string,
  from: RegistrationStatus,
  to: {
    status: RegistrationStatus;
    cancelReason?: string;
    offerHours?: number;
  },
) {
  return db
    .updateTable('registrations')
    .set({
      status: to.status,
      cancelled_at: to.status === 'cancelled' ? sql<Date>`now()` : null,
      cancel_reason: to.status === 'cancelled' ? (to.cancelReason ?? null) : null,
      offer_expires_at:
        to.status === 'offered'
          ? sql<Date>`now() + make_interval(hours => ${to.offerHours ?? 0})`
          : null,
      ...(from === 'waiting' && to.status !== 'cancelled' ? { promoted_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', registrationId)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Finds the first entry of a group's waiting list, by sequence number. The members of a waiting
 * team share one number, and team_id names their team.
 */
export async function nextWaiting(db: Executor, groupId: string) {
  return db
    .selectFrom('registrations')
    .select(['id', 'event_id', 'group_id', 'team_id'])
    .where('group_id', '=', groupId)
    .where('status', '=', 'waiting')
    .orderBy('waiting_seq')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Returns the 1-based place of a waiting entry in its group's queue. A waiting team counts as
 * one place in the queue, whatever its size.
 */
export async function queuePosition(db: Executor, registrationId: string): Promise<number | null> {
  const row = await sql<{ position: number }>`
    select count(distinct coalesce(ahead.team_id, ahead.id))::int as position
    from registrations mine
    join registrations ahead on ahead.group_id = mine.group_id
      and ahead.status = 'waiting' and ahead.waiting_seq <= mine.waiting_seq
    where mine.id = ${registrationId} and mine.status = 'waiting'
    group by mine.id`.execute(db);
  return row.rows[0]?.position ?? null;
}

/** Draws the next number of the waiting-list sequence, which orders every queue. */
export async function nextWaitingSeq(db: Executor): Promise<string> {
  const row = await sql<{
    seq: string;
  }>`select nextval('registrations_waiting_seq')::text as seq`.execute(db);
  const seq = row.rows[0]?.seq;
  if (seq === undefined) throw new Error('registrations_waiting_seq returned no value');
  return seq;
}

/** Lists the events that have offers past their deadline on the database clock. */
export async function eventsWithExpiredOffers(db: Executor, limit: number) {
  const rows = await db
    .selectFrom('registrations')
    .select('event_id')
    .distinct()
    .where('status', '=', 'offered')
    .where('offer_expires_at', '<=', sql<Date>`now()`)
    .limit(limit)
    .execute();
  return rows.map((row) => row.event_id);
}

/** Lists an event's offers past their deadline; the caller holds the event's lock. */
export async function expiredOffers(db: Executor, eventId: string) {
  return db
    .selectFrom('registrations')
    .select(['id', 'group_id'])
    .where('event_id', '=', eventId)
    .where('status', '=', 'offered')
    .where('offer_expires_at', '<=', sql<Date>`now()`)
    .orderBy('offer_expires_at')
    .execute();
}

/** Queues one SMS about an entry, at most once per dedup key. */
export async function queueEntrySms(
  db: Executor,
  kind: string,
  entry: { id: string; event_id: string },
): Promise<void> {
  await sql`
    insert into notification_outbox (id, kind, event_id, registration_id, payload, dedup_key)
    values (gen_random_uuid(), ${kind}, ${entry.event_id}, ${entry.id},
      jsonb_build_object('registrationId', ${entry.id}::text, 'eventId', ${entry.event_id}::text),
      ${`${kind}:${entry.id}`})
    on conflict (dedup_key) where dedup_key is not null do nothing`.execute(db);
}

/** Makes an offered entry active while its offer is open on the database clock. */
export async function acceptOpenOffer(db: Executor, registrationId: string) {
  return db
    .updateTable('registrations')
    .set({ status: 'active', offer_expires_at: null })
    .where('id', '=', registrationId)
    .where('status', '=', 'offered')
    .where('offer_expires_at', '>', sql<Date>`now()`)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Lists the entries a citizen manages, newest first, with their event, group and the captain of
 * their team: those made with the citizen's mobile number and those the citizen submitted. The
 * two sets are read apart, each along its own index, because an `or` of the two keys could
 * make PostgreSQL walk the whole table in id order.
 */
export async function entriesOfCitizen(
  db: Executor,
  citizen: { id: string; phoneHash: string },
  limit: number,
) {
  // One after the other, because a transaction's connection runs one query at a time.
  const ofPhone = await citizenEntryQuery(db)
    .where('registrations.phone_hash', '=', citizen.phoneHash)
    .orderBy('registrations.id', 'desc')
    .limit(limit)
    .execute();
  const submitted = await citizenEntryQuery(db)
    .where('registrations.submitted_by_citizen_id', '=', citizen.id)
    .orderBy('registrations.id', 'desc')
    .limit(limit)
    .execute();
  const byId = new Map([...ofPhone, ...submitted].map((row) => [row.id, row]));
  return [...byId.values()].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, limit);
}

function citizenEntryQuery(db: Executor) {
  return db
    .selectFrom('registrations')
    .innerJoin('events', 'events.id', 'registrations.event_id')
    .innerJoin('event_groups', 'event_groups.id', 'registrations.group_id')
    .leftJoin('teams', 'teams.id', 'registrations.team_id')
    .select([
      'registrations.id',
      'registrations.event_id',
      'registrations.group_id',
      'registrations.team_id',
      'teams.captain_citizen_id',
      'registrations.status',
      'registrations.code',
      'registrations.offer_expires_at',
      'registrations.checked_in_at',
      'registrations.created_at',
      'registrations.name',
      'registrations.phone_hash',
      'registrations.phone_masked',
      'events.name as event_name',
      'events.starts_at',
      'event_groups.name as group_name',
      // The default group of an event without other groups is a placeholder citizens never see.
      sql<boolean>`event_groups.is_default and not exists (
        select 1 from event_groups other
        where other.event_id = registrations.event_id and other.id <> registrations.group_id
      )`.as('group_is_placeholder'),
    ]);
}

/**
 * Returns the hours an offered place waits for its entrant in a group whose waiting list offers
 * freed places, or null when places move up by themselves or the group has no waiting list.
 */
export async function offerHoursOfGroup(db: Executor, groupId: string): Promise<number | null> {
  const group = await db
    .selectFrom('event_groups')
    .select('offer_hours')
    .where('id', '=', groupId)
    .executeTakeFirst();
  return group?.offer_hours ?? null;
}
