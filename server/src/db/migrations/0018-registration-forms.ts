import { sql, type Kysely } from 'kysely';

/**
 * Adds registration forms. `event_registration_forms` stores each event's form (the ID number
 * rule and the custom fields, as JSON) with a version that grows with every save, and
 * `event_safety_notices` every version of the event's safety and insurance notice, so the text
 * an entrant accepted stays readable after a change. `form_templates` holds each organisation's
 * saved forms. An entry stores its answers with the form version they were given under, the
 * notice version it accepted, the time of the ID number consent and a guardian's consent.
 * `registration_attachments` holds files uploaded as answers to file fields.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table event_registration_forms (
      event_id uuid primary key references events (id),
      definition jsonb not null,
      version integer not null check (version >= 1),
      updated_by uuid not null references users (id),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table event_safety_notices (
      event_id uuid not null references events (id),
      version integer not null check (version >= 1),
      body text not null check (char_length(body) between 1 and 2000),
      created_by uuid not null references users (id),
      created_at timestamptz not null default now(),
      primary key (event_id, version)
    )`.execute(db);

  await sql`
    create table form_templates (
      id uuid primary key,
      organisation_id uuid not null references organisations (id),
      name text not null check (char_length(name) between 1 and 30),
      definition jsonb not null,
      safety_notice text check (char_length(safety_notice) between 1 and 2000),
      created_by uuid not null references users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint form_templates_name_unique unique (organisation_id, name)
    )`.execute(db);

  await sql`
    alter table registrations
      add column answers jsonb not null default '{}'::jsonb,
      add column form_version integer,
      add column safety_notice_version integer,
      add column safety_accepted_at timestamptz,
      add column id_consent_at timestamptz,
      add column guardian_name text,
      add column guardian_phone_ciphertext text,
      add column guardian_phone_masked text,
      add column guardian_consent_at timestamptz,
      add constraint registrations_safety_accepted
        check ((safety_notice_version is null) = (safety_accepted_at is null)),
      add constraint registrations_guardian_complete
        check (num_nulls(guardian_name, guardian_phone_ciphertext, guardian_phone_masked,
          guardian_consent_at) in (0, 4))`.execute(db);

  await sql`
    create table registration_attachments (
      id uuid primary key,
      event_id uuid not null references events (id),
      registration_id uuid references registrations (id),
      field_key text not null,
      file_name text not null,
      content_type text not null,
      size_bytes integer not null check (size_bytes > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create index registration_attachments_registration
      on registration_attachments (registration_id)`.execute(db);
}

/** Drops the forms, notices, templates and attachments, and the entries' answer columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists registration_attachments`.execute(db);
  await sql`
    alter table registrations
      drop constraint if exists registrations_guardian_complete,
      drop constraint if exists registrations_safety_accepted,
      drop column if exists guardian_consent_at,
      drop column if exists guardian_phone_masked,
      drop column if exists guardian_phone_ciphertext,
      drop column if exists guardian_name,
      drop column if exists id_consent_at,
      drop column if exists safety_accepted_at,
      drop column if exists safety_notice_version,
      drop column if exists form_version,
      drop column if exists answers`.execute(db);
  await sql`drop table if exists form_templates`.execute(db);
  await sql`drop table if exists event_safety_notices`.execute(db);
  await sql`drop table if exists event_registration_forms`.execute(db);
}
