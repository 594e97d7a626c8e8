import { sql, type Insertable, type UpdateObject } from 'kysely';

import type { Executor } from '../db/database.js';
import type { CitizenTable, Database } from '../db/schema.js';

/** Inserts a citizen unless one with the number exists; returns the id of either. */
export async function findOrInsertCitizen(
  db: Executor,
  row: Insertable<CitizenTable>,
): Promise<{ id: string; created: boolean }> {
  const inserted = await db
    .insertInto('citizens')
    .values(row)
    .onConflict((conflict) => conflict.column('phone_hash').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await db
    .selectFrom('citizens')
    .select('id')
    .where('phone_hash', '=', row.phone_hash)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

export async function findCitizen(db: Executor, id: string) {
  return db
    .selectFrom('citizens')
    .select([
      'id',
      'phone_masked',
      'phone_ciphertext',
      'real_name_ciphertext',
      'real_name_masked',
      'id_number_ciphertext',
      'id_number_masked',
      'id_consent_at',
      'gender',
      sql<string | null>`birth_date::text`.as('birth_date'),
      'favourite_sports',
      'district_code',
      'updated_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findPhoneHash(db: Executor, id: string) {
  return db.selectFrom('citizens').select('phone_hash').where('id', '=', id).executeTakeFirst();
}

export async function updateCitizen(
  db: Executor,
  id: string,
  changes: UpdateObject<Database, 'citizens'>,
) {
  await db
    .updateTable('citizens')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export async function insertSession(
  db: Executor,
  row: { id: string; citizenId: string; ip: string | null; days: number },
) {
  return db
    .insertInto('citizen_sessions')
    .values({
      id: row.id,
      citizen_id: row.citizenId,
      ip: row.ip,
      expires_at: sql<Date>`now() + make_interval(days => ${row.days})`,
    })
    .returning('expires_at')
    .executeTakeFirstOrThrow();
}

/** Returns the citizen of an unexpired, unrevoked session. */
export async function findSessionCitizen(db: Executor, sessionId: string) {
  return db
    .selectFrom('citizen_sessions')
    .select(['citizen_id'])
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Revokes a live session; returns its citizen, or undefined when there was none. */
export async function revokeSession(db: Executor, sessionId: string) {
  return db
    .updateTable('citizen_sessions')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .returning('citizen_id')
    .executeTakeFirst();
}
