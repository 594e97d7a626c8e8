import { sql, type Kysely } from 'kysely';

const DRAFT_OPTIONAL = [
  'sport',
  'division_code',
  'district_code',
  'venue',
  'starts_at',
  'ends_at',
  'capacity',
  'registration_opens_at',
  'registration_closes_at',
] as const;

/**
 * Gives filings their full and short forms: drafts may lack any detail but their name, level
 * and section, while a filed event must have them all. Adds the review steps of a filing, the
 * operator's list of sports that need a federation's pre-review, change requests to approved
 * events, the reason of a cancellation, and a deduplication key on outgoing notifications.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of DRAFT_OPTIONAL) {
    await sql`alter table events alter column ${sql.ref(column)} drop not null`.execute(db);
  }
  await sql`
    alter table events
      add column address text,
      add column host text,
      add column organiser text,
      add column co_organisers jsonb not null default '[]',
      add column expected_participants integer check (expected_participants > 0),
      add column fee_cents integer check (fee_cents >= 0),
      add column rules text,
      add column safety_plan text,
      add column medical_cover text,
      add column insurance text,
      add column contact_name text,
      add column contact_phone text,
      add column description text,
      add column review_steps jsonb not null default '[]',
      add column pending_change_id uuid,
      add column cancel_reason text,
      add column copied_from uuid references events (id),
      add constraint events_filed_complete check (state = 'draft' or (${sql.join(
        DRAFT_OPTIONAL.map((column) => sql`${sql.ref(column)} is not null`),
        sql` and `,
      )}))`.execute(db);

  await sql`
    create table sport_pre_reviews (
      sport text primary key,
      federation text not null,
      updated_by uuid not null references users (id),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table event_changes (
      id uuid primary key,
      event_id uuid not null references events (id),
      state text not null default 'pending'
        check (state in ('pending', 'approved', 'returned', 'withdrawn')),
      before jsonb not null,
      after jsonb not null,
      fields text[] not null,
      reason text not null,
      reviewer_type text,
      reviewer_district_code text,
      return_reason text,
      submitted_by uuid not null references users (id),
      submitted_at timestamptz not null default now(),
      decided_by uuid references users (id),
      decided_at timestamptz
    )`.execute(db);
  await sql`
    create unique index event_changes_one_pending on event_changes (event_id)
    where state = 'pending'`.execute(db);
  await sql`
    create index event_changes_queue on event_changes (reviewer_type, reviewer_district_code)
    where state = 'pending'`.execute(db);
  await sql`
    alter table events add constraint events_pending_change
      foreign key (pending_change_id) references event_changes (id)`.execute(db);

  await sql`
    alter table registrations
      add column cancelled_at timestamptz,
      add column cancel_reason text`.execute(db);

  await sql`alter table notification_outbox add column dedup_key text`.execute(db);
  await sql`
    create unique index notification_outbox_dedup on notification_outbox (dedup_key)
    where dedup_key is not null`.execute(db);
}

/** Drops what the migration created; filed events keep their details. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists notification_outbox_dedup`.execute(db);
  await sql`alter table notification_outbox drop column if exists dedup_key`.execute(db);
  await sql`
    alter table registrations
      drop column if exists cancelled_at,
      drop column if exists cancel_reason`.execute(db);
  await sql`alter table events drop constraint if exists events_pending_change`.execute(db);
  await sql`drop table if exists event_changes`.execute(db);
  await sql`drop table if exists sport_pre_reviews`.execute(db);
  await sql`
    alter table events
      drop constraint if exists events_filed_complete,
      drop column if exists address,
      drop column if exists host,
      drop column if exists organiser,
      drop column if exists co_organisers,
      drop column if exists expected_participants,
      drop column if exists fee_cents,
      drop column if exists rules,
      drop column if exists safety_plan,
      drop column if exists medical_cover,
      drop column if exists insurance,
      drop column if exists contact_name,
      drop column if exists contact_phone,
      drop column if exists description,
      drop column if exists review_steps,
      drop column if exists pending_change_id,
      drop column if exists cancel_reason,
      drop column if exists copied_from`.execute(db);
  await sql`delete from events where state = 'draft' and (${sql.join(
    DRAFT_OPTIONAL.map((column) => sql`${sql.ref(column)} is null`),
    sql` or `,
  )})`.execute(db);
  for (const column of DRAFT_OPTIONAL) {
    await sql`alter table events alter column ${sql.ref(column)} set not null`.execute(db);
  }
}
