import { sql, type Kysely } from 'kysely';

/**
 * Adds partners' webhook endpoints, the webhook events written in the same transaction as
 * the change they announce, one delivery per event and endpoint, and every delivery attempt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table webhook_endpoints (
      id uuid primary key,
      partner_id uuid not null references partners (id),
      url text not null,
      secret_ciphertext text not null,
      actions text[] not null,
      status text not null default 'active' check (status in ('active', 'disabled')),
      disabled_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index webhook_endpoints_partner on webhook_endpoints (partner_id)`.execute(db);

  await sql`
    create table webhook_events (
      id uuid primary key,
      action text not null,
      resource_type text not null,
      resource_id uuid not null,
      sequence integer not null,
      event_id uuid,
      organisation_id uuid,
      occurred_at timestamptz not null default now(),
      unique (resource_type, resource_id, sequence)
    )`.execute(db);

  await sql`
    create table webhook_deliveries (
      id uuid primary key,
      webhook_event_id uuid not null references webhook_events (id),
      endpoint_id uuid not null references webhook_endpoints (id),
      status text not null default 'pending'
        check (status in ('pending', 'delivered', 'abandoned')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      last_attempt_at timestamptz,
      created_at timestamptz not null default now(),
      unique (webhook_event_id, endpoint_id)
    )`.execute(db);
  await sql`
    create index webhook_deliveries_due on webhook_deliveries (next_attempt_at)
    where status = 'pending'`.execute(db);
  await sql`create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, created_at)`.execute(
    db,
  );

  await sql`
    create table webhook_attempts (
      id uuid primary key,
      delivery_id uuid not null references webhook_deliveries (id),
      at timestamptz not null,
      status_code integer,
      duration_ms integer not null,
      error text,
      response_excerpt text
    )`.execute(db);
  await sql`create index webhook_attempts_delivery on webhook_attempts (delivery_id, at)`.execute(
    db,
  );
}

/** Drops the webhook tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists webhook_attempts`.execute(db);
  await sql`drop table if exists webhook_deliveries`.execute(db);
  await sql`drop table if exists webhook_events`.execute(db);
  await sql`drop table if exists webhook_endpoints`.execute(db);
}
