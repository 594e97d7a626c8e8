import type { Executor } from '../db/database.js';
import { sql, type Insertable } from 'kysely';
import type { OrganisationTable, PendingStep, UserTable } from '../db/schema.js';

/** The signed-in user with the organisation and division names that screens show. */
export interface Principal {
  id: string;
  username: string;
  displayName: string;
  accountType: string;
  organisationId: string;
  organisationName: string;
  divisionCode: string;
  divisionName: string;
  divisionLevel: string;
  /** True until the user replaces an initial password; the console allows nothing else. */
  mustChangePassword: boolean;
  /** Whether the user has confirmed a TOTP authenticator. */
  totpEnrolled: boolean;
  /**
   * The sign-in step that the session still misses; only the TOTP routes and GET /api/me admit
   * a session while it is set. Null for a complete session and outside a session.
   */
  pendingStep: PendingStep | null;
}

/** `minutes` before the database clock's now, as SQL. */
function minutesAgo(minutes: number) {
  return sql<Date>`now() - (${minutes}::int * interval '1 minute')`;
}

function principalQuery(db: Executor) {
  return db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .innerJoin('divisions', 'divisions.code', 'users.division_code')
    .select([
      'users.id',
      'users.username',
      'users.display_name as displayName',
      'users.account_type as accountType',
      'users.organisation_id as organisationId',
      'organisations.name as organisationName',
      'users.division_code as divisionCode',
      'divisions.name as divisionName',
      'divisions.level as divisionLevel',
      'users.must_change_password as mustChangePassword',
      sql<boolean>`users.totp_secret is not null`.as('totpEnrolled'),
    ]);
}

export async function findCredentials(db: Executor, username: string) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'username',
      'password_hash',
      'account_type',
      'disabled_at',
      sql<boolean>`totp_secret is not null`.as('totpEnrolled'),
    ])
    .where('username', '=', username)
    .executeTakeFirst();
}

export async function findCredentialsById(db: Executor, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/**
 * Finds the user of a session that is neither past its absolute expiry nor idle for longer
 * than `idleMinutes`, both judged on the database clock. `stale` is true when last_seen_at
 * is more than a minute old and worth updating.
 */
export async function findPrincipalBySession(
  db: Executor,
  sessionId: string,
  idleMinutes: number,
): Promise<(Principal & { stale: boolean }) | undefined> {
  return principalQuery(db)
    .innerJoin('sessions', 'sessions.user_id', 'users.id')
    .select(sql<boolean>`sessions.last_seen_at < ${minutesAgo(1)}`.as('stale'))
    .select('sessions.pending_step as pendingStep')
    .where('sessions.id', '=', sessionId)
    .where('users.disabled_at', 'is', null)
    .where('sessions.expires_at', '>', sql<Date>`now()`)
    .where('sessions.last_seen_at', '>', minutesAgo(idleMinutes))
    .executeTakeFirst();
}

/** Sets a session's last_seen_at to now. */
export async function touchSession(db: Executor, sessionId: string) {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: sql<Date>`now()` })
    .where('id', '=', sessionId)
    .execute();
}

/** Finds a user as a principal outside any session, so with no pending sign-in step. */
export async function findPrincipal(db: Executor, userId: string): Promise<Principal | undefined> {
  const row = await principalQuery(db).where('users.id', '=', userId).executeTakeFirst();
  return row && { ...row, pendingStep: null };
}

/** Inserts a session that expires `hours` after now on the database clock; returns the expiry. */
export async function insertSession(
  db: Executor,
  session: {
    id: string;
    userId: string;
    ip: string | null;
    hours: number;
    pendingStep: PendingStep | null;
  },
): Promise<Date> {
  const row = await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      ip: session.ip,
      pending_step: session.pendingStep,
      expires_at: sql<Date>`now() + (${session.hours}::int * interval '1 hour')`,
    })
    .returning('expires_at')
    .executeTakeFirstOrThrow();
  return new Date(row.expires_at);
}

