import {
  EVENT_LEVEL_LABELS,
  SECTION_LABELS,
  sportName,
  type EventLevel,
  type Section,
} from '@cityleague/domain';

import { OutOfScope } from '../accounts/account.errors.js';
import type { Principal } from '../accounts/account.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { AuditActor } from '../audit/audit-context.js';
import type { Db, Executor } from '../db/database.js';
import type { DivisionRow } from '../db/schema.js';
import { getDivision, isWithin, listDivisions } from '../divisions/division.service.js';
import {
  countDistinctParticipants,
  countParticipants,
  divisionNames,
  organisationNames,
  countPeopleByGroup,
  sumFacts,
  type FactBasis,
  type FactFilter,
  type FactSums,
  type GroupKey,
} from './dashboard.repository.js';
import { applyParticipantChanges } from './dashboard-summaries.js';
import { InvalidPeriod } from './dashboard.errors.js';
import { buildFigureWorkbook, sheetNameOf, type FigureSet } from './dashboard.export.js';

/** Whose events a dashboard counts, and within which division. */
export interface DashboardScope {
  division: DivisionRow;
  /** division: every filed event in the division; organisation: the viewer's organisation's. */
  basis: 'division' | 'organisation';
  organisation: { id: string; name: string } | null;
  facts: FactBasis;
}

/** A calendar year, optionally narrowed to a quarter or a month; no year means all time. */
export interface DashboardPeriod {
  year?: number;
  quarter?: number;
  month?: number;
}

export interface EventCounts {
  draft: number;
  submitted: number;
  returned: number;
  approved: number;
  /** Published events that have not ended yet. */
  published: number;
  /** Published events that have ended. */
  held: number;
  cancelled: number;
  /** Every event but drafts. */
  filed: number;
  total: number;
}

export interface Figures {
  events: EventCounts;
  /** Active entries. */
  registrations: number;
  cancellations: number;
  checkIns: number;
  /** People with at least one active entry; null where no participant set covers the row. */
  participants: number | null;
  channels: { online: number; onSite: number; partner: number };
}

export interface BreakdownRow extends Figures {
  key: string;
  name: string;
}

export interface MonthRow {
  month: string;
  thisYear: Figures;
  lastYear: Figures;
}

export interface DashboardFigures extends Figures {
  period: { year: number | null; quarter: number | null; month: number | null };
  lastYear: Figures | null;
  months: MonthRow[];
  sections: BreakdownRow[];
  sports: BreakdownRow[];
  levels: BreakdownRow[];
  /** Organisers by active entries, most first, at most RANKING_SIZE. */
  organisers: BreakdownRow[];
  /** Streets (or a street's communities) by active entries, most first, at most RANKING_SIZE. */
  ranking: (BreakdownRow & { parentName: string | null })[];
  /** Every division one level below the scope, in code order; `code` repeats `key`. */
  children: (BreakdownRow & { code: string; level: DivisionRow['level'] })[];
  /** Events held in the scope as a whole, in no child division. */
  unassigned: Figures;
}

export const RANKING_SIZE = 20;

// Organisers whose dashboard counts their own events, not everything in their division.
export const ORGANISATION_BASIS = ['contractor', 'community_association'];

const CHILD_GROUP: Record<DivisionRow['level'], GroupKey | null> = {
  city: 'district',
  district: 'street',
  street: 'community',
  community: null,
};

const RANKED_GROUP: Record<DivisionRow['level'], GroupKey | null> = {
  city: 'street',
  district: 'street',
  street: 'community',
  community: null,
};

/**
 * Resolves the division a viewer asks for into a dashboard scope, within the viewer's own
 * division. Raises ACC_OUT_OF_SCOPE for a division outside it and DIV_NOT_FOUND for an
 * unknown one.
 */
