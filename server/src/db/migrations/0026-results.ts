import { sql, type Kysely } from 'kysely';

/**
 * Adds results per entry, the log of result workbook imports, the publication of an event's
 * results, the certificate design per event and the certificates issued to finishers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table event_results (
      id uuid primary key,
      event_id uuid not null references events (id),
      registration_id uuid not null unique references registrations (id),
      group_id uuid not null references event_groups (id),
      status text not null check (status in ('finished', 'dnf', 'dsq')),
      rank integer check (rank between 1 and 100000),
      time_ms integer check (time_ms between 1 and 359999999),
      score numeric(13, 3) check (abs(score) <= 1000000000),
      updated_by uuid not null references users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint event_results_rank_of_finishers check ((status = 'finished') = (rank is not null)),
      constraint event_results_time_or_score check (time_ms is null or score is null)
    )`.execute(db);
  await sql`create index event_results_ranking on event_results (event_id, group_id, rank)`.execute(
    db,
  );

  await sql`
    create table result_imports (
      id uuid primary key,
      event_id uuid not null references events (id),
      file_name text not null,
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      status text not null check (status in ('dry_run', 'committed')),
      row_count integer not null,
      valid_count integer not null,
      invalid_count integer not null,
      report jsonb not null,
      rows jsonb not null,
      created_by uuid not null references users (id),
      created_at timestamptz not null default now(),
      committed_by uuid references users (id),
      committed_at timestamptz
    )`.execute(db);
  await sql`create index result_imports_event on result_imports (event_id, id)`.execute(db);

  await sql`
    create table result_publications (
      event_id uuid primary key references events (id),
      published_by uuid not null references users (id),
      published_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table certificate_designs (
      event_id uuid primary key references events (id),
      layout text not null check (layout in ('classic', 'modern', 'simple')),
      colour text not null check (colour in ('red', 'blue', 'green', 'gold')),
      background bytea,
      background_type text check (background_type in ('image/png', 'image/jpeg')),
      updated_by uuid not null references users (id),
      updated_at timestamptz not null default now(),
      constraint certificate_designs_background check ((background is null) = (background_type is null))
    )`.execute(db);

  await sql`
    create table certificates (
      id uuid primary key,
      code text not null unique check (code ~ '^[2-9A-HJ-NP-Z]{12}$'),
      event_id uuid not null references events (id),
      registration_id uuid not null unique references registrations (id),
      issued_at timestamptz not null default now(),
      revoked_at timestamptz
    )`.execute(db);
  await sql`create index certificates_event on certificates (event_id)`.execute(db);
}

/** Drops the result and certificate tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists certificates`.execute(db);
  await sql`drop table if exists certificate_designs`.execute(db);
  await sql`drop table if exists result_publications`.execute(db);
  await sql`drop table if exists result_imports`.execute(db);
  await sql`drop table if exists event_results`.execute(db);
}
