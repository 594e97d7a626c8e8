import type { Executor } from '../db/database.js';
import type { Insertable } from 'kysely';
import type { OrganisationTable, UserTable } from '../db/schema.js';

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
    ]);
}

export async function findCredentials(db: Executor, username: string) {
  return db
    .selectFrom('users')
    .select(['id', 'password_hash'])
    .where('username', '=', username)
    .executeTakeFirst();
}

export async function findPrincipalBySession(
  db: Executor,
  sessionId: string,
): Promise<Principal | undefined> {
  return principalQuery(db)
    .innerJoin('sessions', 'sessions.user_id', 'users.id')
    .where('sessions.id', '=', sessionId)
    .where('sessions.expires_at', '>', new Date())
    .executeTakeFirst();
}

export async function findPrincipal(db: Executor, userId: string) {
  return principalQuery(db).where('users.id', '=', userId).executeTakeFirst();
}

export async function insertSession(
  db: Executor,
  session: { id: string; userId: string; ip: string | null; expiresAt: Date },
) {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      ip: session.ip,
      expires_at: session.expiresAt,
    })
    .execute();
}

export async function deleteSession(db: Executor, sessionId: string) {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
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
