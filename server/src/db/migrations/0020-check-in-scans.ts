import { sql, type Kysely } from 'kysely';

/**
 * Records every check-in scan (online, offline and on-site) in `check_in_scans`, with the
 * device's nonce, its gate and the outcome. A registration names the scan that checked it in
 * and that scan's gate, so a repeated scan reports when and where the person came in. The
 * nonce is unique per event, so a scan sent again (a retried request, a resent offline batch)
 * is recognised and changes nothing. `conflict` marks scans of one ticket by two devices where
 * at least one of them was offline, which the earliest scan resolves.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table check_in_scans (
      id uuid primary key,
      event_id uuid not null references events (id),
      registration_id uuid references registrations (id),
      code text not null check (char_length(code) between 1 and 40),
      nonce text not null check (char_length(nonce) between 8 and 64),
      device_id text not null check (char_length(device_id) between 1 and 64),
      gate text not null check (char_length(gate) between 1 and 20),
      mode text not null check (mode in ('online', 'offline', 'on_site')),
      scanned_at timestamptz not null,
      received_at timestamptz not null default now(),
      scanned_by uuid references users (id),
      outcome text not null check (outcome in ('checked_in', 'repeat', 'superseded', 'rejected')),
      rejection text,
      conflict boolean not null default false,
      constraint check_in_scans_nonce unique (event_id, nonce),
      constraint check_in_scans_rejection check ((outcome = 'rejected') = (rejection is not null))
    )`.execute(db);
  await sql`
    create index check_in_scans_registration on check_in_scans (registration_id)
    where registration_id is not null`.execute(db);

  await sql`
    alter table registrations
      add column checked_in_gate text,
      add column check_in_scan_id uuid references check_in_scans (id)`.execute(db);

  // Reminders are found by start time; the outbox listing for the operator by state and time.
  await sql`create index events_starts_at on events (starts_at) where state = 'published'`.execute(
    db,
  );
  await sql`
    create index notification_outbox_unsent on notification_outbox (next_attempt_at, id)
    where sent_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists notification_outbox_unsent`.execute(db);
  await sql`drop index if exists events_starts_at`.execute(db);
  await sql`
    alter table registrations drop column if exists check_in_scan_id,
      drop column if exists checked_in_gate`.execute(db);
  await sql`drop table if exists check_in_scans`.execute(db);
}
