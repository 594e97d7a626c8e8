import { randomUUID } from 'node:crypto';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkCounters } from '../registrations/counters.js';
import { residentId } from '../test/entries.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { randomCode } from '../shared/ids.js';
import {
  createTestPartner,
  publishPartnerEvent,
  signedRequest,
  type TestPartner,
} from '../test/partners.js';

let ctx: TestContext;
let operator: string;
let committee: string;

const ALL_SCOPES = ['events:read', 'events:write', 'registrations:read', 'registrations:write'];
const ENTRY_SCOPES = ['registrations:read', 'registrations:write'];

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'pr.operator',
    accountType: 'operator',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'pr.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  operator = await signIn(ctx.app, 'pr.operator');
  committee = await signIn(ctx.app, 'pr.committee');
});

afterAll(async () => {
  await ctx?.close();
});

const entriesOf = (eventId: string) => `/api/partner/v1/events/${eventId}/registrations`;

let phoneSerial = 0;
/** Returns a fake mobile number, new on every call. */
function nextPhone(): string {
  phoneSerial += 1;
  return `139${String(10_000_000 + phoneSerial).slice(-8)}`;
}

function push(partner: TestPartner, eventId: string, body: Record<string, unknown>, key?: string) {
  return signedRequest(ctx.app, partner, { method: 'POST', url: entriesOf(eventId), body, key });
}

function webRegister(eventId: string, body: Record<string, unknown>) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload: body,
  });
}

async function grantHosting(partner: TestPartner, eventId: string) {
  const response = await as(
    ctx.app,
    operator,
  )({
    method: 'PUT',
    url: `/api/operator/partners/${partner.id}/hosted-events/${eventId}`,
  });
  expect(response.statusCode, response.body).toBe(204);
}

async function liveCounts(eventId: string) {
  const row = await ctx.db
    .selectFrom('events')
    .select([
      'registered_count',
      (eb) =>
        eb
          .selectFrom('registrations')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('registrations.event_id', '=', 'events.id')
          .where('registrations.status', '=', 'active')
          .as('active'),
    ])
    .where('id', '=', eventId)
    .executeTakeFirstOrThrow();
  return { counter: row.registered_count, active: row.active };
}

