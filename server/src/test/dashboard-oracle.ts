import { sql } from 'kysely';
import { expect } from 'vitest';

import type { Db } from '../db/database.js';

/**
 * A second, deliberately plain computation of the dashboard figures: it reads the events,
 * divisions and registrations themselves, never the summary tables, and counts in memory.
 */

export interface OracleEvent {
  id: string;
  organisationId: string;
  state: string;
  level: string;
  section: string;
  sport: string | null;
  district: string | null;
  street: string | null;
  community: string | null;
  month: string | null;
  endsAt: number | null;
}

export interface OracleEntry {
  eventId: string;
  status: string;
  checkedIn: boolean;
  channel: string;
  person: string;
}

export interface World {
  events: OracleEvent[];
  entriesByEvent: Map<string, OracleEntry[]>;
  now: number;
}

const HOUR = 3600_000;

/** Returns the month (YYYY-MM) of an instant in Asia/Shanghai (UTC+8). */
export function shanghaiMonth(at: Date): string {
  return new Date(at.getTime() + 8 * HOUR).toISOString().slice(0, 7);
}

/** Loads every event and entry straight from their tables. */
export async function loadWorld(db: Db): Promise<World> {
  const events = await db
    .selectFrom('events as e')
    .leftJoin('divisions as d', 'd.code', 'e.division_code')
    .select([
      'e.id',
      'e.organisation_id',
      'e.state',
      'e.level',
      'e.section',
      'e.sport',
      'e.district_code',
      'd.street_code',
      'd.level as division_level',
      'd.code as division_code',
      'e.starts_at',
      'e.ends_at',
    ])
    .execute();
  const entries = await db
    .selectFrom('registrations')
    .select(['event_id', 'status', 'checked_in_at', 'channel', 'phone_hash'])
    .execute();
  const { rows } = await sql<{ now: Date }>`select now() as now`.execute(db);
  const entriesByEvent = new Map<string, OracleEntry[]>();
  for (const entry of entries) {
    const list = entriesByEvent.get(entry.event_id) ?? [];
    list.push({
      eventId: entry.event_id,
      status: entry.status,
      checkedIn: entry.checked_in_at !== null,
      channel: entry.channel,
      person: entry.phone_hash,
    });
    entriesByEvent.set(entry.event_id, list);
  }
  return {
    now: new Date(rows[0]!.now).getTime(),
    entriesByEvent,
    events: events.map((e) => ({
      id: e.id,
      organisationId: e.organisation_id,
      state: e.state,
      level: e.level,
      section: e.section,
      sport: e.sport,
      district: e.district_code,
      street: e.street_code,
      community: e.division_level === 'community' ? e.division_code : null,
      month: e.starts_at ? shanghaiMonth(new Date(e.starts_at)) : null,
      endsAt: e.ends_at ? new Date(e.ends_at).getTime() : null,
    })),
  };
}

export interface OracleScope {
  division: { level: string; code: string };
  viewer: { accountType: string; organisationId: string };
}

export interface OracleFigures {
  events: Record<string, number>;
  registrations: number;
  cancellations: number;
  checkIns: number;
  /** Active entries of the events that ended before now. */
  endedRegistrations: number;
  /** Check-ins of the events that ended before now. */
  endedCheckIns: number;
  participants: number;
  channels: { online: number; onSite: number; partner: number };
}

function counted(event: OracleEvent, scope: OracleScope): boolean {
  const { division, viewer } = scope;
  const inDivision =
    division.level === 'city' ||
    (division.level === 'district' && event.district === division.code) ||
    (division.level === 'street' && event.street === division.code) ||
    (division.level === 'community' && event.community === division.code);
  if (!inDivision) return false;
  const own = event.organisationId === viewer.organisationId;
  if (viewer.accountType === 'contractor') return own;
  if (viewer.accountType === 'community_association') {
    return own || (event.state !== 'draft' && event.section === 'community_games');
  }
  return own || event.state !== 'draft';
}

/** Selects the events a scope counts in the given months (null: every event). */
export function eventsOf(world: World, scope: OracleScope, months: string[] | null) {
  return world.events.filter(
    (event) =>
      counted(event, scope) &&
      (months === null || (event.month !== null && months.includes(event.month))),
  );
}

function channelClass(channel: string): 'online' | 'onSite' | 'partner' {
  if (channel === 'on_site' || channel === 'console' || channel === 'import') return 'onSite';
  if (channel === 'partner') return 'partner';
  return 'online';
}

