import {
  ALERT_READER_TYPES,
  ALERT_RULE_CODES,
  ALERT_RULES,
  checkAlertParameters,
  defaultAlertParameters,
  nextAlertStatus,
  type AccountType,
  type AlertRuleCode,
  type AlertStatus,
} from '@cityleague/domain';
import type { FastifyBaseLogger } from 'fastify';

import type { Principal } from '../accounts/account.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { AuditActor } from '../audit/audit-context.js';
import type { Db, Executor } from '../db/database.js';
import { InvalidCursor, throwIfFieldErrors } from '../http/problem.js';
import { decodeCursor, encodeCursor, isMicrosecondInstant } from '../shared/cursor.js';
import { enqueue } from '../notifications/outbox.repository.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { uuidv7 } from '../shared/ids.js';
import { startPeriodicJob } from '../shared/periodic-job.js';
import { ALERT_RECURRENCE } from './alert-recurrence.js';
import { ALERT_EVALUATORS, type AlertCandidate } from './alert-rules.js';
import { AlertInvalidTransition, AlertNotFound, AlertRuleNotFound } from './alert.errors.js';
import * as repository from './alert.repository.js';

const PAGE_SIZE = 50;
const CITY_ADMINISTRATORS = ['sports_bureau', 'committee'];

function rulesOf(audience: 'administrators' | 'operator'): AlertRuleCode[] {
  return ALERT_RULE_CODES.filter((code) => ALERT_RULES[code].audience === audience);
}

/**
 * Returns which alerts a user reads: the operator reads the platform rules' alerts (SMS,
 * sign-in), the city administrators every league alert, a district bureau its district's
 * league alerts. Any other account reads none.
 */
function readerFilter(user: Principal): repository.AlertFilter | undefined {
  if (user.accountType === 'operator') return { rules: rulesOf('operator') };
  if (!ALERT_READER_TYPES.includes(user.accountType as AccountType)) return undefined;
  if (user.accountType === 'district_bureau') {
    return { rules: rulesOf('administrators'), districtCode: user.divisionCode };
  }
  return { rules: rulesOf('administrators') };
}

/** Reads the rules with their stored settings, inserting missing ones with the defaults. */
async function storedRules(db: Executor) {
  let rows = await repository.listRuleRows(db);
  const missing = ALERT_RULE_CODES.filter((code) => !rows.some((row) => row.code === code));
  if (missing.length > 0) {
    await repository.insertMissingRules(
      db,
      missing.map((code) => ({ code, parameters: defaultAlertParameters(code) })),
    );
    rows = await repository.listRuleRows(db);
  }
  return rows;
}

/** Lists every rule with its definition, switch and parameters, for the operator's page. */
export async function listRules(db: Db) {
  const rows = await storedRules(db);
  return ALERT_RULE_CODES.map((code) => {
    const row = rows.find((candidate) => candidate.code === code)!;
    return {
      ...ALERT_RULES[code],
      parameters: ALERT_RULES[code].parameters.map((parameter) => ({
        ...parameter,
        value: row.parameters[parameter.key] ?? parameter.default,
      })),
      enabled: row.enabled,
      updatedAt: row.updated_at.toISOString(),
    };
  });
}

/** Changes a rule's switch and parameters, audited with the values before and after. */
export async function updateRule(
  db: Db,
  user: Principal,
  code: string,
  input: { enabled: boolean; parameters: Record<string, number> },
  actor: AuditActor,
) {
  if (!(ALERT_RULE_CODES as readonly string[]).includes(code)) throw new AlertRuleNotFound(code);
  const ruleCode = code as AlertRuleCode;
  throwIfFieldErrors(
    checkAlertParameters(ruleCode, input.parameters).map((problem) => ({
      field: `parameters.${problem.key}`,
      code: 'invalid_parameter',
      message: problem.message,
    })),
  );
  await storedRules(db);
  await db.transaction().execute(async (trx) => {
    const before = (await repository.findRuleForUpdate(trx, ruleCode))!;
    await repository.updateRule(trx, ruleCode, { ...input, updatedBy: user.id });
    await recordAudit(trx, {
      ...actor,
      action: 'alert_rule.updated',
      entityType: 'alert_rule',
      entityId: ruleCode,
      changes: {
        enabled: { before: before.enabled, after: input.enabled },
        parameters: { before: before.parameters, after: input.parameters },
      },
    });
  });
  return (await listRules(db)).find((rule) => rule.code === ruleCode)!;
}

