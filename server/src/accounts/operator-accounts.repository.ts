import { sql } from 'kysely';

import type { Executor } from '../db/database.js';

/** Filters and page position of the operator's account list. */
export interface AccountListQuery {
  accountType?: string;
  /** A division code: the accounts scoped to it and, for a district, to its streets. */
  divisionCode?: string;
  /** Part of the username, compared without case. */
  search?: string;
  afterUsername?: string;
  limit: number;
}

/** Escapes LIKE wildcards so that a search matches them literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** Lists accounts in username order with their sign-in state, one page after `afterUsername`. */
export async function listAccounts(db: Executor, query: AccountListQuery) {
  let select = db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .innerJoin('divisions', 'divisions.code', 'users.division_code')
    .select([
      'users.id',
      'users.username',
      'users.display_name as displayName',
      'users.account_type as accountType',
      'users.division_code as divisionCode',
      'divisions.name as divisionName',
      'organisations.name as organisationName',
      'users.must_change_password as mustChangePassword',
      'users.preset_number as presetNumber',
      'users.disabled_at as disabledAt',
      'users.created_at as createdAt',
      sql<boolean>`users.totp_secret is not null`.as('totpEnrolled'),
      sql<boolean>`exists (
        select 1 from sign_in_locks
        where sign_in_locks.username = lower(users.username) and locked_until > now())`.as(
        'locked',
      ),
    ]);
  if (query.accountType) select = select.where('users.account_type', '=', query.accountType);
  if (query.divisionCode) {
    const code = query.divisionCode;
    select = select.where((eb) =>
      eb.or([eb('divisions.code', '=', code), eb('divisions.district_code', '=', code)]),
    );
  }
  if (query.search) {
    select = select.where(
      sql<boolean>`users.username ilike ${likePattern(query.search)} escape '\\'`,
    );
  }
  if (query.afterUsername !== undefined) {
    select = select.where('users.username', '>', query.afterUsername);
  }
  return select.orderBy('users.username').limit(query.limit).execute();
}

/** Finds the account an operator acts on, with the fields its actions change. */
export async function findManagedUser(db: Executor, userId: string) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'username',
      'account_type',
      'must_change_password',
      'disabled_at',
      sql<boolean>`totp_secret is not null`.as('totpEnrolled'),
    ])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** Sets an initial password that the user must change at the next sign-in. */
export async function setInitialPassword(db: Executor, userId: string, passwordHash: string) {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, must_change_password: true })
    .where('id', '=', userId)
    .execute();
}

/** Disables an account from now, or enables it again. */
export async function setDisabled(db: Executor, userId: string, disabled: boolean) {
  await db
    .updateTable('users')
    .set({ disabled_at: disabled ? sql<Date>`now()` : null })
    .where('id', '=', userId)
    .execute();
}
