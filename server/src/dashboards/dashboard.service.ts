import {
  EVENT_LEVEL_LABELS,
  SECTION_LABELS,
  sportName,
  type EventLevel,
  type Section,
} from '@cityleague/domain';
import { sql, type RawBuilder } from 'kysely';

import { OutOfScope } from '../accounts/account.errors.js';
import type { Principal } from '../accounts/account.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { AuditActor } from '../audit/audit-context.js';
import { shanghaiYear } from '../contracts/contract.service.js';
import type { Db, Executor } from '../db/database.js';
import type { DivisionRow } from '../db/schema.js';
import { getDivision, isWithin, listDivisions } from '../divisions/division.service.js';
import {
  countDistinctParticipants,
  countParticipants,
  countPeopleOutsideSets,
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
import { buildFigureWorkbook, figureSetName, type FigureSet } from './dashboard.export.js';

/** Whose events a dashboard counts, and within which division. */
export interface DashboardScope {
  division: DivisionRow;
  /** division: every filed event in the division; organisation: the viewer's organisation's. */
  basis: 'division' | 'organisation';
  organisation: { id: string; name: string } | null;
  facts: FactBasis;
}

/** A calendar year, optionally narrowed to a quarter or a month. */
export interface DashboardPeriod {
  year: number;
  quarter?: number;
  month?: number;
}

/** The period parameters of a dashboard request; resolvePeriod turns them into a period. */
export interface DashboardPeriodQuery {
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
  /**
   * Active entries of the events that ended before now. The check-in rate is
   * endedCheckIns / endedRegistrations, because an event that has not ended has no check-ins yet.
   */
  endedRegistrations: number;
  /** Check-ins of the events that ended before now. */
  endedCheckIns: number;
  /** People with at least one active entry, each counted once. */
  participants: number;
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
  period: { year: number; quarter: number | null; month: number | null };
  lastYear: Figures;
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
 * Resolves the period of a dashboard request. Without a year, quarter or month it is the
 * current calendar year in Asia/Shanghai at `now`, because the participant sets keep years and
 * months only and there is no all-time period. Raises DSH_INVALID_PERIOD for a quarter or month
 * without a year, for both a quarter and a month, and for a year after next year. Next year is
 * allowed because events are filed and entered ahead, from December at the latest.
 */
export function resolvePeriod(query: DashboardPeriodQuery, now = Date.now()): DashboardPeriod {
  const narrowed = query.quarter !== undefined || query.month !== undefined;
  if (narrowed && query.year === undefined) throw new InvalidPeriod();
  if (query.quarter !== undefined && query.month !== undefined) throw new InvalidPeriod();
  const currentYear = shanghaiYear(now);
  if (query.year !== undefined && query.year > currentYear + 1) throw new InvalidPeriod();
  const period: DashboardPeriod = { year: query.year ?? currentYear };
  if (query.quarter !== undefined) period.quarter = query.quarter;
  if (query.month !== undefined) period.month = query.month;
  return period;
}

/** Lists the months (YYYY-MM) of a period. */
export function periodMonths(period: DashboardPeriod): string[] {
  let months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  if (period.month !== undefined) months = [period.month];
  else if (period.quarter !== undefined)
    months = months.slice((period.quarter - 1) * 3, period.quarter * 3);
  return months.map((m) => `${period.year}-${String(m).padStart(2, '0')}`);
}

/**
 * Returns the participant-set periods of a list of months of one year: the year when it is all
 * of it, the quarter when it is one, else the months.
 */
function participantPeriods(months: string[]): string[] {
  if (months.length === 12) return [months[0]!.slice(0, 4)];
  const first = Number(months[0]!.slice(5, 7));
  if (months.length === 3 && first % 3 === 1) {
    return [`${months[0]!.slice(0, 4)}-Q${(first + 2) / 3}`];
  }
  return months;
}

function lastYearOf(months: string[]): string[] {
  return months.map((m) => `${Number(m.slice(0, 4)) - 1}${m.slice(4)}`);
}

function filterOf(scope: DashboardScope, months: string[]): FactFilter {
  return {
    division: { level: scope.division.level, code: scope.division.code },
    basis: scope.facts,
    months: { from: months[0]!, to: months.at(-1)! },
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
    ended_registrations: 0,
    ended_check_ins: 0,
    online: 0,
    on_site: 0,
    partner: 0,
  };
}

function figuresOf(sums: FactSums | undefined, participants: number): Figures {
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
    endedRegistrations: s.ended_registrations,
    endedCheckIns: s.ended_check_ins,
    participants,
    channels: { online: s.online, onSite: s.on_site, partner: s.partner },
  };
}

/** Names the participant set of a division's events, or of one breakdown of them. */
function setName(divisionCode: string, breakdown?: string): string {
  return breakdown === undefined ? divisionCode : `${divisionCode}|${breakdown}`;
}

const COMMUNITY_GAMES = 'community_games';

/**
 * Lists the participant sets whose union contains the people of a scope's events in a division.
 * That is the division's own set, or for an organiser the set of its own events there. The
 * community sports association adds the set of the division's community games.
 */
function participantScopes(scope: DashboardScope, divisionCode: string): string[] {
  if (scope.basis === 'division') return [divisionCode];
  const own = setName(divisionCode, `org:${scope.facts.organisationId}`);
  return scope.facts.kind === 'community_association'
    ? [own, setName(divisionCode, `section:${COMMUNITY_GAMES}`)]
    : [own];
}

/** A dimension of the breakdowns, as participant-set names spell it. */
type Dimension = 'section' | 'sport' | 'level' | 'org';

/**
 * Names the set of the division's community games in one breakdown row, or null for a section
 * other than community games, which has none.
 */
function communityGamesSet(
  divisionCode: string,
  dimension: Dimension | 'unassigned',
  key?: string,
): string | null {
  if (dimension === 'unassigned') return setName(divisionCode, 'cg-unassigned');
  if (dimension === 'section') {
    return key === COMMUNITY_GAMES ? setName(divisionCode, `section:${COMMUNITY_GAMES}`) : null;
  }
  return setName(divisionCode, `cg-${dimension}:${key}`);
}

/**
 * Names the participant set that contains exactly the people of one breakdown row of a
 * division or a contractor. A contractor's sets cover its own events per division, not per
 * section, sport or level of them, so only its organiser row has one (see ownEntryPeople).
 */
function breakdownSet(scope: DashboardScope, dimension: Dimension, key: string): string {
  if (scope.basis === 'organisation' && dimension !== 'org') {
    throw new Error(`No participant set contains an organiser's ${dimension} breakdown`);
  }
  return setName(scope.division.code, `${dimension}:${key}`);
}

/**
 * Counts the unique participants of a contractor's breakdowns by section, sport, level and
 * child division straight from its own events' entries, which are few and which no
 * participant set contains.
 */
async function ownEntryPeople(db: Executor, filter: FactFilter, childGroup: GroupKey | null) {
  const [section, sport, level, child] = await Promise.all([
    countPeopleByGroup(db, filter, 'section'),
    countPeopleByGroup(db, filter, 'sport'),
    countPeopleByGroup(db, filter, 'level'),
    childGroup ? countPeopleByGroup(db, filter, childGroup) : Promise.resolve(new Map()),
  ]);
  return { section, sport, level, child: child as Map<string | null, number> };
}

/**
 * Counts, per breakdown row, the people of the community sports association's own events that
 * are not community games and who are not in the row's community-games set
 * (communityGamesSet). Its own events are few, so this reads their entries. A row's unique
 * participants are the set's count plus this count, because every other event of the row is a
 * community game of the division and so is in the set.
 */
async function associationPeople(
  db: Executor,
  scope: DashboardScope,
  filter: FactFilter,
  periods: string[],
  childGroup: GroupKey | null,
) {
  const own: FactFilter = {
    ...filter,
    basis: { kind: 'organisation', organisationId: scope.facts.organisationId },
    excludedSection: COMMUNITY_GAMES,
  };
  const division = scope.division.code;
  const outside = (group: GroupKey, setScope: RawBuilder<string | null>) =>
    countPeopleOutsideSets(db, own, group, setScope, periods);
  // Each expression names the set that communityGamesSet returns for the event's row.
  const [section, sport, level, org, child] = await Promise.all([
    // Only the community games section has a set, and none of these events is in it.
    outside('section', sql`null::text`),
    outside('sport', sql`${division}::text || '|cg-sport:' || f.sport`),
    outside('level', sql`${division}::text || '|cg-level:' || f.level`),
    outside('organisation', sql`${division}::text || '|cg-org:' || f.organisation_id::text`),
    childGroup
      ? outside(childGroup, sql`${communityGamesSet(division, 'unassigned')}::text`)
      : Promise.resolve(new Map<string | null, number>()),
  ]);
  return { section, sport, level, org, unassigned: child.get(null) ?? 0 };
}

/** Reads unique participants: one counter when a single set covers the figure, else a union. */
class ParticipantReader {
  private readonly single: { scope: string; period: string }[] = [];
  private readonly unions: Promise<void>[] = [];
  private counts = new Map<string, number>();

  constructor(private readonly db: Executor) {}

  /**
   * Adds the people of the union of some sets over some periods to the batch read and returns
   * the lookup of the count, which is valid after read(). An empty list of sets counts 0.
   */
  plan(scopes: string[], periods: string[]): () => number {
    if (scopes.length === 0) return () => 0;
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
    this.counts = await countParticipants(this.db, this.single);
    await Promise.all(this.unions);
  }
}

/** Plans the participant figure of each keyed row. Rows without a key get none. */
function planRows(
  reader: ParticipantReader,
  rows: { key: string | null }[],
  setsOf: (key: string) => string[],
  periods: string[],
): Map<string, () => number> {
  const planned = new Map<string, () => number>();
  for (const row of rows) {
    if (row.key !== null) planned.set(row.key, reader.plan(setsOf(row.key), periods));
  }
  return planned;
}

/**
 * Plans the participant figures of the rows of one breakdown for any scope: from the row's set
 * for a division, from the contractor's own entries (`counted`), or from the association's
 * community-games set plus its own other people (`extra`).
 */
function planBreakdown(
  reader: ParticipantReader,
  scope: DashboardScope,
  rows: FactSums[],
  dimension: Dimension,
  periods: string[],
  people: { counted?: Map<string | null, number>; extra?: Map<string | null, number> },
): Map<string, () => number> {
  const { counted, extra } = people;
  if (counted) {
    return new Map(rows.map((row) => [String(row.key), () => counted.get(row.key) ?? 0]));
  }
  if (!extra) {
    return planRows(reader, rows, (key) => [breakdownSet(scope, dimension, key)], periods);
  }
  const sets = planRows(
    reader,
    rows,
    (key) => [communityGamesSet(scope.division.code, dimension, key)].filter((s) => s !== null),
    periods,
  );
  return new Map([...sets].map(([key, fromSet]) => [key, () => fromSet() + (extra.get(key) ?? 0)]));
}

/** Reads the planned participant figure of a row; every row shown is planned. */
function participantsOf(planned: Map<string, () => number>, key: string | null): number {
  const read = planned.get(String(key));
  if (!read) throw new Error(`No participant figure planned for row ${key}`);
  return read();
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
  const previousMonths = lastYearOf(months);
  const filter = filterOf(scope, months);
  const childGroup = CHILD_GROUP[scope.division.level];
  const rankedGroup = RANKED_GROUP[scope.division.level];

  const [total, previous, monthRows, sections, sports, levels, organisers, children, ranked] =
    await Promise.all([
      sumFacts(db, filter, 'total'),
      sumFacts(db, filterOf(scope, previousMonths), 'total'),
      sumFacts(db, filterOf(scope, [previousMonths[0]!, months.at(-1)!]), 'month'),
      sumFacts(db, filter, 'section'),
      sumFacts(db, filter, 'sport'),
      sumFacts(db, filter, 'level'),
      sumFacts(db, filter, 'organisation'),
      childGroup ? sumFacts(db, filter, childGroup) : Promise.resolve([]),
      rankedGroup ? sumFacts(db, filter, rankedGroup) : Promise.resolve([]),
    ]);

  // The sets lag the entries by the queue. Applying it first shows every committed entry,
  // unless the job is applying it right now: then the figures lag by that one round.
  await applyParticipantChanges(db, { wait: false });
  const reader = new ParticipantReader(db);
  const ownSets = participantScopes(scope, scope.division.code);
  const yearPeriods = participantPeriods(months);
  const totalParticipants = reader.plan(ownSets, yearPeriods);
  const previousParticipants = reader.plan(ownSets, participantPeriods(previousMonths));
  const monthParticipants = new Map<string, () => number>();
  for (const month of [...months, ...previousMonths]) {
    monthParticipants.set(month, reader.plan(ownSets, [month]));
  }

  const contractor =
    scope.facts.kind === 'organisation' ? await ownEntryPeople(db, filter, childGroup) : null;
  const association =
    scope.facts.kind === 'community_association'
      ? await associationPeople(db, scope, filter, yearPeriods, childGroup)
      : null;
  const plan = (rows: FactSums[], dimension: Dimension) =>
    planBreakdown(reader, scope, rows, dimension, yearPeriods, {
      counted: dimension === 'org' ? undefined : contractor?.[dimension],
      extra: association?.[dimension],
    });
  const sectionParticipants = plan(sections, 'section');
  const sportParticipants = plan(sports, 'sport');
  const levelParticipants = plan(levels, 'level');
  const topOrganisers = organisers.sort(byRegistrations).slice(0, RANKING_SIZE);
  const organiserParticipants = plan(topOrganisers, 'org');

  // The events of the division that name no child division have a set of their own. A
  // community has no child division, so its unassigned row is empty.
  let unassignedParticipants: () => number = () => 0;
  if (childGroup !== null && scope.basis === 'division') {
    unassignedParticipants = reader.plan([setName(scope.division.code, 'unassigned')], yearPeriods);
  } else if (childGroup !== null && contractor) {
    unassignedParticipants = () => contractor.child.get(null) ?? 0;
  } else if (childGroup !== null && association) {
    const fromSet = reader.plan(
      [communityGamesSet(scope.division.code, 'unassigned')!],
      yearPeriods,
    );
    unassignedParticipants = () => fromSet() + association.unassigned;
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
    participants: Map<string, () => number>,
  ) =>
    rows
      .filter((row) => row.key !== null)
      .sort(byRegistrations)
      .map((row) => ({
        key: String(row.key),
        name: name(String(row.key)),
        ...figuresOf(row, participantsOf(participants, row.key)),
      }));

  return {
    period: {
      year: period.year,
      quarter: period.quarter ?? null,
      month: period.month ?? null,
    },
    ...figuresOf(total[0], totalParticipants()),
    lastYear: figuresOf(previous[0], previousParticipants()),
    months: months.map((month, index) => ({
      month,
      thisYear: figuresOf(monthSums.get(month), participantsOf(monthParticipants, month)),
      lastYear: figuresOf(
        monthSums.get(previousMonths[index]!),
        participantsOf(monthParticipants, previousMonths[index]!),
      ),
    })),
    sections: breakdown(sections, sectionName, sectionParticipants),
    sports: breakdown(sports, (key) => sportName(key) ?? key, sportParticipants),
    levels: breakdown(levels, levelName, levelParticipants),
    organisers: topOrganisers.map((row) => ({
      key: String(row.key),
      name: organisationNamesById.get(String(row.key)) ?? String(row.key),
      ...figuresOf(row, participantsOf(organiserParticipants, row.key)),
    })),
    ranking: topRanked.map((row) => {
      const division = rankedNames.get(String(row.key));
      return {
        key: String(row.key),
        name: division?.name ?? String(row.key),
        parentName: division?.parentCode
          ? (parentNames.get(division.parentCode)?.name ?? null)
          : null,
        ...figuresOf(row, participantsOf(rankedParticipants, row.key)),
      };
    }),
    children: childDivisions.map((child) => ({
      key: child.code,
      code: child.code,
      name: child.name,
      level: child.level,
      ...figuresOf(childSums.get(child.code), participantsOf(childParticipants, child.code)),
    })),
    unassigned: figuresOf(childGroup ? childSums.get(null) : undefined, unassignedParticipants()),
  };
}

/**
 * Builds the read cache key of a viewer's dashboard from everything the result depends on.
 * The account type decides the basis. The organisation decides its own events and drafts and
 * is named in the result. The home division bounds the scope, and the period defaults to the
 * current Shanghai year. It validates nothing, so an invalid query still fails in `dashboard`.
 */
export function dashboardCacheKey(
  user: Principal,
  query: DashboardPeriodQuery & { division?: string },
  now = Date.now(),
): string {
  return JSON.stringify([
    user.accountType,
    user.organisationId,
    user.organisationName,
    user.divisionCode,
    query.division ?? user.divisionCode,
    query.year ?? shanghaiYear(now),
    query.quarter ?? null,
    query.month ?? null,
  ]);
}

/**
 * Builds the dashboard of a viewer for a division of their scope and a period; the year
 * defaults to the current one (resolvePeriod). Change dashboardCacheKey along with it.
 */
export async function dashboard(
  db: Executor,
  user: Principal,
  query: DashboardPeriodQuery & { division?: string },
) {
  const scope = await resolveDashboardScope(db, user, query.division);
  const period = resolvePeriod(query);
  const figures = await dashboardFigures(db, scope, period);
  return {
    scope: { code: scope.division.code, name: scope.division.name, level: scope.division.level },
    basis: scope.basis,
    organisation: scope.organisation,
    ...figures,
  };
}

/**
 * Builds the .xlsx workbook of one figure set of a viewer's dashboard and audits the export.
 * The title and the file name give the division, the period and the figure set as the page
 * names them.
 */
export async function exportDashboardFigures(
  db: Db,
  user: Principal,
  actor: AuditActor,
  query: DashboardPeriodQuery & { division?: string; figureSet: FigureSet },
) {
  const scope = await resolveDashboardScope(db, user, query.division);
  const period = resolvePeriod(query);
  const figures = await dashboardFigures(db, scope, period);
  const periodName = periodLabel(period);
  const setName = figureSetName(query.figureSet, scope.division.level);
  const organisation = scope.organisation ? `${scope.organisation.name} · ` : '';
  const title = `${organisation}${scope.division.name} · ${periodName} · ${setName}`;
  const workbook = await buildFigureWorkbook(figures, query.figureSet, scope.division.level, title);
  await db.transaction().execute(async (trx) => {
    await recordAudit(trx, {
      ...actor,
      action: 'export.dashboard',
      entityType: 'division',
      entityId: scope.division.code,
      detail: {
        figureSet: query.figureSet,
        year: period.year,
        quarter: period.quarter ?? null,
        month: period.month ?? null,
      },
    });
  });
  // The page saves a chart's image as <area>-<period>-<chart>.png, and its data is named alike.
  // The ASCII name is for clients that do not read the UTF-8 one.
  const periodPart = [period.year, period.quarter && `Q${period.quarter}`, period.month]
    .filter(Boolean)
    .join('-');
  return {
    workbook,
    fileName: `${scope.division.name}-${periodName}-${setName}.xlsx`,
    asciiFileName: `dashboard-${scope.division.code}-${periodPart}-${query.figureSet}.xlsx`,
  };
}

/** Returns a period in Chinese words, such as 2026年第2季度, for titles. */
export function periodLabel(period: DashboardPeriod): string {
  if (period.month !== undefined) return `${period.year}年${period.month}月`;
  if (period.quarter !== undefined) return `${period.year}年第${period.quarter}季度`;
  return `${period.year}年`;
}
