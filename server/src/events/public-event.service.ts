import { sportName } from '@cityleague/domain';

import type { ExpressionBuilder } from 'kysely';

import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { DivisionUnknownInInput, StreetOutsideDistrict } from '../divisions/division.errors.js';
import { findDistrictOrStreet } from '../divisions/division.service.js';
import { InvalidCursor } from '../http/problem.js';
import { decodeCursor, encodeCursor, isInstant } from '../shared/cursor.js';
import type { ReadCache } from '../shared/read-cache.js';
import { isStorableDay } from '../shared/storable-time.js';
import { toPublicEvent } from './event.dto.js';
import { EventNotFound, InvalidDateRange, UnknownSport } from './event.errors.js';
import { parseSearchText } from './event-search.js';
import { filterKey, type PublishedEventWindow, walkWindow } from './published-event-window.js';
import * as repository from './event.repository.js';
import {
  findEventDays,
  publicEventConditions,
  type PublicEventFilter,
} from './public-event.repository.js';

/** Query of the public event list and calendar, as the routes receive it. */
export interface PublicEventQuery {
  q?: string;
  section?: string;
  district?: string;
  street?: string;
  /** Comma-separated sport codes; an event of any of them passes. */
  sports?: string;
  from?: string;
  to?: string;
  fee?: 'free' | 'paid';
  maxFeeCents?: number;
  open?: boolean;
}

/** Orders of the public list: newest published first, or soonest start first. */
export type PublicEventSort = 'published' | 'starts';

const CURSOR_KEYS = { published: ['publishedAt', 'id'], starts: ['startsAt', 'id'] } as const;

/**
 * Checks a public query and resolves its search text. Unknown sports, districts and streets
 * are rejected rather than ignored, so a stale link does not silently list the whole city.
 */
async function resolveFilter(db: Db, query: PublicEventQuery): Promise<PublicEventFilter> {
  const sports = (query.sports ?? '').split(',').filter((code) => code !== '');
  for (const code of sports) if (sportName(code) === undefined) throw new UnknownSport(code);
  if (query.district) {
    const district = await findDistrictOrStreet(db, query.district);
    if (!district || district.level !== 'district') {
      throw new DivisionUnknownInInput(query.district);
    }
  }
  if (query.street) {
    const street = await findDistrictOrStreet(db, query.street);
    if (!street || street.level !== 'street') throw new DivisionUnknownInInput(query.street);
    if (query.district !== undefined && street.district_code !== query.district) {
      throw new StreetOutsideDistrict(query.street, query.district);
    }
  }
  const reversed = query.from !== undefined && query.to !== undefined && query.from > query.to;
  if (reversed || !isRealDate(query.from) || !isRealDate(query.to)) {
    // Quoted, so that an empty value shows in the message. A missing one reads none.
    const quoted = (day: string | undefined) => (day === undefined ? 'none' : JSON.stringify(day));
    throw new InvalidDateRange(quoted(query.from), quoted(query.to));
  }
  return {
    terms: parseSearchText(query.q ?? ''),
    section: query.section,
    district: query.district,
    street: query.street,
    sports: [...new Set(sports)],
    from: query.from,
    to: query.to,
    fee: query.fee,
    maxFeeCents: query.maxFeeCents,
    open: query.open,
  };
}

/**
 * Published events that the list walks in order before a filtered list turns to the indexes.
 * Walking in list order stops after one page when matches are common, but a filter that few
 * events pass made it read every published event: 485,000 rows and 1.6 s for 松江 within
 * 徐汇区 on the 500,000-event benchmark data set.
 */
export const ORDERED_WALK_EVENTS = 5_000;

/** Largest page of the public list, as the route's schema allows. */
const MAX_PAGE = 100;

/** Sources that listPublishedEvents reads the events of a filtered list from. */
export interface PublicListOptions {
  /** Published events that the walk in PostgreSQL reads before it turns to the indexes. */
  walkEvents?: number;
  /**
   * Returns a recent read of the first published events in a list order. A filtered list
   * walks it in memory first; PostgreSQL walks only after a cursor beyond it.
   */
  window?: (sort: PublicEventSort) => Promise<PublishedEventWindow>;
  /**
   * Returns the first events of a selective filter in list order: a recent result of `read`
   * for the same key, or the result of `read`. The clock-dependent `open` filter skips it.
   */
  firstPages?: (key: string, read: () => Promise<string[]>) => Promise<string[]>;
  /** Recent reads of single events, which the pages of a filtered list are made of. */
  eventViews?: Pick<ReadCache<repository.EventView>, 'getMany'>;
}

