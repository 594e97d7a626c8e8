import { ALERT_RULE_CODES, ALERT_RULES, type AlertRuleCode } from '@cityleague/domain';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { uuidv7 } from '../shared/ids.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  postOk,
  publishNewEvent,
  signIn,
  type TestContext,
  whileCheckInOpen,
} from '../test/harness.js';
import {
  createTestPartner,
  publishPartnerEvent,
  signedRequest,
  type TestPartner,
} from '../test/partners.js';
import { evaluateAlerts } from './alert.service.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
const userIds: Record<string, string> = {};

const ACCOUNTS = [
  { username: 'al.contractor', accountType: 'contractor', divisionCode: '3101' },
  { username: 'al.committee', accountType: 'committee', divisionCode: '3101' },
  { username: 'al.bureau', accountType: 'sports_bureau', divisionCode: '3101' },
  { username: 'al.xuhui', accountType: 'district_bureau', divisionCode: '310104' },
  { username: 'al.pudong', accountType: 'district_bureau', divisionCode: '310115' },
  { username: 'al.operator', accountType: 'operator', divisionCode: '3101' },
];

const HOUR = 3600_000;

function cookieOf(username: string): string {
  const cookie = cookies[username];
  if (!cookie) throw new Error(`No session for ${username}`);
  return cookie;
}

let phoneCounter = 0;

function nextPhone(): string {
  phoneCounter += 1;
  return `1390015${String(1000 + phoneCounter)}`;
}

/** Registers one entry per phone and returns the registration codes. */
async function register(eventId: string, phones: string[]): Promise<string[]> {
  const codes: string[] = [];
  for (const phone of phones) {
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: '测试市民', phone },
    });
    if (response.statusCode !== 201) throw new Error(response.body);
    codes.push(response.json().code);
  }
  return codes;
}

/** Pushes one entry per phone through the partner API. */
async function pushEntries(partner: TestPartner, eventId: string, phones: string[]) {
  for (const phone of phones) {
    const response = await signedRequest(ctx.app, partner, {
      method: 'POST',
      url: `/api/partner/v1/events/${eventId}/registrations`,
      body: { name: '测试市民', phone },
    });
    if (response.statusCode !== 201) throw new Error(response.body);
  }
}

function phones(count: number): string[] {
  return Array.from({ length: count }, nextPhone);
}

async function publish(overrides: Record<string, unknown> = {}) {
  return publishNewEvent(ctx.app, cookieOf('al.contractor'), cookieOf('al.committee'), {
    capacity: 20,
    expectedParticipants: 20,
    ...overrides,
  });
}

/** Switches every rule off but `code`, which gets `parameters`, through the operator's API. */
async function onlyRule(code: AlertRuleCode, parameters: Record<string, number>) {
  const list = await as(
    ctx.app,
    cookieOf('al.operator'),
  )({
    method: 'GET',
    url: '/api/operator/alert-rules',
  });
  expect(list.statusCode, list.body).toBe(200);
  for (const rule of list.json<{ items: RuleBody[] }>().items) {
    const values = Object.fromEntries(rule.parameters.map((p) => [p.key, p.value]));
    const response = await as(
      ctx.app,
      cookieOf('al.operator'),
    )({
      method: 'PUT',
      url: `/api/operator/alert-rules/${rule.code}`,
      payload:
        rule.code === code
          ? { enabled: true, parameters: { ...values, ...parameters } }
          : { enabled: false, parameters: values },
    });
    expect(response.statusCode, response.body).toBe(200);
  }
}

interface RuleBody {
  code: string;
  enabled: boolean;
  parameters: { key: string; value: number; min: number; max: number }[];
}

interface AlertBody {
  id: string;
  rule: string;
  subject: { type: string; id: string; label: string };
  eventId: string | null;
  status: string;
  detail: Record<string, unknown>;
  unread: boolean;
  acknowledged: { by: string; at: string } | null;
  resolved: { by: string; at: string; note: string | null } | null;
}

async function openAlerts(rule: AlertRuleCode) {
  return ctx.db
    .selectFrom('alerts')
    .selectAll()
    .where('rule', '=', rule)
    .where('status', '<>', 'resolved')
    .execute();
}

