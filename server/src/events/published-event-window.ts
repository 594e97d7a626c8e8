import { performance } from 'node:perf_hooks';

import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import { groupPlacesLeft } from './event.repository.js';
import type { SearchTerm } from './event-search.js';
import type { PublicEventFilter } from './public-event.repository.js';

/** Orders of the public list, as public-event.service names them. */
export type WindowSort = 'published' | 'starts';

/** The fields of a published event that the filters of the public list read. */
export interface WindowEvent {
  id: string;
  /** Milliseconds of the list order's column: published_at or starts_at. */
  key: number;
  section: string;
  sport: string | null;
  districtCode: string | null;
  divisionCode: string | null;
  startsAt: number | null;
  endsAt: number | null;
  feeCents: number | null;
  opensAt: number | null;
  closesAt: number | null;
  registered: number;
  capacity: number | null;
  /** Places left in the event's groups, or null for an event without groups. */
  groupPlacesLeft: number | null;
  document: string;
  pinyinDocument: string;
}

/**
 * The first published events of one list order, as one read found them. `complete` is true
 * when the read reached the end of the list, so no published event comes after the last one.
 */
export interface PublishedEventWindow {
  sort: WindowSort;
  events: WindowEvent[];
  complete: boolean;
  /** The database clock at the read, and the process clock then, for the `open` filter. */
  databaseNow: number;
  readAt: number;
  /** Start of the read on the monotonic clock (`performance.now()`), for cached pages' age. */
  startedAt: number;
}

/** A window row; times are milliseconds since the epoch, read as numbers. */
interface WindowRow {
  id: string;
  key: number | null;
  section: string;
  sport: string | null;
  district_code: string | null;
  division_code: string | null;
  starts_at: number | null;
  ends_at: number | null;
  fee_cents: number | null;
  registration_opens_at: number | null;
  registration_closes_at: number | null;
  registered_count: number;
  capacity: number | null;
  group_places_left: number | null;
  search_document: string;
  pinyin_document: string;
  database_now: number;
}

/** A timestamp column as milliseconds since the epoch, which costs less to read than a Date. */
const milliseconds = (column: string) =>
  sql<number | null>`(extract(epoch from ${sql.ref(column)}) * 1000)::float8`;

/**
 * Reads the first `size` published events of the list order `sort`, with the columns that the
 * filters compare. One read serves every filtered search of the order until the caller drops
 * it, so a search costs a walk in memory instead of a walk of PostgreSQL's list index.
 */
export async function readPublishedEventWindow(
  db: Executor,
  sort: WindowSort,
  size: number,
): Promise<PublishedEventWindow> {
  const startedAt = performance.now();
  const column = sort === 'published' ? 'published_at' : 'starts_at';
  const direction = sort === 'published' ? sql`desc` : sql`asc`;
  const { rows } = await sql<WindowRow>`
    select id, ${milliseconds(column)} as key, section, sport, district_code, division_code,
      ${milliseconds('starts_at')} as starts_at, ${milliseconds('ends_at')} as ends_at,
      fee_cents, ${milliseconds('registration_opens_at')} as registration_opens_at,
      ${milliseconds('registration_closes_at')} as registration_closes_at, registered_count,
      capacity, ${groupPlacesLeft()} as group_places_left, search_document, pinyin_document,
      (extract(epoch from now()) * 1000)::float8 as database_now
    from events
    where state = 'published'
    order by ${sql.ref(column)} ${direction}, id ${direction}
    limit ${size}`.execute(db);
  const readAt = Date.now();
  // PostgreSQL lists events without the column first; such a window is left unused.
  if (rows.some((row) => row.key === null)) {
    return { sort, events: [], complete: false, databaseNow: readAt, readAt, startedAt };
  }
  return {
    sort,
    events: rows.map((row) => ({
      id: row.id,
      key: row.key!,
      section: row.section,
      sport: row.sport,
      districtCode: row.district_code,
      divisionCode: row.division_code,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      feeCents: row.fee_cents,
      opensAt: row.registration_opens_at,
      closesAt: row.registration_closes_at,
      registered: row.registered_count,
      capacity: row.capacity,
      groupPlacesLeft: row.group_places_left,
      document: row.search_document,
      pinyinDocument: row.pinyin_document,
    })),
    complete: rows.length < size,
    // Without rows the clock is not needed: nothing passes or fails on it.
    databaseNow: rows[0]?.database_now ?? readAt,
    readAt,
    startedAt,
  };
}