/** Deletes a session; returns its user's id, or undefined when no such session exists. */
export async function deleteSession(db: Executor, sessionId: string): Promise<string | undefined> {
  const deleted = await db
    .deleteFrom('sessions')
    .where('id', '=', sessionId)
    .returning('user_id')
    .executeTakeFirst();
  return deleted?.user_id;
}

export async function deleteSessionsOfUser(db: Executor, userId: string) {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Returns the hashes of a user's most recent passwords, newest first. */
export async function findPasswordHistory(db: Executor, userId: string, limit: number) {
  const rows = await db
    .selectFrom('password_history')
    .select('password_hash')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => row.password_hash);
}

/** Appends a password hash to a user's history and deletes all but the newest `keep` entries. */
export async function addPasswordHistory(
  db: Executor,
  entry: { id: string; userId: string; passwordHash: string; keep: number },
) {
  await db
    .insertInto('password_history')
    .values({ id: entry.id, user_id: entry.userId, password_hash: entry.passwordHash })
    .execute();
  const kept = db
    .selectFrom('password_history')
    .select('id')
    .where('user_id', '=', entry.userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(entry.keep);
  await db
    .deleteFrom('password_history')
    .where('user_id', '=', entry.userId)
    .where('id', 'not in', kept)
    .execute();
}

export async function updatePassword(db: Executor, userId: string, passwordHash: string) {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, must_change_password: false })
    .where('id', '=', userId)
    .execute();
}

/**
 * Serialises the sign-in bookkeeping of one throttle key until the transaction ends, so that
 * concurrent failures cannot all count below the limit.
 */
export async function lockThrottleKey(db: Executor, key: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(db);
}

/** Tells whether a throttle key is locked now, on the database clock. */
export async function isSignInLocked(db: Executor, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('sign_in_locks')
    .select('username')
    .where('username', '=', key)
    .where('locked_until', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertSignInFailure(
  db: Executor,
  failure: { username: string; ip: string | null; counted: boolean },
) {
  await db
    .insertInto('sign_in_failures')
    .values({ username: failure.username, ip: failure.ip, counted: failure.counted })
    .execute();
}

/** Counts a key's counted failures of the last `minutes` minutes. */
export async function countRecentSignInFailures(
  db: Executor,
  key: string,
  minutes: number,
): Promise<number> {
  const row = await db
    .selectFrom('sign_in_failures')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('username', '=', key)
    .where('counted', '=', true)
    .where('at', '>', minutesAgo(minutes))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Locks a key for `minutes` from now and stops counting its earlier failures. */
export async function lockSignIn(db: Executor, key: string, minutes: number) {
  const lockedUntil = sql<Date>`now() + (${minutes}::int * interval '1 minute')`;
  await db
    .insertInto('sign_in_locks')
    .values({ username: key, locked_until: lockedUntil })
    .onConflict((conflict) =>
      conflict.column('username').doUpdateSet({ locked_until: lockedUntil }),
    )
    .execute();
  await uncountSignInFailures(db, key);
}

/** Stops counting a key's earlier failures and lifts its lock, after a successful sign-in. */
export async function resetSignInFailures(db: Executor, key: string) {
  await uncountSignInFailures(db, key);
  await db.deleteFrom('sign_in_locks').where('username', '=', key).execute();
}

async function uncountSignInFailures(db: Executor, key: string) {
  await db
    .updateTable('sign_in_failures')
    .set({ counted: false })
    .where('username', '=', key)
    .where('counted', '=', true)
    .execute();
}

export async function insertOrganisation(db: Executor, row: Insertable<OrganisationTable>) {
  await db.insertInto('organisations').values(row).execute();
}

export async function insertUser(db: Executor, row: Insertable<UserTable>) {
  await db.insertInto('users').values(row).execute();
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Returns the division codes that have at least one street account. */
export async function listDivisionsWithStreetAccount(db: Executor): Promise<Set<string>> {
  const rows = await db
    .selectFrom('users')
    .select('division_code')
    .distinct()
    .where('account_type', '=', 'street')
    .execute();
  return new Set(rows.map((row) => row.division_code));
}

/** Serialises runs of one job across connections until the transaction ends. */
export async function lockJob(db: Executor, job: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${job}))`.execute(db);
}