async function listAs(username: string, query = '') {
  const prefix = username === 'al.operator' ? '/api/operator/alerts' : '/api/alerts';
  const response = await as(ctx.app, cookieOf(username))({ method: 'GET', url: prefix + query });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: AlertBody[]; unread: number }>();
}

beforeAll(async () => {
  ctx = await createTestContext();
  for (const account of ACCOUNTS) {
    const { userId } = await createAccount(ctx.db, account);
    userIds[account.username] = userId;
    cookies[account.username] = await signIn(ctx.app, account.username);
  }
});

afterAll(async () => {
  await ctx.close();
});

describe('alert rules settings', () => {
  it('lists every rule with its defaults', async () => {
    const response = await as(
      ctx.app,
      cookieOf('al.operator'),
    )({
      method: 'GET',
      url: '/api/operator/alert-rules',
    });
    const rules = response.json<{ items: RuleBody[] }>().items;
    expect(rules.map((rule) => rule.code)).toEqual([...ALERT_RULE_CODES]);
    const overdue = rules.find((rule) => rule.code === 'review_overdue')!;
    expect(overdue.enabled).toBe(true);
    expect(overdue.parameters).toEqual([
      expect.objectContaining({ key: 'days', value: 5, min: 1, max: 365 }),
    ]);
  });

  it('rejects parameters out of range, missing or unknown', async () => {
    const put = (code: string, payload: object) =>
      as(
        ctx.app,
        cookieOf('al.operator'),
      )({
        method: 'PUT',
        url: `/api/operator/alert-rules/${code}`,
        payload,
      });
    const low = await put('review_overdue', { enabled: true, parameters: { days: 0 } });
    const problem = expectProblem(low, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'parameters.days' })]);
    const missing = await put('sms_failure_rate', {
      enabled: true,
      parameters: { ratePercent: 5 },
    });
    expect(expectProblem(missing, 400, 'VALIDATION_FAILED').errors).toHaveLength(2);
    const unknown = await put('review_overdue', {
      enabled: true,
      parameters: { days: 3, hours: 2 },
    });
    expect(expectProblem(unknown, 400, 'VALIDATION_FAILED').errors).toEqual([
      expect.objectContaining({ field: 'parameters.hours' }),
    ]);
    expectProblem(
      await put('no_such_rule', { enabled: true, parameters: {} }),
      404,
      'ALR_RULE_NOT_FOUND',
    );
    const stored = await ctx.db
      .selectFrom('alert_rules')
      .select('parameters')
      .where('code', '=', 'review_overdue')
      .executeTakeFirstOrThrow();
    expect(stored.parameters).toEqual({ days: 5 });
  });

  it('rejects fractions in whole-number parameters', async () => {
    const put = (code: string, parameters: Record<string, number>) =>
      as(
        ctx.app,
        cookieOf('al.operator'),
      )({
        method: 'PUT',
        url: `/api/operator/alert-rules/${code}`,
        payload: { enabled: true, parameters },
      });
    const days = expectProblem(
      await put('review_overdue', { days: 1.5 }),
      400,
      'VALIDATION_FAILED',
    );
    expect(days.errors).toEqual([
      { field: 'parameters.days', code: 'invalid_parameter', message: 'must be a whole number' },
    ]);
    const registrations = expectProblem(
      await put('low_check_in_rate', { ratePercent: 30, minRegistrations: 10.5, lookbackDays: 14 }),
      400,
      'VALIDATION_FAILED',
    );
    expect(registrations.errors).toEqual([
      expect.objectContaining({ field: 'parameters.minRegistrations', code: 'invalid_parameter' }),
    ]);
    const stored = await ctx.db
      .selectFrom('alert_rules')
      .select(['code', 'parameters'])
      .where('code', 'in', ['review_overdue', 'low_check_in_rate'])
      .orderBy('code')
      .execute();
    expect(stored).toEqual([
      {
        code: 'low_check_in_rate',
        parameters: { ratePercent: 30, minRegistrations: 10, lookbackDays: 14 },
      },
      { code: 'review_overdue', parameters: { days: 5 } },
    ]);
  });

  it.each(['0x10', '1e1', '1,0', ' 10'])('rejects the text %j as a number', async (text) => {
    const response = await as(
      ctx.app,
      cookieOf('al.operator'),
    )({
      method: 'PUT',
      url: '/api/operator/alert-rules/review_overdue',
      payload: { enabled: true, parameters: { days: text } },
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'parameters.days', code: 'type' }),
    ]);
    const stored = await ctx.db
      .selectFrom('alert_rules')
      .select('parameters')
      .where('code', '=', 'review_overdue')
      .executeTakeFirstOrThrow();
    expect(stored.parameters).toEqual({ days: 5 });
  });

  it('audits a change with the values before and after', async () => {
    const response = await as(
      ctx.app,
      cookieOf('al.operator'),
    )({
      method: 'PUT',
      url: '/api/operator/alert-rules/review_overdue',
      payload: { enabled: true, parameters: { days: 7 } },
    });
    expect(response.json<RuleBody>().parameters[0]!.value).toBe(7);
    const entry = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'alert_rule.updated')
      .where('entity_id', '=', 'review_overdue')
      .executeTakeFirstOrThrow();
    expect(entry.actor_user_id).toBe(userIds['al.operator']);
    expect(entry.changes).toEqual({
      enabled: { before: true, after: true },
      parameters: { before: { days: 5 }, after: { days: 7 } },
    });
  });

  it('turns away the business accounts', async () => {
    const response = await as(
      ctx.app,
      cookieOf('al.bureau'),
    )({
      method: 'GET',
      url: '/api/operator/alert-rules',
    });
    expectProblem(response, 403, 'ACC_ROLE_FORBIDDEN');
  });
});

