import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signInCitizen } from '../citizens/citizen-test-support.js';
import { countersOf, outboxKinds, publishWithGroups, statusCounts } from '../test/entries.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  type TestContext,
  signIn,
} from '../test/harness.js';
import { SMS_COMPOSERS } from '../notifications/sms-messages.js';
import { checkCounters } from './counters.js';
import { expireOffers } from './waiting-list.service.js';

let ctx: TestContext;
let organiser: string;
let reviewer: string;
let phoneCounter = 0;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'wl.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'wl.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiser = await signIn(ctx.app, 'wl.contractor');
  reviewer = await signIn(ctx.app, 'wl.committee');
});

afterAll(async () => {
  await ctx.close();
});

/**
 * Signs a citizen in from an address of its own, because codes are limited per address. Call
 * it before anything queues another SMS to the number: the sign-in reads the newest SMS.
 */
function citizenSession(phone: string): Promise<string> {
  return signInCitizen(ctx.app, phone, `198.51.100.${phoneCounter % 250}`);
}

function nextPhone(): string {
  phoneCounter += 1;
  return `1390013${String(phoneCounter).padStart(4, '0')}`;
}

async function register(eventId: string, phone: string, groupId?: string) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload: { name: '候补测试', phone, ...(groupId ? { groupId } : {}) },
  });
  return response;
}

async function entryOf(id: string) {
  return ctx.db
    .selectFrom('registrations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

/** Publishes an event with one group of `capacity` places and the waiting list in `mode`. */
async function groupEvent(capacity: number, mode: 'off' | 'auto' | 'offer', offerHours = 24) {
  const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
    {
      name: '候补组',
      capacity,
      waitingList: mode,
      ...(mode === 'offer' ? { offerHours } : {}),
    },
  ]);
  return { eventId, groupId: groupIds[0]! };
}