/** Start of a Shanghai calendar day (YYYY-MM-DD) in milliseconds; Shanghai keeps UTC+8. */
const shanghaiDayStart = (day: string) => Date.parse(`${day}T00:00:00+08:00`);
const DAY_MILLISECONDS = 86_400_000;

/** Matches one search word as searchTermMatches does in SQL. */
function termMatches(term: SearchTerm, event: WindowEvent): boolean {
  return (
    (event.sport !== null && term.sports.includes(event.sport)) ||
    (event.districtCode !== null && term.districts.includes(event.districtCode)) ||
    (event.divisionCode !== null && term.streets.includes(event.divisionCode)) ||
    event.document.includes(term.text) ||
    (term.pinyin !== null && event.pinyinDocument.includes(` ${term.pinyin}`))
  );
}

/**
 * Builds the test of a window's event against the filter, the same conditions that
 * publicEventConditions gives PostgreSQL. Every event of a window is published.
 */
export function windowFilter(
  filter: PublicEventFilter,
  window: PublishedEventWindow,
): (event: WindowEvent) => boolean {
  const from = filter.from === undefined ? undefined : shanghaiDayStart(filter.from);
  const to = filter.to === undefined ? undefined : shanghaiDayStart(filter.to) + DAY_MILLISECONDS;
  // The database clock now, as the SQL filter's now() would read it.
  const now = window.databaseNow + (Date.now() - window.readAt);
  return (event) => {
    if (filter.section !== undefined && event.section !== filter.section) return false;
    if (filter.district !== undefined && event.districtCode !== filter.district) return false;
    if (filter.street !== undefined && event.divisionCode !== filter.street) return false;
    if (filter.sports.length > 0 && (event.sport === null || !filter.sports.includes(event.sport)))
      return false;
    if (from !== undefined && (event.endsAt === null || event.endsAt <= from)) return false;
    if (to !== undefined && (event.startsAt === null || event.startsAt >= to)) return false;
    if (filter.fee === 'free' && event.feeCents !== null && event.feeCents !== 0) return false;
    if (filter.fee === 'paid' && (event.feeCents === null || event.feeCents <= 0)) return false;
    if (
      filter.maxFeeCents !== undefined &&
      event.feeCents !== null &&
      event.feeCents > filter.maxFeeCents
    )
      return false;
    if (
      filter.open &&
      !(
        event.opensAt !== null &&
        event.opensAt <= now &&
        event.closesAt !== null &&
        event.closesAt > now &&
        event.capacity !== null &&
        event.registered < event.capacity &&
        (event.groupPlacesLeft === null || event.groupPlacesLeft > 0)
      )
    )
      return false;
    return filter.terms.every((term) => termMatches(term, event));
  };
}

/**
 * Result of a walk of the window: the ids of the next events that pass, in list order.
 * `selective` means that fewer than requested passed while published events follow the window.
 * `beyond` means that the position lies after the window's last event.
 */
export type WindowWalk = { ids: string[] } | 'selective' | 'beyond';

/**
 * Finds the ids of the next `count` events of the window that pass the filter, after the
 * position (list order value and id) when one is given.
 */
