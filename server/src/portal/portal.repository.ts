import { sql, type Insertable, type Updateable } from 'kysely';

import type { Executor } from '../db/database.js';
import type { PortalRegistrationTable } from '../db/schema.js';

/** Inserts a pending portal log-in that expires `minutes` after now on the database clock. */
export async function insertLogin(
  db: Executor,
  login: { id: string; state: string; nonce: string; codeVerifier: string; minutes: number },
) {
  await db
    .insertInto('portal_logins')
    .values({
      id: login.id,
      state: login.state,
      nonce: login.nonce,
      code_verifier: login.codeVerifier,
      expires_at: sql<Date>`now() + (${login.minutes}::int * interval '1 minute')`,
    })
    .execute();
}

/** Deletes a portal log-in and returns it when it had not expired, so that it is used once. */
export async function takeLogin(db: Executor, id: string) {
  const row = await db
    .deleteFrom('portal_logins')
    .where('id', '=', id)
    .returning(['state', 'nonce', 'code_verifier', sql<boolean>`expires_at > now()`.as('live')])
    .executeTakeFirst();
  return row?.live ? row : undefined;
}

/** Deletes expired portal log-ins. */
export async function deleteExpiredLogins(db: Executor) {
  await db
    .deleteFrom('portal_logins')
    .where('expires_at', '<=', sql<Date>`now()`)
    .execute();
}

export async function findUserBySubject(db: Executor, subject: string) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'account_type'])
    .where('portal_subject', '=', subject)
    .executeTakeFirst();
}

/** Finds the oldest user of the organisation with this credit code, with its portal subject. */
export async function findUserByCreditCode(db: Executor, creditCode: string) {
  return db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select(['users.id', 'users.username', 'users.account_type', 'users.portal_subject'])
    .where('organisations.credit_code', '=', creditCode)
    .orderBy('users.created_at')
    .orderBy('users.id')
    .executeTakeFirst();
}

/** Loads a user for linking, locking the row until the transaction ends. */
export async function lockUser(db: Executor, userId: string) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'username',
      'account_type',
      'organisation_id',
      'portal_subject',
      'preset_number',
    ])
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
}

/** Sets a user's portal subject where none is set yet; returns whether it was set. */
export async function linkSubject(db: Executor, userId: string, subject: string) {
  const result = await db
    .updateTable('users')
    .set({ portal_subject: subject })
    .where('id', '=', userId)
    .where('portal_subject', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateOrganisationIdentity(
  db: Executor,
  organisationId: string,
  identity: { name: string; creditCode: string },
) {
  await db
    .updateTable('organisations')
    .set({ name: identity.name, credit_code: identity.creditCode })
    .where('id', '=', organisationId)
    .execute();
}

const REGISTRATION_COLUMNS = [
  'portal_registrations.id',
  'portal_registrations.subject',
  'portal_registrations.credit_code',
  'portal_registrations.organisation_name',
  'portal_registrations.status',
  'portal_registrations.account_type',
  'portal_registrations.division_code',
  'portal_registrations.password_hash',
  'portal_registrations.reject_reason',
  'portal_registrations.user_id',
  'portal_registrations.created_at',
  'portal_registrations.updated_at',
  'portal_registrations.decided_at',
] as const;

/** Finds the open (started, pending or rejected) registration of a credit code. */
export async function findOpenRegistration(db: Executor, creditCode: string) {
  return db
    .selectFrom('portal_registrations')
    .select(REGISTRATION_COLUMNS)
    .where('credit_code', '=', creditCode)
    .where('status', 'in', ['started', 'pending', 'rejected'])
    .executeTakeFirst();
}

/** Finds the registration of a live cookie token. */
export async function findRegistrationByToken(db: Executor, tokenHash: string) {
  return db
    .selectFrom('portal_registrations')
    .select(REGISTRATION_COLUMNS)
    .where('token_hash', '=', tokenHash)
    .where('token_expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Loads a registration by id, locking it until the transaction ends. */
export async function lockRegistration(db: Executor, id: string) {
  return db
    .selectFrom('portal_registrations')
    .select(REGISTRATION_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Inserts a started registration unless the credit code already has an open one (a concurrent
 * callback of the same organisation); returns whether it inserted.
 */
export async function insertRegistration(
  db: Executor,
  row: Omit<Insertable<PortalRegistrationTable>, 'updated_at' | 'token_expires_at'>,
  tokenMinutes: number,
): Promise<boolean> {
  const result = await db
    .insertInto('portal_registrations')
    .values({
      ...row,
      token_expires_at: sql<Date>`now() + (${tokenMinutes}::int * interval '1 minute')`,
      updated_at: sql<Date>`now()`,
    })
    .onConflict((conflict) =>
      conflict
        .column('credit_code')
        .where('status', 'in', ['started', 'pending', 'rejected'])
        .doNothing(),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Updates a registration; `decided` also stamps decided_at with the database clock. */
export async function updateRegistration(
  db: Executor,
  id: string,
  changes: Omit<
    Updateable<PortalRegistrationTable>,
    'updated_at' | 'token_expires_at' | 'decided_at'
  >,
  options: { decided?: boolean } = {},
) {
  const decided = options.decided ? { decided_at: sql<Date>`now()` } : {};
  await db
    .updateTable('portal_registrations')
    .set({ ...changes, ...decided, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** Gives a registration a new cookie token that expires `minutes` after now. */
export async function setRegistrationToken(
  db: Executor,
  id: string,
  token: { hash: string; minutes: number; subject: string },
) {
  await db
    .updateTable('portal_registrations')
    .set({
      subject: token.subject,
      token_hash: token.hash,
      token_expires_at: sql<Date>`now() + (${token.minutes}::int * interval '1 minute')`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** Lists registrations in a status, oldest first, with the district or city name. */
export async function listRegistrations(db: Executor, status: string) {
  return db
    .selectFrom('portal_registrations')
    .leftJoin('divisions', 'divisions.code', 'portal_registrations.division_code')
    .select(REGISTRATION_COLUMNS)
    .select('divisions.name as division_name')
    .where('portal_registrations.status', '=', status as 'pending')
    .orderBy('portal_registrations.updated_at')
    .orderBy('portal_registrations.id')
    .limit(200)
    .execute();
}
