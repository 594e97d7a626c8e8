import { randomBytes } from 'node:crypto';

import { sql, type Insertable } from 'kysely';

import { CITIZEN_GROUP_NAME } from '../registrations/group.repository.js';
import type { Executor } from '../db/database.js';
import type { EventResultTable, ResultImportTable } from '../db/schema.js';

/**
 * Reads the event's state and owner and locks its row against other writers of entries and
 * results (`for no key update`, the lock that registrations and cancellations take), so a
 * result is never written for an entry that is being cancelled at the same time.
 */
export async function lockEvent(db: Executor, eventId: string) {
  return db
    .selectFrom('events')
    .select(['id', 'name', 'state', 'organisation_id'])
    .where('id', '=', eventId)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

/** Lists an event's groups in their display order. */
export async function groupsOf(db: Executor, eventId: string) {
  return db
    .selectFrom('event_groups')
    .select(['id', 'name'])
    .where('event_id', '=', eventId)
    .orderBy('sort_order')
    .orderBy('id')
    .execute();
}

/** Lists an event's active entries with what the result import matches on. */
export async function activeEntries(db: Executor, eventId: string) {
  return db
    .selectFrom('registrations')
    .select(['id', 'code', 'name', 'phone_hash', 'group_id'])
    .where('event_id', '=', eventId)
    .where('status', '=', 'active')
    .execute();
}

/** Finds an active entry of the event. */
export async function findActiveEntry(db: Executor, eventId: string, registrationId: string) {
  return db
    .selectFrom('registrations')
    .select(['id', 'group_id', 'name', 'code'])
    .where('event_id', '=', eventId)
    .where('id', '=', registrationId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

export async function findResult(db: Executor, registrationId: string) {
  return db
    .selectFrom('event_results')
    .selectAll()
    .where('registration_id', '=', registrationId)
    .executeTakeFirst();
}

/** Lists every result of an event. */
export async function resultsOfEvent(db: Executor, eventId: string) {
  return db.selectFrom('event_results').selectAll().where('event_id', '=', eventId).execute();
}

/** Inserts or replaces the result of an entry. */
export async function upsertResult(db: Executor, row: Insertable<EventResultTable>) {
  await db
    .insertInto('event_results')
    .values(row)
    .onConflict((conflict) =>
      conflict.column('registration_id').doUpdateSet({
        group_id: row.group_id,
        status: row.status,
        rank: row.rank,
        time_ms: row.time_ms,
        score: row.score,
        updated_by: row.updated_by,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

export async function deleteResult(db: Executor, registrationId: string) {
  await db.deleteFrom('event_results').where('registration_id', '=', registrationId).execute();
}

/** Lists active entries of an event with their results, in registration order, for the console. */
export async function listEntriesWithResults(
  db: Executor,
  eventId: string,
  page: { groupId?: string; afterId?: string; limit: number },
) {
  let query = db
    .selectFrom('registrations')
    .innerJoin('event_groups', 'event_groups.id', 'registrations.group_id')
    .leftJoin('event_results', 'event_results.registration_id', 'registrations.id')
    .leftJoin('certificates', (join) =>
      join
        .onRef('certificates.registration_id', '=', 'registrations.id')
        .on('certificates.revoked_at', 'is', null),
    )
    .select([
      'registrations.id',
      'registrations.code',
      'registrations.name',
      'registrations.group_id',
      'event_groups.name as group_name',
      'event_results.status',
      'event_results.rank',
      'event_results.time_ms',
      'event_results.score',
      'certificates.code as certificate_code',
    ])
    .where('registrations.event_id', '=', eventId)
    .where('registrations.status', '=', 'active')
    .orderBy('registrations.id')
    .limit(page.limit + 1);
  if (page.groupId) query = query.where('registrations.group_id', '=', page.groupId);
  if (page.afterId) query = query.where('registrations.id', '>', page.afterId);
  return query.execute();
}

/** Counts an event's active entries, results and finishers. */
export async function countResults(db: Executor, eventId: string) {
  const row = await db
    .selectFrom('registrations')
    .leftJoin('event_results', 'event_results.registration_id', 'registrations.id')
    .select([
      sql<number>`count(*)::int`.as('entries'),
      sql<number>`count(event_results.id)::int`.as('results'),
      sql<number>`count(*) filter (where event_results.status = 'finished')::int`.as('finishers'),
    ])
    .where('registrations.event_id', '=', eventId)
    .where('registrations.status', '=', 'active')
    .executeTakeFirstOrThrow();
  return row;
}

/** Sort key of the public result list: finishers by rank first, then DNF, then DSQ. */
export interface PublicResultKey {
  order: number;
  rank: number;
  id: string;
}

const STATUS_ORDER = sql<number>`case event_results.status when 'finished' then 0 when 'dnf' then 1 else 2 end`;

/**
 * Lists the results of an event's active entries, finishers by rank, then DNF, then DSQ, with
 * ties in registration order. Pages after `after`, a key of the previous page's last row.
 */
/** An exact full name or registration code that a public result lookup keeps. */
export type EntrantLookup = { name: string; code?: undefined } | { code: string; name?: undefined };

export async function listPublicResults(
  db: Executor,
  eventId: string,
  page: { groupId?: string; after?: PublicResultKey; limit: number; entrant?: EntrantLookup },
) {
  let query = db
    .selectFrom('event_results')
    .innerJoin('registrations', 'registrations.id', 'event_results.registration_id')
    .innerJoin('event_groups', 'event_groups.id', 'event_results.group_id')
    .select([
      'event_results.registration_id as id',
      'registrations.name',
      CITIZEN_GROUP_NAME.as('group_name'),
      'event_results.status',
      'event_results.rank',
      'event_results.time_ms',
      'event_results.score',
      STATUS_ORDER.as('status_order'),
    ])
    .where('event_results.event_id', '=', eventId)
    .where('registrations.status', '=', 'active')
    .orderBy(STATUS_ORDER)
    .orderBy(sql`coalesce(event_results.rank, 0)`)
    .orderBy('event_results.registration_id')
    .limit(page.limit + 1);
  if (page.groupId) query = query.where('event_results.group_id', '=', page.groupId);
  if (page.entrant?.code) query = query.where('registrations.code', '=', page.entrant.code);
  if (page.entrant?.name) query = query.where('registrations.name', '=', page.entrant.name);
  if (page.after) {
    const { order, rank, id } = page.after;
    query = query.where(
      sql<boolean>`(${STATUS_ORDER}, coalesce(event_results.rank, 0), event_results.registration_id) > (${order}, ${rank}, ${id}::uuid)`,
    );
  }
  return query.execute();
}

/** Counts the published results per group of an event. */
export async function resultCountsByGroup(db: Executor, eventId: string) {
  return db
    .selectFrom('event_groups')
    .leftJoin('event_results', 'event_results.group_id', 'event_groups.id')
    .select([
      'event_groups.id',
      'event_groups.name',
      sql<number>`count(event_results.id)::int`.as('count'),
    ])
    .where('event_groups.event_id', '=', eventId)
    .groupBy(['event_groups.id', 'event_groups.name', 'event_groups.sort_order'])
    .orderBy('event_groups.sort_order')
    .orderBy('event_groups.id')
    .execute();
}

/** Lists the published results of the entries made with a mobile number, newest event first. */
export async function resultsOfPhone(db: Executor, phoneHash: string, limit: number) {
  return db
    .selectFrom('event_results')
    .innerJoin('registrations', 'registrations.id', 'event_results.registration_id')
    .innerJoin('result_publications', 'result_publications.event_id', 'event_results.event_id')
    .innerJoin('events', 'events.id', 'event_results.event_id')
    .innerJoin('event_groups', 'event_groups.id', 'event_results.group_id')
    .leftJoin('certificates', (join) =>
      join
        .onRef('certificates.registration_id', '=', 'registrations.id')
        .on('certificates.revoked_at', 'is', null),
    )
    .select([
      'registrations.id as registration_id',
      'events.id as event_id',
      'events.name as event_name',
      'events.starts_at',
      CITIZEN_GROUP_NAME.as('group_name'),
      'event_results.status',
      'event_results.rank',
      'event_results.time_ms',
      'event_results.score',
      'certificates.code as certificate_code',
      'result_publications.published_at',
    ])
    .where('registrations.phone_hash', '=', phoneHash)
    .where('registrations.status', '=', 'active')
    .orderBy('events.starts_at', 'desc')
    .orderBy('registrations.id', 'desc')
    .limit(limit)
    .execute();
}

export async function findPublication(db: Executor, eventId: string) {
  return db
    .selectFrom('result_publications')
    .selectAll()
    .where('event_id', '=', eventId)
    .executeTakeFirst();
}

/** Records the publication; returns false when the event's results were already published. */
export async function insertPublication(db: Executor, eventId: string, userId: string) {
  const inserted = await db
    .insertInto('result_publications')
    .values({ event_id: eventId, published_by: userId })
    .onConflict((conflict) => conflict.column('event_id').doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Lists the entries of an event that have a result, for the notices of a publication. */
export async function entriesWithResults(db: Executor, eventId: string) {
  return db
    .selectFrom('event_results')
    .innerJoin('registrations', 'registrations.id', 'event_results.registration_id')
    .select('registrations.id')
    .where('event_results.event_id', '=', eventId)
    .where('registrations.status', '=', 'active')
    .execute();
}

/**
 * Queues one SMS per entry with a result. The deduplication key is the event and the entry, so
 * an entry gets one results notice per event however often publication is retried.
 */
export async function queueResultNotices(db: Executor, eventId: string) {
  await sql`
    insert into notification_outbox (id, kind, event_id, registration_id, payload, dedup_key)
    select gen_random_uuid(), 'results.published', r.event_id, r.registration_id,
      jsonb_build_object('registrationId', r.registration_id),
      'results.published:' || r.event_id || ':' || r.registration_id
    from event_results r
    join registrations g on g.id = r.registration_id and g.status = 'active'
    where r.event_id = ${eventId}
    on conflict (dedup_key) where dedup_key is not null do nothing`.execute(db);
}

// Base32 without 0, 1, I and O, which readers confuse with O, I, 1 and 0.
const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Makes a certificate code: 12 characters carrying 60 random bits. */
export function randomCertificateCode(): string {
  const bytes = randomBytes(12);
  return Array.from(bytes, (byte) => CODE_ALPHABET[byte & 31]).join('');
}

/**
 * Makes the event's certificates match its results: every finisher holds one valid certificate
 * and nobody else does. A finisher whose certificate was revoked gets the same code back.
 */
export async function syncCertificates(db: Executor, eventId: string) {
  const finishers = db
    .selectFrom('event_results')
    .select('registration_id')
    .where('event_id', '=', eventId)
    .where('status', '=', 'finished');
  await db
    .updateTable('certificates')
    .set({ revoked_at: sql`now()` })
    .where('event_id', '=', eventId)
    .where('revoked_at', 'is', null)
    .where('registration_id', 'not in', finishers)
    .execute();
  await db
    .updateTable('certificates')
    .set({ revoked_at: null })
    .where('event_id', '=', eventId)
    .where('revoked_at', 'is not', null)
    .where('registration_id', 'in', finishers)
    .execute();
  const missing = await db
    .selectFrom('event_results')
    .leftJoin('certificates', 'certificates.registration_id', 'event_results.registration_id')
    .select('event_results.registration_id')
    .where('event_results.event_id', '=', eventId)
    .where('event_results.status', '=', 'finished')
    .where('certificates.id', 'is', null)
    .execute();
  if (missing.length === 0) return;
  await db
    .insertInto('certificates')
    .values(
      missing.map((row) => ({
        id: sql<string>`gen_random_uuid()`,
        code: randomCertificateCode(),
        event_id: eventId,
        registration_id: row.registration_id,
      })),
    )
    .onConflict((conflict) => conflict.column('registration_id').doNothing())
    .execute();
}

/** Reads a valid certificate with what its face and the verification page show. */
export async function findValidCertificate(db: Executor, code: string) {
  return db
    .selectFrom('certificates')
    .innerJoin('event_results', 'event_results.registration_id', 'certificates.registration_id')
    .innerJoin('registrations', 'registrations.id', 'certificates.registration_id')
    .innerJoin('events', 'events.id', 'certificates.event_id')
    .innerJoin('event_groups', 'event_groups.id', 'event_results.group_id')
    .select([
      'certificates.id',
      'certificates.code',
      'certificates.event_id',
      'certificates.issued_at',
      'registrations.name',
      'registrations.phone_hash',
      'events.name as event_name',
      'events.starts_at',
      'events.host',
      CITIZEN_GROUP_NAME.as('group_name'),
      'event_results.status',
      'event_results.rank',
      'event_results.time_ms',
      'event_results.score',
    ])
    .where('certificates.code', '=', code)
    .where('certificates.revoked_at', 'is', null)
    .where('registrations.status', '=', 'active')
    .executeTakeFirst();
}

/** Returns a certificate's stored file of one format with its fingerprint, if any. */
export async function findCertificateFile(
  db: Executor,
  certificateId: string,
  format: 'png' | 'pdf',
) {
  return db
    .selectFrom('certificate_files')
    .select(['fingerprint', 'bytes'])
    .where('certificate_id', '=', certificateId)
    .where('format', '=', format)
    .executeTakeFirst();
}

/**
 * Takes the transaction-scoped advisory lock of a certificate's file, which the request that
 * renders the file holds until it has stored it.
 */
export async function lockCertificateFile(
  trx: Executor,
  certificateId: string,
  format: 'png' | 'pdf',
) {
  const key = `certificate-file:${certificateId}:${format}`;
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

/** Stores a certificate's rendered file, replacing the one rendered from older content. */
export async function saveCertificateFile(
  db: Executor,
  file: { certificateId: string; format: 'png' | 'pdf'; fingerprint: string; bytes: Buffer },
) {
  const values = {
    fingerprint: file.fingerprint,
    bytes: file.bytes,
    rendered_at: sql<Date>`now()`,
  };
  await db
    .insertInto('certificate_files')
    .values({ certificate_id: file.certificateId, format: file.format, ...values })
    .onConflict((conflict) => conflict.columns(['certificate_id', 'format']).doUpdateSet(values))
    .execute();
}

export async function insertImport(db: Executor, row: Insertable<ResultImportTable>) {
  await db.insertInto('result_imports').values(row).execute();
}

export async function findImport(db: Executor, eventId: string, id: string) {
  return db
    .selectFrom('result_imports')
    .selectAll()
    .where('id', '=', id)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
}

export async function lockImport(db: Executor, eventId: string, id: string) {
  return db
    .selectFrom('result_imports')
    .selectAll()
    .where('id', '=', id)
    .where('event_id', '=', eventId)
    .forUpdate()
    .executeTakeFirst();
}

export async function markImportCommitted(db: Executor, id: string, userId: string) {
  await db
    .updateTable('result_imports')
    .set({ status: 'committed', committed_by: userId, committed_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** Reads an active entry's result, number and event for the results SMS. */
export async function findNotice(db: Executor, registrationId: string) {
  return db
    .selectFrom('event_results')
    .innerJoin('registrations', 'registrations.id', 'event_results.registration_id')
    .innerJoin('events', 'events.id', 'event_results.event_id')
    .leftJoin('certificates', (join) =>
      join
        .onRef('certificates.registration_id', '=', 'registrations.id')
        .on('certificates.revoked_at', 'is', null),
    )
    .select([
      'registrations.phone_ciphertext',
      'events.name as event_name',
      'event_results.status',
      'event_results.rank',
      'event_results.time_ms',
      'event_results.score',
      'certificates.code as certificate_code',
    ])
    .where('event_results.registration_id', '=', registrationId)
    .where('registrations.status', '=', 'active')
    .executeTakeFirst();
}
