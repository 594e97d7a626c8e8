import { sql, type Kysely } from 'kysely';

/** Admits the platform roles, operator and security officer, as account types. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop constraint users_account_type_check`.execute(db);
  await sql`
    alter table users add constraint users_account_type_check check (account_type in
      ('sports_bureau', 'committee', 'district_bureau', 'contractor', 'community_association',
       'street', 'operator', 'security_officer'))`.execute(db);
}

/** Restores the six business account types; fails while platform accounts exist. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop constraint users_account_type_check`.execute(db);
  await sql`
    alter table users add constraint users_account_type_check check (account_type in
      ('sports_bureau', 'committee', 'district_bureau', 'contractor', 'community_association',
       'street'))`.execute(db);
}
