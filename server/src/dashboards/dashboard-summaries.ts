import { sql } from 'kysely';

import type { Db, Trx } from '../db/database.js';
import { rebuildSummaries } from './dashboard.repository.js';

/** Rows of each summary table that differ from a recount: stored but not recounted, or back. */
export interface SummaryDifferences {
  eventFacts: number;
  participants: number;
  participantCounts: number;
}

const TABLES = {
  eventFacts: 'dashboard_event_facts',
  participants: 'dashboard_participants',
  participantCounts: 'dashboard_participant_counts',
} as const;

/** Recomputes the dashboards' summary tables from the events and registrations. */
export async function rebuildDashboardSummaries(db: Db): Promise<void> {
  await db.transaction().execute((trx) => rebuildSummaries(trx));
}

async function countDifferences(trx: Trx, table: string, copy: string): Promise<number> {
  // Incremental counting keeps a counter row at 0 when its last person leaves; a rebuild makes
  // no such row, so rows of 0 are left out of the comparison.
  const rows = (name: string) =>
    table === TABLES.participantCounts
      ? sql`select * from ${sql.table(name)} where participants > 0`
      : sql`select * from ${sql.table(name)}`;
  const result = await sql<{ n: number }>`
    select count(*)::int as n from (
      (${rows(copy)} except all ${rows(table)})
      union all
      (${rows(table)} except all ${rows(copy)})
    ) as differences`.execute(trx);
  return result.rows[0]?.n ?? 0;
}

class RolledBack extends Error {
  constructor(readonly differences: SummaryDifferences) {
    super('Rolled back after the summary check');
  }
}

/**
 * Compares the summary tables with a recount from the events and registrations: it copies
 * them, rebuilds them inside a transaction, compares, and rolls the rebuild back, so the
 * stored summaries stay as they were. Writers wait while it runs (the rebuild's share locks).
 */
export async function checkDashboardSummaries(db: Db): Promise<SummaryDifferences> {
  try {
    await db.transaction().execute(async (trx) => {
      await sql`lock table events, registrations in share mode`.execute(trx);
      for (const [key, table] of Object.entries(TABLES)) {
        await sql`create temporary table ${sql.table(`stored_${key}`)} on commit drop as
          select * from ${sql.table(table)}`.execute(trx);
      }
      await rebuildSummaries(trx);
      const differences = {} as SummaryDifferences;
      for (const [key, table] of Object.entries(TABLES) as [keyof SummaryDifferences, string][]) {
        differences[key] = await countDifferences(trx, table, `stored_${key}`);
      }
      throw new RolledBack(differences);
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.differences;
    throw error;
  }
  throw new Error('The summary check transaction committed');
}