/** Counts the figures of a set of events. */
export function figuresOf(world: World, events: OracleEvent[]): OracleFigures {
  const stages: Record<string, number> = {
    draft: 0,
    submitted: 0,
    returned: 0,
    approved: 0,
    published: 0,
    held: 0,
    cancelled: 0,
  };
  const people = new Set<string>();
  const figures: OracleFigures = {
    events: stages,
    registrations: 0,
    cancellations: 0,
    checkIns: 0,
    endedRegistrations: 0,
    endedCheckIns: 0,
    participants: 0,
    channels: { online: 0, onSite: 0, partner: 0 },
  };
  for (const event of events) {
    const ended = event.endsAt !== null && event.endsAt <= world.now;
    stages[event.state === 'published' && ended ? 'held' : event.state]! += 1;
    // The check-in rate counts only events that ended strictly before now.
    const endedBefore = event.endsAt !== null && event.endsAt < world.now;
    for (const entry of world.entriesByEvent.get(event.id) ?? []) {
      if (entry.status === 'active') {
        figures.registrations += 1;
        figures.channels[channelClass(entry.channel)] += 1;
        people.add(entry.person);
        if (endedBefore) figures.endedRegistrations += 1;
      }
      if (entry.status === 'cancelled') figures.cancellations += 1;
      if (entry.checkedIn) figures.checkIns += 1;
      if (entry.checkedIn && endedBefore) figures.endedCheckIns += 1;
    }
  }
  const total = Object.values(stages).reduce((sum, n) => sum + n, 0);
  figures.events = { ...stages, filed: total - stages.draft!, total };
  figures.participants = people.size;
  return figures;
}

/** Groups events by a key and counts each group. */
export function groupFigures(
  world: World,
  events: OracleEvent[],
  key: (event: OracleEvent) => string | null,
): Map<string | null, OracleFigures> {
  const groups = new Map<string | null, OracleEvent[]>();
  for (const event of events) {
    const k = key(event);
    groups.set(k, [...(groups.get(k) ?? []), event]);
  }
  return new Map([...groups].map(([k, list]) => [k, figuresOf(world, list)]));
}

interface ActualFigures {
  events: Record<string, number>;
  registrations: number;
  cancellations: number;
  checkIns: number;
  endedRegistrations: number;
  endedCheckIns: number;
  participants: number | null;
  channels: { online: number; onSite: number; partner: number };
}

/** Asserts that a figure set from the API equals the direct count, unique participants too. */
export function expectFigures(
  actual: ActualFigures | undefined,
  expected: OracleFigures,
  label: string,
): void {
  expect(actual, label).toBeDefined();
  expect(actual!.events, `${label}: events`).toEqual(expected.events);
  expect(actual!.registrations, `${label}: registrations`).toBe(expected.registrations);
  expect(actual!.cancellations, `${label}: cancellations`).toBe(expected.cancellations);
  expect(actual!.checkIns, `${label}: check-ins`).toBe(expected.checkIns);
  expect(actual!.endedRegistrations, `${label}: ended registrations`).toBe(
    expected.endedRegistrations,
  );
  expect(actual!.endedCheckIns, `${label}: ended check-ins`).toBe(expected.endedCheckIns);
  expect(actual!.channels, `${label}: channels`).toEqual(expected.channels);
  expect(actual!.participants, `${label}: participants`).toBe(expected.participants);
}

/** The dashboard's ranking order: most active entries, then most check-ins, then by key. */
export function rankingOrder(a: [string, OracleFigures], b: [string, OracleFigures]): number {
  return (
    b[1].registrations - a[1].registrations ||
    b[1].checkIns - a[1].checkIns ||
    a[0].localeCompare(b[0])
  );
}

export interface DashboardQuery {
  division?: string;
  year?: number;
  quarter?: number;
  month?: number;
}

/** Returns the year a dashboard counts when the query names none: the current one in Shanghai. */
export function defaultYear(): number {
  return new Date(Date.now() + 8 * HOUR).getUTCFullYear();
}

/** Lists the months of a dashboard period. */
export function monthsOf(query: DashboardQuery): string[] {
  const year = query.year ?? defaultYear();
  let months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  if (query.month) months = [query.month];
  if (query.quarter) months = months.slice((query.quarter - 1) * 3, query.quarter * 3);
  return months.map((m) => `${year}-${String(m).padStart(2, '0')}`);
}

const CHILD_KEY: Record<string, ((e: OracleEvent) => string | null) | null> = {
  city: (e) => e.district,
  district: (e) => e.street,
  street: (e) => e.community,
  community: null,
};

const RANKED_KEY: Record<string, ((e: OracleEvent) => string | null) | null> = {
  city: (e) => e.street,
  district: (e) => e.street,
  street: (e) => e.community,
  community: null,
};