export const ALERT_SMS_KIND = 'alert.opened';

/**
 * Returns the users to notify of a new alert. The operator's rules go to the operators. A
 * district's alert goes to that district's bureau, and a city-wide alert to the city
 * administrators, who also get a district's alert when the district has no enabled bureau user.
 */
async function recipientsOf(db: Executor, code: AlertRuleCode, districtCode: string | null) {
  if (ALERT_RULES[code].audience === 'operator') {
    return repository.findRecipients(db, ['operator']);
  }
  if (districtCode) {
    const district = await repository.findRecipients(db, ['district_bureau'], districtCode);
    if (district.length > 0) return district;
  }
  return repository.findRecipients(db, CITY_ADMINISTRATORS);
}

/**
 * Notifies the recipients of a new alert in the transaction that opens it: a console notice for
 * each, and an SMS through the outbox for each with a mobile number on file. The outbox row's
 * dedup key names the alert and the user, so an alert sends one SMS per user.
 */
async function notifyRecipients(trx: Executor, alertId: string, recipients: string[]) {
  await repository.insertNotifications(trx, alertId, recipients);
  const withPhone = await repository.findUsersWithPhone(trx, recipients);
  await enqueue(
    trx,
    withPhone.map((userId) => ({
      id: uuidv7(),
      kind: ALERT_SMS_KIND,
      payload: { alertId, userId },
      dedupKey: `${ALERT_SMS_KIND}:${alertId}:${userId}`,
    })),
  );
}

/**
 * Records one firing subject of a rule in one transaction: opens a new alert and notifies its
 * recipients, or refreshes the open alert of the same rule and subject. Returns true when it
 * opened one.
 */
export async function recordAlert(
  db: Db,
  code: AlertRuleCode,
  candidate: AlertCandidate,
  log?: FastifyBaseLogger,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const alert = await repository.upsertAlert(trx, uuidv7(), code, candidate);
    if (!alert.inserted) return false;
    const recipients = await recipientsOf(trx, code, candidate.districtCode);
    await notifyRecipients(trx, alert.id, recipients);
    log?.info({ alertId: alert.id, rule: code, recipients: recipients.length }, 'alert opened');
    return true;
  });
}

/**
 * Splits a rule's firing subjects into those to record and those settled: subjects whose last
 * alert was resolved, with no open alert, and whose situation has not changed since by the
 * rule's recurrence test (ALERT_RECURRENCE).
 */
async function withoutSettled(
  db: Executor,
  code: AlertRuleCode,
  candidates: AlertCandidate[],
  parameters: Record<string, number>,
) {
  const resolved = await repository.findLatestResolved(db, code, candidates);
  const record = candidates.filter((candidate) => {
    const last = resolved.get(`${candidate.subjectType}:${candidate.subjectId}`);
    return !last || ALERT_RECURRENCE[code](candidate, last, parameters);
  });
  return { record, settled: candidates.length - record.length };
}

/**
 * Evaluates every enabled rule once. Each firing subject either opens a new alert, with a
 * console notice and an SMS for each of its recipients, or refreshes the open alert of the same
 * rule and subject, or is settled: its alert was resolved and its situation has not changed
 * since. A rule whose query or recording fails is logged with its code and skipped, so the rules
 * after it still run. Returns the number of alerts opened and refreshed, the number of settled
 * subjects, and the codes of the rules that failed.
 */
