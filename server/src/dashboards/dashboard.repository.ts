import { sql, type RawBuilder, type SqlBool } from 'kysely';

import type { Executor } from '../db/database.js';
import { microsecondInstantOf } from '../shared/cursor.js';

/** Events whose figures a viewer may count: the `basis` half of a dashboard scope. */
export type FactBasis =
  | { kind: 'division'; organisationId: string }
  | { kind: 'organisation'; organisationId: string }
  | { kind: 'community_association'; organisationId: string };

export interface FactFilter {
  /** The division whose events count: city, district, street or community. */
  division: { level: string; code: string };
  basis: FactBasis;
  /** First and last month (YYYY-MM), inclusive. An event without a start time is in none. */
  months: { from: string; to: string };
  /** A section whose events do not count. */
  excludedSection?: string;
}

/** Narrower selections for the list of events behind a figure. */
export interface FactDrill {
  stage?: EventStage | 'filed';
  section?: string;
  sport?: string;
  level?: string;
  organisationId?: string;
  /** A district, street or community code below the filter's division. */
  divisionCode?: string;
  /**
   * The level of the filter's division, to keep only its events that name no division one
   * level below it: the dashboard's unassigned row.
   */
  unassignedBelow?: string;
  month?: string;
}

// The column that names an event's division one level below each level. A community has no
// level below it, so none of its events is unassigned.
const CHILD_COLUMNS: Record<string, RawBuilder<string | null> | null> = {
  city: sql`f.district_code`,
  district: sql`f.street_code`,
  street: sql`f.community_code`,
  community: null,
};

export const EVENT_STAGES = [
  'draft',
  'submitted',
  'returned',
  'approved',
  'published',
  'held',
  'cancelled',
] as const;
export type EventStage = (typeof EVENT_STAGES)[number];

/**
 * The dashboard stage of an event: a published event that has ended counts as held. The fact
 * row's `ended` flag is what the rollup sums use (migration 0040), so every figure agrees.
 */
const stageExpression = sql<EventStage>`case
  when f.state = 'published' and f.ended then 'held'
  else f.state end`;

function divisionCondition(division: FactFilter['division']): RawBuilder<SqlBool> {
  switch (division.level) {
    case 'city':
      return sql<SqlBool>`true`;
    case 'district':
      return sql<SqlBool>`f.district_code = ${division.code}`;
    case 'street':
      return sql<SqlBool>`f.street_code = ${division.code}`;
    default:
      return sql<SqlBool>`f.community_code = ${division.code}`;
  }
}

/** Builds the SQL form of the basis: whose events a viewer counts (see canSeeEvent). */
function basisCondition(basis: FactBasis): RawBuilder<SqlBool> {
  const own = sql<SqlBool>`f.organisation_id = ${basis.organisationId}`;
  if (basis.kind === 'organisation') return own;
  if (basis.kind === 'community_association') {
    return sql<SqlBool>`(${own} or (f.state <> 'draft' and f.section = 'community_games'))`;
  }
  return sql<SqlBool>`(${own} or f.state <> 'draft')`;
}

function drillConditions(drill: FactDrill): RawBuilder<SqlBool>[] {
  const conditions: RawBuilder<SqlBool>[] = [];
  if (drill.stage === 'filed') conditions.push(sql`f.state <> 'draft'`);
  else if (drill.stage) conditions.push(sql`${stageExpression} = ${drill.stage}`);
  if (drill.section) conditions.push(sql`f.section = ${drill.section}`);
  if (drill.sport) conditions.push(sql`f.sport = ${drill.sport}`);
  if (drill.level) conditions.push(sql`f.level = ${drill.level}`);
  if (drill.organisationId) conditions.push(sql`f.organisation_id = ${drill.organisationId}`);
  if (drill.month) conditions.push(sql`f.month = ${drill.month}`);
  if (drill.divisionCode) {
    conditions.push(
      sql`${drill.divisionCode} in (f.district_code, f.street_code, f.community_code)`,
    );
  }
  if (drill.unassignedBelow) {
    const column = CHILD_COLUMNS[drill.unassignedBelow];
    conditions.push(column ? sql<SqlBool>`${column} is null` : sql<SqlBool>`false`);
  }
  return conditions;
}

function selectFacts(db: Executor, filter: FactFilter, drill: FactDrill = {}) {
  return db.selectFrom('dashboard_event_facts as f').where((eb) => {
    const conditions = [
      divisionCondition(filter.division),
      basisCondition(filter.basis),
      sql<SqlBool>`f.month between ${filter.months.from} and ${filter.months.to}`,
      ...drillConditions(drill),
    ];
    if (filter.excludedSection) {
      conditions.push(sql<SqlBool>`f.section <> ${filter.excludedSection}`);
    }
    return eb.and(conditions);
  });
}