describe('event registration spike', () => {
  it('fires above the threshold and not below it', async () => {
    await onlyRule('event_registration_spike', {
      windowHours: 12,
      baselineDays: 1,
      factor: 2,
      minCount: 5,
    });
    const spike = await publish({ name: '报名激增测试赛' });
    await register(spike.id, phones(5));
    const few = await publish();
    await register(few.id, phones(4));
    // Five recent entries against a usual 2.5 per 12 hours (5 in the day before): 5 is not
    // more than twice 2.5.
    const steady = await publish();
    await register(steady.id, phones(10));
    await ctx.db
      .updateTable('registrations')
      .set({ created_at: sql`now() - interval '13 hours'` })
      .where(
        'id',
        'in',
        ctx.db
          .selectFrom('registrations')
          .select('id')
          .where('event_id', '=', steady.id)
          .orderBy('id')
          .limit(5),
      )
      .execute();

    await evaluateAlerts(ctx.db);
    const alerts = await openAlerts('event_registration_spike');
    expect(alerts.map((alert) => alert.subject_id)).toEqual([spike.id]);
    expect(alerts[0]).toMatchObject({
      subject_type: 'event',
      subject_label: '报名激增测试赛',
      event_id: spike.id,
      district_code: '310104',
    });
    expect(alerts[0]!.detail).toMatchObject({ registrations: 5, usualPerWindow: 0 });
  });
});

describe('partner registration spike', () => {
  it('counts the entries a partner pushed', async () => {
    await onlyRule('partner_registration_spike', {
      windowHours: 1,
      baselineDays: 7,
      factor: 3,
      minCount: 6,
    });
    const partner = await createTestPartner(ctx.app, cookieOf('al.operator'), [
      'events:write',
      'registrations:write',
    ]);
    const own = await publishPartnerEvent(ctx.app, partner, cookieOf('al.committee'), {
      capacity: 20,
      expectedParticipants: 20,
    });
    const hosted = await publish();
    const granted = await as(
      ctx.app,
      cookieOf('al.operator'),
    )({
      method: 'PUT',
      url: `/api/operator/partners/${partner.id}/hosted-events/${hosted.id}`,
    });
    expect(granted.statusCode, granted.body).toBe(204);

    // Entries made in the web app on the partner's own event are not the partner's.
    await register(own, phones(6));
    await pushEntries(partner, own, phones(3));
    await pushEntries(partner, hosted.id, phones(2));
    await evaluateAlerts(ctx.db);
    expect(await openAlerts('partner_registration_spike')).toEqual([]);

    await pushEntries(partner, hosted.id, phones(1));
    await evaluateAlerts(ctx.db);
    const alerts = await openAlerts('partner_registration_spike');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      subject_type: 'partner',
      subject_id: partner.id,
      subject_label: partner.name,
    });
    expect(alerts[0]!.detail).toMatchObject({ registrations: 6 });
  });
});

