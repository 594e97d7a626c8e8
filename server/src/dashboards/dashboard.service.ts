import { EVENT_STATES, type EventState } from '@cityleague/domain';
import { sql, type SqlBool } from 'kysely';

import { OutOfScope } from '../accounts/account.errors.js';
import type { Principal } from '../accounts/account.repository.js';
import type { Db } from '../db/database.js';
import type { DivisionRow } from '../db/schema.js';
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

/** Selects the child division, one level below `scope`, that an event counts under. */
function childColumn(scope: DivisionRow) {
  if (scope.level === 'city') return sql<string>`events.district_code`;
  if (scope.level === 'district') return sql<string>`d.street_code`;
  return sql<string>`case when d.level = 'community' then d.code end`;
}

function scopeFilter(scope: DivisionRow) {
  if (scope.level === 'city') return sql<SqlBool>`true`;
  if (scope.level === 'district') return sql<SqlBool>`events.district_code = ${scope.code}`;
  if (scope.level === 'street') return sql<SqlBool>`d.street_code = ${scope.code}`;
  return sql<SqlBool>`d.code = ${scope.code}`;
}

/**
 * Counts events by state, registrations and check-ins for a division and each division one
 * level below it, limited to the events the viewer may see.
 */
export async function dashboard(db: Db, user: Principal, divisionCode?: string) {
  const home = await getDivision(db, user.divisionCode);
  const scope = divisionCode ? await getDivision(db, divisionCode) : home;
  if (!isWithin(scope, home)) throw new OutOfScope(scope.code);

  const base = db
    .selectFrom('events')
    .innerJoin('divisions as d', 'd.code', 'events.division_code')
    .where(visibleTo(user))
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
  const byChild = new Map<string, Figures>();
  const figuresOf = (child: string | null) => {
    if (child === null) return undefined;
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
    ...total,
    children: children.map((child) => ({
      code: child.code,
      name: child.name,
      level: child.level,
      ...(byChild.get(child.code) ?? emptyFigures()),
    })),
  };
}