function citizenCancel(cookie: string, eventId: string, registrationId: string) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/citizen/events/${eventId}/registrations/${registrationId}/cancel`,
    headers: { cookie },
  });
}

function organiserCancel(eventId: string, registrationId: string, reason = '资格审核未通过') {
  return as(
    ctx.app,
    organiser,
  )({
    method: 'POST',
    url: `/api/console/events/${eventId}/registrations/${registrationId}/cancel`,
    payload: { reason },
  });
}

describe('waiting list', () => {
  it('queues entries of a full group in order', async () => {
    const { eventId, groupId } = await groupEvent(1, 'auto');
    const first = await register(eventId, nextPhone());
    expect(first.statusCode, first.body).toBe(201);

    const positions: number[] = [];
    for (let n = 0; n < 3; n += 1) {
      const waiting = await register(eventId, nextPhone());
      expect(waiting.statusCode, waiting.body).toBe(202);
      expect(waiting.json().status).toBe('waiting');
      positions.push(waiting.json().queuePosition);
    }
    expect(positions).toEqual([1, 2, 3]);
    const publicGroups = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${eventId}/groups`,
    });
    expect(publicGroups.json().items).toEqual([
      expect.objectContaining({ id: groupId, placesLeft: 0, waitingList: 'auto', waitingCount: 3 }),
    ]);
    expect(await countersOf(ctx.db, eventId, groupId)).toEqual({
      taken: 1,
      capacity: 1,
      registered: 1,
    });
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 1, waiting: 3 });
    // Waiting entries get no confirmation SMS.
    expect(await outboxKinds(ctx.db, eventId, ['registration.confirmed'])).toHaveLength(1);
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  it('shows the queue place on the ticket', async () => {
    const { eventId } = await groupEvent(1, 'auto');
    const holderPhone = nextPhone();
    const cookie = await citizenSession(holderPhone);
    const holder = (await register(eventId, holderPhone)).json();
    const first = (await register(eventId, nextPhone())).json();
    const second = (await register(eventId, nextPhone())).json();
    const ticket = async (code: string) => {
      const response = await ctx.app.inject({ method: 'GET', url: `/api/tickets/${code}` });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ status: string; queuePosition: number | null }>();
    };

    expect(await ticket(holder.code)).toMatchObject({ status: 'active', queuePosition: null });
    expect(await ticket(first.code)).toMatchObject({ status: 'waiting', queuePosition: 1 });
    expect(await ticket(second.code)).toMatchObject({ status: 'waiting', queuePosition: 2 });

    const cancelled = await citizenCancel(cookie, eventId, holder.id);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(await ticket(first.code)).toMatchObject({ status: 'active', queuePosition: null });
    expect(await ticket(second.code)).toMatchObject({ status: 'waiting', queuePosition: 1 });
    // Places of this group move up by themselves, so there is no offer to accept.
    expect(await ticket(second.code)).toMatchObject({ offerHours: null });
  });

  it('tells the hours to accept an offer on the ticket', async () => {
    const { eventId } = await groupEvent(1, 'offer', 36);
    const holder = (await register(eventId, nextPhone())).json();
    const waiting = (await register(eventId, nextPhone())).json();
    const ticket = async (code: string) =>
      (await ctx.app.inject({ method: 'GET', url: `/api/tickets/${code}` })).json<{
        status: string;
        offerHours: number | null;
      }>();

    expect(await ticket(waiting.code)).toMatchObject({ status: 'waiting', offerHours: 36 });
    expect(await ticket(holder.code)).toMatchObject({ status: 'active', offerHours: null });
  });

  it('promotes the first in line on cancellation', async () => {
    const { eventId, groupId } = await groupEvent(1, 'auto');
    const holderPhone = nextPhone();
    const cookie = await citizenSession(holderPhone);
    const holder = (await register(eventId, holderPhone)).json();
    const first = (await register(eventId, nextPhone())).json();
    const second = (await register(eventId, nextPhone())).json();

    const cancelled = await citizenCancel(cookie, eventId, holder.id);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toEqual({ id: holder.id, status: 'cancelled', released: true });

    expect((await entryOf(first.id)).status).toBe('active');
    expect((await entryOf(first.id)).promoted_at).not.toBeNull();
    expect((await entryOf(second.id)).status).toBe('waiting');
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 1, registered: 1 });
    const sms = await outboxKinds(ctx.db, eventId, ['registration.promoted']);
    expect(sms).toEqual([
      {
        kind: 'registration.promoted',
        registration_id: first.id,
        dedup_key: `registration.promoted:${first.id}`,
      },
    ]);
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  it('promotes when the capacity is raised', async () => {
    const { eventId, groupId } = await groupEvent(1, 'auto');
    await register(eventId, nextPhone());
    const waiting = await Promise.all([1, 2, 3].map(() => register(eventId, nextPhone())));
    expect(waiting.map((response) => response.statusCode)).toEqual([202, 202, 202]);

    const raised = await as(
      ctx.app,
      organiser,
    )({
      method: 'PATCH',
      url: `/api/console/events/${eventId}/groups/${groupId}`,
      payload: { capacity: 3 },
    });
    expect(raised.statusCode, raised.body).toBe(200);
    expect(raised.json()).toMatchObject({ capacity: 3, taken: 3, placesLeft: 0 });
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 3, waiting: 1 });
    expect(await outboxKinds(ctx.db, eventId, ['registration.promoted'])).toHaveLength(2);
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  it('leaves the queue without releasing a place', async () => {
    const { eventId, groupId } = await groupEvent(1, 'auto');
    await register(eventId, nextPhone());
    const phone = nextPhone();
    const cookie = await citizenSession(phone);
    const waiting = (await register(eventId, phone)).json();
    const left = await citizenCancel(cookie, eventId, waiting.id);
    expect(left.json()).toEqual({ id: waiting.id, status: 'cancelled', released: false });
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 1, registered: 1 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });
});

