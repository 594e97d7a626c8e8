import type { Principal } from '../accounts/account.repository.js';
import type { Executor } from '../db/database.js';
import { findVenueSuggestions } from './event.repository.js';

/** How many suggestions one search returns. */
export const VENUE_SUGGESTION_LIMIT = 10;

// NOTE: A search reads at most this many of the organisation's newest events and of other
// organisations' newest published events, which keeps its cost fixed as the league grows.
// A venue used only in older events is no longer suggested. Assumed sizes: a year of one
// organisation's filings, and some months of the city's published events.
const OWN_EVENTS_SEARCHED = 2_000;
const PUBLISHED_EVENTS_SEARCHED = 5_000;

const INITIALS = /^[a-z0-9]+$/;

/**
 * Suggests venues for the filing form from events filed before: the user's organisation's
 * own events in any state first, then other organisations' published events. The search text
 * matches anywhere in the venue or the address, and a text of Latin letters and digits also
 * matches the venue's pinyin initials (tyg finds 体育馆).
 */
export async function suggestVenues(db: Executor, user: Principal, query: string) {
  const text = query.trim();
  const lowered = text.toLowerCase().replace(/\s+/g, '');
  const rows = await findVenueSuggestions(db, {
    organisationId: user.organisationId,
    text,
    initials: INITIALS.test(lowered) ? lowered : null,
    ownEvents: OWN_EVENTS_SEARCHED,
    publishedEvents: PUBLISHED_EVENTS_SEARCHED,
    limit: VENUE_SUGGESTION_LIMIT,
  });
  return rows.map((row) => ({
    venue: row.venue,
    address: row.address,
    divisionCode: row.division_code,
    divisionName: row.division_name,
    own: row.own,
    uses: row.uses,
  }));
}
