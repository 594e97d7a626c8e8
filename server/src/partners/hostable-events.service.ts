import { sql } from 'kysely';

import type { Principal } from '../accounts/account.repository.js';
import type { Executor } from '../db/database.js';
import { parseSearchText } from '../events/event-search.js';
import { searchTermMatches } from '../events/public-event.repository.js';
import { PartnerNotFound } from './partner.errors.js';

/** States in which an event takes entries, so hosting its registration makes sense. */
const HOSTABLE_STATES = ['approved', 'published'] as const;
type HostableState = (typeof HOSTABLE_STATES)[number];

export interface HostableEvent {
  eventId: string;
  name: string;
  state: string;
  startsAt: string | null;
  organisationName: string;
  divisionName: string;
  /** Whether the partner already hosts registration for the event. */
  hosted: boolean;
}

/**
 * Tells whether a partner of `partnerOrganisationId` may be granted hosting for the event: it
 * takes entries and belongs to another organisation.
 */
export function isHostable(
  event: { state: string; organisation_id: string },
  partnerOrganisationId: string,
): boolean {
  return (
    (HOSTABLE_STATES as readonly string[]).includes(event.state) &&
    event.organisation_id !== partnerOrganisationId
  );
}

/**
 * Finds approved and published events of other organisations that match every word of `text`
 * as the public event search does. A word matches part of the name, venue or address, pinyin
 * initials (lqs), full pinyin from a syllable start (lanqiu), or the event's sport, district or
 * street. The search stays within the viewer's division (a city account searches every
 * district), for the operator to choose which events a partner hosts registration for. Without
 * text it returns the events that start last. The partner's own events are left out: it may
 * push entries for them without a grant.
 */
export async function searchHostableEvents(
  db: Executor,
  viewer: Principal,
  partnerId: string,
  query: { text?: string; limit: number },
): Promise<HostableEvent[]> {
  const partner = await db
    .selectFrom('partners')
    .select('organisation_id')
    .where('id', '=', partnerId)
    .executeTakeFirst();
  if (!partner) throw new PartnerNotFound(partnerId);

  const terms = parseSearchText(query.text ?? '');
  // Published events go through the search indexes, which cover that state only, and
  // approved ones, which are few, through `like` alone.
  const eventsIn = (state: HostableState) => {
    let select = db
      .selectFrom('events')
      .innerJoin('organisations', 'organisations.id', 'events.organisation_id')
      .innerJoin('divisions', 'divisions.code', 'events.division_code')
      .leftJoin('partner_hosted_events as hosted', (join) =>
        join.onRef('hosted.event_id', '=', 'events.id').on('hosted.partner_id', '=', partnerId),
      )
      .select([
        'events.id',
        'events.name',
        'events.state',
        'events.starts_at',
        'organisations.name as organisation_name',
        'divisions.name as division_name',
        sql<boolean>`hosted.partner_id is not null`.as('hosted'),
      ])
      .where('events.state', '=', state)
      .where('events.organisation_id', '<>', partner.organisation_id);
    if (viewer.divisionLevel === 'district') {
      select = select.where('events.district_code', '=', viewer.divisionCode);
    } else if (viewer.divisionLevel !== 'city') {
      select = select.where('events.division_code', '=', viewer.divisionCode);
    }
    for (const term of terms) {
      select = select.where(searchTermMatches(term, { gramIndexes: state === 'published' }));
    }
    return select;
  };

  const rows = await eventsIn('published')
    .unionAll(eventsIn('approved'))
    .orderBy(sql`starts_at desc nulls last`)
    .orderBy('id')
    .limit(query.limit)
    .execute();
  return rows.map((row) => ({
    eventId: row.id,
    name: row.name,
    state: row.state,
    startsAt: row.starts_at === null ? null : new Date(row.starts_at).toISOString(),
    organisationName: row.organisation_name,
    divisionName: row.division_name,
    hosted: row.hosted,
  }));
}
