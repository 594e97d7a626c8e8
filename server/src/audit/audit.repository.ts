import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import { uuidv7 } from '../shared/ids.js';
import { entryHash, GENESIS_HASH, type AuditChanges } from './audit-hash.js';

/** One audited action, written in the same transaction as the change it records. */
export interface AuditEntry {
  actorUserId: string | null;
  /** The partner platform that acted through the open API; it has no user. */
  actorPartnerId?: string | null;
  actorIp: string | null;
  action: string;
  entityType: string;
  entityId: string;
  detail?: Record<string, unknown>;
  /** The actor's organisation; when omitted, the organisation of `actorUserId`. */
  organisationId?: string | null;
  userAgent?: string | null;
  /** `success` unless given; a rejected sign-in is a `failure`. */
  outcome?: 'success' | 'failure';
  changes?: AuditChanges;
}

// Two-key advisory lock (a key space apart from the one-key locks of sign-in throttling)
// that serialises appends to the chain.
const CHAIN_LOCK_CLASS = 0x61756474;
const CHAIN_LOCK_ID = 1;

/** Holds the audit chain's lock until the transaction ends. */
export async function lockAuditChain(trx: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(CHAIN_LOCK_CLASS)}, ${sql.lit(CHAIN_LOCK_ID)})`.execute(
    trx,
  );
}

/**
 * Appends an entry to the audit log, chained to the previous one. The chain's advisory lock is
 * taken first and held until the caller's transaction commits, so entries commit in `seq`
 * order and each one links to the entry committed before it. Called outside a transaction,
 * it opens one of its own. The caller's transaction must run at READ COMMITTED (PostgreSQL's
 * default): a snapshot taken before the lock would miss the previous entry.
 */
export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  if (!db.isTransaction) {
    await db.transaction().execute((trx) => recordAudit(trx, entry));
    return;
  }
  await lockAuditChain(db);
  await appendAuditEntry(db, entry);
}

/**
 * Appends an entry without taking the chain's lock. Only recordAudit, which holds the lock,
 * and the test that shows what happens without it call this. `at` is for tests that need old
 * entries; by default the database clock, truncated to milliseconds, stamps the entry.
 */
export async function appendAuditEntry(
  trx: Executor,
  entry: AuditEntry,
  options: { at?: Date } = {},
): Promise<{ seq: number; hash: string }> {
  const head = await readChainHead(trx, entry.actorUserId);
  const chained = {
    seq: head.seq,
    id: uuidv7(),
    at: options.at ?? head.now,
    actorUserId: entry.actorUserId,
    actorPartnerId: entry.actorPartnerId ?? null,
    organisationId:
      entry.organisationId === undefined ? head.actorOrganisationId : entry.organisationId,
    actorIp: entry.actorIp,
    userAgent: entry.userAgent ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    outcome: entry.outcome ?? 'success',
    detail: entry.detail ?? {},
    changes: entry.changes ?? null,
    prevHash: head.prevHash,
  };
  const hash = entryHash(chained);
  await trx
    .insertInto('audit_log')
    .values({
      id: chained.id,
      seq: chained.seq,
      at: chained.at,
      actor_user_id: chained.actorUserId,
      actor_partner_id: chained.actorPartnerId,
      organisation_id: chained.organisationId,
      actor_ip: chained.actorIp,
      user_agent: chained.userAgent,
      action: chained.action,
      entity_type: chained.entityType,
      entity_id: chained.entityId,
      outcome: chained.outcome,
      detail: JSON.stringify(chained.detail),
      changes: chained.changes === null ? null : JSON.stringify(chained.changes),
      prev_hash: chained.prevHash,
      hash,
    })
    .execute();
  return { seq: chained.seq, hash };
}

/**
 * Reads the next seq, the hash to link to (the newest entry's, else the last checkpoint's,
 * else the genesis hash), the database clock and the actor's organisation in one statement.
 */
async function readChainHead(trx: Executor, actorUserId: string | null) {
  const { rows } = await sql<{
    seq: string | number;
    prev_hash: string | null;
    now: Date;
    organisation_id: string | null;
  }>`
    select nextval('audit_log_seq') as seq,
           coalesce(
             (select hash from audit_log order by seq desc limit 1),
             (select through_hash from audit_checkpoints order by through_seq desc limit 1)
           ) as prev_hash,
           date_trunc('milliseconds', clock_timestamp()) as now,
           (select organisation_id from users where id = ${actorUserId}) as organisation_id`.execute(
    trx,
  );
  const row = rows[0]!;
  return {
    seq: Number(row.seq),
    prevHash: row.prev_hash ?? GENESIS_HASH,
    now: new Date(row.now),
    actorOrganisationId: row.organisation_id,
  };
}

/**
 * Lists an entity's audit entries, oldest first, with the actor's name: the user's display
 * name, or the partner platform's name.
 */
export async function listAudit(db: Executor, entityType: string, entityId: string) {
  return db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
    .leftJoin('partners', 'partners.id', 'audit_log.actor_partner_id')
    .select((eb) => [
      'audit_log.at',
      'audit_log.action',
      'audit_log.detail',
      eb.fn.coalesce('users.display_name', 'partners.name').as('actor_name'),
    ])
    .where('audit_log.entity_type', '=', entityType)
    .where('audit_log.entity_id', '=', entityId)
    .orderBy('audit_log.seq')
    .execute();
}