export async function evaluateAlerts(db: Db, log?: FastifyBaseLogger) {
  const rules = await storedRules(db);
  let opened = 0;
  let refreshed = 0;
  let settled = 0;
  const failed: AlertRuleCode[] = [];
  for (const code of ALERT_RULE_CODES) {
    const rule = rules.find((row) => row.code === code);
    if (!rule?.enabled) continue;
    const parameters = { ...defaultAlertParameters(code), ...rule.parameters };
    try {
      const firing = await ALERT_EVALUATORS[code](db, parameters);
      const { record: candidates, settled: quiet } = await withoutSettled(
        db,
        code,
        firing,
        parameters,
      );
      settled += quiet;
      for (const candidate of candidates) {
        if (await recordAlert(db, code, candidate, log)) opened += 1;
        else refreshed += 1;
      }
    } catch (error) {
      // Only the message and SQLSTATE are logged: a PostgreSQL error's detail may quote the
      // values of a row, such as an alert's subject.
      failed.push(code);
      const { message, code: sqlState } = error as Error & { code?: string };
      log?.error({ rule: code, error: message, sqlState }, 'alert rule evaluation failed');
    }
  }
  return { opened, refreshed, settled, failed };
}

/**
 * Runs `evaluateAlerts` once at start and then every `intervalMs` until the returned function
 * is called.
 */
export function startAlertEvaluation(db: Db, log: FastifyBaseLogger, intervalMs: number) {
  const job = startPeriodicJob({
    intervalMs,
    log,
    failureMessage: 'alert evaluation failed',
    runAtStart: true,
    round: () => evaluateAlerts(db, log),
  });
  return job.stop;
}

function alertView(alert: NonNullable<Awaited<ReturnType<typeof repository.findAlert>>>) {
  const rule = ALERT_RULES[alert.rule as AlertRuleCode];
  return {
    id: alert.id,
    rule: alert.rule,
    ruleLabel: rule?.label ?? alert.rule,
    subject: { type: alert.subject_type, id: alert.subject_id, label: alert.subject_label },
    eventId: alert.event_id,
    district: alert.district_code
      ? { code: alert.district_code, name: alert.district_name ?? alert.district_code }
      : null,
    detail: alert.detail,
    status: alert.status,
    firstSeenAt: alert.first_seen_at.toISOString(),
    lastSeenAt: alert.last_seen_at.toISOString(),
    acknowledged: alert.acknowledged_at
      ? { by: alert.acknowledged_by_name ?? '', at: alert.acknowledged_at.toISOString() }
      : null,
    resolved: alert.resolved_at
      ? {
          by: alert.resolved_by_name ?? '',
          at: alert.resolved_at.toISOString(),
          note: alert.resolution_note,
        }
      : null,
  };
}

/** Lists the alerts the user reads, newest first, with the user's unread count. */
export async function listAlerts(
  db: Db,
  user: Principal,
  query: { status?: AlertStatus; rule?: string; cursor?: string },
) {
  const after = query.cursor
    ? decodeCursor(query.cursor, ['firstSeenAt', 'id'] as const)
    : undefined;
  if (query.cursor && !(after && isMicrosecondInstant(after.firstSeenAt))) {
    throw new InvalidCursor();
  }
  const filter = readerFilter(user);
  if (!filter) return { items: [], nextCursor: null, unread: 0 };
  const rows = await repository.listAlerts(
    db,
    { ...filter, status: query.status, rule: query.rule },
    user.id,
    PAGE_SIZE + 1,
    after,
  );
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({ ...alertView(row), unread: row.unread })),
    nextCursor:
      rows.length > PAGE_SIZE && last
        ? encodeCursor({ firstSeenAt: last.position, id: last.id })
        : null,
    unread: await repository.countUnread(db, filter, user.id),
  };
}

/**
 * Returns the number of new alerts in the user's list that the user has not marked read, for
 * the console's badge. It counts the same alerts that the list marks unread.
 */
