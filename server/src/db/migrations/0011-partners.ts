import { sql, type Kysely } from 'kysely';

/**
 * Adds partner platforms with rotatable signing credentials and the nonces of recent signed
 * requests, and gives events a change position for incremental sync: the id of the last
 * transaction that wrote the row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table partners (
      id uuid primary key,
      name text not null unique,
      organisation_id uuid not null unique references organisations (id),
      contact_name text not null,
      contact_phone_ciphertext text not null,
      contact_phone_hash text not null,
      contact_phone_masked text not null,
      scopes text[] not null,
      rate_limit_per_minute integer not null check (rate_limit_per_minute between 1 and 100000),
      status text not null default 'active' check (status in ('active', 'suspended')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table partner_credentials (
      key_id text primary key,
      partner_id uuid not null references partners (id),
      secret_ciphertext text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz
    )`.execute(db);
  await sql`create index partner_credentials_partner on partner_credentials (partner_id)`.execute(
    db,
  );

  await sql`
    create table partner_nonces (
      key_id text not null,
      nonce text not null,
      seen_at timestamptz not null default now(),
      primary key (key_id, nonce)
    )`.execute(db);
  await sql`create index partner_nonces_seen on partner_nonces (seen_at)`.execute(db);

  await sql`alter table events add column change_txid xid8 not null default pg_current_xact_id()`.execute(
    db,
  );
  await sql`
    create function events_set_change_txid() returns trigger language plpgsql as $$
    begin
      new.change_txid := pg_current_xact_id();
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger events_change_txid before update on events
    for each row execute function events_set_change_txid()`.execute(db);
  await sql`create index events_change on events (change_txid, id)`.execute(db);
}

/** Drops the partner tables and the events' change position. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists events_change_txid on events`.execute(db);
  await sql`drop function if exists events_set_change_txid()`.execute(db);
  await sql`drop index if exists events_change`.execute(db);
  await sql`alter table events drop column if exists change_txid`.execute(db);
  await sql`drop table if exists partner_nonces`.execute(db);
  await sql`drop table if exists partner_credentials`.execute(db);
  await sql`drop table if exists partners`.execute(db);
}