describe('review overdue', () => {
  it('fires for filings waiting longer than the days set', async () => {
    await onlyRule('review_overdue', { days: 5 });
    const contractor = cookieOf('al.contractor');
    const old = await fileEvent(ctx.app, contractor, { name: '久未审核的赛事' });
    await postOk(ctx.app, contractor, `/api/console/events/${old.id}/submit`);
    const recent = await fileEvent(ctx.app, contractor);
    await postOk(ctx.app, contractor, `/api/console/events/${recent.id}/submit`);
    await ctx.db
      .updateTable('events')
      .set({ submitted_at: sql`now() - interval '6 days'` })
      .where('id', '=', old.id)
      .execute();
    await ctx.db
      .updateTable('events')
      .set({ submitted_at: sql`now() - interval '4 days'` })
      .where('id', '=', recent.id)
      .execute();

    await evaluateAlerts(ctx.db);
    const alerts = await openAlerts('review_overdue');
    expect(alerts.map((alert) => alert.subject_id)).toEqual([old.id]);
    expect(alerts[0]!.detail).toMatchObject({ daysWaiting: 6, days: 5 });
  });
});

/** Moves a published event's schedule into the past, as if it had been held. */
async function hold(eventId: string) {
  await ctx.db
    .updateTable('events')
    .set({
      registration_opens_at: sql`now() - interval '3 days'`,
      registration_closes_at: sql`now() - interval '2 days'`,
      starts_at: sql`now() - interval '1 day'`,
      ends_at: sql`now() - interval '20 hours'`,
    })
    .where('id', '=', eventId)
    .execute();
}

describe('low check-in rate', () => {
  it('fires for held events below the rate with enough entries', async () => {
    await onlyRule('low_check_in_rate', { ratePercent: 30, minRegistrations: 4, lookbackDays: 14 });
    const contractor = cookieOf('al.contractor');
    const checkIn = async (eventId: string, codes: string[]) => {
      await whileCheckInOpen(ctx.db, eventId, async () => {
        for (const code of codes) {
          await postOk(ctx.app, contractor, `/api/console/events/${eventId}/check-ins`, { code });
        }
      });
    };
    const low = await publish({ name: '签到率低的赛事' });
    await checkIn(low.id, (await register(low.id, phones(4))).slice(0, 1));
    const fine = await publish();
    await checkIn(fine.id, (await register(fine.id, phones(4))).slice(0, 2));
    const small = await publish();
    await register(small.id, phones(3));
    const upcoming = await publish();
    await register(upcoming.id, phones(4));
    for (const event of [low, fine, small]) await hold(event.id);

    await evaluateAlerts(ctx.db);
    const alerts = await openAlerts('low_check_in_rate');
    expect(alerts.map((alert) => alert.subject_id)).toEqual([low.id]);
    expect(alerts[0]!.detail).toMatchObject({ registrations: 4, checkIns: 1, checkInRate: 25 });
  });
});

describe('overlapping registrations', () => {
  it('fires for one person in events at the same time', async () => {
    await onlyRule('overlapping_registrations', { minEvents: 2 });
    const twice = nextPhone();
    const apart = nextPhone();
    const first = await publish({ name: '重叠赛事一' });
    const second = await publish({ name: '重叠赛事二' });
    const later = new Date(Date.now() + 10 * 24 * HOUR);
    const separate = await publish({
      startsAt: later.toISOString(),
      endsAt: new Date(later.getTime() + 2 * HOUR).toISOString(),
    });
    await register(first.id, [twice, apart]);
    await register(second.id, [twice]);
    await register(separate.id, [apart]);

    await evaluateAlerts(ctx.db);
    const alerts = await openAlerts('overlapping_registrations');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.subject_type).toBe('person');
    expect(alerts[0]!.subject_label).toBe(`${twice.slice(0, 3)}****${twice.slice(7)}`);
    const events = (alerts[0]!.detail as { events: { id: string }[] }).events;
    expect(events.map((event) => event.id).sort()).toEqual([first.id, second.id].sort());
  });
});