describe('waiting-list SMS', () => {
  /** Renders the waiting-list SMS of an entry as the dispatcher would. */
  async function waitingSms(eventId: string, registrationId: string) {
    const compose = SMS_COMPOSERS['registration.waiting'];
    expect(compose).toBeDefined();
    return compose!(ctx.db, ctx.app.cipher, { registrationId, eventId });
  }

  it('queues one notice on the public path', async () => {
    const { eventId } = await groupEvent(1, 'auto');
    const first = await register(eventId, nextPhone());
    expect(first.statusCode, first.body).toBe(201);
    const phone = nextPhone();
    const waiting = await register(eventId, phone);
    expect(waiting.statusCode, waiting.body).toBe(202);
    const { id, code } = waiting.json<{ id: string; code: string }>();

    const notices = await outboxKinds(ctx.db, eventId, ['registration.waiting']);
    expect(notices).toEqual([
      { kind: 'registration.waiting', registration_id: id, dedup_key: null },
    ]);
    const confirmed = await outboxKinds(ctx.db, eventId, ['registration.confirmed']);
    expect(confirmed.map((row) => row.registration_id)).toEqual([first.json().id]);

    const composed = await waitingSms(eventId, id);
    if (!('send' in composed)) throw new Error(`expected an SMS, got ${composed.drop}`);
    expect(composed.send.to).toBe(phone);
    expect(composed.send.text).toContain('候补');
    expect(composed.send.text).toContain('第 1 位');
    expect(composed.send.text).toContain(code);
    expect(composed.send.text).not.toContain('候补测试');
    expect(composed.send.text).not.toContain(phone);
  });

  it('queues one notice on the console path', async () => {
    const { eventId } = await groupEvent(1, 'offer');
    expect((await register(eventId, nextPhone())).statusCode).toBe(201);
    const response = await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/registrations`,
      payload: { name: '候补测试', phone: nextPhone() },
    });
    expect(response.statusCode, response.body).toBe(202);
    const { id } = response.json<{ id: string }>();

    const notices = await outboxKinds(ctx.db, eventId, ['registration.waiting']);
    expect(notices.map((row) => row.registration_id)).toEqual([id]);
    const composed = await waitingSms(eventId, id);
    expect('send' in composed).toBe(true);
  });

  it('drops the notice of an entry that moved up', async () => {
    const { eventId } = await groupEvent(1, 'auto');
    const first = await register(eventId, nextPhone());
    const waiting = await register(eventId, nextPhone());
    expect(waiting.statusCode, waiting.body).toBe(202);
    const cancelled = await organiserCancel(eventId, first.json().id);
    expect(cancelled.statusCode, cancelled.body).toBe(200);

    const composed = await waitingSms(eventId, waiting.json().id);
    expect(composed).toMatchObject({ drop: 'registration is active, not waiting' });
  });
});

describe('own entries', () => {
  it('lists status, place and offer', async () => {
    const { eventId, groupId } = await groupEvent(1, 'offer', 6);
    const holderPhone = nextPhone();
    const holderCookie = await citizenSession(holderPhone);
    const phone = nextPhone();
    const cookie = await citizenSession(phone);
    const holder = (await register(eventId, holderPhone)).json();
    await register(eventId, nextPhone());
    const mine = (await register(eventId, phone)).json();

    const list = (session: string) =>
      ctx.app.inject({
        method: 'GET',
        url: '/api/citizen/registrations',
        headers: { cookie: session },
      });
    const waiting = await list(cookie);
    expect(waiting.statusCode, waiting.body).toBe(200);
    expect(waiting.json().items).toEqual([
      expect.objectContaining({
        id: mine.id,
        eventId,
        groupId,
        groupName: '候补组',
        showGroupName: true,
        teamId: null,
        teamCaptain: false,
        status: 'waiting',
        code: mine.code,
        queuePosition: 2,
        offerExpiresAt: null,
      }),
    ]);
    const held = (await list(holderCookie)).json().items;
    expect(held).toEqual([
      expect.objectContaining({
        id: holder.id,
        status: 'active',
        code: holder.code,
        queuePosition: null,
        checkedInAt: null,
      }),
    ]);

    const checkedInAt = new Date('2026-05-01T01:30:00.000Z');
    await ctx.db
      .updateTable('registrations')
      .set({ checked_in_at: checkedInAt })
      .where('id', '=', holder.id)
      .execute();
    const checkedIn = (await list(holderCookie)).json().items;
    expect(checkedIn[0]?.checkedInAt).toBe(checkedInAt.toISOString());
    await ctx.db
      .updateTable('registrations')
      .set({ checked_in_at: null })
      .where('id', '=', holder.id)
      .execute();

    await organiserCancel(eventId, holder.id);
    const cancelled = (await list(holderCookie)).json().items;
    expect(cancelled).toEqual([
      expect.objectContaining({ status: 'cancelled', code: holder.code }),
    ]);
    // The first in line now holds the offer, so this entry moves up.
    expect((await list(cookie)).json().items[0].queuePosition).toBe(1);
  });

  it('hides the name of an only default group', async () => {
    const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, []);
    const phone = nextPhone();
    const cookie = await citizenSession(phone);
    const entry = await register(eventId, phone);
    expect(entry.statusCode, entry.body).toBe(201);

    const list = await ctx.app.inject({
      method: 'GET',
      url: '/api/citizen/registrations',
      headers: { cookie },
    });
    const [item] = list.json().items;
    expect(item.groupName).toBe('默认组');
    expect(item.showGroupName).toBe(false);
  });
});

describe('offers', () => {
  async function expireNow(registrationId: string) {
    await ctx.db
      .updateTable('registrations')
      .set({ offer_expires_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', registrationId)
      .execute();
  }

  it('holds the place until accepted', async () => {
    const { eventId, groupId } = await groupEvent(1, 'offer', 12);
    const holder = (await register(eventId, nextPhone())).json();
    const phone = nextPhone();
    const cookie = await citizenSession(phone);
    const waiting = (await register(eventId, phone)).json();

    const cancelled = await organiserCancel(eventId, holder.id);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const offered = await entryOf(waiting.id);
    expect(offered.status).toBe('offered');
    const hours = (Date.parse(String(offered.offer_expires_at)) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 1, registered: 1 });
    expect(await outboxKinds(ctx.db, eventId, ['registration.offered'])).toHaveLength(1);

    const accepted = await ctx.app.inject({
      method: 'POST',
      url: `/api/citizen/events/${eventId}/registrations/${waiting.id}/accept`,
      headers: { cookie },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().status).toBe('active');
    expect((await entryOf(waiting.id)).offer_expires_at).toBeNull();
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/api/citizen/events/${eventId}/registrations/${waiting.id}/accept`,
      headers: { cookie },
    });
    expectProblem(again, 409, 'REG_OFFER_NOT_OPEN');
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  it('shows an event full once its groups are', async () => {
    const { eventId } = await groupEvent(1, 'offer');
    const event = async () => {
      const response = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}` });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ placesLeft: number; registrationStatus: string; capacity: number }>();
    };
    expect(await event()).toMatchObject({ placesLeft: 1, registrationStatus: 'open' });

    expect((await register(eventId, nextPhone())).statusCode).toBe(201);
    const full = await event();
    expect(full.capacity).toBeGreaterThan(1);
    expect(full).toMatchObject({ placesLeft: 0, registrationStatus: 'full' });
    const open = await ctx.app.inject({ method: 'GET', url: '/api/events?open=true&limit=100' });
    const listed = open.json<{ items: { id: string }[] }>().items.map((item) => item.id);
    expect(listed).not.toContain(eventId);
  });

  it("counts waiting entries in the organiser's list", async () => {
    const { eventId } = await groupEvent(1, 'offer');
    const holder = (await register(eventId, nextPhone())).json();
    for (let index = 0; index < 3; index += 1) {
      expect((await register(eventId, nextPhone())).statusCode).toBe(202);
    }
    const list = () =>
      as(
        ctx.app,
        organiser,
      )({ method: 'GET', url: `/api/console/events/${eventId}/registrations` });

    const before = await list();
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toMatchObject({ total: 1, checkedIn: 0, waiting: 3, offered: 0 });

    expect((await organiserCancel(eventId, holder.id)).statusCode).toBe(200);
    const after = await list();
    expect(after.json()).toMatchObject({ total: 0, waiting: 3, offered: 1 });
  });

  it('passes an expired offer to the next in line', async () => {
    const { eventId, groupId } = await groupEvent(1, 'offer', 2);
    const holder = (await register(eventId, nextPhone())).json();
    const firstPhone = nextPhone();
    const cookie = await citizenSession(firstPhone);
    const first = (await register(eventId, firstPhone)).json();
    const second = (await register(eventId, nextPhone())).json();
    await organiserCancel(eventId, holder.id);
    expect((await entryOf(first.id)).status).toBe('offered');

    expect(await expireOffers(ctx.db)).toBe(0);
    await expireNow(first.id);
    const late = await ctx.app.inject({
      method: 'POST',
      url: `/api/citizen/events/${eventId}/registrations/${first.id}/accept`,
      headers: { cookie },
    });
    expectProblem(late, 409, 'REG_OFFER_NOT_OPEN');

    expect(await expireOffers(ctx.db)).toBe(1);
    const expired = await entryOf(first.id);
    expect(expired.status).toBe('cancelled');
    expect(expired.cancel_reason).toBe('offer_expired');
    expect((await entryOf(second.id)).status).toBe('offered');
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 1, registered: 1 });
    expect(await outboxKinds(ctx.db, eventId, ['registration.offer_expired'])).toEqual([
      {
        kind: 'registration.offer_expired',
        registration_id: first.id,
        dedup_key: `registration.offer_expired:${first.id}`,
      },
    ]);
    expect(await expireOffers(ctx.db)).toBe(0);
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  it('frees the place when nobody waits', async () => {
    const { eventId, groupId } = await groupEvent(1, 'offer', 2);
    const holder = (await register(eventId, nextPhone())).json();
    const waiting = (await register(eventId, nextPhone())).json();
    await organiserCancel(eventId, holder.id);
    await expireNow(waiting.id);
    expect(await expireOffers(ctx.db)).toBe(1);
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 0, registered: 0 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });
});

describe('cancellation', () => {
  it('stops citizens at the cancellation deadline', async () => {
    const { eventId } = await groupEvent(5, 'off');
    const phone = nextPhone();
    const cookie = await citizenSession(phone);
    const entry = (await register(eventId, phone)).json();
    await ctx.db
      .updateTable('events')
      .set({ cancel_deadline: sql<Date>`now()` })
      .where('id', '=', eventId)
      .execute();
    const response = await citizenCancel(cookie, eventId, entry.id);
    expectProblem(response, 409, 'REG_CANCEL_DEADLINE_PASSED');
    expect((await entryOf(entry.id)).status).toBe('active');

    await ctx.db
      .updateTable('events')
      .set({ cancel_deadline: sql<Date>`now() + interval '1 hour'` })
      .where('id', '=', eventId)
      .execute();
    expect((await citizenCancel(cookie, eventId, entry.id)).statusCode).toBe(200);
  });

  it('sets the deadline through the API', async () => {
    const { eventId } = await groupEvent(5, 'off');
    const put = (cancelDeadline: string | null) =>
      as(
        ctx.app,
        organiser,
      )({
        method: 'PUT',
        url: `/api/console/events/${eventId}/cancel-deadline`,
        payload: { cancelDeadline },
      });
    const event = await ctx.db
      .selectFrom('events')
      .select('starts_at')
      .where('id', '=', eventId)
      .executeTakeFirstOrThrow();
    const startsAt = new Date(event.starts_at!).toISOString();

    expectProblem(await put('0000-01-01T00:00:00Z'), 400, 'VALIDATION_FAILED');
    const late = await put(startsAt);
    const problem = expectProblem(late, 400, 'REG_INVALID_CANCEL_DEADLINE');
    expect(problem.detail).toBe(
      `The cancellation deadline must lie before the event starts at ${startsAt}`,
    );

    const deadline = new Date(Date.parse(startsAt) - 3600_000).toISOString();
    const set = await put(deadline);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ cancelDeadline: deadline });
    const cleared = await put(null);
    expect(cleared.json()).toEqual({ cancelDeadline: null });

    const audit = await ctx.db
      .selectFrom('audit_log')
      .select('changes')
      .where('entity_id', '=', eventId)
      .where('action', '=', 'event.cancel_deadline_set')
      .orderBy('seq')
      .execute();
    expect(audit.map((row) => row.changes)).toEqual([
      { cancelDeadline: { before: null, after: deadline } },
      { cancelDeadline: { before: deadline, after: null } },
    ]);
  });

  it('uses the registration close without a deadline', async () => {
    const { eventId } = await groupEvent(5, 'off');
    const phone = nextPhone();
    const cookie = await citizenSession(phone);
    const entry = (await register(eventId, phone)).json();
    await ctx.db
      .updateTable('events')
      .set({ registration_closes_at: sql<Date>`now()` })
      .where('id', '=', eventId)
      .execute();
    expectProblem(
      await citizenCancel(cookie, eventId, entry.id),
      409,
      'REG_CANCEL_DEADLINE_PASSED',
    );
    // The organiser may cancel at any time.
    expect((await organiserCancel(eventId, entry.id)).statusCode).toBe(200);
  });

  it("rejects another citizen's entry", async () => {
    const { eventId } = await groupEvent(5, 'off');
    const entry = (await register(eventId, nextPhone())).json();
    const cookie = await citizenSession(nextPhone());
    expectProblem(
      await citizenCancel(cookie, eventId, entry.id),
      404,
      'REG_REGISTRATION_NOT_FOUND',
    );
    expect((await entryOf(entry.id)).status).toBe('active');
  });

  it('needs a reason from the organiser', async () => {
    const { eventId } = await groupEvent(5, 'off');
    const entry = (await register(eventId, nextPhone())).json();
    expectProblem(
      await organiserCancel(eventId, entry.id, '   '),
      400,
      'REG_CANCEL_REASON_REQUIRED',
    );
    expect((await entryOf(entry.id)).status).toBe('active');
  });

  it.each([
    [{ reason: 123 }, 'reason', 'type'],
    [{ reason: '资格审核未通过', extra: true }, 'extra', undefined],
  ])('rejects the organiser cancellation body %j', async (body, field, code) => {
    const { eventId } = await groupEvent(5, 'off');
    const entry = (await register(eventId, nextPhone())).json();
    const response = await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/registrations/${entry.id}/cancel`,
      payload: body,
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe(field);
    if (code) expect(problem.errors?.[0]?.code).toBe(code);
    expect((await entryOf(entry.id)).status).toBe('active');
  });

  it('audits and tells an organiser cancellation', async () => {
    const { eventId, groupId } = await groupEvent(5, 'off');
    const entry = (await register(eventId, nextPhone())).json();
    const response = await organiserCancel(eventId, entry.id, '未提交健康声明');
    expect(response.json()).toEqual({ id: entry.id, status: 'cancelled', released: true });
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('entity_id', '=', entry.id)
      .execute();
    expect(audit).toEqual([
      {
        action: 'registration.cancelled',
        detail: { eventId, reason: '未提交健康声明', fromStatus: 'active', released: true },
      },
    ]);
    expect(await outboxKinds(ctx.db, eventId, ['registration.cancelled'])).toHaveLength(1);
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 0, registered: 0 });

    const again = await organiserCancel(eventId, entry.id);
    expectProblem(again, 409, 'REG_ALREADY_CANCELLED');
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 0, registered: 0 });
  });

  it('ends the queue when the event is cancelled', async () => {
    const { eventId, groupId } = await groupEvent(1, 'auto');
    await register(eventId, nextPhone());
    await register(eventId, nextPhone());
    const response = await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/cancel`,
      payload: { reason: '场地维修' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(await statusCounts(ctx.db, eventId)).toEqual({ cancelled: 2 });
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 0, registered: 0 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });
});
