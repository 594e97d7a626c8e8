import { sql, type Kysely } from 'kysely';

import { entryHash, GENESIS_HASH } from '../../audit/audit-hash.js';

/**
 * Deepens the audit log: organisation, user agent, outcome and changed fields on each entry;
 * a SHA-256 hash chain over entries in `seq` order; triggers that make the log append-only;
 * and archive checkpoints, the one controlled path by which old entries leave the table.
 * Entries written before this migration are chained here, oldest first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table audit_log
      add column seq bigint,
      add column organisation_id uuid,
      add column user_agent text,
      add column outcome text not null default 'success'
        check (outcome in ('success', 'failure')),
      add column changes jsonb,
      add column prev_hash text,
      add column hash text`.execute(db);
  await chainExistingEntries(db);
  await sql`
    alter table audit_log
      alter column seq set not null,
      alter column prev_hash set not null,
      alter column hash set not null,
      alter column outcome drop default,
      add constraint audit_log_seq_key unique (seq)`.execute(db);
  await sql`create sequence audit_log_seq owned by audit_log.seq`.execute(db);
  await sql`select setval('audit_log_seq', coalesce(max(seq), 0) + 1, false) from audit_log`.execute(
    db,
  );
  await sql`create index audit_log_at on audit_log (at)`.execute(db);
  await sql`create index audit_log_actor on audit_log (actor_user_id, seq)`.execute(db);
  await sql`create index audit_log_action on audit_log (action, seq)`.execute(db);

  await sql`
    create table audit_checkpoints (
      id uuid primary key,
      created_at timestamptz not null default now(),
      through_seq bigint not null unique,
      through_hash text not null,
      archived_count bigint not null check (archived_count > 0),
      file_name text not null,
      file_sha256 text not null
    )`.execute(db);

  await createAppendOnlyTriggers(db);
  await revokeChangePrivileges(db);
}

/** Orders the existing entries by time, truncates `at` to milliseconds and chains them. */
async function chainExistingEntries(db: Kysely<unknown>): Promise<void> {
  await sql`update audit_log set at = date_trunc('milliseconds', at)`.execute(db);
  await sql`
    update audit_log set organisation_id = users.organisation_id
    from users where users.id = audit_log.actor_user_id`.execute(db);
  await sql`update audit_log set outcome = 'failure' where action = 'session.failed'`.execute(db);

  const { rows } = await sql<{
    id: string;
    at: Date;
    actor_user_id: string | null;
    organisation_id: string | null;
    actor_ip: string | null;
    action: string;
    entity_type: string;
    entity_id: string;
    outcome: string;
    detail: Record<string, unknown>;
  }>`
    select id, at, actor_user_id, organisation_id, actor_ip, action, entity_type, entity_id,
           outcome, detail
    from audit_log order by at, id`.execute(db);

  let prevHash = GENESIS_HASH;
  let seq = 0;
  for (const row of rows) {
    seq += 1;
    const hash = entryHash({
      seq,
      id: row.id,
      at: new Date(row.at),
      actorUserId: row.actor_user_id,
      organisationId: row.organisation_id,
      actorIp: row.actor_ip,
      userAgent: null,
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      outcome: row.outcome,
      detail: row.detail,
      changes: null,
      prevHash,
    });
    await sql`
      update audit_log set seq = ${seq}, prev_hash = ${prevHash}, hash = ${hash}
      where id = ${row.id}`.execute(db);
    prevHash = hash;
  }
}

/**
 * Rejects UPDATE and TRUNCATE of audit_log and every change to audit_checkpoints, for every
 * role, superusers included, while the triggers are enabled. DELETE of an audit entry passes
 * only when a checkpoint covers its seq and it is older than 186 days, the minimum retention.
 * A checkpoint is accepted only when it extends the last one, names the stored hash of its
 * last entry, counts the entries it covers, and covers none younger than 186 days.
 */
async function createAppendOnlyTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function audit_log_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if old.seq <= coalesce((select max(through_seq) from audit_checkpoints), 0)
           and old.at < now() - interval '186 days' then
          return old;
        end if;
        raise exception 'audit_log is append-only: entry % is not archived or is younger than 186 days', old.seq
          using errcode = '42501';
      end if;
      raise exception 'audit_log is append-only: % is rejected', tg_op using errcode = '42501';
    end $$`.execute(db);
  await sql`
    create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_guard()`.execute(db);
  await sql`
    create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_guard()`.execute(db);

  await sql`
    create function audit_checkpoint_guard() returns trigger language plpgsql as $$
    declare
      previous_seq bigint;
      stored_hash text;
      covered bigint;
      recent bigint;
    begin
      if tg_op <> 'INSERT' then
        raise exception 'audit_checkpoints is append-only: % is rejected', tg_op
          using errcode = '42501';
      end if;
      select coalesce(max(through_seq), 0) into previous_seq from audit_checkpoints;
      if new.through_seq <= previous_seq then
        raise exception 'audit checkpoint through seq % does not extend the last checkpoint (seq %)',
          new.through_seq, previous_seq using errcode = '23514';
      end if;
      select hash into stored_hash from audit_log where seq = new.through_seq;
      if stored_hash is distinct from new.through_hash then
        raise exception 'audit checkpoint hash does not match the stored hash of entry %',
          new.through_seq using errcode = '23514';
      end if;
      select count(*), count(*) filter (where at >= now() - interval '186 days')
        into covered, recent
        from audit_log where seq > previous_seq and seq <= new.through_seq;
      if recent > 0 then
        raise exception 'audit checkpoint covers % entries younger than 186 days', recent
          using errcode = '23514';
      end if;
      if covered <> new.archived_count then
        raise exception 'audit checkpoint counts % entries but % are stored up to seq %',
          new.archived_count, covered, new.through_seq using errcode = '23514';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger audit_checkpoints_guard before insert or update or delete
    on audit_checkpoints for each row execute function audit_checkpoint_guard()`.execute(db);
  await sql`
    create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
    for each statement execute function audit_checkpoint_guard()`.execute(db);
}

/**
 * Revokes UPDATE and TRUNCATE on both tables, and DELETE on the checkpoints, from PUBLIC and
 * from the role that runs the migrations, which is the application's role because the server
 * migrates at start-up. DELETE on audit_log stays granted for archiving, which the trigger
 * limits. A superuser (PGlite's only role, and `postgres`) ignores privileges, so for it only
 * the triggers hold. The owner can grant the privileges back.
 */
async function revokeChangePrivileges(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$ begin
      execute format('revoke update, truncate on audit_log from public, %I', current_user);
      execute format('revoke update, delete, truncate on audit_checkpoints from public, %I',
                     current_user);
    end $$`.execute(db);
}

/** Drops the chain, the triggers and the checkpoints; archived entries stay in their files. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$ begin
      execute format('grant update, truncate on audit_log to %I', current_user);
    end $$`.execute(db);
  await sql`drop trigger audit_log_no_change on audit_log`.execute(db);
  await sql`drop trigger audit_log_no_truncate on audit_log`.execute(db);
  await sql`drop function audit_log_guard()`.execute(db);
  await sql`drop table audit_checkpoints`.execute(db);
  await sql`drop function audit_checkpoint_guard()`.execute(db);
  await sql`drop index audit_log_at`.execute(db);
  await sql`drop index audit_log_actor`.execute(db);
  await sql`drop index audit_log_action`.execute(db);
  await sql`
    alter table audit_log
      drop column seq,
      drop column organisation_id,
      drop column user_agent,
      drop column outcome,
      drop column changes,
      drop column prev_hash,
      drop column hash`.execute(db);
}