describe('SMS failure rate', () => {
  async function outboxRows(count: number, failed: boolean) {
    for (let i = 0; i < count; i++) {
      await ctx.db
        .insertInto('notification_outbox')
        .values({
          id: uuidv7(),
          kind: 'registration.confirmed',
          event_id: null,
          registration_id: null,
          payload: '{}',
          attempts: 1,
          sent_at: failed ? null : new Date(),
          last_error: failed ? 'gateway answered 500' : null,
        })
        .execute();
    }
  }

  it('fires above the rate and not at it', async () => {
    await onlyRule('sms_failure_rate', { windowMinutes: 60, ratePercent: 20, minMessages: 5 });
    // Registrations made by earlier tests queued rows with no attempt yet; those do not count.
    await ctx.db.updateTable('notification_outbox').set({ attempts: 0 }).execute();
    await outboxRows(4, false);
    await outboxRows(1, true);
    await evaluateAlerts(ctx.db);
    expect(await openAlerts('sms_failure_rate')).toEqual([]);

    await outboxRows(1, true);
    await evaluateAlerts(ctx.db);
    const alerts = await openAlerts('sms_failure_rate');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.detail).toMatchObject({ attempted: 6, failed: 2, failureRate: 33.3 });
  });
});

describe('sign-in failures by IP', () => {
  it('fires at the count set and names the address', async () => {
    await onlyRule('sign_in_failures_by_ip', { windowMinutes: 15, failures: 3 });
    const fail = (username: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: '203.0.113.9',
        payload: { username, password: 'Wrong@2026pass' },
      });
    await fail('al.nobody-1');
    await fail('al.nobody-2');
    await evaluateAlerts(ctx.db);
    expect(await openAlerts('sign_in_failures_by_ip')).toEqual([]);

    await fail('al.nobody-3');
    await evaluateAlerts(ctx.db);
    const alerts = await openAlerts('sign_in_failures_by_ip');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ subject_type: 'ip', subject_id: '203.0.113.9' });
    expect(alerts[0]!.detail).toMatchObject({ failures: 3, usernames: 3 });
  });

  it('notifies the operator alone', async () => {
    const [alert] = await openAlerts('sign_in_failures_by_ip');
    const notified = await ctx.db
      .selectFrom('alert_notifications')
      .select('user_id')
      .where('alert_id', '=', alert!.id)
      .execute();
    expect(notified.map((row) => row.user_id)).toEqual([userIds['al.operator']]);
    const operator = await listAs('al.operator');
    expect(operator.items.map((item) => item.rule)).toContain('sign_in_failures_by_ip');
    const bureau = await listAs('al.bureau');
    expect(bureau.items.map((item) => item.rule)).not.toContain('sign_in_failures_by_ip');
  });
});

describe('a failing rule', () => {
  it('is logged and skipped while the later rules run', async () => {
    await onlyRule('sign_in_failures_by_ip', { windowMinutes: 15, failures: 3 });
    // A fraction stored before the API checked for whole numbers makes the rule's query fail
    // in PostgreSQL, which takes the interval's days as an integer.
    await ctx.db
      .updateTable('alert_rules')
      .set({ enabled: true, parameters: JSON.stringify({ days: 1.5 }) })
      .where('code', '=', 'review_overdue')
      .execute();
    for (const username of ['al.fail-1', 'al.fail-2', 'al.fail-3']) {
      await ctx.app.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: '203.0.113.77',
        payload: { username, password: 'Wrong@2026pass' },
      });
    }
    const errors: { bindings: Record<string, unknown>; message: string }[] = [];
    const log = {
      info: () => undefined,
      error: (bindings: Record<string, unknown>, message: string) => {
        errors.push({ bindings, message });
      },
    } as unknown as FastifyBaseLogger;

    const result = await evaluateAlerts(ctx.db, log);

    expect(result.failed).toEqual(['review_overdue']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('alert rule evaluation failed');
    expect(errors[0]!.bindings.rule).toBe('review_overdue');
    expect(errors[0]!.bindings.sqlState).toBe('22P02');
    const alerts = await openAlerts('sign_in_failures_by_ip');
    expect(alerts.map((alert) => alert.subject_id)).toContain('203.0.113.77');
    await ctx.db
      .updateTable('alert_rules')
      .set({ enabled: false, parameters: JSON.stringify({ days: 5 }) })
      .where('code', '=', 'review_overdue')
      .execute();
  });
});

