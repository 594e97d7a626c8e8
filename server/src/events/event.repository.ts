import { sql, type UpdateObject } from 'kysely';

import type { Executor } from '../db/database.js';
import type { Database, NewEvent } from '../db/schema.js';

/** Selects events with the names of their division, district and organisation. */
export function eventViewQuery(db: Executor) {
  return db
    .selectFrom('events')
    .leftJoin('divisions as division', 'division.code', 'events.division_code')
    .leftJoin('divisions as district', 'district.code', 'events.district_code')
    .innerJoin('organisations', 'organisations.id', 'events.organisation_id')
    .selectAll('events')
    .select([
      'division.name as division_name',
      'district.name as district_name',
      'organisations.name as organiser_name',
      sql<Date>`now()`.as('db_now'),
    ]);
}

export type EventView = Awaited<
  ReturnType<ReturnType<typeof eventViewQuery>['executeTakeFirstOrThrow']>
>;

export async function findEventView(db: Executor, id: string): Promise<EventView | undefined> {
  return eventViewQuery(db).where('events.id', '=', id).executeTakeFirst();
}

/** Reads an event row and locks it until the transaction ends. */
export async function lockEvent(db: Executor, id: string) {
  return db.selectFrom('events').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertEvent(db: Executor, row: NewEvent): Promise<void> {
  await db.insertInto('events').values(row).execute();
}

export async function updateEvent(
  db: Executor,
  id: string,
  changes: UpdateObject<Database, 'events'>,
): Promise<void> {
  await db
    .updateTable('events')
    .set({ ...changes, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}