interface Row extends ActualFigures {
  key: string;
}

interface DashboardBody extends ActualFigures {
  scope: { code: string; level: string };
  basis: string;
  period: { year: number; quarter: number | null; month: number | null };
  lastYear: ActualFigures;
  months: { month: string; thisYear: ActualFigures; lastYear: ActualFigures }[];
  sections: Row[];
  sports: Row[];
  levels: Row[];
  organisers: Row[];
  ranking: Row[];
  children: (Row & { code: string })[];
  unassigned: ActualFigures;
}

function expectRows(rows: Row[], expected: Map<string | null, OracleFigures>, label: string) {
  const keys = [...expected.keys()].filter((k): k is string => k !== null);
  expect(rows.map((r) => r.key).sort(), `${label}: keys`).toEqual(keys.sort());
  for (const row of rows) expectFigures(row, expected.get(row.key)!, `${label} ${row.key}`);
}

/**
 * Compares every figure of one dashboard response with the direct count: totals, last year,
 * each month, each breakdown row, the rankings, the child divisions and the unassigned row.
 * Every figure must carry its unique participants, for every viewer and period.
 */
export function expectDashboardMatches(
  world: World,
  body: DashboardBody,
  scope: OracleScope,
  query: DashboardQuery,
): void {
  const months = monthsOf(query);
  const label = `${scope.viewer.accountType} ${scope.division.code} ${JSON.stringify(query)}`;
  expect(body.scope.code).toBe(scope.division.code);
  expect(body.period, `${label}: period`).toEqual({
    year: query.year ?? defaultYear(),
    quarter: query.quarter ?? null,
    month: query.month ?? null,
  });
  const events = eventsOf(world, scope, months);
  expectFigures(body, figuresOf(world, events), `${label} total`);

  const previous = months.map((m) => `${Number(m.slice(0, 4)) - 1}${m.slice(4)}`);
  expectFigures(
    body.lastYear,
    figuresOf(world, eventsOf(world, scope, previous)),
    `${label} last year`,
  );
  expect(body.months.map((m) => m.month)).toEqual(months);
  body.months.forEach((row, index) => {
    const thisYear = eventsOf(world, scope, [months[index]!]);
    const lastYear = eventsOf(world, scope, [previous[index]!]);
    expectFigures(row.thisYear, figuresOf(world, thisYear), `${label} ${row.month}`);
    expectFigures(row.lastYear, figuresOf(world, lastYear), `${label} ${row.month} last year`);
  });

  expectRows(
    body.sections,
    groupFigures(world, events, (e) => e.section),
    `${label} sections`,
  );
  expectRows(
    body.sports,
    groupFigures(world, events, (e) => e.sport),
    `${label} sports`,
  );
  expectRows(
    body.levels,
    groupFigures(world, events, (e) => e.level),
    `${label} levels`,
  );

  const organisers = [...groupFigures(world, events, (e) => e.organisationId)] as [
    string,
    OracleFigures,
  ][];
  organisers.sort(rankingOrder);
  expect(
    body.organisers.map((r) => r.key),
    `${label} organiser ranking`,
  ).toEqual(organisers.slice(0, 20).map(([key]) => key));
  for (const row of body.organisers) {
    expectFigures(
      row,
      organisers.find(([key]) => key === row.key)![1],
      `${label} organiser ${row.key}`,
    );
  }

  const rankedKey = RANKED_KEY[scope.division.level];
  const ranked = rankedKey
    ? ([...groupFigures(world, events, rankedKey)].filter(([key]) => key !== null) as [
        string,
        OracleFigures,
      ][])
    : [];
  ranked.sort(rankingOrder);
  expect(
    body.ranking.map((r) => r.key),
    `${label} ranking`,
  ).toEqual(ranked.slice(0, 20).map(([key]) => key));
  for (const row of body.ranking) {
    expectFigures(row, ranked.find(([key]) => key === row.key)![1], `${label} ranked ${row.key}`);
  }

  const childKey = CHILD_KEY[scope.division.level];
  const children = childKey ? groupFigures(world, events, childKey) : new Map();
  const empty = figuresOf(world, []);
  for (const child of body.children) {
    expectFigures(child, children.get(child.code) ?? empty, `${label} child ${child.code}`);
  }
  const listed = new Set(body.children.map((c) => c.code));
  for (const key of children.keys()) {
    if (key !== null) expect(listed.has(key), `${label}: child ${key} listed`).toBe(true);
  }
  expectFigures(body.unassigned, children.get(null) ?? empty, `${label} unassigned`);
}
