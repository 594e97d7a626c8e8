import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enqueue } from '../notifications/outbox.repository.js';
import { dispatchOutbox } from '../notifications/outbox.service.js';
import type { SmsMessage, SmsProvider } from '../notifications/sms-provider.js';
import { uuidv7 } from '../shared/ids.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  postOk,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { ALERT_SMS_KIND, evaluateAlerts, recordAlert } from './alert.service.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
const userIds: Record<string, string> = {};

const ACCOUNTS = [
  { username: 'an.contractor', accountType: 'contractor', divisionCode: '3101' },
  { username: 'an.committee', accountType: 'committee', divisionCode: '3101' },
  { username: 'an.bureau', accountType: 'sports_bureau', divisionCode: '3101' },
  { username: 'an.xuhui', accountType: 'district_bureau', divisionCode: '310104' },
  { username: 'an.xuhui2', accountType: 'district_bureau', divisionCode: '310104' },
  { username: 'an.pudong', accountType: 'district_bureau', divisionCode: '310115' },
  { username: 'an.operator', accountType: 'operator', divisionCode: '3101' },
];

// Fake numbers, one per official; an.xuhui2 and the operator have none.
const PHONES: Record<string, string> = {
  'an.committee': '13900021001',
  'an.bureau': '13900021002',
  'an.xuhui': '13900021003',
  'an.pudong': '13900021004',
};

/** Events with an overdue review: one in Xuhui and one in Huangpu, which has no bureau user. */
const events: Record<'xuhui' | 'huangpu', string> = { xuhui: '', huangpu: '' };
/** The subject of a city-wide alert: a partner platform, which belongs to no district. */
const CITY_SUBJECT = '0190a3a0-0000-7000-8000-000000000c17';

class RecordingProvider implements SmsProvider {
  readonly name = 'recording';
  readonly sent: SmsMessage[] = [];

  async send(message: SmsMessage): Promise<void> {
    this.sent.push(message);
  }
}

function session(username: string) {
  return as(ctx.app, cookies[username]!);
}

async function putPhone(username: string, phone: string | null) {
  return session(username)({ method: 'PUT', url: '/api/me/phone', payload: { phone } });
}

async function unreadOf(username: string): Promise<number> {
  const response = await session(username)({
    method: 'GET',
    url: '/api/alerts/notifications/unread',
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ unread: number }>().unread;
}

async function alertOf(eventId: string) {
  return ctx.db
    .selectFrom('alerts')
    .selectAll()
    .where('subject_id', '=', eventId)
    .executeTakeFirstOrThrow();
}

async function noticesOf(alertId: string) {
  const rows = await ctx.db
    .selectFrom('alert_notifications')
    .select('user_id')
    .where('alert_id', '=', alertId)
    .execute();
  return rows.map((row) => row.user_id).sort();
}

async function smsRowsOf(alertId: string) {
  return ctx.db
    .selectFrom('notification_outbox')
    .selectAll()
    .where('kind', '=', ALERT_SMS_KIND)
    .where(sql<boolean>`payload ->> 'alertId' = ${alertId}`)
    .execute();
}

function usersOf(...usernames: string[]) {
  return usernames.map((name) => userIds[name]!).sort();
}

async function overdueEvent(divisionCode: string) {
  const contractor = cookies['an.contractor']!;
  const event = await fileEvent(ctx.app, contractor, { divisionCode });
  await postOk(ctx.app, contractor, `/api/console/events/${event.id}/submit`);
  await ctx.db
    .updateTable('events')
    .set({ submitted_at: sql`now() - interval '3 days'` })
    .where('id', '=', event.id)
    .execute();
  return event.id as string;
}

beforeAll(async () => {
  ctx = await createTestContext();
  for (const account of ACCOUNTS) {
    const { userId } = await createAccount(ctx.db, account);
    userIds[account.username] = userId;
    cookies[account.username] = await signIn(ctx.app, account.username);
  }
  for (const [username, phone] of Object.entries(PHONES)) {
    const response = await putPhone(username, phone);
    expect(response.statusCode, response.body).toBe(200);
  }
  // Only the overdue-review rule, with a one-day limit.
  await ctx.db.deleteFrom('alert_rules').execute();
  await evaluateAlerts(ctx.db);
  await ctx.db.updateTable('alert_rules').set({ enabled: false }).execute();
  await ctx.db
    .updateTable('alert_rules')
    .set({ enabled: true, parameters: JSON.stringify({ days: 1 }) })
    .where('code', '=', 'review_overdue')
    .execute();

  events.xuhui = await overdueEvent('310104003');
  events.huangpu = await overdueEvent('310101002');
  const result = await evaluateAlerts(ctx.db);
  expect(result.opened).toBe(2);
  const opened = await recordAlert(ctx.db, 'partner_registration_spike', {
    subjectType: 'partner',
    subjectId: CITY_SUBJECT,
    subjectLabel: '测试合作平台',
    eventId: null,
    districtCode: null,
    detail: { registrations: 500 },
  });
  expect(opened).toBe(true);
}, 120_000);

afterAll(async () => {
  await ctx.close();
});

describe('alert phone', () => {
  it('rejects an invalid number', async () => {
    for (const phone of ['12345', '139000210011', 'abc', '   ']) {
      const problem = expectProblem(await putPhone('an.pudong', phone), 400, 'VALIDATION_FAILED');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'phone' })]);
    }
    const current = await session('an.pudong')({ method: 'GET', url: '/api/me/phone' });
    expect(current.json()).toEqual({ phoneMasked: '139****1004' });
  });

  it('sets, normalises and removes the number', async () => {
    const set = await putPhone('an.operator', '+86 139 0002 1099');
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ phoneMasked: '139****1099' });
    const row = await ctx.db
      .selectFrom('users')
      .select(['phone_ciphertext', 'phone_masked'])
      .where('id', '=', userIds['an.operator']!)
      .executeTakeFirstOrThrow();
    expect(row.phone_ciphertext).not.toContain('13900021099');
    expect(ctx.app.cipher.decrypt(row.phone_ciphertext!)).toBe('13900021099');

    const removed = await putPhone('an.operator', null);
    expect(removed.json()).toEqual({ phoneMasked: null });
    // The request schema turns an empty string into null, so a cleared field removes it too.
    await putPhone('an.operator', '13900021099');
    const cleared = await putPhone('an.operator', '');
    expect(cleared.json()).toEqual({ phoneMasked: null });
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('actor_user_id', '=', userIds['an.operator']!)
      .where('action', '=', 'account.phone_changed')
      .orderBy('seq')
      .execute();
    expect(audit.map((entry) => entry.detail)).toEqual([
      { phoneSet: true },
      { phoneSet: false },
      { phoneSet: true },
      { phoneSet: false },
    ]);
  });
});

