import { sql, type Kysely } from 'kysely';

/**
 * Records which signed-in citizen submitted an entry. The entry belongs to the person entered,
 * found by the mobile number's hash, and the submitting account also lists and cancels it, so a
 * citizen who enters a family member with another number keeps that entry in the account.
 * Null for entries made without a citizen session (and for every entry before this migration).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table registrations
      add column submitted_by_citizen_id uuid references citizens (id) on delete set null`.execute(
    db,
  );
  await sql`
    create index registrations_submitted_by_citizen_idx
      on registrations (submitted_by_citizen_id, id desc)
      where submitted_by_citizen_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index registrations_submitted_by_citizen_idx`.execute(db);
  await sql`alter table registrations drop column submitted_by_citizen_id`.execute(db);
}
