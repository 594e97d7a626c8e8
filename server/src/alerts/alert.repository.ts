import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import type { AlertRow } from '../db/schema.js';
import { microsecondInstantOf } from '../shared/cursor.js';
import type { ResolvedAlert } from './alert-recurrence.js';
import type { AlertCandidate } from './alert-rules.js';

export async function listRuleRows(db: Executor) {
  return db.selectFrom('alert_rules').selectAll().execute();
}

/** Inserts the rules that have no row yet, with their default parameters. */
export async function insertMissingRules(
  db: Executor,
  rules: { code: string; parameters: Record<string, number> }[],
) {
  if (rules.length === 0) return;
  await db
    .insertInto('alert_rules')
    .values(rules.map((rule) => ({ code: rule.code, parameters: JSON.stringify(rule.parameters) })))
    .onConflict((conflict) => conflict.column('code').doNothing())
    .execute();
}

export async function findRuleForUpdate(db: Executor, code: string) {
  return db
    .selectFrom('alert_rules')
    .selectAll()
    .where('code', '=', code)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateRule(
  db: Executor,
  code: string,
  change: { enabled: boolean; parameters: Record<string, number>; updatedBy: string },
) {
  await db
    .updateTable('alert_rules')
    .set({
      enabled: change.enabled,
      parameters: JSON.stringify(change.parameters),
      updated_by: change.updatedBy,
      updated_at: sql`now()`,
    })
    .where('code', '=', code)
    .execute();
}

/**
 * Records a firing rule: inserts a new alert, or refreshes the open alert of the same rule and
 * subject (the partial unique index alerts_one_open). Returns the alert's id and whether it is
 * new. `xmax = 0` holds only for a row this statement inserted.
 */
export async function upsertAlert(
  db: Executor,
  id: string,
  rule: string,
  candidate: AlertCandidate,
): Promise<{ id: string; inserted: boolean }> {
  const { rows } = await sql<{ id: string; inserted: boolean }>`
    insert into alerts
      (id, rule, subject_type, subject_id, subject_label, event_id, district_code, detail)
    values (${id}, ${rule}, ${candidate.subjectType}, ${candidate.subjectId},
      ${candidate.subjectLabel}, ${candidate.eventId}, ${candidate.districtCode},
      ${JSON.stringify(candidate.detail)}::jsonb)
    on conflict (rule, subject_type, subject_id) where status <> 'resolved'
    do update set last_seen_at = now(), detail = excluded.detail,
      subject_label = excluded.subject_label
    returning id, (xmax = 0) as inserted`.execute(db);
  return rows[0]!;
}

/**
 * Returns the latest resolved alert of the rule for each of the subjects that has no open
 * alert, keyed by `<subject type>:<subject id>`. A subject with an open alert is left out,
 * because a firing subject refreshes its open alert whatever was resolved before.
 */
export async function findLatestResolved(
  db: Executor,
  rule: string,
  subjects: { subjectType: string; subjectId: string }[],
): Promise<Map<string, ResolvedAlert>> {
  const found = new Map<string, ResolvedAlert>();
  if (subjects.length === 0) return found;
  // NOTE: no index covers resolved alerts by rule and subject (alerts_one_open is partial on
  // the open ones), so this reads the rule's alerts once per evaluation of the rule.
  const { rows } = await sql<{
    subject_type: string;
    subject_id: string;
    detail: Record<string, unknown>;
    seconds_since_resolved: number;
  }>`
    select distinct on (a.subject_type, a.subject_id) a.subject_type, a.subject_id, a.detail,
      extract(epoch from now() - a.resolved_at)::float8 as seconds_since_resolved
    from alerts a
    join unnest(${subjects.map((s) => s.subjectType)}::text[],
        ${subjects.map((s) => s.subjectId)}::text[]) as k (subject_type, subject_id)
      on k.subject_type = a.subject_type and k.subject_id = a.subject_id
    where a.rule = ${rule} and a.status = 'resolved'
      and not exists (
        select 1 from alerts o
        where o.rule = a.rule and o.subject_type = a.subject_type
          and o.subject_id = a.subject_id and o.status <> 'resolved')
    order by a.subject_type, a.subject_id, a.resolved_at desc`.execute(db);
  for (const row of rows) {
    found.set(`${row.subject_type}:${row.subject_id}`, {
      detail: row.detail,
      secondsSinceResolved: row.seconds_since_resolved,
    });
  }
  return found;
}

/** Adds the console notice of an alert for each user, once per user. */
export async function insertNotifications(db: Executor, alertId: string, userIds: string[]) {
  if (userIds.length === 0) return;
  await db
    .insertInto('alert_notifications')
    .values(userIds.map((userId) => ({ alert_id: alertId, user_id: userId })))
    .onConflict((conflict) => conflict.columns(['alert_id', 'user_id']).doNothing())
    .execute();
}

/** Lists the users among `userIds` with a mobile number on file for alert SMS. */
export async function findUsersWithPhone(db: Executor, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('id', 'in', userIds)
    .where('phone_ciphertext', 'is not', null)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Lists the ids of enabled users of the given account types, optionally in one division. */
export async function findRecipients(
  db: Executor,
  accountTypes: string[],
  divisionCode?: string,
): Promise<string[]> {
  let query = db
    .selectFrom('users')
    .select('id')
    .where('account_type', 'in', accountTypes)
    .where('disabled_at', 'is', null);
  if (divisionCode) query = query.where('division_code', '=', divisionCode);
  return (await query.execute()).map((row) => row.id);
}

/** Which alerts a reader sees: rules of an audience, optionally one district's alerts only. */
export interface AlertFilter {
  rules: string[];
  districtCode?: string;
  status?: AlertRow['status'];
  rule?: string;
}

function alertsWithNames(db: Executor) {
  return db
    .selectFrom('alerts')
    .leftJoin('users as ack', 'ack.id', 'alerts.acknowledged_by')
    .leftJoin('users as res', 'res.id', 'alerts.resolved_by')
    .leftJoin('divisions as d', 'd.code', 'alerts.district_code')
    .selectAll('alerts')
    .select([
      'ack.display_name as acknowledged_by_name',
      'res.display_name as resolved_by_name',
      'd.name as district_name',
    ]);
}

export type AlertView = Awaited<ReturnType<typeof findAlert>> & object;

export async function findAlert(db: Executor, id: string) {
  return alertsWithNames(db).where('alerts.id', '=', id).executeTakeFirst();
}

/**
 * Lists alerts newest first, after the cursor's position, with the reader's unread marks.
 * `position` is the first sighting as `microsecondInstantOf` writes it, for the next cursor.
 */
export async function listAlerts(
  db: Executor,
  filter: AlertFilter,
  userId: string,
  limit: number,
  after?: { firstSeenAt: string; id: string },
) {
  let query = alertsWithNames(db)
    .leftJoin('alert_notifications as n', (join) =>
      join.onRef('n.alert_id', '=', 'alerts.id').on('n.user_id', '=', userId),
    )
    .select(sql<boolean>`alerts.status = 'new' and n.read_at is null`.as('unread'))
    .select(microsecondInstantOf('alerts.first_seen_at').as('position'))
    .where('alerts.rule', 'in', filter.rules)
    .orderBy('alerts.first_seen_at', 'desc')
    .orderBy('alerts.id', 'desc')
    .limit(limit);
  if (filter.districtCode) query = query.where('alerts.district_code', '=', filter.districtCode);
  if (filter.status) query = query.where('alerts.status', '=', filter.status);
  if (filter.rule) query = query.where('alerts.rule', '=', filter.rule);
  if (after) {
    query = query.where(
      sql<boolean>`(alerts.first_seen_at, alerts.id) < (${after.firstSeenAt}::timestamptz, ${after.id}::uuid)`,
    );
  }
  return query.execute();
}

/**
 * Counts the alerts that a reader has not seen: new alerts in the reader's list (`filter`)
 * without a read notice of the user. A reader who was not notified of an alert, such as the
 * city administrators of a district's alert, has no notice until marking it read.
 */
export async function countUnread(
  db: Executor,
  filter: AlertFilter,
  userId: string,
): Promise<number> {
  let query = db
    .selectFrom('alerts')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('alerts.rule', 'in', filter.rules)
    .where('alerts.status', '=', 'new')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('alert_notifications as n')
            .select(sql`1`.as('one'))
            .whereRef('n.alert_id', '=', 'alerts.id')
            .where('n.user_id', '=', userId)
            .where('n.read_at', 'is not', null),
        ),
      ),
    );
  if (filter.districtCode) query = query.where('alerts.district_code', '=', filter.districtCode);
  const row = await query.executeTakeFirstOrThrow();
  return row.count;
}

