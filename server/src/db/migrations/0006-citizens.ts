import { sql, type Kysely } from 'kysely';

/**
 * Creates the citizens, their sessions and SMS sign-in codes, the development SMS log, and
 * adds retry scheduling to the notification outbox.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table citizens (
      id uuid primary key,
      phone_ciphertext text not null,
      phone_hash text not null unique,
      phone_masked text not null,
      real_name_ciphertext text,
      real_name_masked text,
      id_number_ciphertext text,
      id_number_hash text,
      id_number_masked text,
      id_consent_at timestamptz,
      gender text check (gender in ('male', 'female')),
      birth_date date,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint citizens_id_number_consent
        check (id_number_ciphertext is null or id_consent_at is not null)
    )`.execute(db);
  // Not unique: one person may sign in with two mobile numbers.
  await sql`
    create index citizens_id_number on citizens (id_number_hash)
    where id_number_hash is not null`.execute(db);

  await sql`
    create table citizen_sessions (
      id text primary key,
      citizen_id uuid not null references citizens (id) on delete cascade,
      ip text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create index citizen_sessions_citizen on citizen_sessions (citizen_id)`.execute(db);

  // Expired rows are deleted by the purge job in shared/expired-rows.service.ts.
  await sql`
    create table sms_codes (
      id uuid primary key,
      phone_hash text not null,
      code_hash text not null,
      ip text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      consumed_at timestamptz,
      failed_attempts integer not null default 0
    )`.execute(db);
  await sql`create index sms_codes_phone on sms_codes (phone_hash, created_at)`.execute(db);
  await sql`create index sms_codes_ip on sms_codes (ip, created_at)`.execute(db);

  await sql`
    create table dev_sms_messages (
      id uuid primary key,
      phone_hash text not null,
      phone_masked text not null,
      text text not null,
      sent_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index dev_sms_messages_phone on dev_sms_messages (phone_hash, sent_at)`.execute(
    db,
  );

  await sql`
    alter table notification_outbox
      add column next_attempt_at timestamptz not null default now(),
      add column last_error text,
      add column abandoned_at timestamptz`.execute(db);
  await sql`
    create index notification_outbox_due on notification_outbox (next_attempt_at)
    where sent_at is null and abandoned_at is null`.execute(db);
}

/** Drops what the migration created and the outbox's retry columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists notification_outbox_due`.execute(db);
  await sql`
    alter table notification_outbox
      drop column if exists next_attempt_at,
      drop column if exists last_error,
      drop column if exists abandoned_at`.execute(db);
  for (const table of ['dev_sms_messages', 'sms_codes', 'citizen_sessions', 'citizens']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