describe('partner entries', () => {
  it('counts a pushed entry against capacity', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee, { capacity: 1 });

    const first = await push(owner, eventId, { name: '测试选手', phone: nextPhone() });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ eventId, status: 'active', queuePosition: null });
    const stored = await ctx.db
      .selectFrom('registrations')
      .select(['channel', 'partner_id'])
      .where('id', '=', first.json<{ id: string }>().id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ channel: 'partner', partner_id: owner.id });

    const web = await webRegister(eventId, { name: '网页选手', phone: nextPhone() });
    expectProblem(web, 409, 'REG_EVENT_FULL');
    expect(await liveCounts(eventId)).toEqual({ counter: 1, active: 1 });
  });

  it('rejects an event the partner does not host', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const other = await createTestPartner(ctx.app, operator, ENTRY_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);

    const response = await push(other, eventId, { name: '测试选手', phone: nextPhone() });
    expectProblem(response, 404, 'EVT_NOT_FOUND');

    await grantHosting(other, eventId);
    const hosted = await push(other, eventId, { name: '测试选手', phone: nextPhone() });
    expect(hosted.statusCode, hosted.body).toBe(201);
  });

  it('requires the registrations:write scope', async () => {
    const reader = await createTestPartner(ctx.app, operator, ['events:read', 'events:write']);
    const eventId = await publishPartnerEvent(ctx.app, reader, committee);
    const response = await push(reader, eventId, { name: '测试选手', phone: nextPhone() });
    expectProblem(response, 403, 'PTN_SCOPE_MISSING');
    expect(await liveCounts(eventId)).toEqual({ counter: 0, active: 0 });
  });

  it('rejects bad input with field errors', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);
    expectProblem(
      await push(owner, eventId, { name: '测试选手', phone: '12345' }),
      400,
      'REG_INVALID_PHONE',
    );
    expectProblem(
      await push(owner, eventId, {
        name: '测试选手',
        phone: nextPhone(),
        idNumber: '310104199001011234',
      }),
      400,
      'REG_INVALID_ID_NUMBER',
    );
    const numeric = expectProblem(
      await push(owner, eventId, { name: '测试选手', phone: Number(nextPhone()) }),
      400,
      'VALIDATION_FAILED',
    );
    expect(numeric.errors).toEqual([{ field: 'phone', code: 'type', message: 'must be string' }]);
    expect(await liveCounts(eventId)).toEqual({ counter: 0, active: 0 });
  });

  it('changes and cancels an entry, moving the waiting list up', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee, { capacity: 1 });
    const group = await ctx.db
      .selectFrom('event_groups')
      .select('id')
      .where('event_id', '=', eventId)
      .executeTakeFirstOrThrow();
    await ctx.db
      .updateTable('event_groups')
      .set({ waiting_list: 'auto' })
      .where('id', '=', group.id)
      .execute();

    const first = await push(owner, eventId, { name: '第一选手', phone: nextPhone() });
    const second = await push(owner, eventId, { name: '第二选手', phone: nextPhone() });
    expect(first.json()).toMatchObject({ status: 'active' });
    expect(second.json()).toMatchObject({ status: 'waiting', queuePosition: 1 });
    const firstId = first.json<{ id: string }>().id;
    const secondId = second.json<{ id: string }>().id;

    const renamed = await signedRequest(ctx.app, owner, {
      method: 'PATCH',
      url: `${entriesOf(eventId)}/${firstId}`,
      body: { name: '改名选手' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ id: firstId, name: '改名选手', status: 'active' });

    const cancelled = await signedRequest(ctx.app, owner, {
      method: 'POST',
      url: `${entriesOf(eventId)}/${firstId}/cancel`,
      body: { reason: '选手退赛' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', code: null });

    const promoted = await ctx.db
      .selectFrom('registrations')
      .select('status')
      .where('id', '=', secondId)
      .executeTakeFirstOrThrow();
    expect(promoted.status).toBe('active');
    expect(await liveCounts(eventId)).toEqual({ counter: 1, active: 1 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);

    const again = await signedRequest(ctx.app, owner, {
      method: 'POST',
      url: `${entriesOf(eventId)}/${firstId}/cancel`,
      body: { reason: '选手退赛' },
    });
    expectProblem(again, 409, 'REG_ALREADY_CANCELLED');

    const actions = await ctx.db
      .selectFrom('webhook_events')
      .select(['action', 'resource_id', 'sequence'])
      .where('event_id', '=', eventId)
      .where('resource_type', '=', 'registration')
      .orderBy('resource_id')
      .orderBy('sequence')
      .execute();
    // The cancellation and the promotion share a transaction, so only the order within one
    // entry is fixed: its sequence numbers.
    const byEntry = (id: string) => actions.filter((row) => row.resource_id === id);
    expect(actions).toHaveLength(5);
    expect(byEntry(firstId).map((row) => [row.action, row.sequence])).toEqual([
      ['registration.created', 1],
      ['registration.changed', 2],
      ['registration.cancelled', 3],
    ]);
    expect(byEntry(secondId).map((row) => [row.action, row.sequence])).toEqual([
      ['registration.created', 1],
      ['registration.changed', 2],
    ]);
  });

  it('lets a hosting partner change only the entries it pushed', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const host = await createTestPartner(ctx.app, operator, ENTRY_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);
    await grantHosting(host, eventId);
    const ownersEntry = await push(owner, eventId, { name: '主办选手', phone: nextPhone() });
    const id = ownersEntry.json<{ id: string }>().id;

    const response = await signedRequest(ctx.app, host, {
      method: 'POST',
      url: `${entriesOf(eventId)}/${id}/cancel`,
      body: { reason: '无权取消' },
    });
    expectProblem(response, 404, 'REG_REGISTRATION_NOT_FOUND');
    const row = await ctx.db
      .selectFrom('registrations')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
  });
});