/** Event counts per stage and entry counters, summed over the events of one group. */
export interface FactSums {
  key: string | null;
  draft: number;
  submitted: number;
  returned: number;
  approved: number;
  published: number;
  held: number;
  cancelled: number;
  registrations: number;
  cancellations: number;
  check_ins: number;
  /** Active entries of the events that ended before now: the check-in rate's denominator. */
  ended_registrations: number;
  /** Check-ins of the events that ended before now: the check-in rate's numerator. */
  ended_check_ins: number;
  online: number;
  on_site: number;
  partner: number;
}

/** Whether an event has ended, so that its check-ins count in a check-in rate. */
const endedExpression = sql<boolean>`f.ended`;

/** The expression a breakdown groups the events by. */
export type GroupKey =
  | 'total'
  | 'month'
  | 'section'
  | 'sport'
  | 'level'
  | 'organisation'
  | 'district'
  | 'street'
  | 'community';

const GROUP_EXPRESSIONS: Record<GroupKey, RawBuilder<string | null>> = {
  total: sql`null::text`,
  month: sql`f.month`,
  section: sql`f.section`,
  sport: sql`f.sport`,
  level: sql`f.level`,
  organisation: sql`f.organisation_id::text`,
  district: sql`f.district_code`,
  street: sql`f.street_code`,
  community: sql`f.community_code`,
};

/** Sums the facts of the filter's events, grouped by one key. */
export async function sumFacts(
  db: Executor,
  filter: FactFilter,
  group: GroupKey,
): Promise<FactSums[]> {
  const dimension = rollupDimension(filter, group);
  if (dimension !== null) return sumRolledFacts(db, filter, group, dimension);
  const stage = (name: EventStage) =>
    sql<number>`(count(*) filter (where ${stageExpression} = ${name}))::int`.as(name);
  const total = (column: string) => sql<number>`coalesce(sum(${sql.ref(column)}), 0)::int`;
  const endedTotal = (column: string) =>
    sql<number>`coalesce(sum(${sql.ref(column)}) filter (where ${endedExpression}), 0)::int`;
  return selectFacts(db, filter)
    .select([
      GROUP_EXPRESSIONS[group].as('key'),
      ...EVENT_STAGES.map(stage),
      total('f.registrations').as('registrations'),
      total('f.cancellations').as('cancellations'),
      total('f.check_ins').as('check_ins'),
      endedTotal('f.registrations').as('ended_registrations'),
      endedTotal('f.check_ins').as('ended_check_ins'),
      total('f.online').as('online'),
      total('f.on_site').as('on_site'),
      total('f.partner').as('partner'),
    ])
    .groupBy(sql`1`)
    .execute() as Promise<FactSums[]>;
}

/** The child dimensions dashboard_fact_rollups keeps for a division of each level. */
const ROLLED_CHILDREN: Record<string, GroupKey[]> = {
  city: ['district', 'street'],
  district: ['street'],
  street: ['community'],
};

/**
 * Returns the dimension of dashboard_fact_rollups that contains the sums of a group for the
 * filter, or null when the facts must be read row by row: an organiser's own events, which are
 * few, or a group the rollups do not keep at the division's level.
 */
function rollupDimension(filter: FactFilter, group: GroupKey): string | null {
  if (filter.basis.kind === 'organisation' || filter.excludedSection) return null;
  if (group === 'total' || group === 'month') return 'total';
  if (['section', 'sport', 'level', 'organisation'].includes(group)) return group;
  return ROLLED_CHILDREN[filter.division.level]?.includes(group) ? group : null;
}

const SUM_COLUMNS = [
  'registrations',
  'cancellations',
  'check_ins',
  'online',
  'on_site',
  'partner',
] as const;

/**
 * Sums a group from three parts read in one statement, so that the figures are exact at any
 * moment: the rollup sums, the queued changes not yet added to them, and the fact rows that no
 * rollup contains but the viewer counts (see migration 0040). A published event counts as held
 * once its row is marked ended, and its entries then count in the check-in rate.
 */
