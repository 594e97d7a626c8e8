import { sql, type Kysely } from 'kysely';

/**
 * Creates the contracts (中标合同) imported by the operator, the log of contract imports, and
 * the link from an event to the contract it is filed under.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table contract_imports (
      id uuid primary key,
      year integer not null check (year between 2000 and 2100),
      file_name text not null,
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      status text not null check (status in ('dry_run', 'committed')),
      row_count integer not null,
      new_count integer not null,
      changed_count integer not null,
      unchanged_count integer not null,
      invalid_count integer not null,
      report jsonb not null,
      rows jsonb not null,
      created_by uuid not null references users (id),
      created_at timestamptz not null default now(),
      committed_by uuid references users (id),
      committed_at timestamptz
    )`.execute(db);
  await sql`create index contract_imports_sha256 on contract_imports (sha256)`.execute(db);

  await sql`
    create table contracts (
      id uuid primary key,
      year integer not null check (year between 2000 and 2100),
      credit_code text not null check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
      organisation_name text not null,
      level text not null check (level in ('city', 'district')),
      district_code text references divisions (code),
      section text not null,
      sport text not null,
      event_name text not null,
      contact_name text not null,
      contact_phone_ciphertext text not null,
      contact_phone_hash text not null,
      contact_phone_masked text not null,
      import_id uuid references contract_imports (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint contracts_key unique (year, credit_code, event_name),
      constraint contracts_district_level check ((level = 'district') = (district_code is not null))
    )`.execute(db);
  await sql`create index contracts_credit_code on contracts (credit_code, year)`.execute(db);

  await sql`alter table events add column contract_id uuid references contracts (id)`.execute(db);
  await sql`create index events_contract on events (contract_id)`.execute(db);
}

/** Drops the contract link of events and both contract tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events drop column contract_id`.execute(db);
  await sql`drop table contracts`.execute(db);
  await sql`drop table contract_imports`.execute(db);
}
