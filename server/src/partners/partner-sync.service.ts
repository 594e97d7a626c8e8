import type { EventState } from '@cityleague/domain';
import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import type { RegistrationStatus } from '../db/schema.js';
import { toFiledEvent } from '../events/event.dto.js';
import { eventViewQuery } from '../events/event.repository.js';
import { InvalidCursor } from '../http/problem.js';
import { decodeCursor, encodeCursor, isDecimalInteger } from '../shared/cursor.js';
import type { PartnerPrincipal } from './partner-auth.js';

const CURSOR_KEYS = ['txid', 'id'] as const;

/** Columns that the sync shape requires and a draft may still lack. */
const SYNC_SHAPE_COLUMNS = [
  'events.sport',
  'events.division_code',
  'events.district_code',
  'events.venue',
  'events.starts_at',
  'events.ends_at',
  'events.capacity',
  'events.registration_opens_at',
  'events.registration_closes_at',
] as const;
/** The largest xid8, an unsigned 64-bit transaction id. */
const MAX_TXID = 2n ** 64n - 1n;

export interface SyncPage<T> {
  items: T[];
  /** Position after the last item; pass it back to continue, now or in a later poll. */
  nextCursor: string;
  /** Whether more rows were ready when this page was read. */
  hasMore: boolean;
}

function readCursor(cursor: string | undefined) {
  if (cursor === undefined) return undefined;
  const position = decodeCursor(cursor, CURSOR_KEYS);
  if (!position || !isDecimalInteger(position.txid, MAX_TXID)) throw new InvalidCursor();
  return position;
}

/**
 * Lists the events a partner may read in change order, for incremental sync: published events
 * and the partner organisation's own events, drafts once they have every filed detail. Each event row
 * carries the id of the last transaction that wrote it, and a page only reaches up to the
 * oldest transaction still running: a write that commits later always lands after the
 * cursor, so a partner that follows `nextCursor` misses no change and receives an unchanged row
 * once. A changed row comes again at its new position.
 */
export async function listEventChanges(
  db: Executor,
  partner: PartnerPrincipal,
  options: { cursor?: string; modifiedSince?: string; limit: number },
): Promise<SyncPage<ReturnType<typeof toPartnerEvent>>> {
  const position = readCursor(options.cursor);
  let query = eventViewQuery(db)
    .select(sql<string>`events.change_txid::text`.as('txid'))
    // A draft that still lacks a detail of the sync shape stays out until it has them all.
    .where((eb) =>
      eb.or([
        eb.and([
          eb('events.organisation_id', '=', partner.organisationId),
          eb.or([
            eb('events.state', '!=', 'draft'),
            eb.and(SYNC_SHAPE_COLUMNS.map((column) => eb(column, 'is not', null))),
          ]),
        ]),
        eb('events.published_at', 'is not', null),
      ]),
    )
    .where(sql<boolean>`events.change_txid < pg_snapshot_xmin(pg_current_snapshot())`);
  if (position) {
    query = query.where(
      sql<boolean>`(events.change_txid, events.id) > (${position.txid}::xid8, ${position.id}::uuid)`,
    );
  } else if (options.modifiedSince !== undefined) {
    query = query.where('events.updated_at', '>=', new Date(options.modifiedSince));
  }
  const rows = await query
    .orderBy(sql`events.change_txid`)
    .orderBy('events.id')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  const nextCursor = last
    ? encodeCursor({ txid: last.txid, id: last.id })
    : (options.cursor ?? encodeCursor(await startPosition(db)));
  return { items: page.map(toPartnerEvent), nextCursor, hasMore: rows.length > options.limit };
}

/**
 * Position to resume from when a first page is empty: before every transaction still
 * running, so nothing they commit is skipped.
 */