async function sumRolledFacts(
  db: Executor,
  filter: FactFilter,
  group: GroupKey,
  dimension: string,
): Promise<FactSums[]> {
  const { from, to } = filter.months;
  const division = divisionCondition(filter.division);
  const own = filter.basis.organisationId;

  // The association counts the community games of the division and its own events. Its own
  // events that are not community games are read from their fact rows, and so are drafts.
  const association = filter.basis.kind === 'community_association';
  let rollupKey = sql`nullif(r.key, '')`;
  if (group === 'total') rollupKey = sql`null::text`;
  if (group === 'month') rollupKey = sql`r.month`;

  const stageOf = sql`case when state = 'published' and ended then 'held' else state end`;
  const sums = sql.join(SUM_COLUMNS.map((column) => sql`f.${sql.ref(column)}`));
  const signedSums = sql.join(SUM_COLUMNS.map((column) => sql`f.sign * f.${sql.ref(column)}`));
  const names = sql.join(SUM_COLUMNS.map((column) => sql.ref(column)));
  const gamesOnly = association ? sql`f.section = 'community_games'` : sql`true`;
  const ownRows = association
    ? sql`(f.state = 'draft' or f.section <> 'community_games')`
    : sql`f.state = 'draft'`;

  const stage = (name: EventStage) =>
    sql`coalesce(sum(events) filter (where stage = ${name}), 0)::int as ${sql.id(name)}`;
  const total = (column: string) => sql`coalesce(sum(${sql.ref(column)}), 0)::int`;
  const endedTotal = (column: string) =>
    sql`coalesce(sum(${sql.ref(column)}) filter (where ended), 0)::int`;

  const result = await sql<FactSums>`
    with parts (key, stage, ended, events, ${names}) as (
      select ${rollupKey}, ${stageOf}, r.ended, r.events,
        ${sql.join(SUM_COLUMNS.map((column) => sql`r.${sql.ref(column)}`))}
      from dashboard_fact_rollups r
      where r.scope = ${filter.division.code} and r.dimension = ${dimension}
        and r.month between ${from} and ${to}
        ${association ? sql`and r.community_games` : sql``}
      union all
      select ${GROUP_EXPRESSIONS[group]}, ${stageOf}, f.ended, f.sign, ${signedSums}
      from dashboard_fact_rollup_changes f
      where ${division} and ${gamesOnly} and f.month between ${from} and ${to}
      union all
      select ${GROUP_EXPRESSIONS[group]}, ${stageOf}, f.ended, 1, ${sums}
      from dashboard_event_facts f
      where f.organisation_id = ${own} and ${ownRows} and ${division}
        and f.month between ${from} and ${to}
    )
    select key, ${sql.join(EVENT_STAGES.map(stage))},
      ${sql.join(SUM_COLUMNS.slice(0, 3).map((column) => sql`${total(column)} as ${sql.id(column)}`))},
      ${endedTotal('registrations')} as ended_registrations,
      ${endedTotal('check_ins')} as ended_check_ins,
      ${sql.join(SUM_COLUMNS.slice(3).map((column) => sql`${total(column)} as ${sql.id(column)}`))}
    from parts
    group by key
    having sum(events) > 0`.execute(db);
  return result.rows;
}

/**
 * Counts the distinct people (by mobile number hash) with an active entry in the filter's
 * events, grouped by one key. It reads those events' entries, so it suits an organiser's own
 * events and not a division's.
 */
export async function countPeopleByGroup(
  db: Executor,
  filter: FactFilter,
  group: GroupKey,
): Promise<Map<string | null, number>> {
  const rows = await selectFacts(db, filter)
    .innerJoin('registrations as r', 'r.event_id', 'f.event_id')
    .where('r.status', '=', 'active')
    .where('f.month', 'is not', null)
    .select([
      GROUP_EXPRESSIONS[group].as('key'),
      sql<number>`count(distinct r.phone_hash)::int`.as('people'),
    ])
    .groupBy(sql`1`)
    .execute();
  return new Map(rows.map((row) => [row.key, row.people]));
}

/**
 * Counts, per group, the distinct people with an active entry in the filter's events who are in
 * none of the given periods of the participant set that `setScope` names for their event (no
 * set where it is null). Added to that set's own count, this gives the people of the union of
 * the set and the events. It reads the events' entries, so it suits an organiser's own events.
 */