describe('cross-channel duplicates', () => {
  it('rejects the second channel and reports the attempt', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const host = await createTestPartner(ctx.app, operator, ENTRY_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);
    await grantHosting(host, eventId);
    const idNumber = residentId('1990-01-01', 'male', 41);

    const web = await webRegister(eventId, {
      name: '重复选手',
      phone: nextPhone(),
      idNumber,
      idConsent: true,
    });
    expect(web.statusCode, web.body).toBe(201);
    const viaPartner = await push(host, eventId, {
      name: '重复选手',
      phone: nextPhone(),
      idNumber,
    });
    expectProblem(viaPartner, 409, 'REG_REGISTERED_ELSEWHERE');
    const viaOwner = await push(owner, eventId, { name: '重复选手', phone: nextPhone(), idNumber });
    expectProblem(viaOwner, 409, 'REG_REGISTERED_ELSEWHERE');
    expect(await liveCounts(eventId)).toEqual({ counter: 1, active: 1 });

    const report = await as(
      ctx.app,
      operator,
    )({
      method: 'GET',
      url: `/api/operator/partners/${host.id}/duplicates`,
    });
    expect(report.statusCode, report.body).toBe(200);
    const items = report.json<{
      items: {
        eventId: string;
        personRef: string;
        attempted: { channel: string; partnerName: string | null };
        existing: { channel: string; registrationId: string };
      }[];
    }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      eventId,
      attempted: { channel: 'partner', partnerName: host.name },
      existing: { channel: 'web', registrationId: web.json<{ id: string }>().id },
    });
    expect(report.body).not.toContain(idNumber);

    const ownerReport = await as(
      ctx.app,
      operator,
    )({
      method: 'GET',
      url: `/api/operator/partners/${owner.id}/duplicates`,
    });
    expect(ownerReport.json<{ items: { personRef: string }[] }>().items).toEqual([
      expect.objectContaining({ personRef: items[0]!.personRef }),
    ]);
  });

  it('keeps the old code for a repeat through the same partner', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);
    const idNumber = residentId('1991-02-03', 'female', 42);
    expect(
      (await push(owner, eventId, { name: '同一选手', phone: nextPhone(), idNumber })).statusCode,
    ).toBe(201);
    const repeat = await push(owner, eventId, { name: '同一选手', phone: nextPhone(), idNumber });
    expectProblem(repeat, 409, 'REG_ID_ALREADY_REGISTERED');
    const recorded = await ctx.db
      .selectFrom('registration_duplicates')
      .select('id')
      .where('event_id', '=', eventId)
      .execute();
    expect(recorded).toEqual([]);
  });
});

