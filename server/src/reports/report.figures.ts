import {
  checkInRate,
  EVENT_STATES,
  reportPeriodDates,
  type EventState,
  type ReportPeriod,
} from '@cityleague/domain';
import { sql, type RawBuilder } from 'kysely';

import type { Principal } from '../accounts/account.repository.js';
import { childColumn, countedEvents, scopeFilter } from './report-scope.js';
import type { Executor } from '../db/database.js';
import type { DivisionRow } from '../db/schema.js';

/**
 * The figures of a report row. Event counts follow the dashboard: `events` by state, with
 * `total` counting the viewer's own drafts too. `filed` is every event but drafts, `inReview`
 * the submitted ones and `held` the published events that have ended. `registrations` counts
 * active entries, `participants` the distinct people among them (by ID number hash, else by
 * mobile number hash), `checkIns` the entries with a check-in, as the dashboard counts them.
 */
export interface ReportFigures {
  events: Record<EventState | 'total', number>;
  filed: number;
  inReview: number;
  held: number;
  registrations: number;
  participants: number;
  checkIns: number;
  /** Check-ins over registrations, in percent with one decimal. */
  checkInRate: number;
}

/** Dimensions a report breaks its figures down by. */
export type ReportDimension = 'total' | 'section' | 'sport' | 'organisation' | 'child' | 'month';

export interface FigureRow extends ReportFigures {
  /** The section or sport code, organisation id, child division code or YYYY-MM month. */
  key: string | null;
  /** The organisation's name, for the organisation dimension. */
  name: string | null;
}

/** The events a report counts: the dashboard's rule, in the scope, starting in the period. */
export interface ReportSelection {
  user: Principal;
  scope: DivisionRow;
  period: ReportPeriod;
}

export function emptyReportFigures(): ReportFigures {
  const events = Object.fromEntries([...EVENT_STATES, 'total'].map((s) => [s, 0]));
  return {
    events: events as ReportFigures['events'],
    filed: 0,
    inReview: 0,
    held: 0,
    registrations: 0,
    participants: 0,
    checkIns: 0,
    checkInRate: 0,
  };
}

function dimensionColumn(
  selection: ReportSelection,
  dimension: ReportDimension,
): RawBuilder<string | null> {
  switch (dimension) {
    case 'total':
      return sql<null>`null::text`;
    case 'section':
      return sql<string>`events.section`;
    case 'sport':
      return sql<string>`events.sport`;
    case 'organisation':
      return sql<string>`events.organisation_id::text`;
    case 'child':
      return childColumn(selection.scope);
    case 'month':
      return sql<string>`to_char(events.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM')`;
  }
}

/**
 * Events counted in a report. An event belongs to the period in which it starts, in
 * Asia/Shanghai time, so a draft without a start time is in no period.
 */
function reportEvents(db: Executor, selection: ReportSelection) {
  const { from, until } = reportPeriodDates(selection.period);
  return db
    .selectFrom('events')
    .innerJoin('divisions as d', 'd.code', 'events.division_code')
    .innerJoin('organisations as o', 'o.id', 'events.organisation_id')
    .where(countedEvents(selection.user))
    .where(scopeFilter(selection.scope))
    .where(sql<boolean>`events.starts_at >= (${from}::timestamp at time zone 'Asia/Shanghai')`)
    .where(sql<boolean>`events.starts_at < (${until}::timestamp at time zone 'Asia/Shanghai')`);
}

/** Counts the report's figures grouped by one dimension, ordered by registrations. */
export async function figuresBy(
  db: Executor,
  selection: ReportSelection,
  dimension: ReportDimension,
): Promise<FigureRow[]> {
  const key = dimensionColumn(selection, dimension);
  const eventRows = await reportEvents(db, selection)
    .select([
      key.as('key'),
      sql<string>`min(o.name)`.as('name'),
      'events.state',
      sql<number>`count(*)::int`.as('count'),
      sql<number>`count(*) filter (where events.state = 'published' and events.ends_at < now())::int`.as(
        'held',
      ),
    ])
    .groupBy([sql`1`, 'events.state'])
    .execute();
  const entryRows = await reportEvents(db, selection)
    .innerJoin('registrations as r', 'r.event_id', 'events.id')
    .select([
      key.as('key'),
      sql<number>`count(*) filter (where r.status = 'active')::int`.as('registrations'),
      sql<number>`count(distinct coalesce(r.id_hash, r.phone_hash)) filter (where r.status = 'active')::int`.as(
        'participants',
      ),
      sql<number>`count(r.checked_in_at)::int`.as('check_ins'),
    ])
    .groupBy(sql`1`)
    .execute();

  const rows = new Map<string | null, FigureRow>();
  const rowOf = (rowKey: string | null, name: string | null = null) => {
    const existing = rows.get(rowKey);
    if (existing) return existing;
    const created: FigureRow = { key: rowKey, name, ...emptyReportFigures() };
    rows.set(rowKey, created);
    return created;
  };
  for (const row of eventRows) {
    const figures = rowOf(row.key, row.name);
    const state = row.state as EventState;
    figures.events[state] += row.count;
    figures.events.total += row.count;
    if (state !== 'draft') figures.filed += row.count;
    if (state === 'submitted') figures.inReview += row.count;
    figures.held += row.held;
  }
  for (const row of entryRows) {
    const figures = rowOf(row.key);
    figures.registrations = row.registrations;
    figures.participants = row.participants;
    figures.checkIns = row.check_ins;
  }
  for (const figures of rows.values()) {
    figures.checkInRate = checkInRate(figures.checkIns, figures.registrations);
  }
  return [...rows.values()].sort(
    (a, b) => b.registrations - a.registrations || b.events.total - a.events.total,
  );
}

/** One event of the report's event list. */
export interface ReportEventRow {
  id: string;
  name: string;
  section: string;
  sport: string | null;
  level: string;
  state: string;
  organisation: string;
  division: string;
  startsAt: Date | null;
  held: boolean;
  registrations: number;
  checkIns: number;
}

/** Lists the report's events by start time, with their registrations and check-ins. */
export async function reportEventList(
  db: Executor,
  selection: ReportSelection,
): Promise<ReportEventRow[]> {
  return reportEvents(db, selection)
    .leftJoin('registrations as r', 'r.event_id', 'events.id')
    .select([
      'events.id',
      'events.name',
      'events.section',
      'events.sport',
      'events.level',
      'events.state',
      'o.name as organisation',
      'd.name as division',
      'events.starts_at as startsAt',
      sql<boolean>`events.state = 'published' and events.ends_at < now()`.as('held'),
      sql<number>`count(r.id) filter (where r.status = 'active')::int`.as('registrations'),
      sql<number>`count(r.checked_in_at)::int`.as('checkIns'),
    ])
    .groupBy(['events.id', 'o.name', 'd.name'])
    .orderBy('events.starts_at')
    .orderBy('events.id')
    .execute();
}
