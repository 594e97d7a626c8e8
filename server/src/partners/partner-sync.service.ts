import type { EventState } from '@cityleague/domain';
import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import { toPublicEvent } from '../events/event.dto.js';
import { eventViewQuery } from '../events/event.repository.js';
import { InvalidCursor } from '../http/problem.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
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
const TXID = /^\d{1,20}$/;

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
  if (!position || !TXID.test(position.txid)) throw new InvalidCursor();
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

/** Shapes an event for partners: the public fields, its state and when it last changed. */
export function toPartnerEvent(event: Parameters<typeof toPublicEvent>[0]) {
  return {
    ...toPublicEvent(event),
    state: event.state as EventState,
    organisationId: event.organisation_id,
    updatedAt: new Date(event.updated_at).toISOString(),
  };
}
