import { sql, type Kysely } from 'kysely';

/**
 * Adds groups (组别) with their own capacity counter, the waiting list and the citizen's
 * cancellation deadline. Every event that can hold entries gets a default group with the
 * event's capacity, and every existing entry moves into it, so registrations.group_id is never
 * null. Entries may be identified by an ID number: one entry per ID number and event when
 * one is given, else one per mobile number as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events add column cancel_deadline timestamptz`.execute(db);

  await sql`
    create table event_groups (
      id uuid primary key,
      event_id uuid not null references events (id),
      name text not null check (char_length(name) between 1 and 30),
      capacity integer not null check (capacity > 0),
      taken integer not null default 0,
      fee_cents integer not null default 0 check (fee_cents >= 0),
      gender text not null default 'any' check (gender in ('any', 'male', 'female')),
      min_age integer check (min_age between 0 and 150),
      max_age integer check (max_age between 0 and 150),
      entry_type text not null default 'individual' check (entry_type in ('individual', 'team')),
      team_min integer check (team_min >= 1),
      team_max integer,
      waiting_list text not null default 'off' check (waiting_list in ('off', 'auto', 'offer')),
      offer_hours integer check (offer_hours between 1 and 168),
      sort_order integer not null default 0,
      is_default boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint event_groups_places check (taken between 0 and capacity),
      constraint event_groups_ages check (min_age is null or max_age is null or min_age <= max_age),
      constraint event_groups_team check (
        (entry_type = 'individual' and team_min is null and team_max is null)
        or (entry_type = 'team' and team_min is not null and team_max >= team_min)),
      constraint event_groups_offer check ((waiting_list = 'offer') = (offer_hours is not null)),
      constraint event_groups_name unique (event_id, name)
    )`.execute(db);
  await sql`create index event_groups_event on event_groups (event_id, sort_order, id)`.execute(db);

  await sql`create sequence registrations_waiting_seq`.execute(db);
  await sql`
    alter table registrations
      add column group_id uuid references event_groups (id),
      add column id_ciphertext text,
      add column id_hash text,
      add column id_masked text,
      add column waiting_seq bigint,
      add column offer_expires_at timestamptz,
      add column promoted_at timestamptz,
      drop constraint registrations_status_check,
      add constraint registrations_status_check
        check (status in ('active', 'waiting', 'offered', 'cancelled')),
      add constraint registrations_waiting_seq
        check (status <> 'waiting' or waiting_seq is not null),
      add constraint registrations_offer check ((status = 'offered') = (offer_expires_at is not null))
  `.execute(db);

  // Every event that was ever filed in full has a capacity; its entries move to a default group.
  await sql`
    insert into event_groups (id, event_id, name, capacity, taken, is_default, fee_cents)
    select gen_random_uuid(), e.id, '默认组', e.capacity,
      (select count(*) from registrations r where r.event_id = e.id and r.status = 'active'),
      true, coalesce(e.fee_cents, 0)
    from events e
    where e.capacity is not null
      and (e.state in ('published', 'cancelled')
        or exists (select 1 from registrations r where r.event_id = e.id))`.execute(db);
  await sql`
    update registrations r set group_id = g.id
    from event_groups g
    where g.event_id = r.event_id and g.is_default`.execute(db);
  await sql`alter table registrations alter column group_id set not null`.execute(db);
  await sql`
    create index registrations_waiting on registrations (group_id, waiting_seq)
    where status = 'waiting'`.execute(db);
  await sql`
    create index registrations_offers on registrations (offer_expires_at)
    where status = 'offered'`.execute(db);

  // One live entry (active, waiting or offered) per person and event: by ID number when one
  // was given, else by mobile number, so two children entered from one parent's phone with
  // their own ID numbers are two people.
  await sql`drop index registrations_one_per_person`.execute(db);
  await sql`
    create unique index registrations_one_per_phone on registrations (event_id, phone_hash)
    where status <> 'cancelled' and id_hash is null`.execute(db);
  await sql`
    create unique index registrations_one_per_id on registrations (event_id, id_hash)
    where status <> 'cancelled' and id_hash is not null`.execute(db);
}

/** Drops the groups and the waiting list; waiting and offered entries become cancelled. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists registrations_one_per_id`.execute(db);
  await sql`drop index if exists registrations_one_per_phone`.execute(db);
  await sql`drop index if exists registrations_offers`.execute(db);
  await sql`drop index if exists registrations_waiting`.execute(db);
  await sql`
    update registrations set status = 'cancelled', cancelled_at = coalesce(cancelled_at, now())
    where status in ('waiting', 'offered')`.execute(db);
  await sql`
    alter table registrations
      drop constraint registrations_offer,
      drop constraint registrations_waiting_seq,
      drop constraint registrations_status_check,
      add constraint registrations_status_check check (status in ('active', 'cancelled')),
      drop column group_id,
      drop column id_ciphertext,
      drop column id_hash,
      drop column id_masked,
      drop column waiting_seq,
      drop column offer_expires_at,
      drop column promoted_at`.execute(db);
  await sql`
    create unique index registrations_one_per_person on registrations (event_id, phone_hash)
    where status = 'active'`.execute(db);
  await sql`drop sequence if exists registrations_waiting_seq`.execute(db);
  await sql`drop table if exists event_groups`.execute(db);
  await sql`alter table events drop column if exists cancel_deadline`.execute(db);
}
