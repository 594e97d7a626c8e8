import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { InsertObject } from 'kysely';

export async function insertRegistration(
  db: Executor,
  row: InsertObject<Database, 'registrations'>,
) {
  return db.insertInto('registrations').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findByIdempotencyKey(db: Executor, eventId: string, key: string) {
  return db
    .selectFrom('registrations')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** Finds a registration by id, only when it belongs to the event. */
export async function findInEvent(db: Executor, eventId: string, registrationId: string) {
  return db
    .selectFrom('registrations')
    .selectAll()
    .where('id', '=', registrationId)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
}

/** Finds the active registration of a mobile number (by its keyed hash) for an event. */
export async function findActiveByPhoneHash(db: Executor, eventId: string, phoneHash: string) {
  return db
    .selectFrom('registrations')
    .select('id')
    .where('event_id', '=', eventId)
    .where('phone_hash', '=', phoneHash)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

/** Builds the query of a live entry (not cancelled) of the event, for the lookups below. */
function liveEntryOf(db: Executor, eventId: string) {
  return db
    .selectFrom('registrations')
    .select('id')
    .where('event_id', '=', eventId)
    .where('status', '<>', 'cancelled');
}

/** Finds a live entry (not cancelled) of the event made with this mobile number's hash. */
export async function findLiveByPhoneHash(db: Executor, eventId: string, phoneHash: string) {
  return liveEntryOf(db, eventId).where('phone_hash', '=', phoneHash).executeTakeFirst();
}

/** Finds a live entry of the event made with this ID number's hash. */
export async function findLiveByIdHash(db: Executor, eventId: string, idHash: string) {
  return liveEntryOf(db, eventId).where('id_hash', '=', idHash).executeTakeFirst();
}

/** Finds a live entry of the event made with this mobile number's hash and no ID number. */
export async function findLiveWithoutIdByPhoneHash(
  db: Executor,
  eventId: string,
  phoneHash: string,
) {
  return liveEntryOf(db, eventId)
    .where('phone_hash', '=', phoneHash)
    .where('id_hash', 'is', null)
    .executeTakeFirst();
}

export async function findByCode(db: Executor, code: string) {
  return db
    .selectFrom('registrations')
    .innerJoin('events', 'events.id', 'registrations.event_id')
    .selectAll('registrations')
    .select('events.name as event_name')
    .where('registrations.code', '=', code)
    .executeTakeFirst();
}

export async function listForEvent(
  db: Executor,
  eventId: string,
  page: { afterId?: string; limit: number },
) {
  let query = db
    .selectFrom('registrations')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.afterId) query = query.where('id', '>', page.afterId);
  return query.execute();
}

export async function countForEvent(db: Executor, eventId: string) {
  const row = await db
    .selectFrom('registrations')
    .select([
      sql<number>`count(*) filter (where status = 'active')::int`.as('total'),
      sql<number>`count(checked_in_at)::int`.as('checked_in'),
      sql<number>`count(*) filter (where status in ('waiting', 'offered'))::int`.as('waiting'),
      sql<number>`count(*) filter (where status = 'offered')::int`.as('offered'),
    ])
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow();
  return {
    total: row.total,
    checkedIn: row.checked_in,
    waiting: row.waiting,
    offered: row.offered,
  };
}

export async function insertNotification(
  db: Executor,
  row: { id: string; kind: string; eventId: string; registrationId: string; payload: object },
) {
  await db
    .insertInto('notification_outbox')
    .values({
      id: row.id,
      kind: row.kind,
      event_id: row.eventId,
      registration_id: row.registrationId,
      payload: JSON.stringify(row.payload),
    })
    .execute();
}

/** Reads what the confirmation SMS of a registration needs, with the event's name. */
export async function findForConfirmation(db: Executor, registrationId: string) {
  return db
    .selectFrom('registrations')
    .innerJoin('events', 'events.id', 'registrations.event_id')
    .select([
      'registrations.code',
      'registrations.status',
      'registrations.phone_ciphertext',
      'events.name as event_name',
      'events.starts_at',
      'events.venue',
    ])
    .where('registrations.id', '=', registrationId)
    .executeTakeFirst();
}

/** Every entry of an event with its group's name, in registration order, for an export. */
export async function listForExport(db: Executor, eventId: string, limit: number) {
  return db
    .selectFrom('registrations')
    .innerJoin('event_groups', 'event_groups.id', 'registrations.group_id')
    .selectAll('registrations')
    .select('event_groups.name as group_name')
    .where('registrations.event_id', '=', eventId)
    .orderBy('registrations.id')
    .limit(limit + 1)
    .execute();
}

/**
 * Returns the live entries of an event held by any of these people: by ID number hash, or by
 * mobile number hash, which an entrant without an ID number may share with no live entry.
 */
export async function findLiveByPeople(
  db: Executor,
  eventId: string,
  people: { idHashes: string[]; phoneHashes: string[] },
) {
  return findLiveByPeopleOfEvents(db, [eventId], people);
}

/**
 * Finds the live entries of several events whose ID number or mobile number is one of
 * `people`'s, with one statement. A row may belong to another event than the person asked
 * about; the caller matches rows by `event_id`.
 */
export async function findLiveByPeopleOfEvents(
  db: Executor,
  eventIds: readonly string[],
  people: { idHashes: string[]; phoneHashes: string[] },
) {
  if (eventIds.length === 0) return [];
  if (people.idHashes.length === 0 && people.phoneHashes.length === 0) return [];
  return db
    .selectFrom('registrations')
    .select(['id', 'event_id', 'id_hash', 'phone_hash'])
    .where('event_id', 'in', eventIds)
    .where('status', '<>', 'cancelled')
    .where((eb) =>
      eb.or([
        ...(people.idHashes.length > 0 ? [eb('id_hash', 'in', people.idHashes)] : []),
        ...(people.phoneHashes.length > 0 ? [eb('phone_hash', 'in', people.phoneHashes)] : []),
      ]),
    )
    .execute();
}

/** Reads a published event's start; undefined when the event is not published or has none. */
export async function findEventStart(db: Executor, eventId: string): Promise<Date | undefined> {
  const row = await db
    .selectFrom('events')
    .select('starts_at')
    .where('id', '=', eventId)
    .where('state', '=', 'published')
    .executeTakeFirst();
  return row?.starts_at ? new Date(row.starts_at) : undefined;
}
