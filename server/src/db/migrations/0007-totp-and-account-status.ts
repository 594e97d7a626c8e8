import { sql, type Kysely } from 'kysely';

/**
 * Adds two-factor sign-in (TOTP) and disabled accounts. A user's TOTP secret is stored
 * encrypted; `totp_last_step` is the last accepted 30-second time step, so that a code of that
 * step or an earlier one is rejected. A session's `pending_step` names the step still missing
 * after the password: the one-time code or the enrolment.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column totp_secret text`.execute(db);
  await sql`alter table users add column totp_pending_secret text`.execute(db);
  await sql`alter table users add column totp_last_step integer`.execute(db);
  await sql`alter table users add column totp_enrolled_at timestamptz`.execute(db);
  await sql`alter table users add column disabled_at timestamptz`.execute(db);
  await sql`
    alter table sessions add column pending_step text
    check (pending_step in ('totp', 'totp_enrolment'))`.execute(db);
}

/** Drops the columns the migration added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sessions drop column if exists pending_step`.execute(db);
  await sql`alter table users drop column if exists disabled_at`.execute(db);
  await sql`alter table users drop column if exists totp_enrolled_at`.execute(db);
  await sql`alter table users drop column if exists totp_last_step`.execute(db);
  await sql`alter table users drop column if exists totp_pending_secret`.execute(db);
  await sql`alter table users drop column if exists totp_secret`.execute(db);
}