async function startPosition(db: Executor) {
  const { rows } = await sql<{ txid: string }>`
    select (pg_snapshot_xmin(pg_current_snapshot())::text::numeric - 1)::text as txid`.execute(db);
  return { txid: rows[0]?.txid ?? '0', id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' };
}

/**
 * Shapes an event for partners: the public fields, its state and when it last changed. The
 * registration status is null until the event is published.
 */
export function toPartnerEvent(event: Parameters<typeof toFiledEvent>[0]) {
  return {
    ...toFiledEvent(event),
    state: event.state as EventState,
    organisationId: event.organisation_id,
    updatedAt: new Date(event.updated_at).toISOString(),
  };
}

/** An entry as a partner syncs it: the hosting partner's view of an entry of its own event. */
export interface PartnerRegistration {
  id: string;
  eventId: string;
  groupId: string;
  status: RegistrationStatus;
  /** The registration code; null unless the entry holds a place. */
  code: string | null;
  name: string;
  phoneMasked: string;
  idMasked: string | null;
  channel: 'web' | 'console' | 'partner';
  /** Whether this partner pushed the entry. */
  pushedByYou: boolean;
  checkedInAt: string | null;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
}

function registrationQuery(db: Executor, partner: PartnerPrincipal) {
  return db
    .selectFrom('registrations')
    .innerJoin('events', 'events.id', 'registrations.event_id')
    .select([
      'registrations.id',
      'registrations.event_id',
      'registrations.group_id',
      'registrations.status',
      'registrations.code',
      'registrations.name',
      'registrations.phone_masked',
      'registrations.id_masked',
      'registrations.channel',
      'registrations.partner_id',
      'registrations.checked_in_at',
      'registrations.created_at',
      'registrations.updated_at',
      'registrations.cancelled_at',
      sql<string>`registrations.change_txid::text`.as('txid'),
    ])
    .where((eb) =>
      eb.or([
        eb('events.organisation_id', '=', partner.organisationId),
        eb('registrations.partner_id', '=', partner.id),
      ]),
    );
}

type RegistrationSyncRow = Awaited<
  ReturnType<ReturnType<typeof registrationQuery>['executeTakeFirstOrThrow']>
>;

function toPartnerRegistration(
  row: RegistrationSyncRow,
  partner: PartnerPrincipal,
): PartnerRegistration {
  return {
    id: row.id,
    eventId: row.event_id,
    groupId: row.group_id,
    status: row.status,
    code: row.status === 'active' || row.status === 'offered' ? row.code : null,
    name: row.name,
    phoneMasked: row.phone_masked,
    idMasked: row.id_masked,
    channel: row.channel as PartnerRegistration['channel'],
    pushedByYou: row.partner_id === partner.id,
    checkedInAt: row.checked_in_at ? new Date(row.checked_in_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    cancelledAt: row.cancelled_at ? new Date(row.cancelled_at).toISOString() : null,
  };
}

/** Loads one entry of the partner organisation's events as sync shows it; undefined if absent. */
export async function findPartnerRegistration(
  db: Executor,
  partner: PartnerPrincipal,
  eventId: string,
  registrationId: string,
): Promise<PartnerRegistration | undefined> {
  const row = await registrationQuery(db, partner)
    .where('registrations.event_id', '=', eventId)
    .where('registrations.id', '=', registrationId)
    .executeTakeFirst();
  return row ? toPartnerRegistration(row, partner) : undefined;
}

/**
 * Lists the entries of the partner organisation's events, and the entries the partner pushed
 * to events it hosts, in change order, with the same
 * cursor rules as `listEventChanges`: the position is the last writing transaction and the id,
 * and a page stops before the oldest transaction still running, so a partner that follows
 * `nextCursor` misses no entry and receives an unchanged entry once. `eventId` limits the list
 * to one event.
 */
export async function listRegistrationChanges(
  db: Executor,
  partner: PartnerPrincipal,
  options: { cursor?: string; modifiedSince?: string; eventId?: string; limit: number },
): Promise<SyncPage<PartnerRegistration>> {
  const position = readCursor(options.cursor);
  let query = registrationQuery(db, partner).where(
    sql<boolean>`registrations.change_txid < pg_snapshot_xmin(pg_current_snapshot())`,
  );
  if (options.eventId !== undefined) {
    query = query.where('registrations.event_id', '=', options.eventId);
  }
  if (position) {
    query = query.where(
      sql<boolean>`(registrations.change_txid, registrations.id) > (${position.txid}::xid8, ${position.id}::uuid)`,
    );
  } else if (options.modifiedSince !== undefined) {
    query = query.where('registrations.updated_at', '>=', new Date(options.modifiedSince));
  }
  const rows = await query
    .orderBy(sql`registrations.change_txid`)
    .orderBy('registrations.id')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  const nextCursor = last
    ? encodeCursor({ txid: last.txid, id: last.id })
    : (options.cursor ?? encodeCursor(await startPosition(db)));
  return {
    items: page.map((row) => toPartnerRegistration(row, partner)),
    nextCursor,
    hasMore: rows.length > options.limit,
  };
}