export async function countPeopleOutsideSets(
  db: Executor,
  filter: FactFilter,
  group: GroupKey,
  setScope: RawBuilder<string | null>,
  periods: string[],
): Promise<Map<string | null, number>> {
  const rows = await selectFacts(db, filter)
    .innerJoin('registrations as r', 'r.event_id', 'f.event_id')
    .where('r.status', '=', 'active')
    .where('f.month', 'is not', null)
    .where(
      sql<SqlBool>`not exists (
        select 1 from dashboard_participants p
        where p.scope = ${setScope}
          and p.period in (${sql.join(periods)})
          and p.person_hash = r.phone_hash)`,
    )
    .select([
      GROUP_EXPRESSIONS[group].as('key'),
      sql<number>`count(distinct r.phone_hash)::int`.as('people'),
    ])
    .groupBy(sql`1`)
    .execute();
  return new Map(rows.map((row) => [row.key, row.people]));
}

/** Lists the events behind a figure with their counters, latest start first, after a position. */
export async function listFactEvents(
  db: Executor,
  filter: FactFilter,
  drill: FactDrill,
  page: { after: { startsAt: string | null; id: string } | null; limit: number },
) {
  let query = selectFacts(db, filter, drill)
    .innerJoin('events as e', 'e.id', 'f.event_id')
    .innerJoin('organisations as o', 'o.id', 'f.organisation_id')
    .leftJoin('divisions as d', 'd.code', 'e.division_code')
    .select([
      'e.id',
      'e.name',
      'f.state',
      stageExpression.as('stage'),
      'f.level',
      'f.section',
      'f.sport',
      'f.district_code',
      'd.name as division_name',
      'o.name as organisation_name',
      sql<string | null>`to_char(e.starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`.as(
        'starts_at',
      ),
      // The start to the microsecond, for the next page's position: starts_at drops the
      // fraction of a second, and a position without it would skip events of that second.
      microsecondInstantOf<string | null>('e.starts_at').as('position'),
      'f.registrations',
      'f.cancellations',
      'f.check_ins',
      endedExpression.as('ended'),
      'f.online',
      'f.on_site',
      'f.partner',
    ])
    .orderBy(sql`e.starts_at desc nulls last`)
    .orderBy('e.id', 'desc')
    .limit(page.limit + 1);
  if (page.after) {
    const { startsAt, id } = page.after;
    query = query.where(
      startsAt === null
        ? sql<SqlBool>`e.starts_at is null and e.id < ${id}`
        : sql<SqlBool>`(e.starts_at < ${startsAt}::timestamptz
            or (e.starts_at = ${startsAt}::timestamptz and e.id < ${id})
            or e.starts_at is null)`,
    );
  }
  return query.execute();
}

/** Returns the number of people per scope and period from the sharded counters. */
export async function countParticipants(
  db: Executor,
  keys: { scope: string; period: string }[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const unique = [...new Map(keys.map((key) => [`${key.scope}|${key.period}`, key])).values()];
  if (unique.length === 0) return counts;
  // Only the requested pairs: a dashboard needs most scopes in one period and one scope in many
  // months, so the cross product of its scopes and periods would read some 20 times as many rows.
  const result = await sql<{ scope: string; period: string; participants: number }>`
    select c.scope, c.period, sum(c.participants)::int as participants
    from unnest(${unique.map((key) => key.scope)}::text[], ${unique.map((key) => key.period)}::text[])
      as k (scope, period)
    join dashboard_participant_counts c on c.scope = k.scope and c.period = k.period
    group by c.scope, c.period`.execute(db);
  for (const row of result.rows) counts.set(`${row.scope}|${row.period}`, row.participants);
  return counts;
}

/** Counts the distinct people of several scopes or periods together, from the sets. */
export async function countDistinctParticipants(
  db: Executor,
  scopes: string[],
  periods: string[],
): Promise<number> {
  if (scopes.length === 0 || periods.length === 0) return 0;
  const row = await db
    .selectFrom('dashboard_participants')
    .select(sql<number>`count(distinct person_hash)::int`.as('participants'))
    .where('scope', 'in', scopes)
    .where('period', 'in', periods)
    .executeTakeFirstOrThrow();
  return row.participants;
}

/** Names of organisations by id. */
export async function organisationNames(db: Executor, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await db
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** Names and parents of divisions by code. */
export async function divisionNames(db: Executor, codes: string[]) {
  if (codes.length === 0) return new Map<string, { name: string; parentCode: string | null }>();
  const rows = await db
    .selectFrom('divisions')
    .select(['code', 'name', 'parent_code'])
    .where('code', 'in', codes)
    .execute();
  return new Map(rows.map((row) => [row.code, { name: row.name, parentCode: row.parent_code }]));
}

/** Recomputes every summary row from the events and registrations (dashboard_rebuild). */
export async function rebuildSummaries(db: Executor): Promise<void> {
  await sql`select dashboard_rebuild()`.execute(db);
}
