import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';

import type { Db, Executor, Trx } from '../db/database.js';
import { startPeriodicJob } from '../shared/periodic-job.js';
import { rebuildSummaries } from './dashboard.repository.js';

/**
 * Queued participant-set changes applied per statement. A row of a registration batch carries
 * up to 250 people in some 60 set rows each, so 8 rows keep one statement to a few seconds.
 */
const APPLY_BATCH = 8;

const QUEUE_LOCK = sql`hashtextextended('dashboard_participant_changes', 0)`;

/**
 * Applies APPLY_BATCH queue rows per statement until the queue is empty, or until `stop` returns
 * true after a statement. Returns how many rows it applied and whether it emptied the queue.
 */
async function applyBatches(
  db: Executor,
  stop: () => boolean = () => false,
): Promise<{ applied: number; emptied: boolean }> {
  let applied = 0;
  for (;;) {
    const result = await sql<{ claimed: number }>`
      select dashboard_apply_participant_changes(${APPLY_BATCH}) as claimed`.execute(db);
    const claimed = result.rows[0]?.claimed ?? 0;
    applied += claimed;
    if (claimed < APPLY_BATCH) return { applied, emptied: true };
    if (stop()) return { applied, emptied: false };
  }
}

/**
 * Applies the queued participant-set changes (see migration 0038) until the queue is empty,
 * APPLY_BATCH queue rows per statement, and returns how many rows it applied. With `wait`
 * false it applies nothing while another caller holds the queue's lock, so a dashboard read
 * does not wait behind the job. A caller inside a transaction holds the lock until it ends.
 */
export async function applyParticipantChanges(
  db: Executor,
  { wait = true }: { wait?: boolean } = {},
): Promise<number> {
  if (wait) return (await applyBatches(db)).applied;
  const pending = await sql<{ queued: boolean }>`
    select exists (select 1 from dashboard_participant_changes) as queued`.execute(db);
  if (!pending.rows[0]?.queued) return 0;
  const run = async (trx: Executor) => {
    const locked = await sql<{ locked: boolean }>`
      select pg_try_advisory_xact_lock(${QUEUE_LOCK}) as locked`.execute(trx);
    return locked.rows[0]?.locked ? (await applyBatches(trx)).applied : 0;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * Marks the fact rows of the events that have ended since they were written, which queues them
 * for the rollup sums (see migration 0040), and returns how many it marked.
 */
export async function markEndedFacts(db: Executor): Promise<number> {
  const result = await sql<{ marked: number }>`
    select dashboard_mark_ended_facts() as marked`.execute(db);
  return result.rows[0]?.marked ?? 0;
}

/** Adds the queued fact changes to the rollup sums and returns how many queue rows it took. */
export async function applyRollupChanges(db: Executor): Promise<number> {
  const result = await sql<{ applied: number }>`
    select dashboard_apply_rollup_changes() as applied`.execute(db);
  return result.rows[0]?.applied ?? 0;
}

/**
 * Maximum time the summary job defers the participant sets while registrations are in progress.
 */
export const MAX_PARTICIPANT_DEFERRAL_MS = 10_000;

/**
 * Returns one round of the summary job. A round applies the queued participant-set changes,
 * marks the facts of the events that have ended, and adds the queued fact changes to the rollup
 * sums. While `registering()` returns true (registrations are in progress), it leaves the
 * participant sets for later, until `maxDeferralMs` after the queue was last emptied: applying
 * them costs more database time than the entries did, and a flash crowd needs that time. A
 * round that is applying when registrations start stops after its current statement. A
 * dashboard applies the queue before it reads the sets, so it still counts every entry.
 * Resolves to whether the round applied participant sets.
 */
export function summaryRound(
  db: Db,
  {
    registering = () => false,
    maxDeferralMs = MAX_PARTICIPANT_DEFERRAL_MS,
    now = Date.now,
  }: { registering?: () => boolean; maxDeferralMs?: number; now?: () => number } = {},
): () => Promise<boolean> {
  let emptiedAt = now();
  const deferring = () => registering() && now() - emptiedAt < maxDeferralMs;
  return async () => {
    const due = !deferring();
    if (due && (await applyBatches(db, deferring)).emptied) emptiedAt = now();
    await markEndedFacts(db);
    await applyRollupChanges(db);
    return due;
  };
}

/**
 * Starts the summary job, which runs a `summaryRound` every `intervalMs` until stopped.
 * `registering` returns whether this process has registrations in progress.
 */
export function startSummaryJob(
  db: Db,
  log: FastifyBaseLogger,
  { intervalMs = 1000, registering }: { intervalMs?: number; registering?: () => boolean } = {},
): () => void {
  const job = startPeriodicJob({
    intervalMs,
    log,
    failureMessage: 'dashboard summary update failed',
    round: summaryRound(db, { registering }),
  });
  return job.stop;
}

/** Rows of each summary table that differ from a recount: stored but not recounted, or back. */
export interface SummaryDifferences {
  eventFacts: number;
  participants: number;
  participantCounts: number;
  factRollups: number;
}

const TABLES = {
  eventFacts: 'dashboard_event_facts',
  participants: 'dashboard_participants',
  participantCounts: 'dashboard_participant_counts',
  factRollups: 'dashboard_fact_rollups',
} as const;

/** Recomputes the dashboards' summary tables from the events and registrations. */
export async function rebuildDashboardSummaries(db: Db): Promise<void> {
  await db.transaction().execute((trx) => rebuildSummaries(trx));
}

async function countDifferences(trx: Trx, table: string, copy: string): Promise<number> {
  // Incremental counting keeps a counter or a sum at 0 when its last person or event leaves.
  // A rebuild makes no such row, so rows of 0 are left out of the comparison.
  const rows = (name: string) => {
    if (table === TABLES.participantCounts) {
      return sql`select * from ${sql.table(name)} where participants > 0`;
    }
    if (table === TABLES.factRollups) {
      return sql`select * from ${sql.table(name)} where events <> 0`;
    }
    return sql`select * from ${sql.table(name)}`;
  };
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
      await applyParticipantChanges(trx);
      // The recount marks every ended event, so marking first compares the sums, not the lag.
      await markEndedFacts(trx);
      await applyRollupChanges(trx);
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