export async function resolveDashboardScope(
  db: Executor,
  user: Principal,
  divisionCode?: string,
): Promise<DashboardScope> {
  const home = await getDivision(db, user.divisionCode);
  const division = divisionCode ? await getDivision(db, divisionCode) : home;
  if (!isWithin(division, home)) throw new OutOfScope(division.code);
  if (!ORGANISATION_BASIS.includes(user.accountType)) {
    return {
      division,
      basis: 'division',
      organisation: null,
      facts: { kind: 'division', organisationId: user.organisationId },
    };
  }
  return {
    division,
    basis: 'organisation',
    organisation: { id: user.organisationId, name: user.organisationName },
    facts: {
      kind: user.accountType === 'community_association' ? 'community_association' : 'organisation',
      organisationId: user.organisationId,
    },
  };
}

/**
 * Lists the months (YYYY-MM) of a period, or null for all time. Raises DSH_INVALID_PERIOD for a
 * quarter or month without a year, or for both a quarter and a month.
 */
export function periodMonths(period: DashboardPeriod): string[] | null {
  const narrowed = period.quarter !== undefined || period.month !== undefined;
  if ((narrowed && period.year === undefined) || (period.quarter && period.month)) {
    throw new InvalidPeriod();
  }
  if (period.year === undefined) return null;
  let months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  if (period.month !== undefined) months = [period.month];
  else if (period.quarter !== undefined)
    months = months.slice((period.quarter - 1) * 3, period.quarter * 3);
  return months.map((m) => `${period.year}-${String(m).padStart(2, '0')}`);
}

/** Returns the participant-set periods of a list of months: the year when it is all of it. */
function participantPeriods(months: string[] | null): string[] | null {
  if (!months) return null;
  return months.length === 12 ? [months[0]!.slice(0, 4)] : months;
}

function lastYearOf(months: string[]): string[] {
  return months.map((m) => `${Number(m.slice(0, 4)) - 1}${m.slice(4)}`);
}

function filterOf(scope: DashboardScope, months: string[] | null): FactFilter {
  return {
    division: { level: scope.division.level, code: scope.division.code },
    basis: scope.facts,
    months: months ? { from: months[0]!, to: months.at(-1)! } : null,
  };
}

function emptySums(): FactSums {
  return {
    key: null,
    draft: 0,
    submitted: 0,
    returned: 0,
    approved: 0,
    published: 0,
    held: 0,
    cancelled: 0,
    registrations: 0,
    cancellations: 0,
    check_ins: 0,
    online: 0,
    on_site: 0,
    partner: 0,
  };
}

function figuresOf(sums: FactSums | undefined, participants: number | null): Figures {
  const s = sums ?? emptySums();
  const total =
    s.draft + s.submitted + s.returned + s.approved + s.published + s.held + s.cancelled;
  return {
    events: {
      draft: s.draft,
      submitted: s.submitted,
      returned: s.returned,
      approved: s.approved,
      published: s.published,
      held: s.held,
      cancelled: s.cancelled,
      filed: total - s.draft,
      total,
    },
    registrations: s.registrations,
    cancellations: s.cancellations,
    checkIns: s.check_ins,
    participants,
    channels: { online: s.online, onSite: s.on_site, partner: s.partner },
  };
}

/** Names the participant set of a division's events, or of one breakdown of them. */
function setName(divisionCode: string, breakdown?: string): string {
  return breakdown === undefined ? divisionCode : `${divisionCode}|${breakdown}`;
}

/**
 * Lists the participant sets whose union contains the people of a scope's events in a division.
 * That is the division's own set, or for an organiser the set of its own events there. The
 * community sports association adds the set of the division's community games.
 */
function participantScopes(scope: DashboardScope, divisionCode: string): string[] {
  if (scope.basis === 'division') return [divisionCode];
  const own = setName(divisionCode, `org:${scope.facts.organisationId}`);
  return scope.facts.kind === 'community_association'
    ? [own, setName(divisionCode, 'section:community_games')]
    : [own];
}

/**
 * Returns the participant set of one breakdown row (`section:league_event`, `org:<id>`), or
 * null when none holds exactly the row's people.
 */
function breakdownSets(scope: DashboardScope, breakdown: string): string[] | null {
  if (scope.basis === 'division') return [setName(scope.division.code, breakdown)];
  // An organiser's sets cover its own events per division, not per section, sport or level of
  // them, so only its own row of the organiser breakdown has a set (see ownEntryPeople).
  if (breakdown === `org:${scope.facts.organisationId}`) {
    return [setName(scope.division.code, breakdown)];
  }
  return null;
}

