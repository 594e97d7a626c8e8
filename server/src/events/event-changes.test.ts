import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  postOk,
  publishNewEvent,
  recordPersonalData,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { deliverOutbox } from '../citizens/citizen-test-support.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};

const ACCOUNTS = [
  { username: 'ch.contractor', accountType: 'contractor', divisionCode: '3101' },
  { username: 'ch.other', accountType: 'contractor', divisionCode: '3101' },
  { username: 'ch.committee', accountType: 'committee', divisionCode: '3101' },
  { username: 'ch.xuhui', accountType: 'district_bureau', divisionCode: '310104' },
  { username: 'ch.pudong', accountType: 'district_bureau', divisionCode: '310115' },
  { username: 'ch.association', accountType: 'community_association', divisionCode: '3101' },
  { username: 'ch.xujiahui', accountType: 'street', divisionCode: '310104014' },
  { username: 'ch.operator', accountType: 'operator', divisionCode: '3101' },
];

beforeAll(async () => {
  ctx = await createTestContext();
  for (const account of ACCOUNTS) {
    await createAccount(ctx.db, account);
    cookies[account.username] = await signIn(ctx.app, account.username);
  }
});

afterAll(async () => {
  await ctx.close();
});

const cookieOf = (username: string) => cookies[username] ?? '';
const user = (username: string) => as(ctx.app, cookieOf(username));

