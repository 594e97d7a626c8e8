import { EVENT_STATES, type EventState } from '@cityleague/domain';
import { sql, type ExpressionBuilder, type SqlBool } from 'kysely';

import { OutOfScope } from '../accounts/account.errors.js';
import type { Principal } from '../accounts/account.repository.js';
import type { Db } from '../db/database.js';
import type { Database, DivisionRow } from '../db/schema.js';
import { getDivision, isWithin, listDivisions } from '../divisions/division.service.js';
import { visibleTo } from '../events/event.scope.js';

type StateCounts = Record<EventState | 'total', number>;

interface Figures {
  events: StateCounts;
  registrations: number;
  checkIns: number;
}

function emptyFigures(): Figures {
  const events = Object.fromEntries([...EVENT_STATES, 'total'].map((s) => [s, 0])) as StateCounts;
  return { events, registrations: 0, checkIns: 0 };
}

/**
 * Selects the child division, one level below `scope`, that an event counts under. The query
 * must join the event's division as `d`.
 */
export function childColumn(scope: DivisionRow) {
  if (scope.level === 'city') return sql<string>`events.district_code`;
  if (scope.level === 'district') return sql<string>`d.street_code`;
  return sql<string>`case when d.level = 'community' then d.code end`;
}

export function scopeFilter(scope: DivisionRow) {
  if (scope.level === 'city') return sql<SqlBool>`true`;
  if (scope.level === 'district') return sql<SqlBool>`events.district_code = ${scope.code}`;
  if (scope.level === 'street') return sql<SqlBool>`d.street_code = ${scope.code}`;
  return sql<SqlBool>`d.code = ${scope.code}`;
}

// Organisers whose dashboard counts their own events, not everything in their division.
export const ORGANISATION_BASIS = ['contractor', 'community_association'];

/**
 * Restricts the counted events. Administrators and streets count every filed event held in
 * their division, plus their own drafts; organisers count the events they may see. Reports
 * count with the same rule, so their totals equal the dashboard's.
 */
export function countedEvents(user: Principal) {
  if (ORGANISATION_BASIS.includes(user.accountType)) return visibleTo(user);
  return (eb: ExpressionBuilder<Database, 'events'>) =>
    eb.or([
      eb('events.organisation_id', '=', user.organisationId),
      eb('events.state', '!=', 'draft'),
    ]);
}

/**
 * Counts events by state, registrations and check-ins for a division and each division one
 * level below it. `basis` states whether the figures cover the division or only the
 * viewer's organisation.
 */
export async function dashboard(db: Db, user: Principal, divisionCode?: string) {
  const home = await getDivision(db, user.divisionCode);
  const scope = divisionCode ? await getDivision(db, divisionCode) : home;
  if (!isWithin(scope, home)) throw new OutOfScope(scope.code);
  const byOrganisation = ORGANISATION_BASIS.includes(user.accountType);

  const base = db
    .selectFrom('events')
    .innerJoin('divisions as d', 'd.code', 'events.division_code')
    .where(countedEvents(user))
    .where(scopeFilter(scope));

  const eventRows = await base
    .select([
      childColumn(scope).as('child'),
      'events.state',
      sql<number>`count(*)::int`.as('count'),
    ])
    .groupBy([sql`1`, 'events.state'])
    .execute();

  const registrationRows = await base
    .innerJoin('registrations as r', 'r.event_id', 'events.id')
    .select([
      childColumn(scope).as('child'),
      sql<number>`count(*) filter (where r.status = 'active')::int`.as('registrations'),
      sql<number>`count(r.checked_in_at)::int`.as('check_ins'),
    ])
    .groupBy(sql`1`)
    .execute();

  const total = emptyFigures();
  const unassigned = emptyFigures();
  const byChild = new Map<string, Figures>();
  const figuresOf = (child: string | null) => {
    if (child === null) return unassigned;
    const figures = byChild.get(child) ?? emptyFigures();
    byChild.set(child, figures);
    return figures;
  };

  for (const row of eventRows) {
    const state = row.state as EventState;
    for (const figures of [total, figuresOf(row.child)]) {
      if (!figures) continue;
      figures.events[state] += row.count;
      figures.events.total += row.count;
    }
  }
  for (const row of registrationRows) {
    for (const figures of [total, figuresOf(row.child)]) {
      if (!figures) continue;
      figures.registrations += row.registrations;
      figures.checkIns += row.check_ins;
    }
  }

  const children =
    scope.level === 'community' ? [] : await listDivisions(db, { parent: scope.code });
  return {
    scope: { code: scope.code, name: scope.name, level: scope.level },
    basis: byOrganisation ? ('organisation' as const) : ('division' as const),
    organisation: byOrganisation ? { id: user.organisationId, name: user.organisationName } : null,
    ...total,
    unassigned,
    children: children.map((child) => ({
      code: child.code,
      name: child.name,
      level: child.level,
      ...(byChild.get(child.code) ?? emptyFigures()),
    })),
  };
}
