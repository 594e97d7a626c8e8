import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';

import type { Db } from '../db/database.js';
import { startPeriodicJob } from './periodic-job.js';

/** Most rows deleted in one statement, so a large backlog does not hold long locks. */
const PURGE_BATCH = 1000;

/**
 * The tables the purge job cleans, each with the condition under which a row is deleted because
 * no request reads it any more. Sign-in codes are read only until they expire after five
 * minutes, console lockouts count the last fifteen minutes of failures and the
 * sign-in failure alert looks back at most a day, so each table keeps its rows past those
 * windows.
 */
export const PURGE_RULES = [
  {
    table: 'sms_codes',
    condition: sql`created_at < now() - interval '1 day'`,
  },
  {
    table: 'citizen_sessions',
    condition: sql`expires_at < now() or revoked_at is not null`,
  },
  {
    table: 'sessions',
    condition: sql`expires_at < now()`,
  },
  {
    table: 'sign_in_failures',
    condition: sql`at < now() - interval '30 days'`,
  },
  {
    table: 'sign_in_locks',
    condition: sql`locked_until < now()`,
  },
] as const;

export type PurgedTable = (typeof PURGE_RULES)[number]['table'];

/**
 * Deletes expired sign-in codes, ended sessions and old sign-in failures in batches. Two
 * processes running it at once only delete each row once, because a batch skips the rows
 * another one has locked. Returns the rows deleted per table.
 */
export async function purgeExpiredRows(db: Db): Promise<Record<PurgedTable, number>> {
  const deleted = {} as Record<PurgedTable, number>;
  for (const rule of PURGE_RULES) {
    const table = sql.table(rule.table);
    let total = 0;
    for (;;) {
      const result = await sql`
        delete from ${table} where ctid = any(array(
          select ctid from ${table} where ${rule.condition}
          limit ${PURGE_BATCH} for update skip locked
        ))`.execute(db);
      const count = Number(result.numAffectedRows ?? 0);
      total += count;
      if (count < PURGE_BATCH) break;
    }
    deleted[rule.table] = total;
  }
  return deleted;
}

/** Runs `purgeExpiredRows` every `intervalMs` until the returned function is called. */
export function startExpiredRowPurge(
  db: Db,
  log: FastifyBaseLogger,
  intervalMs = 60 * 60_000,
): () => void {
  const job = startPeriodicJob({
    intervalMs,
    log,
    failureMessage: 'expired row purge failed',
    round: async () => {
      const deleted = await purgeExpiredRows(db);
      if (Object.values(deleted).some((count) => count > 0)) {
        log.info({ deleted }, 'expired rows purged');
      }
    },
  });
  return job.stop;
}
