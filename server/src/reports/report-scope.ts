import { sql, type ExpressionBuilder, type SqlBool } from 'kysely';

import type { Principal } from '../accounts/account.repository.js';
import { ORGANISATION_BASIS } from '../dashboards/dashboard.service.js';
import type { Database, DivisionRow } from '../db/schema.js';
import { visibleTo } from '../events/event.scope.js';

/**
 * Selects the child division, one level below `scope`, that an event counts under. The query
 * must join the event's division as `d`.
 */
export function childColumn(scope: DivisionRow) {
  if (scope.level === 'city') return sql<string>`events.district_code`;
  if (scope.level === 'district') return sql<string>`d.street_code`;
  return sql<string>`case when d.level = 'community' then d.code end`;
}

/** Keeps the events held in the scope's division; the query must join the event's division as `d`. */
export function scopeFilter(scope: DivisionRow) {
  if (scope.level === 'city') return sql<SqlBool>`true`;
  if (scope.level === 'district') return sql<SqlBool>`events.district_code = ${scope.code}`;
  if (scope.level === 'street') return sql<SqlBool>`d.street_code = ${scope.code}`;
  return sql<SqlBool>`d.code = ${scope.code}`;
}

/**
 * Restricts the counted events as the dashboard does. Administrators and streets count every
 * filed event held in their division, plus their own drafts; organisers count the events they
 * may see.
 */
export function countedEvents(user: Principal) {
  if (ORGANISATION_BASIS.includes(user.accountType)) return visibleTo(user);
  return (eb: ExpressionBuilder<Database, 'events'>) =>
    eb.or([
      eb('events.organisation_id', '=', user.organisationId),
      eb('events.state', '!=', 'draft'),
    ]);
}
