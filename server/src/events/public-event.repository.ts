import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type RawBuilder,
  type SqlBool,
} from 'kysely';

import type { Executor } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { groupPlacesLeft } from './event.repository.js';
import type { SearchTerm } from './event-search.js';

/** Filters of the public event list and calendar, already checked by the service. */
export interface PublicEventFilter {
  terms: SearchTerm[];
  section?: string;
  district?: string;
  street?: string;
  sports: string[];
  /** First Shanghai calendar day (YYYY-MM-DD) the event must reach. */
  from?: string;
  /** Last Shanghai calendar day (YYYY-MM-DD) the event may start on. */
  to?: string;
  fee?: 'free' | 'paid';
  maxFeeCents?: number;
  /** Only events taking registrations now, on the database clock, with places left. */
  open?: boolean;
}

type EventsBuilder = ExpressionBuilder<Database, 'events'>;

/** Start of a Shanghai calendar day as an instant. */
const dayStart = (day: string) => sql<Date>`(${day}::date)::timestamp at time zone 'Asia/Shanghai'`;
const dayEnd = (day: string) =>
  sql<Date>`(${day}::date + 1)::timestamp at time zone 'Asia/Shanghai'`;

/** The stored search document, which the events_search index indexes. */
const searchDocument = sql<string>`events.search_document`;

/** The stored full-pinyin document, which the events_pinyin_search index indexes. */
const pinyinDocument = sql<string>`events.pinyin_document`;

/** Escapes the LIKE wildcards of a search word, so that it matches literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * Matches one search word: on the event's own text and its full pinyin, or through the
 * sports, districts and streets that the word matches. With `gramIndexes`, the text and pinyin
 * matches also compare the word's grams with the document's, so that a query on published
 * events only is served by the events_search and events_pinyin_search indexes. Without it,
 * `like` alone matches the same rows, which suits events of other states: the indexes leave
 * them out, and computing their grams row by row would cost more than `like`.
 *
 * Every row that the indexes return is checked against the whole condition, where computing
 * the grams is the costly part. PostgreSQL promises no evaluation order, but PostgreSQL 15
 * evaluated these operands as written and stopped at the first that decided. So the code
 * comparisons come first and `like` precedes the grams, which are then computed only for rows
 * that match. On the benchmark's 1x data (2,000 events) that took `lanqiu` and `xuhui` from
 * 65 to 85 ms to 1 to 3 ms each in EXPLAIN ANALYZE.
 */
export function searchTermMatches(
  term: SearchTerm,
  options: { gramIndexes: boolean },
): RawBuilder<SqlBool> {
  const alternatives: RawBuilder<SqlBool>[] = [];
  if (term.sports.length > 0) {
    alternatives.push(sql<SqlBool>`events.sport in (${sql.join(term.sports)})`);
  }
  if (term.districts.length > 0) {
    alternatives.push(sql<SqlBool>`events.district_code in (${sql.join(term.districts)})`);
  }
  if (term.streets.length > 0) {
    alternatives.push(sql<SqlBool>`events.division_code in (${sql.join(term.streets)})`);
  }
  const textMatch = sql<SqlBool>`${searchDocument} like ${`%${escapeLike(term.text)}%`}`;
  alternatives.push(
    options.gramIndexes
      ? sql<SqlBool>`(${textMatch} and search_grams(${searchDocument}) @> ${gramArray(term.grams)})`
      : textMatch,
  );
  if (term.pinyin !== null) {
    // Each suffix in the pinyin document follows a space, so the word must start a syllable.
    const pinyinMatch = sql<SqlBool>`${pinyinDocument} like ${`% ${escapeLike(term.pinyin)}%`}`;
    alternatives.push(
      options.gramIndexes
        ? sql<SqlBool>`(${pinyinMatch}
          and search_grams(${pinyinDocument}) @> ${gramArray(term.pinyinGrams)})`
        : pinyinMatch,
    );
  }
  return sql<SqlBool>`(${sql.join(alternatives, sql` or `)})`;
}

function gramArray(grams: string[]) {
  return sql`array[${sql.join(grams)}]::text[]`;
}

/** Builds the where-clause of published events that pass every filter. */
export function publicEventConditions(filter: PublicEventFilter) {
  return (eb: EventsBuilder): Expression<SqlBool> => {
    const conditions: Expression<SqlBool>[] = [eb('events.state', '=', 'published')];
    for (const term of filter.terms) {
      conditions.push(searchTermMatches(term, { gramIndexes: true }));
    }
    if (filter.section) conditions.push(eb('events.section', '=', filter.section));
    if (filter.district) conditions.push(eb('events.district_code', '=', filter.district));
    if (filter.street) conditions.push(eb('events.division_code', '=', filter.street));
    if (filter.sports.length > 0) conditions.push(eb('events.sport', 'in', filter.sports));
    if (filter.from) conditions.push(eb('events.ends_at', '>', dayStart(filter.from)));
    if (filter.to) conditions.push(eb('events.starts_at', '<', dayEnd(filter.to)));
    if (filter.fee === 'free') {
      conditions.push(eb.or([eb('events.fee_cents', 'is', null), eb('events.fee_cents', '=', 0)]));
    }
    if (filter.fee === 'paid') conditions.push(eb('events.fee_cents', '>', 0));
    if (filter.maxFeeCents !== undefined) {
      conditions.push(
        eb.or([
          eb('events.fee_cents', 'is', null),
          eb('events.fee_cents', '<=', filter.maxFeeCents),
        ]),
      );
    }
    if (filter.open) {
      conditions.push(
        sql<SqlBool>`(events.registration_opens_at <= now()
          and events.registration_closes_at > now()
          and events.registered_count < events.capacity
          and coalesce(${groupPlacesLeft()}, 1) > 0)`,
      );
    }
    return eb.and(conditions);
  };
}

/**
 * Returns the first and last Shanghai day of each published event that passes the filter and
 * covers part of the days from `from` to `to`.
 */
export async function findEventDays(
  db: Executor,
  filter: PublicEventFilter & { from: string; to: string },
): Promise<{ first_day: string; last_day: string }[]> {
  return db
    .selectFrom('events')
    .where(publicEventConditions(filter))
    .select([
      sql<string>`to_char(events.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`.as(
        'first_day',
      ),
      // An event that ends at midnight does not reach the next day.
      sql<string>`to_char((events.ends_at - interval '1 microsecond') at time zone 'Asia/Shanghai',
        'YYYY-MM-DD')`.as('last_day'),
    ])
    .execute();
}
