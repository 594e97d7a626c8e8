import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';

import type { Principal } from '../accounts/account.repository.js';
import type { Database, EventRow } from '../db/schema.js';

/**
 * Tells whether a console user may see an event. Everyone sees their organisation's own
 * events. City administrators see every filed event; a district bureau sees the filed
 * events of its district; the community sports association sees filed community games.
 * Nobody sees another organisation's drafts.
 */
export function canSeeEvent(user: Principal, event: EventRow): boolean {
  if (event.organisation_id === user.organisationId) return true;
  if (event.state === 'draft') return false;
  switch (user.accountType) {
    case 'sports_bureau':
    case 'committee':
      return true;
    case 'district_bureau':
      return event.district_code === user.divisionCode;
    case 'community_association':
      return event.section === 'community_games';
    default:
      return false;
  }
}

/** Builds the SQL form of `canSeeEvent`, for list queries. */
export function visibleTo(user: Principal) {
  return (eb: ExpressionBuilder<Database, 'events'>): Expression<SqlBool> => {
    const own = eb('events.organisation_id', '=', user.organisationId);
    const filed = eb('events.state', '!=', 'draft');
    switch (user.accountType) {
      case 'sports_bureau':
      case 'committee':
        return eb.or([own, filed]);
      case 'district_bureau':
        return eb.or([own, eb.and([filed, eb('events.district_code', '=', user.divisionCode)])]);
      case 'community_association':
        return eb.or([own, eb.and([filed, eb('events.section', '=', 'community_games')])]);
      default:
        return own;
    }
  };
}
