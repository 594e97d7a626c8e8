import { sql, type Kysely } from 'kysely';

/**
 * Adds the forced password change flag, the password history, session idle tracking and the
 * sign-in failure log and locks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Existing accounts keep working as before, so the flag starts false.
  await sql`
    alter table users
    add column must_change_password boolean not null default false`.execute(db);

  await sql`
    create table password_history (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      password_hash text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create index password_history_user on password_history (user_id, created_at desc)`.execute(db);
  // The current password of every existing account is the first entry of its history.
  await sql`
    insert into password_history (user_id, password_hash, created_at)
    select id, password_hash, created_at from users`.execute(db);

  await sql`
    alter table sessions
    add column last_seen_at timestamptz not null default now()`.execute(db);

  // One row per failed sign-in. `counted` is false for attempts made while the username was
  // locked and for failures that a later lock or successful sign-in has already used up.
  await sql`
    create table sign_in_failures (
      id uuid primary key default gen_random_uuid(),
      username text not null,
      ip text,
      at timestamptz not null default now(),
      counted boolean not null default true
    )`.execute(db);
  await sql`
    create index sign_in_failures_counted on sign_in_failures (username, at)
    where counted`.execute(db);

  await sql`
    create table sign_in_locks (
      username text primary key,
      locked_until timestamptz not null
    )`.execute(db);
}

/** Drops everything the migration added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists sign_in_locks`.execute(db);
  await sql`drop table if exists sign_in_failures`.execute(db);
  await sql`alter table sessions drop column if exists last_seen_at`.execute(db);
  await sql`drop table if exists password_history`.execute(db);
  await sql`alter table users drop column if exists must_change_password`.execute(db);
}
