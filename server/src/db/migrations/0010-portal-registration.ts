import { sql, type Kysely } from 'kysely';

/**
 * Adds the government portal's subject to users, the pending portal log-ins (state, nonce and
 * PKCE verifier kept server side) and the self-registrations started through the portal.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column portal_subject text unique`.execute(db);

  await sql`
    create table portal_logins (
      id text primary key,
      state text not null,
      nonce text not null,
      code_verifier text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index portal_logins_expiry on portal_logins (expires_at)`.execute(db);

  await sql`
    create table portal_registrations (
      id uuid primary key,
      subject text not null,
      credit_code text not null,
      organisation_name text not null,
      status text not null check (status in
        ('started', 'pending', 'approved', 'rejected', 'completed')),
      account_type text check (account_type in
        ('district_bureau', 'contractor', 'community_association', 'street')),
      division_code text references divisions (code),
      password_hash text,
      reject_reason text,
      user_id uuid references users (id),
      token_hash text unique,
      token_expires_at timestamptz,
      decided_by uuid references users (id),
      decided_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  // One open registration per credit code, so that two portal users of one organisation
  // continue the same request instead of filing two.
  await sql`
    create unique index portal_registrations_open_credit_code
      on portal_registrations (credit_code)
      where status in ('started', 'pending', 'rejected')`.execute(db);
  await sql`
    create index portal_registrations_status on portal_registrations (status, created_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table portal_registrations`.execute(db);
  await sql`drop table portal_logins`.execute(db);
  await sql`alter table users drop column portal_subject`.execute(db);
}