/**
 * Counts the unique participants of an organiser's breakdowns by section, sport, level and
 * child division straight from its events' entries, which no participant set holds. Returns
 * null for a division's dashboard, for a period without a year (the sets have none either),
 * and for the community sports association, whose scope contains every community game of the
 * division and would make this a scan of most of the division's entries.
 */
async function ownEntryPeople(
  db: Executor,
  scope: DashboardScope,
  filter: FactFilter,
  months: string[] | null,
  childGroup: GroupKey | null,
) {
  if (scope.facts.kind !== 'organisation' || months === null) return null;
  const [section, sport, level, child] = await Promise.all([
    countPeopleByGroup(db, filter, 'section'),
    countPeopleByGroup(db, filter, 'sport'),
    countPeopleByGroup(db, filter, 'level'),
    childGroup ? countPeopleByGroup(db, filter, childGroup) : Promise.resolve(new Map()),
  ]);
  return { section, sport, level, child: child as Map<string | null, number> };
}

/** Reads unique participants: one counter when a single set covers the figure, else a union. */
class ParticipantReader {
  private readonly single: { scope: string; period: string }[] = [];
  private readonly unions: Promise<void>[] = [];
  private counts = new Map<string, number>();

  constructor(private readonly db: Executor) {}

  /** Notes a single-set figure for the batch read; returns its later lookup. */
  plan(scopes: string[] | null, periods: string[] | null): () => number | null {
    if (!scopes || !periods) return () => null;
    if (scopes.length === 1 && periods.length === 1) {
      const key = { scope: scopes[0]!, period: periods[0]! };
      this.single.push(key);
      return () => this.counts.get(`${key.scope}|${key.period}`) ?? 0;
    }
    let value = 0;
    this.unions.push(
      countDistinctParticipants(this.db, scopes, periods).then((n) => {
        value = n;
      }),
    );
    return () => value;
  }

  async read(): Promise<void> {
    const scopes = [...new Set(this.single.map((k) => k.scope))];
    const periods = [...new Set(this.single.map((k) => k.period))];
    this.counts = await countParticipants(this.db, scopes, periods);
    await Promise.all(this.unions);
  }
}

/** Plans the participant figure of each keyed row. Rows without a key get none. */
function planRows(
  reader: ParticipantReader,
  rows: { key: string | null }[],
  setsOf: (key: string) => string[] | null,
  periods: string[] | null,
): Map<string, () => number | null> {
  const planned = new Map<string, () => number | null>();
  for (const row of rows) {
    if (row.key !== null) planned.set(row.key, reader.plan(setsOf(row.key), periods));
  }
  return planned;
}

function keyed(rows: FactSums[]): Map<string | null, FactSums> {
  return new Map(rows.map((row) => [row.key, row]));
}

function byRegistrations(a: FactSums, b: FactSums): number {
  return (
    b.registrations - a.registrations ||
    b.check_ins - a.check_ins ||
    String(a.key).localeCompare(String(b.key))
  );
}

function sectionName(key: string): string {
  return SECTION_LABELS[key as Section] ?? key;
}

function levelName(key: string): string {
  return EVENT_LEVEL_LABELS[key as EventLevel] ?? key;
}

/**
 * Computes every figure of a dashboard from the summary tables: totals, last year's totals,
 * the months, breakdowns by section, sport, level, organiser and child division, and the
 * ranking of streets. Reports reuse it for any scope a viewer may see.
 */
