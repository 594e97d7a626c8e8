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
      groupPlacesLeft().as('group_places_left'),
    ]);
}

/**
 * Selects the places left in an event's groups, or null for an event without groups. The groups
 * may hold fewer places than the event, so the event is full when they are.
 */
export function groupPlacesLeft() {
  return sql<number | null>`(select sum(event_groups.capacity - event_groups.taken)::int
    from event_groups where event_groups.event_id = events.id)`;
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

/** A venue used before, with how many of the searched events used it. */
export interface VenueSuggestionRow {
  venue: string;
  address: string | null;
  division_code: string | null;
  division_name: string | null;
  own: boolean;
  uses: number;
}

/**
 * Finds venues among the organisation's newest own events (any state) and the newest
 * published events of other organisations whose venue or address contains `text`, or whose
 * venue initials contain `initials`. Each venue, address and division is one row: own venues
 * first, then the most used, then the most recently filed. The two sets of events searched are
 * bounded by `ownEvents` and `publishedEvents` and read through the events_organisation and
 * events_published indexes, so a search costs the same however many events the league holds.
 */
export async function findVenueSuggestions(
  db: Executor,
  search: {
    organisationId: string;
    text: string;
    initials: string | null;
    ownEvents: number;
    publishedEvents: number;
    limit: number;
  },
): Promise<VenueSuggestionRow[]> {
  const pattern = `%${escapeLike(search.text)}%`;
  const initialsPattern = search.initials === null ? null : `%${escapeLike(search.initials)}%`;
  const matches = sql<boolean>`(searched.venue ilike ${pattern}
    or searched.address ilike ${pattern}
    ${initialsPattern === null ? sql`` : sql`or searched.venue_initials like ${initialsPattern}`})`;

  const { rows } = await sql<VenueSuggestionRow>`
    with own_events as (
      select id, venue, venue_initials, address, division_code, true as own
      from events
      where organisation_id = ${search.organisationId} and venue is not null
      order by created_at desc
      limit ${search.ownEvents}
    ),
    published_events as (
      select id, venue, venue_initials, address, division_code, false as own
      from events
      where state = 'published' and organisation_id <> ${search.organisationId}
      order by published_at desc, id desc
      limit ${search.publishedEvents}
    ),
    matched as (
      select searched.* from own_events as searched where ${matches}
      union all
      select searched.* from published_events as searched where ${matches}
    )
    select matched.venue, matched.address, matched.division_code,
      divisions.name as division_name, bool_or(matched.own) as own,
      count(*)::integer as uses
    from matched
    left join divisions on divisions.code = matched.division_code
    group by matched.venue, matched.address, matched.division_code, divisions.name
    order by own desc, uses desc, max(matched.id::text) desc, matched.venue
    limit ${search.limit}`.execute(db);
  return rows;
}

/** Escapes the LIKE wildcards of a search text, so that it matches literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
