import { checkInRate, reportPeriodDates, type ReportPeriod } from '@cityleague/domain';
import { sql, type RawBuilder } from 'kysely';

import type { Principal } from '../accounts/account.repository.js';
import { childColumn, countedEvents, scopeFilter } from './report-scope.js';
import type { Executor } from '../db/database.js';
import type { DivisionRow } from '../db/schema.js';

/**
 * Stages of an event as the dashboard counts them: its state, except that a published event
 * whose end has passed is held and no longer published.
 */
export const REPORT_STAGES = [
  'draft',
  'submitted',
  'returned',
  'approved',
  'published',
  'held',
  'cancelled',
] as const;
export type ReportStage = (typeof REPORT_STAGES)[number];

/** The dashboard's stage expression; the query must name the events table `events`. */
const stageColumn = sql<ReportStage>`case
  when events.state = 'published' and events.ends_at <= now() then 'held'
  else events.state end`;

/**
 * The figures of a report row, counted as the dashboard counts them. `events` has the events
 * of each stage, `filed` every event but drafts and `total` all of them, the viewer's own
 * drafts included. `registrations` counts active entries, `participants` the distinct people
 * among them (by ID number hash, else by mobile number hash), `checkIns` the entries with a
 * check-in.
 */
export interface ReportFigures {
  events: Record<ReportStage | 'filed' | 'total', number>;
  registrations: number;
  participants: number;
  checkIns: number;
  /**
   * Check-ins over active registrations, both counted over the events that have ended, in
   * percent with one decimal. Null when no ended event of the row has a registration.
   */
  checkInRate: number | null;
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
  const events = Object.fromEntries([...REPORT_STAGES, 'filed', 'total'].map((s) => [s, 0]));
  return {
    events: events as ReportFigures['events'],
    registrations: 0,
    participants: 0,
    checkIns: 0,
    checkInRate: null,
  };
}

/**
 * Returns check-ins over registrations in percent with one decimal, or null without
 * registrations, so that a row with nothing to measure is not shown as a 0% rate.
 */
export function endedCheckInRate(checkIns: number, registrations: number): number | null {
  return registrations > 0 ? checkInRate(checkIns, registrations) : null;
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
      stageColumn.as('stage'),
      sql<number>`count(*)::int`.as('count'),
    ])
    .groupBy([sql`1`, sql`3`])
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
      sql<number>`count(*) filter (where r.status = 'active' and events.ends_at < now())::int`.as(
        'ended_registrations',
      ),
      sql<number>`count(r.checked_in_at) filter (where events.ends_at < now())::int`.as(
        'ended_check_ins',
      ),
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
    figures.events[row.stage] += row.count;
    figures.events.total += row.count;
    if (row.stage !== 'draft') figures.events.filed += row.count;
  }
  for (const row of entryRows) {
    const figures = rowOf(row.key);
    figures.registrations = row.registrations;
    figures.participants = row.participants;
    figures.checkIns = row.check_ins;
    figures.checkInRate = endedCheckInRate(row.ended_check_ins, row.ended_registrations);
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
  /** The dashboard's stage: the state, or held for a published event that has ended. */
  stage: ReportStage;
  organisation: string;
  division: string;
  startsAt: Date | null;
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
      stageColumn.as('stage'),
      sql<number>`count(r.id) filter (where r.status = 'active')::int`.as('registrations'),
      sql<number>`count(r.checked_in_at)::int`.as('checkIns'),
    ])
    .groupBy(['events.id', 'o.name', 'd.name'])
    .orderBy('events.starts_at')
    .orderBy('events.id')
    .execute();
}