/**
 * Lists published events that pass the filters and contain every word of the search text,
 * newest published first or soonest start first, a page at a time.
 */
export async function listPublishedEvents(
  db: Db,
  query: PublicListQuery,
  options: PublicListOptions = {},
) {
  const { views, nextCursor } = await listPublishedEventViews(db, query, options);
  return { items: views.map(toPublicEvent), nextCursor };
}

/** Query of the public list: the filters, the order and the page. */
export type PublicListQuery = PublicEventQuery & {
  sort?: PublicEventSort;
  cursor?: string;
  limit?: number;
};

/**
 * Lists the rows of listPublishedEvents's page. Rows that `options.eventViews` kept are the
 * same objects on each call while they are fresh.
 */
export async function listPublishedEventViews(
  db: Db,
  query: PublicListQuery,
  options: PublicListOptions = {},
): Promise<{ views: repository.EventView[]; nextCursor: string | null }> {
  const walkEvents = options.walkEvents ?? ORDERED_WALK_EVENTS;
  const limit = query.limit ?? 20;
  const sort = query.sort ?? 'published';
  const filter = await resolveFilter(db, query);
  const column = sort === 'published' ? 'events.published_at' : 'events.starts_at';
  const direction = sort === 'published' ? 'desc' : 'asc';
  const beyond = direction === 'desc' ? '<' : '>';
  let position: { value: Date; id: string } | undefined;
  if (query.cursor) {
    const decoded = decodeCursor(query.cursor, CURSOR_KEYS[sort]);
    const time = decoded?.[CURSOR_KEYS[sort][0]];
    if (!decoded || time === undefined || !isInstant(time)) throw new InvalidCursor();
    const value = new Date(time);
    position = { value, id: decoded.id };
  }
  // Timestamps are stored at millisecond precision, so the cursor's value compares exactly.
  const afterCursor = (eb: ExpressionBuilder<Database, 'events'>) =>
    position
      ? eb.or([
          eb(column, beyond, position.value),
          eb.and([eb(column, '=', position.value), eb('events.id', beyond, position.id)]),
        ])
      : eb.lit(true);
  const page = (select: ReturnType<typeof repository.eventViewQuery>) =>
    select
      .where(afterCursor)
      .orderBy(column, direction)
      .orderBy('events.id', direction)
      .limit(limit + 1)
      .execute();

  let rows: repository.EventView[];
  if (!hasFilter(filter)) {
    rows = await page(repository.eventViewQuery(db).where(publicEventConditions(filter)));
  } else {
    // Published events after the cursor in list order, read from the list's index.
    const inListOrder = () =>
      db
        .selectFrom('events')
        .where('events.state', '=', 'published')
        .where(afterCursor)
        .orderBy(column, direction)
        .orderBy('events.id', direction);
    // Every event after the cursor that passes, found through the indexes and then sorted.
    // OFFSET 0 keeps PostgreSQL from walking the list order instead.
    const throughIndexes = async (count = limit + 1) => {
      const matches = db
        .selectFrom('events')
        .select(['events.id', `${column} as key`])
        .where(publicEventConditions(filter))
        .where(afterCursor)
        .offset(0)
        .as('matches');
      return (
        await db
          .selectFrom(matches)
          .select('matches.id as id')
          .orderBy('matches.key', direction)
          .orderBy('matches.id', direction)
          .limit(count)
          .execute()
      ).map((row) => row.id);
    };
    // The walk of the list order in PostgreSQL; the LIMIT keeps it from planning the filter on
    // all events instead.
    const walkInDatabase = async () => {
      const walk = inListOrder().selectAll().limit(walkEvents).as('events');
      const found = await db
        .selectFrom(walk)
        .select('events.id')
        .where(publicEventConditions(filter))
        .orderBy(column, direction)
        .orderBy('events.id', direction)
        .limit(limit + 1)
        .execute();
      if (found.length > limit) return found.map((row) => row.id);
      // A walk that ended before walkEvents events reached the end of the list, so its page
      // is whole. One index-only read of the walk's last event shows which case this is.
      const walkFull =
        (await inListOrder()
          .select('events.id')
          .offset(walkEvents - 1)
          .limit(1)
          .executeTakeFirst()) !== undefined;
      // Few events of a full walk passed, so the filter is selective.
      return walkFull ? throughIndexes() : found.map((row) => row.id);
    };
    const window = options.window ? await options.window(sort) : undefined;
    const walked = window ? walkWindow(window, filter, limit + 1, position) : 'beyond';
    let ids: string[];
    if (walked === 'beyond') ids = await walkInDatabase();
    else if (walked !== 'selective') ids = walked.ids;
    else if (options.firstPages && !position && !filter.open) {
      // The first events of a selective filter, kept for every page size of the search.
      const first = await options.firstPages(`${sort} ${filterKey(filter)}`, () =>
        throughIndexes(MAX_PAGE + 1),
      );
      ids = first.slice(0, limit + 1);
    } else ids = await throughIndexes();
    // The ids are in list order already. An event withdrawn since the ids were found stays on
    // the page, as on a cached page, so that the page keeps its length and its next cursor.
    const readViews = async (missing: string[]) =>
      new Map(
        (await repository.eventViewQuery(db).where('events.id', 'in', missing).execute()).map(
          (row) => [row.id, row],
        ),
      );
    if (ids.length === 0) rows = [];
    else if (options.eventViews) rows = await options.eventViews.getMany(ids, readViews);
    else {
      const views = await readViews(ids);
      rows = ids.flatMap((id) => views.get(id) ?? []);
    }
  }

  const items = rows.slice(0, limit);
  const last = items.at(-1);
  let nextCursor: string | null = null;
  if (rows.length > limit && last) {
    nextCursor =
      sort === 'published'
        ? encodeCursor({ publishedAt: new Date(last.published_at!).toISOString(), id: last.id })
        : encodeCursor({ startsAt: new Date(last.starts_at!).toISOString(), id: last.id });
  }
  return { views: items, nextCursor };
}

