import { sql, type Kysely } from 'kysely';

/**
 * Adds the preset number of street accounts made by `accounts:preset-streets`: number N is
 * the account named SAGYWTB followed by N in three digits.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column preset_number integer`.execute(db);
  await sql`
    create unique index users_preset_number on users (preset_number)
    where preset_number is not null`.execute(db);
}

/** Drops the preset number. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists users_preset_number`.execute(db);
  await sql`alter table users drop column if exists preset_number`.execute(db);
}
