import type { Principal } from '../accounts/account.repository.js';
import type { Executor } from '../db/database.js';
import { getDivision, isWithin } from '../divisions/division.service.js';
import { InvalidCursor, throwIfFieldErrors } from '../http/problem.js';
import { decodeCursor, encodeCursor, isMicrosecondInstant } from '../shared/cursor.js';
import { OutOfScope } from '../accounts/account.errors.js';
import { listFactEvents, type FactDrill } from './dashboard.repository.js';
import {
  periodMonths,
  resolveDashboardScope,
  resolvePeriod,
  type DashboardPeriodQuery,
} from './dashboard.service.js';

export interface DrillQuery
  extends DashboardPeriodQuery, Omit<FactDrill, 'divisionCode' | 'unassignedBelow' | 'month'> {
  division?: string;
  /** A division below `division` that the figure belongs to, such as a row of the child table. */
  child?: string;
  /** Only the events of the unassigned row: those in no division one level below. */
  unassigned?: boolean;
  cursor?: string;
  limit?: number;
}

/**
 * Lists the events behind a dashboard figure, with their entry counters, within the viewer's
 * scope: the same events that the figure counts, so their counters add up to it. The period
 * defaults to the current year as on the dashboard.
 */
export async function drillEvents(db: Executor, user: Principal, query: DrillQuery) {
  const scope = await resolveDashboardScope(db, user, query.division);
  const months = periodMonths(resolvePeriod(query));
  if (query.child && query.unassigned) {
    throwIfFieldErrors([
      {
        field: 'unassigned',
        code: 'excludes_child',
        message: 'cannot be combined with child: the unassigned events are in no child division',
      },
    ]);
  }
  if (query.child) {
    const child = await getDivision(db, query.child);
    if (!isWithin(child, scope.division)) throw new OutOfScope(child.code);
  }

  let after: { startsAt: string | null; id: string } | null = null;
  if (query.cursor) {
    const position = decodeCursor(query.cursor, ['startsAt', 'id'] as const);
    if (!position) throw new InvalidCursor();
    // An empty start is the position of an event without a start, which the list puts last.
    const startsAt = position.startsAt === '' ? null : position.startsAt;
    if (startsAt !== null && !isMicrosecondInstant(startsAt)) throw new InvalidCursor();
    after = { startsAt, id: position.id };
  }
  const limit = query.limit ?? 50;
  const rows = await listFactEvents(
    db,
    {
      division: { level: scope.division.level, code: scope.division.code },
      basis: scope.facts,
      months: { from: months[0]!, to: months.at(-1)! },
    },
    {
      stage: query.stage,
      section: query.section,
      sport: query.sport,
      level: query.level,
      organisationId: query.organisationId,
      divisionCode: query.child,
      unassignedBelow: query.unassigned ? scope.division.level : undefined,
    },
    { after, limit },
  );
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map((row) => ({
      id: row.id,
      name: row.name,
      state: row.state,
      stage: row.stage,
      level: row.level,
      section: row.section,
      sport: row.sport,
      divisionName: row.division_name,
      organisationName: row.organisation_name,
      startsAt: row.starts_at,
      registrations: row.registrations,
      cancellations: row.cancellations,
      checkIns: row.check_ins,
      ended: row.ended,
      channels: { online: row.online, onSite: row.on_site, partner: row.partner },
    })),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ startsAt: last.position ?? '', id: last.id })
        : null,
  };
}