/** Tells whether a filter narrows the list beyond the published events. */
function hasFilter(filter: PublicEventFilter): boolean {
  return (
    filter.terms.length > 0 ||
    filter.sports.length > 0 ||
    Object.entries(filter).some(
      ([key, value]) => key !== 'terms' && key !== 'sports' && value !== undefined,
    )
  );
}

/**
 * Counts the published events passing the filters on each Shanghai day of a month (YYYY-MM).
 * An event counts on every day from its start to its end, so a day's count equals the length
 * of the list filtered to that day. Days without events are left out.
 */
export async function countEventsByDay(db: Db, month: string, query: PublicEventQuery) {
  const filter = await resolveFilter(db, query);
  const first = `${month}-01`;
  const last = lastDayOfMonth(month);
  const spans = await findEventDays(db, { ...filter, from: first, to: last });

  const counts = new Map<string, number>();
  for (const span of spans) {
    let day = span.first_day < first ? first : span.first_day;
    const end = span.last_day > last ? last : span.last_day;
    while (day <= end) {
      counts.set(day, (counts.get(day) ?? 0) + 1);
      day = nextDay(day);
    }
  }
  const days = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, count]) => ({ date, count }));
  return { month, days };
}

/** Tells whether an optional YYYY-MM-DD value names a day of the calendar (2026-02-30 does not). */
function isRealDate(day: string | undefined): boolean {
  return day === undefined || isStorableDay(day);
}

function lastDayOfMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, monthNumber, 0)).toISOString().slice(0, 10);
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** Returns one published event, or EVT_NOT_FOUND for anything unpublished. */
export async function getPublishedEvent(db: Db, id: string) {
  const view = await repository.findEventView(db, id);
  if (!view || view.state !== 'published') throw new EventNotFound(id);
  return toPublicEvent(view);
}

/**
 * Returns an event in the public shape whatever its state, for the holder of one of its
 * tickets: a ticket stays readable after its event is cancelled. `cancelReason` is the
 * organiser's reason once the event is cancelled, else null.
 */
export async function getTicketEvent(db: Db, id: string) {
  const view = await repository.findEventView(db, id);
  if (!view) throw new EventNotFound(id);
  const cancelled = view.state === 'cancelled';
  return {
    event: toPublicEvent(view),
    cancelled,
    cancelReason: cancelled ? (view.cancel_reason ?? '') : null,
  };
}
