import { sql, type Kysely } from 'kysely';

/**
 * Adds team entries. A team belongs to a team group and has a captain (the signed-in citizen who
 * registered it). Each member is an entry in registrations with the team's id, so a member holds
 * one place of the group, counts in the group's counter and meets the one-live-entry-per-person
 * indexes like any entry. A live member has the team's status.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table teams (
      id uuid primary key,
      event_id uuid not null references events (id),
      group_id uuid not null references event_groups (id),
      name text not null check (char_length(name) between 1 and 30),
      captain_citizen_id uuid not null references citizens (id),
      status text not null check (status in ('active', 'waiting', 'cancelled')),
      waiting_seq bigint,
      idempotency_key text,
      cancel_reason text,
      cancelled_at timestamptz,
      promoted_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint teams_waiting_seq check (status <> 'waiting' or waiting_seq is not null),
      constraint teams_cancelled check ((status = 'cancelled') = (cancelled_at is not null))
    )`.execute(db);
  await sql`
    create unique index teams_one_name on teams (event_id, name)
    where status <> 'cancelled'`.execute(db);
  await sql`
    create unique index teams_idempotency on teams (event_id, captain_citizen_id, idempotency_key)
    where idempotency_key is not null`.execute(db);
  await sql`create index teams_captain on teams (captain_citizen_id, id)`.execute(db);
  await sql`create index teams_event on teams (event_id, id)`.execute(db);

  await sql`alter table registrations add column team_id uuid references teams (id)`.execute(db);
  await sql`
    create index registrations_team on registrations (team_id)
    where team_id is not null`.execute(db);
}

/** Drops the teams; their members stay as individual entries of the group. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists registrations_team`.execute(db);
  await sql`alter table registrations drop column if exists team_id`.execute(db);
  await sql`drop table if exists teams`.execute(db);
}