describe('partner entry idempotency', () => {
  it('replays the same key with the same body', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);
    const body = { name: '重试选手', phone: nextPhone() };

    const first = await push(owner, eventId, body, 'entry-retry-1');
    const second = await push(owner, eventId, body, 'entry-retry-1');
    expect(first.statusCode, first.body).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toBe(first.body);
    expect(await liveCounts(eventId)).toEqual({ counter: 1, active: 1 });
  });

  it('rejects the same key with another body', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);
    const first = await push(owner, eventId, { name: '甲选手', phone: nextPhone() }, 'entry-key-2');
    expect(first.statusCode).toBe(201);
    const other = await push(owner, eventId, { name: '乙选手', phone: nextPhone() }, 'entry-key-2');
    expectProblem(other, 422, 'PTN_IDEMPOTENCY_MISMATCH');
    expect(await liveCounts(eventId)).toEqual({ counter: 1, active: 1 });
  });

  it('requires a key on every entry write', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);
    const response = await signedRequest(ctx.app, owner, {
      method: 'POST',
      url: entriesOf(eventId),
      body: { name: '无键选手', phone: nextPhone() },
      key: null,
    });
    expectProblem(response, 400, 'PTN_IDEMPOTENCY_KEY_REQUIRED');
    expect(await liveCounts(eventId)).toEqual({ counter: 0, active: 0 });
  });

  // Holds the event's row lock in a transaction of the test, so the first push stops inside
  // its write while its key is claimed. Needs PostgreSQL, because PGlite serves one connection
  // at a time.
  it.runIf(process.env.DATABASE_URL)('answers a concurrent duplicate with 409', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);
    const body = { name: '并发选手', phone: nextPhone() };
    const waiters = async () => {
      const { rows } = await sql<{ count: number }>`
        select count(*)::int as count from pg_stat_activity
        where wait_event_type = 'Lock' and datname = current_database()`.execute(ctx.db);
      return rows[0]?.count ?? 0;
    };

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const blocker = ctx.db.transaction().execute(async (trx) => {
      await trx.selectFrom('events').select('id').where('id', '=', eventId).forUpdate().execute();
      locked();
      await held;
    });
    await holding;

    const first = push(owner, eventId, body, 'entry-concurrent');
    for (let tries = 0; tries < 200 && (await waiters()) < 1; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const second = await push(owner, eventId, body, 'entry-concurrent');
    release();
    await blocker;
    const firstResponse = await first;

    expect(firstResponse.statusCode, firstResponse.body).toBe(201);
    expectProblem(second, 409, 'PTN_IDEMPOTENCY_IN_PROGRESS');
    expect(second.headers['retry-after']).toBe('1');
    expect(await liveCounts(eventId)).toEqual({ counter: 1, active: 1 });
    const replay = await push(owner, eventId, body, 'entry-concurrent');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(firstResponse.body);
  });
});