export async function dashboardFigures(
  db: Executor,
  scope: DashboardScope,
  period: DashboardPeriod,
): Promise<DashboardFigures> {
  const months = periodMonths(period);
  const previousMonths = months ? lastYearOf(months) : null;
  const filter = filterOf(scope, months);
  const childGroup = CHILD_GROUP[scope.division.level];
  const rankedGroup = RANKED_GROUP[scope.division.level];

  const [total, previous, monthRows, sections, sports, levels, organisers, children, ranked] =
    await Promise.all([
      sumFacts(db, filter, 'total'),
      previousMonths ? sumFacts(db, filterOf(scope, previousMonths), 'total') : Promise.resolve([]),
      months
        ? sumFacts(db, filterOf(scope, [previousMonths![0]!, months.at(-1)!]), 'month')
        : Promise.resolve([]),
      sumFacts(db, filter, 'section'),
      sumFacts(db, filter, 'sport'),
      sumFacts(db, filter, 'level'),
      sumFacts(db, filter, 'organisation'),
      childGroup ? sumFacts(db, filter, childGroup) : Promise.resolve([]),
      rankedGroup ? sumFacts(db, filter, rankedGroup) : Promise.resolve([]),
    ]);

  // The sets lag the entries by the queue; applying it first shows every committed entry.
  await applyParticipantChanges(db);
  const reader = new ParticipantReader(db);
  const ownSets = participantScopes(scope, scope.division.code);
  const yearPeriods = participantPeriods(months);
  const totalParticipants = reader.plan(ownSets, yearPeriods);
  const previousParticipants = reader.plan(ownSets, participantPeriods(previousMonths));
  const monthParticipants = new Map<string, () => number | null>();
  for (const month of [...(months ?? []), ...(previousMonths ?? [])]) {
    monthParticipants.set(month, reader.plan(ownSets, [month]));
  }
  const people = await ownEntryPeople(db, scope, filter, months, childGroup);
  const planBreakdown = (rows: FactSums[], dimension: string) =>
    planRows(reader, rows, (key) => breakdownSets(scope, `${dimension}:${key}`), yearPeriods);
  const countedBreakdown = (rows: FactSums[], counts: Map<string | null, number>) =>
    new Map(rows.map((row) => [String(row.key), () => counts.get(row.key) ?? 0]));
  const sectionParticipants = people
    ? countedBreakdown(sections, people.section)
    : planBreakdown(sections, 'section');
  const sportParticipants = people
    ? countedBreakdown(sports, people.sport)
    : planBreakdown(sports, 'sport');
  const levelParticipants = people
    ? countedBreakdown(levels, people.level)
    : planBreakdown(levels, 'level');
  const topOrganisers = organisers.sort(byRegistrations).slice(0, RANKING_SIZE);
  const organiserParticipants = planBreakdown(topOrganisers, 'org');

  // The events of the division that name no child division have a set of their own.
  let unassignedParticipants: () => number | null = () => null;
  if (childGroup !== null && scope.basis === 'division') {
    unassignedParticipants = reader.plan([setName(scope.division.code, 'unassigned')], yearPeriods);
  } else if (people) {
    unassignedParticipants = () => people.child.get(null) ?? 0;
  }
  const childDivisions =
    childGroup === null ? [] : await listDivisions(db, { parent: scope.division.code });
  const childParticipants = planRows(
    reader,
    childDivisions.map((child) => ({ key: child.code })),
    (key) => participantScopes(scope, key),
    yearPeriods,
  );
  const topRanked = ranked
    .filter((row) => row.key !== null)
    .sort(byRegistrations)
    .slice(0, RANKING_SIZE);
  const rankedParticipants = planRows(
    reader,
    topRanked,
    (key) => participantScopes(scope, key),
    yearPeriods,
  );
  await reader.read();

  const [organisationNamesById, rankedNames] = await Promise.all([
    organisationNames(
      db,
      topOrganisers.map((row) => String(row.key)),
    ),
    divisionNames(
      db,
      topRanked.map((row) => String(row.key)),
    ),
  ]);
  const parentNames = await divisionNames(
    db,
    [...rankedNames.values()].map((d) => d.parentCode).filter((c): c is string => c !== null),
  );

  const monthSums = keyed(monthRows);
  const childSums = keyed(children);
  const breakdown = (
    rows: FactSums[],
    name: (key: string) => string,
    participants?: Map<string, () => number | null>,
  ) =>
    rows
      .filter((row) => row.key !== null)
      .sort(byRegistrations)
      .map((row) => ({
        key: String(row.key),
        name: name(String(row.key)),
        ...figuresOf(row, participants?.get(String(row.key))?.() ?? null),
      }));

  return {
    period: {
      year: period.year ?? null,
      quarter: period.quarter ?? null,
      month: period.month ?? null,
    },
    ...figuresOf(total[0], totalParticipants()),
    lastYear: previousMonths ? figuresOf(previous[0], previousParticipants()) : null,
    months: (months ?? []).map((month, index) => ({
      month,
      thisYear: figuresOf(monthSums.get(month), monthParticipants.get(month)?.() ?? null),
      lastYear: figuresOf(
        monthSums.get(previousMonths![index]!),
        monthParticipants.get(previousMonths![index]!)?.() ?? null,
      ),
    })),
    sections: breakdown(sections, sectionName, sectionParticipants),
    sports: breakdown(sports, (key) => sportName(key) ?? key, sportParticipants),
    levels: breakdown(levels, levelName, levelParticipants),
    organisers: topOrganisers.map((row) => ({
      key: String(row.key),
      name: organisationNamesById.get(String(row.key)) ?? String(row.key),
      ...figuresOf(row, organiserParticipants.get(String(row.key))?.() ?? null),
    })),
    ranking: topRanked.map((row) => {
      const division = rankedNames.get(String(row.key));
      return {
        key: String(row.key),
        name: division?.name ?? String(row.key),
        parentName: division?.parentCode
          ? (parentNames.get(division.parentCode)?.name ?? null)
          : null,
        ...figuresOf(row, rankedParticipants.get(String(row.key))?.() ?? null),
      };
    }),
    children: childDivisions.map((child) => ({
      key: child.code,
      code: child.code,
      name: child.name,
      level: child.level,
      ...figuresOf(childSums.get(child.code), childParticipants.get(child.code)?.() ?? null),
    })),
    unassigned: figuresOf(childGroup ? childSums.get(null) : undefined, unassignedParticipants()),
  };
}

