import { sql, type Kysely } from 'kysely';

/**
 * Adds the anomaly alert model: `alert_rules` (each rule's switch and parameters; the server
 * inserts a missing rule with its defaults), `alerts` (at most one open alert per rule and subject, kept by a partial unique
 * index) and `alert_notifications` (the console notice of an alert for each user it concerns),
 * with indexes on the times of registrations, sign-in failures and outbox rows for the rules.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table alert_rules (
      code text primary key,
      enabled boolean not null default true,
      parameters jsonb not null,
      updated_by uuid references users (id),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table alerts (
      id uuid primary key,
      rule text not null references alert_rules (code),
      subject_type text not null
        check (subject_type in ('event', 'partner', 'person', 'outbox', 'ip')),
      subject_id text not null,
      subject_label text not null,
      event_id uuid references events (id),
      district_code text references divisions (code),
      detail jsonb not null,
      status text not null default 'new' check (status in ('new', 'acknowledged', 'resolved')),
      first_seen_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      acknowledged_by uuid references users (id),
      acknowledged_at timestamptz,
      resolved_by uuid references users (id),
      resolved_at timestamptz,
      resolution_note text,
      check ((acknowledged_at is null) = (acknowledged_by is null)),
      check ((resolved_at is null) = (resolved_by is null)),
      check ((status = 'resolved') = (resolved_at is not null)),
      check (status <> 'acknowledged' or acknowledged_at is not null)
    )`.execute(db);
  await sql`
    create unique index alerts_one_open on alerts (rule, subject_type, subject_id)
      where status <> 'resolved'`.execute(db);
  await sql`create index alerts_listing on alerts (first_seen_at desc, id desc)`.execute(db);

  await sql`
    create table alert_notifications (
      alert_id uuid not null references alerts (id),
      user_id uuid not null references users (id),
      created_at timestamptz not null default now(),
      read_at timestamptz,
      primary key (alert_id, user_id)
    )`.execute(db);
  await sql`
    create index alert_notifications_unread on alert_notifications (user_id)
      where read_at is null`.execute(db);

  // The rules read recent rows by time.
  await sql`create index registrations_created on registrations (created_at)`.execute(db);
  await sql`create index sign_in_failures_at on sign_in_failures (at)`.execute(db);
  await sql`create index notification_outbox_created on notification_outbox (created_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index notification_outbox_created`.execute(db);
  await sql`drop index sign_in_failures_at`.execute(db);
  await sql`drop index registrations_created`.execute(db);
  await sql`drop table alert_notifications`.execute(db);
  await sql`drop table alerts`.execute(db);
  await sql`drop table alert_rules`.execute(db);
}