let registrant = 0;
/** Registers a fake person for an event and returns the registration id. */
async function register(eventId: string): Promise<string> {
  registrant += 1;
  const phone = `1390013${String(2000 + registrant)}`;
  const name = `变更测试${'甲乙丙丁戊己庚辛'[registrant % 8]}${'一二三四五六七八九十'[Math.floor(registrant / 8) % 10]}`;
  recordPersonalData(ctx, phone, name);
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload: { name, phone },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

async function publishWithEntries(entries: number, overrides: Record<string, unknown> = {}) {
  const event = await publishNewEvent(
    ctx.app,
    cookieOf('ch.contractor'),
    cookieOf('ch.committee'),
    { capacity: 10, ...overrides },
  );
  for (let i = 0; i < entries; i++) await register(event.id);
  return event as { id: string; venue: string; capacity: number };
}

async function eventRow(id: string) {
  return ctx.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function outboxOf(eventId: string, kind: string) {
  return ctx.db
    .selectFrom('notification_outbox')
    .select(['registration_id', 'dedup_key'])
    .where('event_id', '=', eventId)
    .where('kind', '=', kind)
    .execute();
}

async function activeEntries(eventId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from registrations
    where event_id = ${eventId} and status = 'active'`.execute(ctx.db);
  return rows[0]?.n ?? -1;
}

function change(username: string, id: string, patch: object, reason = '场地调整') {
  return user(username)({
    method: 'POST',
    url: `/api/console/events/${id}/changes`,
    payload: { patch, reason },
  });
}

describe('changes after approval', () => {
  it('applies a change to the description at once, telling nobody', async () => {
    const event = await publishWithEntries(2);
    const response = await change('ch.contractor', event.id, { description: '新增亲子组' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().description).toBe('新增亲子组');
    expect(response.json().pendingChange).toBeNull();
    expect(await outboxOf(event.id, 'event.changed')).toEqual([]);
  });

  it('tells entrants once of a new name, which needs no review', async () => {
    const event = await publishWithEntries(2);
    const response = await change('ch.contractor', event.id, { name: '更名后的三人篮球赛' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().name).toBe('更名后的三人篮球赛');
    expect(await outboxOf(event.id, 'event.changed')).toHaveLength(2);
  });

  it('reviews a venue change before applying it', async () => {
    const event = await publishWithEntries(3);
    const requested = await change('ch.contractor', event.id, { venue: '徐汇区 新场地 2 号馆' });
    expect(requested.statusCode, requested.body).toBe(200);
    const pending = requested.json().pendingChange;
    expect(pending).toMatchObject({
      state: 'pending',
      fields: ['venue'],
      before: { venue: event.venue },
      after: { venue: '徐汇区 新场地 2 号馆' },
      reason: '场地调整',
    });
    expect(requested.json().venue).toBe(event.venue);
    expect(requested.json().actions).toContain('withdraw_change');
    expect((await eventRow(event.id)).venue).toBe(event.venue);

    const listed = await user('ch.contractor')({
      method: 'GET',
      url: '/api/console/events?limit=100',
    });
    const item = listed
      .json<{ items: { id: string; pendingChange: { id: string } | null }[] }>()
      .items.find((entry) => entry.id === event.id);
    expect(item?.pendingChange?.id).toBe(pending.id);

    const again = await change('ch.contractor', event.id, { description: '再改一次' });
    expectProblem(again, 409, 'EVT_CHANGE_PENDING');

    const queue = await user('ch.committee')({ method: 'GET', url: '/api/reviews?kind=change' });
    const queued = queue.json<{ items: { id: string; actions: string[] }[] }>().items;
    expect(queued.find((item) => item.id === event.id)?.actions).toEqual(['review_change']);

    const stranger = await user('ch.pudong')({
      method: 'POST',
      url: `/api/reviews/${event.id}/changes/${pending.id}/approve`,
    });
    expectProblem(stranger, 404, 'EVT_NOT_FOUND');

    const approved = await postOk(
      ctx.app,
      cookieOf('ch.committee'),
      `/api/reviews/${event.id}/changes/${pending.id}/approve`,
    );
    expect(approved.venue).toBe('徐汇区 新场地 2 号馆');
    expect(approved.pendingChange).toBeNull();
    const notices = await outboxOf(event.id, 'event.changed');
    expect(notices).toHaveLength(3);
    expect(new Set(notices.map((n) => n.dedup_key)).size).toBe(3);
    for (const notice of notices) {
      expect(notice.dedup_key).toBe(`event.changed:${pending.id}:${notice.registration_id}`);
    }

    const twice = await user('ch.committee')({
      method: 'POST',
      url: `/api/reviews/${event.id}/changes/${pending.id}/approve`,
    });
    expectProblem(twice, 409, 'EVT_CHANGE_NOT_PENDING');
    expect(await outboxOf(event.id, 'event.changed')).toHaveLength(3);

    const detail = await user('ch.contractor')({
      method: 'GET',
      url: `/api/console/events/${event.id}`,
    });
    const timeline = detail.json<{ timeline: { action: string; detail: object }[] }>().timeline;
    const actions = timeline.map((entry) => entry.action);
    expect(actions.slice(-2)).toEqual(['event.change_requested', 'event.changed']);
    const [requestEntry, changedEntry] = timeline.slice(-2);
    expect(requestEntry?.detail).toMatchObject({
      fields: ['venue'],
      reason: '场地调整',
      changes: { venue: [event.venue, '徐汇区 新场地 2 号馆'] },
    });
    expect(changedEntry?.detail).toMatchObject({
      changes: { venue: [event.venue, '徐汇区 新场地 2 号馆'] },
    });
  });

  it('returns a change only with a reason, leaving the event unchanged', async () => {
    const event = await publishWithEntries(1);
    const requested = await change('ch.contractor', event.id, { rules: '新的竞赛规程' });
    const changeId = requested.json().pendingChange.id;
    const url = `/api/reviews/${event.id}/changes/${changeId}/return`;
    expectProblem(
      await user('ch.committee')({ method: 'POST', url, payload: { reason: '  ' } }),
      400,
      'EVT_REASON_REQUIRED',
    );
    const returned = await postOk(ctx.app, cookieOf('ch.committee'), url, { reason: '规程不完整' });
    expect(returned.rules).toBe('测试竞赛规程');
    expect(returned.pendingChange).toBeNull();
    const stored = await ctx.db
      .selectFrom('event_changes')
      .select(['state', 'return_reason'])
      .where('id', '=', changeId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ state: 'returned', return_reason: '规程不完整' });
    expect(await outboxOf(event.id, 'event.changed')).toEqual([]);
  });

  it('lets the organiser withdraw its pending change', async () => {
    const event = await publishWithEntries(0);
    const requested = await change('ch.contractor', event.id, {
      startsAt: new Date(Date.now() + 96 * 3600_000).toISOString(),
      endsAt: new Date(Date.now() + 100 * 3600_000).toISOString(),
    });
    expect(requested.json().pendingChange.fields).toEqual(['startsAt', 'endsAt']);
    const changeId = requested.json().pendingChange.id;
    const withdrawn = await postOk(
      ctx.app,
      cookieOf('ch.contractor'),
      `/api/console/events/${event.id}/changes/${changeId}/withdraw`,
    );
    expect(withdrawn.pendingChange).toBeNull();
    expect(withdrawn.actions).toContain('change');
  });

  it('reviews a cut in places only', async () => {
    const event = await publishWithEntries(3);
    expectProblem(
      await change('ch.contractor', event.id, { capacity: 2 }),
      409,
      'EVT_CAPACITY_BELOW_ENTRIES',
    );
    const more = await change('ch.contractor', event.id, { capacity: 20 });
    expect(more.json()).toMatchObject({ capacity: 20, pendingChange: null });
    const fewer = await change('ch.contractor', event.id, { capacity: 5 });
    expect(fewer.json()).toMatchObject({ capacity: 20, pendingChange: { fields: ['capacity'] } });
  });

  it('rejects fixed fields and empty changes', async () => {
    const event = await publishWithEntries(0);
    const fixed = expectProblem(
      await change('ch.contractor', event.id, { sport: 'football', level: 'district' }),
      400,
      'EVT_FIELD_FIXED',
    );
    expect(fixed.errors?.map((error) => error.field).sort()).toEqual(['level', 'sport']);
    expectProblem(
      await change('ch.contractor', event.id, { venue: event.venue }),
      400,
      'EVT_CHANGE_EMPTY',
    );
    expectProblem(await change('ch.contractor', event.id, { venue: null }), 422, 'EVT_INCOMPLETE');
    expectProblem(
      await change('ch.contractor', event.id, { description: 'x' }, ''),
      400,
      'EVT_REASON_REQUIRED',
    );
    expectProblem(await change('ch.other', event.id, { description: 'x' }), 404, 'EVT_NOT_FOUND');
  });

  it("applies a district bureau's change to its own brand event at once", async () => {
    const event = await publishNewEvent(ctx.app, cookieOf('ch.xuhui'), undefined, {
      level: 'district',
      section: 'brand_event',
      divisionCode: '310104',
    });
    const response = await change('ch.xuhui', event.id, { venue: '徐汇区 另一场地' });
    expect(response.json()).toMatchObject({ venue: '徐汇区 另一场地', pendingChange: null });
  });
});

describe('cancellation', () => {
  it('releases every place, tells each entrant once and announces it to partners', async () => {
    const event = await publishWithEntries(3);
    const url = `/api/console/events/${event.id}/cancel`;
    expectProblem(
      await user('ch.contractor')({ method: 'POST', url, payload: { reason: '' } }),
      400,
      'EVT_REASON_REQUIRED',
    );
    expectProblem(
      await user('ch.committee')({ method: 'POST', url, payload: { reason: '越权' } }),
      403,
      'EVT_NOT_OWNED',
    );
    const cancelled = await postOk(ctx.app, cookieOf('ch.contractor'), url, { reason: '台风预警' });
    expect(cancelled).toMatchObject({
      state: 'cancelled',
      cancelReason: '台风预警',
      registeredCount: 0,
    });
    expect(await activeEntries(event.id)).toBe(0);
    expect(await outboxOf(event.id, 'event.cancelled')).toHaveLength(3);
    const webhooks = await ctx.db
      .selectFrom('webhook_events')
      .select('action')
      .where('resource_id', '=', event.id)
      .execute();
    expect(webhooks.map((w) => w.action)).toContain('event.cancelled');

    expectProblem(
      await user('ch.contractor')({ method: 'POST', url, payload: { reason: '再次取消' } }),
      409,
      'EVT_INVALID_TRANSITION',
    );
    const registration = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/registrations`,
      payload: { name: '取消后报名', phone: '13900139999' },
    });
    expect(registration.statusCode).toBeGreaterThanOrEqual(400);
  });

  it('sends the reason once, without a doubled full stop', async () => {
    const event = await publishWithEntries(1);
    await postOk(ctx.app, cookieOf('ch.contractor'), `/api/console/events/${event.id}/cancel`, {
      reason: '场地临时封闭维修。',
    });
    await deliverOutbox(ctx.app);
    const texts = await ctx.db
      .selectFrom('dev_sms_messages')
      .select('text')
      .where('text', 'like', '%场地临时封闭维修%')
      .execute();
    expect(texts).toHaveLength(1);
    expect(texts[0]?.text).toContain('原因：场地临时封闭维修。您的报名已自动撤销。');
  });

  it('cancels once when two requests race, releasing each place once', async () => {
    const event = await publishWithEntries(4);
    const url = `/api/console/events/${event.id}/cancel`;
    const responses = await Promise.all(
      [1, 2, 3].map(() =>
        user('ch.contractor')({ method: 'POST', url, payload: { reason: '并发取消' } }),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    expect(await outboxOf(event.id, 'event.cancelled')).toHaveLength(4);
    expect((await eventRow(event.id)).registered_count).toBe(0);
  });

  it('keeps the counter equal to the active entries when registrations race a cancellation', async () => {
    const event = await publishWithEntries(2, { capacity: 50 });
    const racing = Array.from({ length: 12 }, (_, i) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/events/${event.id}/registrations`,
        payload: { name: `并发报名${'甲乙丙丁戊己'[i % 6]}`, phone: `1370013${String(3000 + i)}` },
      }),
    );
    for (let i = 0; i < 12; i++) recordPersonalData(ctx, `1370013${String(3000 + i)}`);
    const cancel = user('ch.contractor')({
      method: 'POST',
      url: `/api/console/events/${event.id}/cancel`,
      payload: { reason: '并发' },
    });
    await Promise.all([...racing, cancel]);
    const row = await eventRow(event.id);
    expect(row.state).toBe('cancelled');
    expect(row.registered_count).toBe(await activeEntries(event.id));
    expect(row.registered_count).toBe(0);
  });

  it('withdraws a filing in review and lets a draft go without entries', async () => {
    const draft = await fileEvent(ctx.app, cookieOf('ch.contractor'));
    const submitted = await postOk(
      ctx.app,
      cookieOf('ch.contractor'),
      `/api/console/events/${draft.id}/submit`,
    );
    expect(submitted.actions).toContain('cancel');
    const cancelled = await postOk(
      ctx.app,
      cookieOf('ch.contractor'),
      `/api/console/events/${draft.id}/cancel`,
      { reason: '主办方撤回' },
    );
    expect(cancelled.state).toBe('cancelled');
    const queue = await user('ch.committee')({ method: 'GET', url: '/api/reviews' });
    expect(queue.json<{ items: { id: string }[] }>().items.map((i) => i.id)).not.toContain(
      draft.id,
    );
  });
});

describe('copying', () => {
  it('copies an own event into a draft with the dates cleared', async () => {
    const event = await publishWithEntries(1);
    const response = await user('ch.contractor')({
      method: 'POST',
      url: `/api/console/events/${event.id}/copy`,
    });
    expect(response.statusCode, response.body).toBe(201);
    const copy = response.json();
    expect(copy).toMatchObject({
      state: 'draft',
      copiedFrom: event.id,
      venue: event.venue,
      host: '测试主办单位',
      startsAt: null,
      endsAt: null,
      registrationOpensAt: null,
      registrationClosesAt: null,
      registeredCount: 0,
    });
    expect(copy.id).not.toBe(event.id);
    expect(copy.missingFields).toEqual([
      'startsAt',
      'endsAt',
      'registrationOpensAt',
      'registrationClosesAt',
    ]);
    expectProblem(
      await user('ch.other')({ method: 'POST', url: `/api/console/events/${event.id}/copy` }),
      404,
      'EVT_NOT_FOUND',
    );
  });
});

describe('review steps and batch approval', () => {
  it("asks for the federation's pre-review the operator configures, and the X-sport assessment", async () => {
    const operator = user('ch.operator');
    expectProblem(
      await operator({
        method: 'PUT',
        url: '/api/operator/pre-reviews/curling',
        payload: { federation: '冰壶协会' },
      }),
      400,
      'EVT_UNKNOWN_SPORT',
    );
    expectProblem(
      await user('ch.committee')({
        method: 'PUT',
        url: '/api/operator/pre-reviews/skateboarding',
        payload: { federation: '某协会' },
      }),
      403,
      'ACC_ROLE_FORBIDDEN',
    );
    const set = await operator({
      method: 'PUT',
      url: '/api/operator/pre-reviews/skateboarding',
      payload: { federation: '中国轮滑协会' },
    });
    expect(set.statusCode, set.body).toBe(204);
    const list = await operator({ method: 'GET', url: '/api/operator/pre-reviews' });
    expect(list.json().items).toContainEqual(
      expect.objectContaining({
        sport: 'skateboarding',
        sportName: '滑板',
        federation: '中国轮滑协会',
      }),
    );

    const event = await fileEvent(ctx.app, cookieOf('ch.contractor'), {
      sport: 'skateboarding',
      section: 'x_sport',
    });
    const submitted = await postOk(
      ctx.app,
      cookieOf('ch.contractor'),
      `/api/console/events/${event.id}/submit`,
    );
    expect(submitted.reviewSteps).toEqual([
      { step: 'pre_review', federation: '中国轮滑协会', done: null },
      { step: 'assessment', done: null },
    ]);
    const approve = `/api/reviews/${event.id}/approve`;
    const pending = expectProblem(
      await user('ch.committee')({ method: 'POST', url: approve }),
      409,
      'EVT_REVIEW_STEPS_PENDING',
    );
    expect(pending.detail).toContain('pre_review, assessment');

    const step = (name: string, note: string) =>
      user('ch.committee')({
        method: 'POST',
        url: `/api/reviews/${event.id}/steps/${name}`,
        payload: { note },
      });
    expectProblem(await step('pre_review', ' '), 400, 'REV_REASON_REQUIRED');
    expect((await step('pre_review', '协会函〔2027〕12号同意')).statusCode).toBe(200);
    expectProblem(
      await user('ch.committee')({ method: 'POST', url: approve }),
      409,
      'EVT_REVIEW_STEPS_PENDING',
    );
    const assessed = await step('assessment', '安全风险预案与竞赛规程已评估');
    expect(assessed.json().reviewSteps[1].done).toMatchObject({
      note: '安全风险预案与竞赛规程已评估',
    });
    expect((await user('ch.committee')({ method: 'POST', url: approve })).json().state).toBe(
      'approved',
    );

    await operator({ method: 'DELETE', url: '/api/operator/pre-reviews/skateboarding' });
    const later = await fileEvent(ctx.app, cookieOf('ch.contractor'), {
      sport: 'skateboarding',
      section: 'x_sport',
    });
    const laterSubmitted = await postOk(
      ctx.app,
      cookieOf('ch.contractor'),
      `/api/console/events/${later.id}/submit`,
    );
    expect(laterSubmitted.reviewSteps.map((s: { step: string }) => s.step)).toEqual(['assessment']);
  });

  it('approves a batch, each filing on its own, and reports each outcome', async () => {
    const plain = await fileEvent(ctx.app, cookieOf('ch.contractor'));
    const other = await fileEvent(ctx.app, cookieOf('ch.contractor'));
    const xSport = await fileEvent(ctx.app, cookieOf('ch.contractor'), {
      sport: 'climbing',
      section: 'x_sport',
    });
    for (const event of [plain, other, xSport]) {
      await postOk(ctx.app, cookieOf('ch.contractor'), `/api/console/events/${event.id}/submit`);
    }
    const games = await fileEvent(ctx.app, cookieOf('ch.xujiahui'), {
      level: 'street',
      section: 'community_games',
      divisionCode: '310104014',
    });
    await postOk(ctx.app, cookieOf('ch.xujiahui'), `/api/console/events/${games.id}/submit`);

    const response = await user('ch.committee')({
      method: 'POST',
      url: '/api/reviews/batch-approve',
      payload: { ids: [plain.id, other.id, xSport.id, games.id, plain.id] },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().results).toEqual([
      { id: plain.id, ok: true, code: null },
      { id: other.id, ok: true, code: null },
      { id: xSport.id, ok: false, code: 'EVT_REVIEW_STEPS_PENDING' },
      { id: games.id, ok: false, code: 'REV_NOT_REVIEWER' },
    ]);
    expect((await eventRow(plain.id)).state).toBe('approved');
    expect((await eventRow(xSport.id)).state).toBe('submitted');
  });

  it('filters the queue and says how many days each filing has waited', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ch.contractor'), {
      name: '筛选用的龙舟赛',
      sport: 'dragon_boat',
    });
    await postOk(ctx.app, cookieOf('ch.contractor'), `/api/console/events/${event.id}/submit`);
    await ctx.db
      .updateTable('events')
      .set({ submitted_at: sql<Date>`now() - interval '5 days 1 hour'` })
      .where('id', '=', event.id)
      .execute();
    const queue = (query: string) =>
      user('ch.committee')({ method: 'GET', url: `/api/reviews?${query}` }).then(
        (r) => r.json<{ items: { id: string; daysWaiting: number }[] }>().items,
      );
    const found = (await queue('q=龙舟')).find((item) => item.id === event.id);
    expect(found?.daysWaiting).toBe(5);
    expect((await queue('minDaysWaiting=5')).map((i) => i.id)).toContain(event.id);
    expect((await queue('minDaysWaiting=6')).map((i) => i.id)).not.toContain(event.id);
    expect((await queue('sport=football')).map((i) => i.id)).not.toContain(event.id);
    expect((await queue('kind=change')).map((i) => i.id)).not.toContain(event.id);
    expect((await queue('q=%25')).map((i) => i.id)).not.toContain(event.id);
  });
});
