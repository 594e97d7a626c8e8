import { sql, type Insertable, type Updateable } from 'kysely';

import type { Executor } from '../db/database.js';
import type { EventGroupTable } from '../db/schema.js';

/** Name of the group every event without groups gets at publication. */
export const DEFAULT_GROUP_NAME = '默认组';

/**
 * The name of the joined `event_groups` row as citizens see it: empty for an event's only group
 * when it is the default group, whose name is a placeholder.
 */
export const CITIZEN_GROUP_NAME = sql<string>`case
  when event_groups.is_default and not exists (
    select 1 from event_groups other
    where other.event_id = event_groups.event_id and other.id <> event_groups.id
  ) then '' else event_groups.name end`;

export async function listGroups(db: Executor, eventId: string) {
  return listGroupsOfEvents(db, [eventId]);
}

/** Lists the groups of several events, by event and then in each event's order. */
export async function listGroupsOfEvents(db: Executor, eventIds: readonly string[]) {
  if (eventIds.length === 0) return [];
  return db
    .selectFrom('event_groups')
    .selectAll()
    .where('event_id', 'in', eventIds)
    .orderBy('event_id')
    .orderBy('sort_order')
    .orderBy('id')
    .execute();
}

/**
 * Counts the places in each waiting list of an event's groups, a waiting team counting once as
 * `queuePosition` does. Groups without waiting entries are left out.
 */
export async function countWaitingByGroup(
  db: Executor,
  eventId: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('registrations')
    .select(['group_id', sql<number>`count(distinct coalesce(team_id, id))::int`.as('waiting')])
    .where('event_id', '=', eventId)
    .where('status', '=', 'waiting')
    .groupBy('group_id')
    .execute();
  return new Map(rows.map((row) => [row.group_id, row.waiting]));
}

export async function findGroup(db: Executor, eventId: string, groupId: string) {
  return db
    .selectFrom('event_groups')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('id', '=', groupId)
    .executeTakeFirst();
}

export async function insertGroup(db: Executor, row: Insertable<EventGroupTable>) {
  return db.insertInto('event_groups').values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Updates a group unless the new capacity is below the places already taken; returns
 * undefined then, and the row is unchanged.
 */
export async function updateGroup(
  db: Executor,
  groupId: string,
  patch: Updateable<EventGroupTable>,
) {
  let query = db
    .updateTable('event_groups')
    .set({ ...patch, updated_at: sql<Date>`now()` })
    .where('id', '=', groupId);
  if (patch.capacity !== undefined) query = query.where('taken', '<=', Number(patch.capacity));
  return query.returningAll().executeTakeFirst();
}

export async function deleteGroup(db: Executor, groupId: string): Promise<void> {
  await db.deleteFrom('event_groups').where('id', '=', groupId).execute();
}

export async function countEntries(db: Executor, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('registrations')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return row.count;
}

/** Sums the capacities of an event's groups, leaving out one group when named. */
export async function capacityOfOtherGroups(
  db: Executor,
  eventId: string,
  exceptGroupId?: string,
): Promise<number> {
  let query = db
    .selectFrom('event_groups')
    .select(sql<number>`coalesce(sum(capacity), 0)::int`.as('total'))
    .where('event_id', '=', eventId);
  if (exceptGroupId) query = query.where('id', '<>', exceptGroupId);
  const row = await query.executeTakeFirstOrThrow();
  return row.total;
}
