import { sql, type Kysely } from 'kysely';

/**
 * Lets partner platforms file and change events through the open API. An event or a change
 * request is made either by a user or by a partner, never both, so `created_by` and
 * `submitted_by` become nullable beside a partner column, with a check that exactly one is set.
 * Audit entries name an acting partner in `actor_partner_id`. `partner_idempotency_keys`
 * stores the outcome of each partner write by its Idempotency-Key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events alter column created_by drop not null`.execute(db);
  await sql`alter table events add column created_by_partner_id uuid references partners (id)`.execute(
    db,
  );
  await sql`
    alter table events add constraint events_one_creator
      check (num_nonnulls(created_by, created_by_partner_id) = 1)`.execute(db);

  await sql`alter table event_changes alter column submitted_by drop not null`.execute(db);
  await sql`
    alter table event_changes add column submitted_by_partner_id uuid references partners (id)`.execute(
    db,
  );
  await sql`
    alter table event_changes add constraint event_changes_one_submitter
      check (num_nonnulls(submitted_by, submitted_by_partner_id) = 1)`.execute(db);

  await sql`alter table audit_log add column actor_partner_id uuid references partners (id)`.execute(
    db,
  );

  await sql`
    create table partner_idempotency_keys (
      partner_id uuid not null references partners (id),
      key text not null check (key ~ '^[!-~]{1,64}$'),
      request_hash text not null check (request_hash ~ '^[0-9a-f]{64}$'),
      status_code integer check (status_code between 200 and 499),
      content_type text,
      response_body text,
      created_at timestamptz not null default now(),
      completed_at timestamptz,
      primary key (partner_id, key),
      check ((status_code is null) = (completed_at is null))
    )`.execute(db);
  await sql`
    create index partner_idempotency_keys_created on partner_idempotency_keys (created_at)`.execute(
    db,
  );
}

/** Drops the partner columns; fails while a partner-made event or change request exists. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists partner_idempotency_keys`.execute(db);
  await sql`alter table audit_log drop column if exists actor_partner_id`.execute(db);
  await sql`alter table event_changes drop constraint if exists event_changes_one_submitter`.execute(
    db,
  );
  await sql`alter table event_changes drop column if exists submitted_by_partner_id`.execute(db);
  await sql`alter table event_changes alter column submitted_by set not null`.execute(db);
  await sql`alter table events drop constraint if exists events_one_creator`.execute(db);
  await sql`alter table events drop column if exists created_by_partner_id`.execute(db);
  await sql`alter table events alter column created_by set not null`.execute(db);
}
