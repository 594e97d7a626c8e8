import { sql, type Kysely } from 'kysely';

/**
 * Lets partner platforms push entries and sync them. A partner hosts registration for the
 * events of its own organisation and for the events listed for it in `partner_hosted_events`,
 * which the operator manages. An entry records the partner that pushed
 * it in `partner_id`, and carries `updated_at` and a change position (`change_txid`, the id of
 * the last transaction that wrote the row) like events do. `registration_duplicates` records
 * every entry rejected because the same person (ID number hash) already has a live entry for
 * the event through another channel. `partner_reconciliations` stores the ids and statuses a
 * partner reported for one day, so the console can list the differences.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table registrations add column partner_id uuid references partners (id)`.execute(
    db,
  );
  await sql`
    alter table registrations add constraint registrations_partner_channel
      check ((partner_id is not null) = (channel = 'partner'))`.execute(db);
  await sql`
    alter table registrations add column updated_at timestamptz not null default now()`.execute(db);
  await sql`update registrations set updated_at = coalesce(cancelled_at, created_at)`.execute(db);
  await sql`
    alter table registrations add column change_txid xid8 not null default pg_current_xact_id()`.execute(
    db,
  );
  await sql`
    create function registrations_set_change() returns trigger language plpgsql as $$
    begin
      new.change_txid := pg_current_xact_id();
      new.updated_at := now();
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger registrations_change before update on registrations
    for each row execute function registrations_set_change()`.execute(db);
  await sql`create index registrations_change on registrations (change_txid, id)`.execute(db);

  await sql`
    create table partner_hosted_events (
      partner_id uuid not null references partners (id),
      event_id uuid not null references events (id),
      created_at timestamptz not null default now(),
      primary key (partner_id, event_id)
    )`.execute(db);
  await sql`create index partner_hosted_events_event on partner_hosted_events (event_id)`.execute(
    db,
  );

  await sql`
    create table registration_duplicates (
      id uuid primary key,
      event_id uuid not null references events (id),
      id_hash text not null,
      attempted_channel text not null,
      attempted_partner_id uuid references partners (id),
      existing_registration_id uuid not null references registrations (id),
      existing_channel text not null,
      existing_partner_id uuid references partners (id),
      at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create index registration_duplicates_attempted
    on registration_duplicates (attempted_partner_id, at)`.execute(db);
  await sql`
    create index registration_duplicates_existing
    on registration_duplicates (existing_partner_id, at)`.execute(db);

  await sql`
    create table partner_reconciliations (
      partner_id uuid not null references partners (id),
      day date not null,
      event_ids uuid[] not null,
      registrations jsonb not null,
      received_at timestamptz not null default now(),
      primary key (partner_id, day)
    )`.execute(db);
}

/** Drops the partner entry columns; fails while an entry pushed by a partner exists. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists partner_reconciliations`.execute(db);
  await sql`drop table if exists registration_duplicates`.execute(db);
  await sql`drop table if exists partner_hosted_events`.execute(db);
  await sql`drop trigger if exists registrations_change on registrations`.execute(db);
  await sql`drop function if exists registrations_set_change()`.execute(db);
  await sql`drop index if exists registrations_change`.execute(db);
  await sql`alter table registrations drop column if exists change_txid`.execute(db);
  await sql`alter table registrations drop column if exists updated_at`.execute(db);
  await sql`
    alter table registrations drop constraint if exists registrations_partner_channel`.execute(db);
  await sql`alter table registrations drop column if exists partner_id`.execute(db);
}
