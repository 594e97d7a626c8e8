import { sql, type SelectQueryBuilder } from 'kysely';

import type { Database } from '../db/schema.js';
import type { Executor } from '../db/database.js';

/** Filters of the audit viewer and its export; every given filter must match. */
export interface AuditFilter {
  /** The actor's username, or the username of a failed sign-in, compared without case. */
  username?: string;
  userId?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: string;
  to?: string;
  /** The start of the client IP address, such as `10.1.` or a whole address. */
  ip?: string;
  outcome?: 'success' | 'failure';
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** Selects the matching entries with the actor and organisation names, newest first. */
export function filteredEntries(db: Executor, filter: AuditFilter) {
  let query = db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
    .leftJoin('organisations', 'organisations.id', 'audit_log.organisation_id')
    .leftJoin('partners', 'partners.id', 'audit_log.actor_partner_id')
    .select([
      'audit_log.seq',
      'audit_log.id',
      'audit_log.at',
      'audit_log.actor_user_id',
      'users.username as actor_username',
      'users.display_name as actor_display_name',
      'audit_log.actor_partner_id',
      'partners.name as actor_partner_name',
      'audit_log.organisation_id',
      'organisations.name as organisation_name',
      'audit_log.actor_ip',
      'audit_log.user_agent',
      'audit_log.action',
      'audit_log.entity_type',
      'audit_log.entity_id',
      'audit_log.outcome',
      'audit_log.detail',
      'audit_log.changes',
      'audit_log.prev_hash',
      'audit_log.hash',
    ])
    .orderBy('audit_log.seq', 'desc');
  query = applyFilter(query, filter);
  return query;
}

function applyFilter<O>(
  query: SelectQueryBuilder<
    Database & { users: Database['users']; organisations: Database['organisations'] },
    'audit_log' | 'users' | 'organisations',
    O
  >,
  filter: AuditFilter,
) {
  let result = query;
  if (filter.username) {
    const username = filter.username.trim().toLowerCase();
    result = result.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['users.username']), '=', username),
        eb.and([
          eb('audit_log.action', '=', 'session.failed'),
          eb(sql`lower(audit_log.detail->>'username')`, '=', username),
        ]),
      ]),
    );
  }
  if (filter.userId) result = result.where('audit_log.actor_user_id', '=', filter.userId);
  if (filter.action) result = result.where('audit_log.action', '=', filter.action);
  if (filter.entityType) result = result.where('audit_log.entity_type', '=', filter.entityType);
  if (filter.entityId) result = result.where('audit_log.entity_id', '=', filter.entityId);
  if (filter.from) result = result.where('audit_log.at', '>=', new Date(filter.from));
  if (filter.to) result = result.where('audit_log.at', '<=', new Date(filter.to));
  if (filter.ip) {
    result = result.where('audit_log.actor_ip', 'like', `${escapeLike(filter.ip.trim())}%`);
  }
  if (filter.outcome) result = result.where('audit_log.outcome', '=', filter.outcome);
  return result;
}

/** Counts the entries that match a filter. */
export async function countEntries(db: Executor, filter: AuditFilter): Promise<number> {
  const query = applyFilter(
    db
      .selectFrom('audit_log')
      .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
      .leftJoin('organisations', 'organisations.id', 'audit_log.organisation_id')
      .select((eb) => eb.fn.countAll<string>().as('count')),
    filter,
  );
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.count);
}

export type AuditRow = Awaited<ReturnType<ReturnType<typeof filteredEntries>['execute']>>[number];