describe('deduplication and readers', () => {
  let eventId: string;

  beforeAll(async () => {
    await onlyRule('review_overdue', { days: 1 });
    const contractor = cookieOf('al.contractor');
    const event = await fileEvent(ctx.app, contractor, { divisionCode: '310104003' });
    await postOk(ctx.app, contractor, `/api/console/events/${event.id}/submit`);
    await ctx.db
      .updateTable('events')
      .set({ submitted_at: sql`now() - interval '3 days'` })
      .where('id', '=', event.id)
      .execute();
    eventId = event.id;
  });

  async function alertsOf(id: string) {
    return ctx.db.selectFrom('alerts').selectAll().where('subject_id', '=', id).execute();
  }

  it('keeps one open alert per rule and subject', async () => {
    const first = await evaluateAlerts(ctx.db);
    const second = await evaluateAlerts(ctx.db);
    expect(first.opened).toBeGreaterThanOrEqual(1);
    expect(second.opened).toBe(0);
    expect(second.refreshed).toBe(first.opened + first.refreshed);
    const rows = await alertsOf(eventId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.last_seen_at.getTime()).toBeGreaterThanOrEqual(
      rows[0]!.first_seen_at.getTime(),
    );
  });

  it('keeps one open alert under concurrent evaluations', async () => {
    const before = (await ctx.db.selectFrom('alerts').select('id').execute()).length;
    await Promise.all([1, 2, 3, 4].map(() => evaluateAlerts(ctx.db)));
    expect((await ctx.db.selectFrom('alerts').select('id').execute()).length).toBe(before);
  });

  it("notifies the district's bureau alone", async () => {
    const [alert] = await alertsOf(eventId);
    const notified = await ctx.db
      .selectFrom('alert_notifications')
      .select('user_id')
      .where('alert_id', '=', alert!.id)
      .execute();
    expect(notified.map((row) => row.user_id)).toEqual([userIds['al.xuhui']]);
  });

  it('lists the alert to its readers and marks notices read', async () => {
    const xuhui = await listAs('al.xuhui');
    const item = xuhui.items.find((candidate) => candidate.subject.id === eventId);
    expect(item).toMatchObject({ status: 'new', unread: true, eventId });
    expect(xuhui.unread).toBeGreaterThanOrEqual(1);
    const read = await as(
      ctx.app,
      cookieOf('al.xuhui'),
    )({
      method: 'POST',
      url: '/api/alerts/notifications/read',
    });
    expect(read.json<{ marked: number }>().marked).toBe(xuhui.unread);
    expect((await listAs('al.xuhui')).unread).toBe(0);

    const pudong = await listAs('al.pudong');
    expect(pudong.items.map((candidate) => candidate.subject.id)).not.toContain(eventId);
    expect((await listAs('al.contractor')).items).toEqual([]);
    const operator = await listAs('al.operator');
    expect(operator.items.map((candidate) => candidate.subject.id)).not.toContain(eventId);
  });

  it('moves new to acknowledged to resolved and rejects other moves', async () => {
    const [alert] = await alertsOf(eventId);
    const id = alert!.id;
    const post = (username: string, action: string, payload?: object) =>
      as(
        ctx.app,
        cookieOf(username),
      )({
        method: 'POST',
        url: `/api/alerts/${id}/${action}`,
        payload,
      });

    expectProblem(await post('al.pudong', 'acknowledge'), 404, 'ALR_NOT_FOUND');
    expectProblem(await post('al.contractor', 'resolve', {}), 404, 'ALR_NOT_FOUND');

    const acknowledged = await post('al.xuhui', 'acknowledge');
    expect(acknowledged.statusCode, acknowledged.body).toBe(200);
    expect(acknowledged.json<AlertBody>()).toMatchObject({
      status: 'acknowledged',
      acknowledged: { by: 'al.xuhui 用户' },
      resolved: null,
    });
    const again = expectProblem(
      await post('al.bureau', 'acknowledge'),
      409,
      'ALR_INVALID_TRANSITION',
    );
    expect(again.detail).toContain('acknowledged');

    const resolved = await post('al.bureau', 'resolve', { note: '已催办审核' });
    expect(resolved.json<AlertBody>()).toMatchObject({
      status: 'resolved',
      acknowledged: { by: 'al.xuhui 用户' },
      resolved: { by: 'al.bureau 用户', note: '已催办审核' },
    });
    expectProblem(await post('al.bureau', 'resolve', {}), 409, 'ALR_INVALID_TRANSITION');
    expectProblem(await post('al.xuhui', 'acknowledge'), 409, 'ALR_INVALID_TRANSITION');

    const actions = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id'])
      .where('entity_type', '=', 'alert')
      .where('entity_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(actions).toEqual([
      { action: 'alert.acknowledged', actor_user_id: userIds['al.xuhui'] },
      { action: 'alert.resolved', actor_user_id: userIds['al.bureau'] },
    ]);
  });

  it('stays resolved while the same filing waits', async () => {
    const result = await evaluateAlerts(ctx.db);
    expect(result.settled).toBeGreaterThanOrEqual(1);
    const rows = await alertsOf(eventId);
    expect(rows.map((row) => row.status)).toEqual(['resolved']);
  });

  it('answers ALR_NOT_FOUND for an unknown alert', async () => {
    const response = await as(
      ctx.app,
      cookieOf('al.bureau'),
    )({
      method: 'POST',
      url: `/api/alerts/${uuidv7()}/acknowledge`,
    });
    expectProblem(response, 404, 'ALR_NOT_FOUND');
  });
});