/**
 * Marks the reader's unread alerts read: the new alerts of `filter` without a read notice of
 * the user. A missing notice is inserted as read. Returns how many alerts were unread.
 */
export async function markNotificationsRead(
  db: Executor,
  filter: AlertFilter,
  userId: string,
): Promise<number> {
  const district = filter.districtCode ? sql`and a.district_code = ${filter.districtCode}` : sql``;
  const { rows } = await sql<{ alert_id: string }>`
    insert into alert_notifications as n (alert_id, user_id, read_at)
    select a.id, ${userId}, now()
    from alerts a
    where a.rule = any(${filter.rules}::text[]) and a.status = 'new' ${district}
    on conflict (alert_id, user_id) do update set read_at = now()
      where n.read_at is null
    returning n.alert_id`.execute(db);
  return rows.length;
}

/** Marks every unread notice of one alert read, for all of its recipients. */
export async function markAlertNotificationsRead(db: Executor, alertId: string): Promise<number> {
  const result = await db
    .updateTable('alert_notifications')
    .set({ read_at: sql`now()` })
    .where('alert_id', '=', alertId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Reads what the SMS of an alert to one official needs: the alert and the user's phone. */
export async function findAlertSms(db: Executor, alertId: string, userId: string) {
  const alert = await alertsWithNames(db).where('alerts.id', '=', alertId).executeTakeFirst();
  const user = await db
    .selectFrom('users')
    .select(['phone_ciphertext', 'disabled_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return { alert, user };
}

/** Moves an alert from one of `from` to `to`; returns undefined when its status was another. */
export async function transitionAlert(
  db: Executor,
  id: string,
  from: AlertRow['status'][],
  change:
    | { to: 'acknowledged'; userId: string }
    | { to: 'resolved'; userId: string; note: string | null },
) {
  const set =
    change.to === 'acknowledged'
      ? { status: change.to, acknowledged_by: change.userId, acknowledged_at: sql<Date>`now()` }
      : {
          status: change.to,
          resolved_by: change.userId,
          resolved_at: sql<Date>`now()`,
          resolution_note: change.note,
        };
  return db
    .updateTable('alerts')
    .set(set)
    .where('id', '=', id)
    .where('status', 'in', from)
    .returning('id')
    .executeTakeFirst();
}