export async function countUnreadAlerts(db: Db, user: Principal) {
  const filter = readerFilter(user);
  return { unread: filter ? await repository.countUnread(db, filter, user.id) : 0 };
}

/** Marks the new alerts in the user's list read; returns how many were unread. */
export async function markAlertsRead(db: Db, user: Principal) {
  const filter = readerFilter(user);
  return { marked: filter ? await repository.markNotificationsRead(db, filter, user.id) : 0 };
}

/** Loads an alert the user reads, or ALR_NOT_FOUND. */
async function readableAlert(db: Executor, user: Principal, id: string) {
  const alert = await repository.findAlert(db, id);
  const filter = readerFilter(user);
  const readable =
    alert &&
    filter &&
    filter.rules.includes(alert.rule as AlertRuleCode) &&
    (!filter.districtCode || alert.district_code === filter.districtCode);
  if (!readable) throw new AlertNotFound(id);
  return alert;
}

/**
 * Acknowledges or resolves an alert that the user reads, which marks its notices read for every
 * recipient. A new alert may be acknowledged or resolved, an acknowledged one only resolved;
 * anything else is ALR_INVALID_TRANSITION. The
 * change is a conditional update on the status, so of two concurrent changes one wins.
 */
export async function changeAlertStatus(
  db: Db,
  user: Principal,
  id: string,
  action: 'acknowledge' | 'resolve',
  note: string | null,
  actor: AuditActor,
) {
  await readableAlert(db, user, id);
  await db.transaction().execute(async (trx) => {
    const from = (['new', 'acknowledged'] as const).filter(
      (status) => nextAlertStatus(status, action) !== undefined,
    );
    const changed = await repository.transitionAlert(
      trx,
      id,
      [...from],
      action === 'acknowledge'
        ? { to: 'acknowledged', userId: user.id }
        : { to: 'resolved', userId: user.id, note },
    );
    if (!changed) {
      const current = await repository.findAlert(trx, id);
      const verb = action === 'acknowledge' ? 'acknowledged' : 'resolved';
      throw new AlertInvalidTransition(id, current?.status ?? 'unknown', verb);
    }
    // A handled alert needs nobody's attention any more, so its notices stop counting as unread.
    await repository.markAlertNotificationsRead(trx, id);
    await recordAudit(trx, {
      ...actor,
      action: action === 'acknowledge' ? 'alert.acknowledged' : 'alert.resolved',
      entityType: 'alert',
      entityId: id,
      detail: note ? { note } : {},
    });
  });
  return alertView((await repository.findAlert(db, id))!);
}

/**
 * Composes the SMS of a new alert to one official. The row is dropped when the alert was
 * resolved before sending, or the user was disabled or removed the number. The text names the
 * rule, the district and the subject, except a person's or an IP address's.
 */
export async function composeAlertSms(
  db: Db,
  cipher: PersonalDataCipher,
  payload: Record<string, unknown>,
): Promise<{ to: string; text: string } | { drop: string }> {
  const alertId = String(payload.alertId ?? '');
  const userId = String(payload.userId ?? '');
  const uuid = /^[0-9a-f-]{36}$/i;
  if (!uuid.test(alertId) || !uuid.test(userId)) return { drop: 'invalid payload' };
  const { alert, user } = await repository.findAlertSms(db, alertId, userId);
  if (!alert) return { drop: 'alert not found' };
  if (alert.status === 'resolved') return { drop: 'alert resolved before sending' };
  if (!user?.phone_ciphertext || user.disabled_at) return { drop: 'no phone for the user' };
  const rule = ALERT_RULES[alert.rule as AlertRuleCode];
  const place = alert.district_name ?? '全市';
  const subject = ['person', 'ip'].includes(alert.subject_type) ? '' : `：${alert.subject_label}`;
  return {
    to: cipher.decrypt(user.phone_ciphertext),
    text: `异常预警（${place}）${rule?.label ?? alert.rule}${subject}。请登录管理后台查看并处理。`,
  };
}