/** Builds the dashboard of a viewer for a division of their scope and a period. */
export async function dashboard(
  db: Executor,
  user: Principal,
  query: DashboardPeriod & { division?: string },
) {
  const scope = await resolveDashboardScope(db, user, query.division);
  const figures = await dashboardFigures(db, scope, query);
  return {
    scope: { code: scope.division.code, name: scope.division.name, level: scope.division.level },
    basis: scope.basis,
    organisation: scope.organisation,
    ...figures,
  };
}

/**
 * Builds the .xlsx workbook of one figure set of a viewer's dashboard and audits the export,
 * naming the division, the period and the figure set.
 */
export async function exportDashboardFigures(
  db: Db,
  user: Principal,
  actor: AuditActor,
  query: DashboardPeriod & { division?: string; figureSet: FigureSet },
) {
  const scope = await resolveDashboardScope(db, user, query.division);
  const figures = await dashboardFigures(db, scope, query);
  const periodName = periodLabel(query);
  const title = `${scope.organisation ? `${scope.organisation.name} · ` : ''}${scope.division.name} · ${periodName} · ${sheetNameOf(query.figureSet)}`;
  const workbook = await buildFigureWorkbook(figures, query.figureSet, title);
  await db.transaction().execute(async (trx) => {
    await recordAudit(trx, {
      ...actor,
      action: 'export.dashboard',
      entityType: 'division',
      entityId: scope.division.code,
      detail: {
        figureSet: query.figureSet,
        year: query.year ?? null,
        quarter: query.quarter ?? null,
        month: query.month ?? null,
      },
    });
  });
  const periodPart = [query.year, query.quarter && `Q${query.quarter}`, query.month]
    .filter(Boolean)
    .join('-');
  const fileName = `dashboard-${scope.division.code}-${periodPart || 'all'}-${query.figureSet}.xlsx`;
  return { workbook, fileName };
}

/** Returns a period in Chinese words, such as 2026年第2季度, for titles. */
export function periodLabel(period: DashboardPeriod): string {
  if (period.year === undefined) return '全部时间';
  if (period.month !== undefined) return `${period.year}年${period.month}月`;
  if (period.quarter !== undefined) return `${period.year}年第${period.quarter}季度`;
  return `${period.year}年`;
}