describe('resolved alerts', () => {
  const contractor = () => cookieOf('al.contractor');

  /** Resolves every open alert of the rule through the API; returns their subjects. */
  async function resolveOpen(rule: AlertRuleCode): Promise<string[]> {
    const operator = ALERT_RULES[rule].audience === 'operator';
    const username = operator ? 'al.operator' : 'al.bureau';
    const prefix = operator ? '/api/operator/alerts' : '/api/alerts';
    const open = await openAlerts(rule);
    for (const alert of open) {
      const response = await as(
        ctx.app,
        cookieOf(username),
      )({
        method: 'POST',
        url: `${prefix}/${alert.id}/resolve`,
        payload: { note: '已核实' },
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    return open.map((alert) => alert.subject_id).sort();
  }

  async function statusesOf(rule: AlertRuleCode, subjectId: string) {
    const rows = await ctx.db
      .selectFrom('alerts')
      .select('status')
      .where('rule', '=', rule)
      .where('subject_id', '=', subjectId)
      .orderBy('first_seen_at')
      .execute();
    return rows.map((row) => row.status);
  }

  it.each([
    [
      'event_registration_spike',
      { windowHours: 12, baselineDays: 1, factor: 2, minCount: 5 },
      '12 hours',
    ],
    [
      'partner_registration_spike',
      { windowHours: 1, baselineDays: 7, factor: 3, minCount: 6 },
      '1 hour',
    ],
    ['sms_failure_rate', { windowMinutes: 60, ratePercent: 20, minMessages: 5 }, '60 minutes'],
    ['sign_in_failures_by_ip', { windowMinutes: 15, failures: 3 }, '15 minutes'],
  ] as const)('%s waits for a new window', async (rule, parameters, window) => {
    await onlyRule(rule, parameters);
    await evaluateAlerts(ctx.db);
    const subjects = await resolveOpen(rule);
    expect(subjects.length).toBeGreaterThanOrEqual(1);

    const again = await evaluateAlerts(ctx.db);
    expect(again.opened).toBe(0);
    expect(again.settled).toBe(subjects.length);
    expect(await openAlerts(rule)).toEqual([]);

    // The whole window now lies after the resolution: the rows it counts are new ones.
    await ctx.db
      .updateTable('alerts')
      .set({ resolved_at: sql`resolved_at - ${window}::interval` })
      .where('rule', '=', rule)
      .where('status', '=', 'resolved')
      .execute();
    const later = await evaluateAlerts(ctx.db);
    expect(later.opened).toBe(subjects.length);
    const reopened = (await openAlerts(rule)).map((alert) => alert.subject_id).sort();
    expect(reopened).toEqual(subjects);
  });

  it('review_overdue waits for a resubmission', async () => {
    await onlyRule('review_overdue', { days: 5 });
    const event = await fileEvent(ctx.app, contractor(), { name: '退回后重新提交的赛事' });
    await postOk(ctx.app, contractor(), `/api/console/events/${event.id}/submit`);
    const backdate = async (days: number) =>
      ctx.db
        .updateTable('events')
        .set({ submitted_at: sql`now() - make_interval(days => ${days})` })
        .where('id', '=', event.id)
        .execute();
    await backdate(6);
    await evaluateAlerts(ctx.db);
    expect(await statusesOf('review_overdue', event.id)).toEqual(['new']);
    await resolveOpen('review_overdue');

    for (let round = 0; round < 2; round++) await evaluateAlerts(ctx.db);
    expect(await statusesOf('review_overdue', event.id)).toEqual(['resolved']);

    await postOk(ctx.app, cookieOf('al.committee'), `/api/reviews/${event.id}/return`, {
      reason: '请补充赛事规程',
    });
    await postOk(ctx.app, contractor(), `/api/console/events/${event.id}/submit`);
    await backdate(6);
    await evaluateAlerts(ctx.db);
    expect(await statusesOf('review_overdue', event.id)).toEqual(['resolved', 'new']);
  });

  it('low_check_in_rate stays quiet after the end', async () => {
    await onlyRule('low_check_in_rate', { ratePercent: 30, minRegistrations: 4, lookbackDays: 14 });
    const event = await publish({ name: '签到率低且已处理的赛事' });
    const codes = await register(event.id, phones(4));
    await whileCheckInOpen(ctx.db, event.id, () =>
      postOk(ctx.app, contractor(), `/api/console/events/${event.id}/check-ins`, {
        code: codes[0],
      }),
    );
    await hold(event.id);
    await evaluateAlerts(ctx.db);
    const [alert] = await openAlerts('low_check_in_rate').then((rows) =>
      rows.filter((row) => row.subject_id === event.id),
    );
    expect(alert!.detail).toMatchObject({ checkInRate: 25 });
    await resolveOpen('low_check_in_rate');

    for (let round = 0; round < 2; round++) await evaluateAlerts(ctx.db);
    expect(await statusesOf('low_check_in_rate', event.id)).toEqual(['resolved']);

    // Rescheduled and held again at a new end time, it is a new case.
    await ctx.db
      .updateTable('events')
      .set({ ends_at: sql`now() - interval '2 hours'` })
      .where('id', '=', event.id)
      .execute();
    await evaluateAlerts(ctx.db);
    expect(await statusesOf('low_check_in_rate', event.id)).toEqual(['resolved', 'new']);
  });

  it('overlapping_registrations waits for a new event', async () => {
    await onlyRule('overlapping_registrations', { minEvents: 2 });
    const person = nextPhone();
    const first = await publish({ name: '冲突赛事甲' });
    const second = await publish({ name: '冲突赛事乙' });
    await register(first.id, [person]);
    await register(second.id, [person]);
    await evaluateAlerts(ctx.db);
    const label = `${person.slice(0, 3)}****${person.slice(7)}`;
    const ofPerson = async () =>
      (await openAlerts('overlapping_registrations')).filter((row) => row.subject_label === label);
    const [opened] = await ofPerson();
    expect(opened).toBeDefined();
    const subjectId = opened!.subject_id;
    await resolveOpen('overlapping_registrations');

    await evaluateAlerts(ctx.db);
    expect(await statusesOf('overlapping_registrations', subjectId)).toEqual(['resolved']);

    const third = await publish({ name: '冲突赛事丙' });
    await register(third.id, [person]);
    await evaluateAlerts(ctx.db);
    expect(await statusesOf('overlapping_registrations', subjectId)).toEqual(['resolved', 'new']);
    const [reopened] = await ofPerson();
    const events = (reopened!.detail as { events: { id: string }[] }).events;
    expect(events.map((event) => event.id).sort()).toEqual([first.id, second.id, third.id].sort());
  });
});
