import type { Executor } from '../db/database.js';
import { uuidv7 } from '../shared/ids.js';

/** One administrative action, written in the same transaction as the change it records. */
export interface AuditEntry {
  actorUserId: string | null;
  actorIp: string | null;
  action: string;
  entityType: string;
  entityId: string;
  detail?: Record<string, unknown>;
}

/** Appends an entry to the audit log. */
export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: uuidv7(),
      actor_user_id: entry.actorUserId,
      actor_ip: entry.actorIp,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}

/** Lists an entity's audit entries, oldest first, with the actor's display name. */
export async function listAudit(db: Executor, entityType: string, entityId: string) {
  return db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
    .select([
      'audit_log.at',
      'audit_log.action',
      'audit_log.detail',
      'users.display_name as actor_name',
    ])
    .where('audit_log.entity_type', '=', entityType)
    .where('audit_log.entity_id', '=', entityId)
    .orderBy('audit_log.at')
    .orderBy('audit_log.id')
    .execute();
}