describe('race for the last places', () => {
  const CAPACITY = 8;
  const TAKEN_BEFORE = 5;
  const PER_CHANNEL = 12;

  /** Publishes an event of `owner` that `host` may push to, with all but three places taken. */
  async function nearlyFullEvent() {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const host = await createTestPartner(ctx.app, operator, ENTRY_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee, { capacity: CAPACITY });
    await grantHosting(host, eventId);
    for (let i = 0; i < TAKEN_BEFORE; i += 1) {
      const response = await webRegister(eventId, { name: '先到选手', phone: nextPhone() });
      expect(response.statusCode, response.body).toBe(201);
    }
    return { owner, host, eventId };
  }

  it('gives two partners and the web exactly the places left', async () => {
    const { owner, host, eventId } = await nearlyFullEvent();

    const attempts = [];
    for (let i = 0; i < PER_CHANNEL; i += 1) {
      attempts.push(push(owner, eventId, { name: '甲平台选手', phone: nextPhone() }));
      attempts.push(push(host, eventId, { name: '乙平台选手', phone: nextPhone() }));
      attempts.push(webRegister(eventId, { name: '网页选手', phone: nextPhone() }));
    }
    const responses = await Promise.all(attempts);
    const tally = new Map<string, number>();
    for (const response of responses) {
      const outcome = response.statusCode === 201 ? 'ok' : response.json<{ code: string }>().code;
      tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
    }

    expect(tally.get('ok')).toBe(CAPACITY - TAKEN_BEFORE);
    expect(tally.get('REG_EVENT_FULL')).toBe(3 * PER_CHANNEL - (CAPACITY - TAKEN_BEFORE));
    expect(tally.size).toBe(2);
    expect(await liveCounts(eventId)).toEqual({ counter: CAPACITY, active: CAPACITY });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  // Negative control: the same three-channel race, each attempt reading the count and then
  // inserting without the conditional update of takePlaces, overbooks the event. So the
  // harness above would see a race if the partner path skipped the capacity guard.
  it.runIf(process.env.DATABASE_URL)('negative control: overbooks without the guard', async () => {
    const { owner, host, eventId } = await nearlyFullEvent();
    const group = await ctx.db
      .selectFrom('event_groups')
      .select('id')
      .where('event_id', '=', eventId)
      .executeTakeFirstOrThrow();
    const naive = async (channel: 'web' | 'partner', partnerId: string | null) => {
      const { active } = await liveCounts(eventId);
      if (active >= CAPACITY) return 'REG_EVENT_FULL';
      await ctx.db
        .insertInto('registrations')
        .values({
          id: randomUUID(),
          event_id: eventId,
          group_id: group.id,
          code: randomCode(),
          name: '并发测试',
          phone_ciphertext: 'v1:unused',
          phone_hash: `naive-${randomUUID()}`,
          phone_masked: '137****0000',
          idempotency_key: null,
          channel,
          partner_id: partnerId,
        })
        .execute();
      return 'ok';
    };
    const attempts = [];
    for (let i = 0; i < PER_CHANNEL; i += 1) {
      attempts.push(naive('partner', owner.id), naive('partner', host.id), naive('web', null));
    }
    const outcomes = await Promise.all(attempts);
    const { active } = await liveCounts(eventId);
    expect(active).toBeGreaterThan(CAPACITY);
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(active - TAKEN_BEFORE);
  });
});

describe('hostable event search', () => {
  const search = (partnerId: string, query: string) =>
    as(
      ctx.app,
      operator,
    )({ method: 'GET', url: `/api/operator/partners/${partnerId}/hostable-events?${query}` });

  it('finds live events of other organisations by name', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const host = await createTestPartner(ctx.app, operator, ENTRY_SCOPES);
    const name = `代收检索赛${randomCode(6)}`;
    const eventId = await publishPartnerEvent(ctx.app, owner, committee, { name });
    const part = encodeURIComponent(name.slice(3));

    const found = await search(host.id, `q=${part}`);
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json()).toEqual({
      items: [
        {
          eventId,
          name,
          state: 'published',
          startsAt: expect.any(String),
          organisationName: expect.any(String),
          divisionName: expect.any(String),
          hosted: false,
        },
      ],
    });

    await grantHosting(host, eventId);
    const granted = await search(host.id, `q=${part}`);
    expect(granted.json<{ items: { hosted: boolean }[] }>().items.map((i) => i.hosted)).toEqual([
      true,
    ]);
    // The owner pushes entries for its own events without a grant, so they are not offered.
    expect((await search(owner.id, `q=${part}`)).json()).toEqual({ items: [] });
  });

  it('matches like the public search, approved events included', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const host = await createTestPartner(ctx.app, operator, ENTRY_SCOPES);
    // 蝴蝶杯 (hudiebei, hdb) and 鹦鹉 (yingwu) appear in no other test's events.
    const published = await publishPartnerEvent(ctx.app, owner, committee, {
      name: '蝴蝶杯飞盘邀请赛',
      divisionCode: '310106',
      venue: '静安区 鹦鹉体育馆',
      address: '上海市静安区测试路 2 号',
    });
    const approved = await publishPartnerEvent(ctx.app, owner, committee, {
      name: '蝴蝶杯毽球赛',
      divisionCode: '310104',
    });
    await ctx.db
      .updateTable('events')
      .set({ state: 'approved' })
      .where('id', '=', approved)
      .execute();
    const cancelled = await publishPartnerEvent(ctx.app, owner, committee, {
      name: '蝴蝶杯取消赛',
      divisionCode: '310106',
    });
    await ctx.db
      .updateTable('events')
      .set({ state: 'cancelled' })
      .where('id', '=', cancelled)
      .execute();

    const found = async (text: string, partnerId = host.id) => {
      const response = await search(partnerId, `limit=50&q=${encodeURIComponent(text)}`);
      expect(response.statusCode, response.body).toBe(200);
      const ids = response.json<{ items: { eventId: string }[] }>().items.map((i) => i.eventId);
      return [published, approved, cancelled].filter((id) => ids.includes(id));
    };
    // Chinese part of the name, full pinyin from a syllable start, and initials.
    expect(await found('蝴蝶杯')).toEqual([published, approved]);
    expect(await found('飞盘')).toEqual([published]);
    expect(await found('hudie')).toEqual([published, approved]);
    expect(await found('HuDie')).toEqual([published, approved]);
    expect(await found('jianqiu')).toEqual([approved]);
    expect(await found('diebei')).toEqual([published, approved]);
    expect(await found('hdb')).toEqual([published, approved]);
    expect(await found('hdbjq')).toEqual([approved]);
    // Venue text, venue pinyin and venue initials.
    expect(await found('鹦鹉')).toEqual([published]);
    expect(await found('yingwu')).toEqual([published]);
    expect(await found('ywtyg')).toEqual([published]);
    // District by name and pinyin, and every word must match.
    expect(await found('hudie 静安')).toEqual([published]);
    expect(await found('hudie jingan')).toEqual([published]);
    expect(await found('hudie xuhui')).toEqual([approved]);
    expect(await found('蝴蝶杯 没有的词')).toEqual([]);
    // A syllable is matched only from its start.
    expect(await found('udie')).toEqual([]);
    // The owner may push entries for its own events without a grant.
    expect(await found('hudie', owner.id)).toEqual([]);
  });

  it('leaves out cancelled events and matches wildcards literally', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const host = await createTestPartner(ctx.app, operator, ENTRY_SCOPES);
    const name = `代收取消赛${randomCode(6)}`;
    const eventId = await publishPartnerEvent(ctx.app, owner, committee, { name });
    await ctx.db
      .updateTable('events')
      .set({ state: 'cancelled' })
      .where('id', '=', eventId)
      .execute();
    expect((await search(host.id, `q=${encodeURIComponent(name)}`)).json()).toEqual({ items: [] });
    const wildcard = await search(host.id, `q=${encodeURIComponent('%_')}`);
    expect(wildcard.json()).toEqual({ items: [] });
  });

  it('grants hosting only for hostable events', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES);
    const host = await createTestPartner(ctx.app, operator, ENTRY_SCOPES);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);
    const hosting = (partnerId: string, method: 'PUT' | 'DELETE') =>
      as(
        ctx.app,
        operator,
      )({ method, url: `/api/operator/partners/${partnerId}/hosted-events/${eventId}` });

    expectProblem(await hosting(owner.id, 'PUT'), 409, 'PTN_EVENT_NOT_HOSTABLE');
    expect((await hosting(host.id, 'PUT')).statusCode).toBe(204);
    await ctx.db
      .updateTable('events')
      .set({ state: 'cancelled' })
      .where('id', '=', eventId)
      .execute();
    expect((await hosting(host.id, 'DELETE')).statusCode).toBe(204);
    expectProblem(await hosting(host.id, 'PUT'), 409, 'PTN_EVENT_NOT_HOSTABLE');
    const rows = await ctx.db
      .selectFrom('partner_hosted_events')
      .select('partner_id')
      .where('event_id', '=', eventId)
      .execute();
    expect(rows).toEqual([]);
  });

  it('rejects bad input and other account types', async () => {
    const host = await createTestPartner(ctx.app, operator, ENTRY_SCOPES);
    expectProblem(await search(host.id, `q=${'赛'.repeat(51)}`), 400, 'VALIDATION_FAILED');
    expectProblem(await search(host.id, 'limit=0'), 400, 'VALIDATION_FAILED');
    expectProblem(await search(randomUUID(), 'q=赛'), 404, 'PTN_NOT_FOUND');
    const byCommittee = await as(
      ctx.app,
      committee,
    )({ method: 'GET', url: `/api/operator/partners/${host.id}/hostable-events` });
    expect(byCommittee.statusCode).toBe(403);
  });
});