describe('alert recipients', () => {
  it("sends a district's alert to its bureau", async () => {
    const alert = await alertOf(events.xuhui);
    expect(alert.district_code).toBe('310104');
    expect(await noticesOf(alert.id)).toEqual(usersOf('an.xuhui', 'an.xuhui2'));
    const sms = await smsRowsOf(alert.id);
    // an.xuhui2 has no phone on file, so only an.xuhui gets an SMS.
    expect(sms.map((row) => row.payload.userId)).toEqual([userIds['an.xuhui']]);
  });

  it('sends a city-wide alert to the city', async () => {
    const alert = await alertOf(CITY_SUBJECT);
    expect(alert.district_code).toBeNull();
    expect(await noticesOf(alert.id)).toEqual(usersOf('an.bureau', 'an.committee'));
    const sms = await smsRowsOf(alert.id);
    expect(sms.map((row) => row.payload.userId).sort()).toEqual(
      usersOf('an.bureau', 'an.committee'),
    );
  });

  it('sends to the city when the district has no bureau', async () => {
    const alert = await alertOf(events.huangpu);
    expect(alert.district_code).toBe('310101');
    expect(await noticesOf(alert.id)).toEqual(usersOf('an.bureau', 'an.committee'));
    expect(await smsRowsOf(alert.id)).toHaveLength(2);
  });

  it('never notifies another district', async () => {
    const notices = await ctx.db
      .selectFrom('alert_notifications')
      .select('alert_id')
      .where('user_id', '=', userIds['an.pudong']!)
      .execute();
    expect(notices).toEqual([]);
    const sms = await ctx.db
      .selectFrom('notification_outbox')
      .select('id')
      .where(sql<boolean>`payload ->> 'userId' = ${userIds['an.pudong']!}`)
      .execute();
    expect(sms).toEqual([]);
  });
});

describe('one notification per alert', () => {
  it('notifies once over repeated evaluations', async () => {
    const before = await ctx.db.selectFrom('notification_outbox').select('id').execute();
    await evaluateAlerts(ctx.db);
    await Promise.all([1, 2, 3, 4].map(() => evaluateAlerts(ctx.db)));
    const after = await ctx.db.selectFrom('notification_outbox').select('id').execute();
    expect(after).toHaveLength(before.length);
    for (const subject of [...Object.values(events), CITY_SUBJECT]) {
      const alert = await alertOf(subject);
      const sms = await smsRowsOf(alert.id);
      const users = sms.map((row) => row.payload.userId);
      expect(new Set(users).size).toBe(users.length);
    }
  });

  it('queues one row per dedup key under concurrency', async () => {
    const key = `${ALERT_SMS_KIND}:${uuidv7()}:${userIds['an.bureau']}`;
    const queue = (dedupKey: string) =>
      ctx.db
        .transaction()
        .execute((trx) =>
          enqueue(trx, [
            { id: uuidv7(), kind: 'test.unclaimed', payload: { test: true }, dedupKey },
          ]),
        );
    await Promise.all([1, 2, 3, 4].map(() => queue(key)));
    const same = await ctx.db
      .selectFrom('notification_outbox')
      .select('id')
      .where('dedup_key', '=', key)
      .execute();
    expect(same).toHaveLength(1);
    // Control: with distinct keys the same four calls queue four rows, so the count above would
    // show a missing guard.
    await Promise.all([1, 2, 3, 4].map((n) => queue(`${key}:${n}`)));
    const distinct = await ctx.db
      .selectFrom('notification_outbox')
      .select('id')
      .where('dedup_key', 'like', `${key}:%`)
      .execute();
    expect(distinct).toHaveLength(4);
  });
});