export function walkWindow(
  window: PublishedEventWindow,
  filter: PublicEventFilter,
  count: number,
  position?: { value: Date; id: string },
): WindowWalk {
  const { events } = window;
  const descending = window.sort === 'published';
  // Checks whether an event comes after the position in list order.
  const after = (event: WindowEvent) => {
    if (!position) return true;
    const value = position.value.getTime();
    if (event.key !== value) return descending ? event.key < value : event.key > value;
    return descending ? event.id < position.id : event.id > position.id;
  };
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (after(events[middle]!)) high = middle;
    else low = middle + 1;
  }
  if (low === events.length && !window.complete) return 'beyond';
  const ids: string[] = [];
  const matches = matchesOf(window, filter);
  if (matches) {
    let first = 0;
    let last = matches.length;
    while (first < last) {
      const middle = (first + last) >>> 1;
      if (matches[middle]! >= low) last = middle;
      else first = middle + 1;
    }
    for (let index = first; index < matches.length && ids.length < count; index += 1) {
      ids.push(events[matches[index]!]!.id);
    }
  } else {
    const passes = windowFilter(filter, window);
    for (let index = low; index < events.length && ids.length < count; index += 1) {
      const event = events[index]!;
      if (passes(event)) ids.push(event.id);
    }
  }
  return ids.length === count || window.complete ? { ids } : 'selective';
}

/** Filters whose matches a window keeps; the first kept one is dropped for a new one. */
const MAX_KEPT_MATCHES = 500;
const keptMatches = new WeakMap<PublishedEventWindow, Map<string, Int32Array>>();

/**
 * Lets `next` use the matches kept for `previous` when both list the same events with the same
 * filtered fields, so that reading an unchanged window again does not walk it again for every
 * filter. Places are not compared: only the `open` filter reads them, and its matches are not
 * kept.
 */
export function carryMatches(previous: PublishedEventWindow, next: PublishedEventWindow): void {
  const kept = keptMatches.get(previous);
  if (!kept || keptMatches.has(next) || previous.sort !== next.sort) return;
  if (previous.complete !== next.complete) return;
  if (previous.events.length !== next.events.length) return;
  const same = previous.events.every((before, index) => {
    const after = next.events[index]!;
    return (Object.keys(before) as (keyof WindowEvent)[]).every(
      (field) =>
        field === 'registered' || field === 'groupPlacesLeft' || before[field] === after[field],
    );
  });
  if (same) keptMatches.set(next, kept);
}

/**
 * Returns the positions of every event of the window that passes the filter, computed once
 * per window and filter, so that the pages of a search and its other page sizes walk the window
 * once. Returns undefined for the `open` filter, which depends on the clock.
 */
function matchesOf(window: PublishedEventWindow, filter: PublicEventFilter) {
  if (filter.open) return undefined;
  return keptFor(keptMatches, window, filter, () => {
    const passes = windowFilter(filter, window);
    const positions: number[] = [];
    window.events.forEach((event, index) => {
      if (passes(event)) positions.push(index);
    });
    return Int32Array.from(positions);
  });
}

/**
 * Returns the value kept in `kept` for the window and filter, or computes and keeps it. Each
 * window keeps MAX_KEPT_MATCHES values, dropping the first kept one for a new one.
 */
function keptFor<V>(
  kept: WeakMap<PublishedEventWindow, Map<string, V>>,
  window: PublishedEventWindow,
  filter: PublicEventFilter,
  compute: () => V,
): V {
  const key = filterKey(filter);
  let perFilter = kept.get(window);
  if (!perFilter) {
    perFilter = new Map();
    kept.set(window, perFilter);
  }
  if (perFilter.has(key)) return perFilter.get(key)!;
  const value = compute();
  if (perFilter.size >= MAX_KEPT_MATCHES) perFilter.delete(perFilter.keys().next().value!);
  perFilter.set(key, value);
  return value;
}

/** Identifies a filter; search words stand for their terms, which are computed from them. */
export function filterKey(filter: PublicEventFilter): string {
  return JSON.stringify({ ...filter, terms: filter.terms.map((term) => term.text) });
}
