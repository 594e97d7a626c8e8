import { sql, type Kysely } from 'kysely';

/** Creates the divisions, accounts, events, registrations, audit and outbox tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table divisions (
      code text primary key,
      name text not null,
      level text not null check (level in ('city', 'district', 'street', 'community')),
      parent_code text references divisions (code),
      district_code text,
      street_code text
    )`.execute(db);
  await sql`create index divisions_parent on divisions (parent_code, code)`.execute(db);
  await sql`create index divisions_level on divisions (level, code)`.execute(db);

  await sql`
    create table organisations (
      id uuid primary key,
      name text not null,
      credit_code text unique,
      division_code text not null references divisions (code),
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table users (
      id uuid primary key,
      username text not null unique,
      password_hash text not null,
      display_name text not null,
      account_type text not null check (account_type in ('sports_bureau', 'committee',
        'district_bureau', 'contractor', 'community_association', 'street')),
      organisation_id uuid not null references organisations (id),
      division_code text not null references divisions (code),
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table sessions (
      id text primary key,
      user_id uuid not null references users (id) on delete cascade,
      ip text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index sessions_user on sessions (user_id)`.execute(db);

  await sql`
    create table events (
      id uuid primary key,
      organisation_id uuid not null references organisations (id),
      created_by uuid not null references users (id),
      name text not null,
      sport text not null,
      level text not null check (level in ('city', 'district', 'street', 'community')),
      section text not null check (section in ('league_event', 'brand_event', 'series',
        'x_sport', 'fitness_test', 'community_games', 'online_event')),
      division_code text not null references divisions (code),
      district_code text not null references divisions (code),
      venue text not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      capacity integer not null check (capacity > 0),
      registered_count integer not null default 0,
      registration_opens_at timestamptz not null,
      registration_closes_at timestamptz not null,
      state text not null check (state in ('draft', 'submitted', 'returned', 'approved',
        'published', 'cancelled')),
      reviewer_type text,
      reviewer_district_code text,
      return_reason text,
      submitted_at timestamptz,
      approved_at timestamptz,
      published_at timestamptz,
      cancelled_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint events_places check (registered_count >= 0 and registered_count <= capacity),
      constraint events_schedule check (starts_at < ends_at),
      constraint events_window check (registration_opens_at < registration_closes_at)
    )`.execute(db);
  await sql`
    create index events_published on events (published_at desc, id desc)
    where state = 'published'`.execute(db);
  await sql`create index events_district_state on events (district_code, state)`.execute(db);
  await sql`create index events_organisation on events (organisation_id, created_at)`.execute(db);
  await sql`
    create index events_review_queue on events (reviewer_type, reviewer_district_code)
    where state = 'submitted'`.execute(db);

  await sql`
    create table registrations (
      id uuid primary key,
      event_id uuid not null references events (id),
      code text not null unique,
      name text not null,
      phone_ciphertext text not null,
      phone_hash text not null,
      phone_masked text not null,
      status text not null default 'active' check (status in ('active', 'cancelled')),
      idempotency_key text,
      channel text not null,
      created_at timestamptz not null default now(),
      checked_in_at timestamptz,
      checked_in_by uuid references users (id)
    )`.execute(db);
  await sql`
    create unique index registrations_one_per_person on registrations (event_id, phone_hash)
    where status = 'active'`.execute(db);
  await sql`
    create unique index registrations_idempotency on registrations (event_id, idempotency_key)
    where idempotency_key is not null`.execute(db);
  await sql`create index registrations_event on registrations (event_id, created_at, id)`.execute(
    db,
  );

  await sql`
    create table audit_log (
      id uuid primary key,
      at timestamptz not null default now(),
      actor_user_id uuid references users (id),
      actor_ip text,
      action text not null,
      entity_type text not null,
      entity_id text not null,
      detail jsonb not null default '{}'
    )`.execute(db);
  await sql`create index audit_log_entity on audit_log (entity_type, entity_id, at)`.execute(db);

  await sql`
    create table notification_outbox (
      id uuid primary key,
      created_at timestamptz not null default now(),
      kind text not null,
      event_id uuid references events (id),
      registration_id uuid references registrations (id),
      payload jsonb not null,
      sent_at timestamptz,
      attempts integer not null default 0
    )`.execute(db);
  await sql`
    create index notification_outbox_pending on notification_outbox (created_at)
    where sent_at is null`.execute(db);
}

/** Drops everything the migration created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'notification_outbox',
    'audit_log',
    'registrations',
    'events',
    'sessions',
    'users',
    'organisations',
    'divisions',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
