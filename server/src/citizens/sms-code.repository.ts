import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import type { SmsCodeTable } from '../db/schema.js';
import type { Insertable } from 'kysely';

export async function insertCode(
  db: Executor,
  row: Omit<Insertable<SmsCodeTable>, 'expires_at'>,
  validMinutes: number,
) {
  await db
    .insertInto('sms_codes')
    .values({ ...row, expires_at: sql<Date>`now() + make_interval(mins => ${validMinutes})` })
    .execute();
}

/** Selects the id of a number's newest code, the only one that can still sign in. */
function latestCodeId(db: Executor, phoneHash: string) {
  return db
    .selectFrom('sms_codes')
    .select('id')
    .where('phone_hash', '=', phoneHash)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1);
}

/**
 * Consumes the number's newest code when it matches, is unexpired, unused and not burnt. The
 * conditional update is the single-use guard: of two parallel calls, the second waits for the
 * first's row lock, then finds `consumed_at` set and matches nothing.
 */
export async function consumeCode(
  db: Executor,
  phoneHash: string,
  codeHash: string,
  maxFailures: number,
): Promise<boolean> {
  const result = await db
    .updateTable('sms_codes')
    .set({ consumed_at: sql`now()` })
    .where('id', '=', latestCodeId(db, phoneHash))
    .where('code_hash', '=', codeHash)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('failed_attempts', '<', maxFailures)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Counts a wrong try against the number's newest live code. */
export async function countFailure(db: Executor, phoneHash: string, maxFailures: number) {
  await db
    .updateTable('sms_codes')
    .set({ failed_attempts: sql`failed_attempts + 1` })
    .where('id', '=', latestCodeId(db, phoneHash))
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('failed_attempts', '<', maxFailures)
    .execute();
}

/** Tells whether a code can still be used, so that its SMS is worth sending. */
export async function isCodeLive(db: Executor, id: string, maxFailures: number) {
  const row = await db
    .selectFrom('sms_codes')
    .select('id')
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('failed_attempts', '<', maxFailures)
    .executeTakeFirst();
  return row !== undefined;
}

/** Tells whether the number's newest code is unused and unexpired but burnt by wrong tries. */
export async function isLatestCodeBurnt(db: Executor, phoneHash: string, maxFailures: number) {
  const row = await db
    .selectFrom('sms_codes')
    .select('id')
    .where('id', '=', latestCodeId(db, phoneHash))
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('failed_attempts', '>=', maxFailures)
    .executeTakeFirst();
  return row !== undefined;
}