describe('alert SMS delivery', () => {
  it('sends the text to each phone', async () => {
    const provider = new RecordingProvider();
    const result = await dispatchOutbox({
      db: ctx.db,
      cipher: ctx.app.cipher,
      provider,
      log: ctx.app.log,
    });
    expect(result).toEqual({ sent: 5, failed: 0, abandoned: 0 });
    const recipients = provider.sent.map((message) => message.to).sort();
    expect(recipients).toEqual(
      ['13900021001', '13900021001', '13900021002', '13900021002', '13900021003'].sort(),
    );
    const xuhui = provider.sent.find((message) => message.to === '13900021003')!;
    expect(xuhui.text).toMatch(/^【城市业余联赛】异常预警（徐汇区）/);
    expect(xuhui.text).toContain('请登录管理后台查看并处理');
  });

  it('drops the SMS of an alert resolved first', async () => {
    const eventId = await overdueEvent('310104003');
    expect((await evaluateAlerts(ctx.db)).opened).toBe(1);
    const alert = await alertOf(eventId);
    const resolved = await session('an.xuhui')({
      method: 'POST',
      url: `/api/alerts/${alert.id}/resolve`,
      payload: {},
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const provider = new RecordingProvider();
    const result = await dispatchOutbox({
      db: ctx.db,
      cipher: ctx.app.cipher,
      provider,
      log: ctx.app.log,
    });
    expect(result).toEqual({ sent: 0, failed: 0, abandoned: 1 });
    expect(provider.sent).toEqual([]);
    const [row] = await smsRowsOf(alert.id);
    expect(row!.last_error).toBe('alert resolved before sending');
  });
});

describe('unread alert count', () => {
  it('counts the new alerts of each reader', async () => {
    // The Xuhui alert resolved in the previous test no longer counts. The city reads the Xuhui
    // alert that went to the district's bureau, so it counts too.
    expect(await unreadOf('an.xuhui')).toBe(1);
    expect(await unreadOf('an.xuhui2')).toBe(1);
    expect(await unreadOf('an.bureau')).toBe(3);
    expect(await unreadOf('an.committee')).toBe(3);
    expect(await unreadOf('an.pudong')).toBe(0);
    expect(await unreadOf('an.contractor')).toBe(0);
  });

  it('agrees with the unread items of the list', async () => {
    for (const username of ['an.xuhui', 'an.bureau', 'an.committee', 'an.pudong']) {
      const response = await session(username)({ method: 'GET', url: '/api/alerts' });
      const list = response.json<{ items: { unread: boolean; subject: { id: string } }[] }>();
      const unreadItems = list.items.filter((item) => item.unread);
      expect(await unreadOf(username), username).toBe(unreadItems.length);
      expect(
        list.items.some((item) => item.subject.id === events.xuhui && item.unread),
        username,
      ).toBe(username !== 'an.pudong');
    }
  });

  it('clears for every recipient on acknowledgement', async () => {
    const alert = await alertOf(events.xuhui);
    const acknowledged = await session('an.xuhui2')({
      method: 'POST',
      url: `/api/alerts/${alert.id}/acknowledge`,
    });
    expect(acknowledged.statusCode, acknowledged.body).toBe(200);
    expect(await unreadOf('an.xuhui')).toBe(0);
    expect(await unreadOf('an.xuhui2')).toBe(0);
  });

  it("clears one reader's count when read", async () => {
    const read = await session('an.bureau')({
      method: 'POST',
      url: '/api/alerts/notifications/read',
    });
    expect(read.json()).toEqual({ marked: 2 });
    expect(await unreadOf('an.bureau')).toBe(0);
    expect(await unreadOf('an.committee')).toBe(2);
  });

  it("clears a district's alert that the city was not notified of", async () => {
    const eventId = await overdueEvent('310104003');
    expect((await evaluateAlerts(ctx.db)).opened).toBe(1);
    const alert = await alertOf(eventId);
    expect(await noticesOf(alert.id)).toEqual(usersOf('an.xuhui', 'an.xuhui2'));
    expect(await unreadOf('an.bureau')).toBe(1);
    const read = await session('an.bureau')({
      method: 'POST',
      url: '/api/alerts/notifications/read',
    });
    expect(read.json()).toEqual({ marked: 1 });
    expect(await unreadOf('an.bureau')).toBe(0);
    expect(await unreadOf('an.xuhui')).toBe(1);
  });

  it('counts operator notices on its own route', async () => {
    const response = await session('an.operator')({
      method: 'GET',
      url: '/api/operator/alerts/notifications/unread',
    });
    expect(response.json()).toEqual({ unread: 0 });
    const denied = await session('an.xuhui')({
      method: 'GET',
      url: '/api/operator/alerts/notifications/unread',
    });
    expect(denied.statusCode).toBe(403);
  });
});
