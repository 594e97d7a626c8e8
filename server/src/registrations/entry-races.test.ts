import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { countersOf, publishWithGroups, residentId, statusCounts } from '../test/entries.js';
import {
  as,
  createAccount,
  createTestContext,
  recordPersonalData,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { checkCounters } from './counters.js';
import { expireOffers } from './waiting-list.service.js';

/*
 * Races between entry changes. They only bite on PostgreSQL, where requests run on separate
 * connections (DATABASE_URL); PGlite serves one connection, so there they run one at a time and
 * only check the outcome. Each test names its negative control: the change to the code that
 * makes it fail, which was tried once by hand.
 */

let ctx: TestContext;
let organiser: string;
let reviewer: string;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'race.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'race.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiser = await signIn(ctx.app, 'race.contractor');
  reviewer = await signIn(ctx.app, 'race.committee');
});

afterAll(async () => {
  await ctx.close();
});

function phone(n: number): string {
  return `1370001${String(n).padStart(4, '0')}`;
}

function register(eventId: string, payload: object, headers: Record<string, string> = {}) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload,
    headers,
  });
}

/** Outcome of a response: its status and, for a problem, its code. */
function outcome(response: LightMyRequestResponse): string {
  if (response.statusCode < 400) return String(response.statusCode);
  return `${response.statusCode} ${response.json<{ code: string }>().code}`;
}

function tally(responses: LightMyRequestResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses)
    counts[outcome(response)] = (counts[outcome(response)] ?? 0) + 1;
  return counts;
}

async function fill(eventId: string, groupId: string, from: number, count: number) {
  const ids: string[] = [];
  for (let n = from; n < from + count; n += 1) {
    const response = await register(eventId, { name: '先到者', phone: phone(n), groupId });
    expect(response.statusCode, response.body).toBeLessThan(300);
    ids.push(response.json<{ id: string }>().id);
  }
  return ids;
}

describe('entry races', () => {
  // Negative control: without `taken + n <= capacity` in takePlaces, the event_groups_places
  // check rejects the overflow and 199 requests fail with 500 INTERNAL_ERROR instead of 409
  // REG_EVENT_FULL. Without that check and events_places as well, all 200 got a place.
  it('gives the last place to exactly one of 200', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '末位组', capacity: 3 },
    ]);
    const groupId = groupIds[0]!;
    await fill(eventId, groupId, 0, 2);

    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        register(eventId, { name: '抢位者', phone: phone(100 + n), groupId }),
      ),
    );

    expect(tally(responses)).toEqual({ '201': 1, '409 REG_EVENT_FULL': 199 });
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 3 });
    expect(await countersOf(ctx.db, eventId, groupId)).toEqual({
      taken: 3,
      capacity: 3,
      registered: 3,
    });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  // Negative control: without the row lock of lockEventForEntries (no forNoKeyUpdate), each
  // response counts only the waiting entries committed before it, so positions repeat (1, 1,
  // 3, 4, 4, …). That failed 2 runs of 2. The order itself comes from the sequence.
  it('queues 199 of 200 in distinct places', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '候补末位组', capacity: 1, waitingList: 'auto' },
    ]);
    const groupId = groupIds[0]!;

    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        register(eventId, { name: '抢位者', phone: phone(400 + n), groupId }),
      ),
    );

    expect(tally(responses)).toEqual({ '201': 1, '202': 199 });
    const positions = responses
      .filter((response) => response.statusCode === 202)
      .map((response) => response.json<{ queuePosition: number }>().queuePosition)
      .sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 199 }, (_, n) => n + 1));
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 1, waiting: 199 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  // Negative control: without the unique index registrations_one_per_phone (migration 0016),
  // all 50 requests insert an entry and take a place.
  it('keeps one entry for 50 tries of one person', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '重复组', capacity: 100 },
    ]);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        register(
          eventId,
          { name: '重复者', phone: phone(700), groupId: groupIds[0] },
          { 'idempotency-key': `race-key-${String(n).padStart(4, '0')}` },
        ),
      ),
    );
    expect(tally(responses)).toEqual({ '201': 1, '409 REG_ALREADY_REGISTERED': 49 });
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 1 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  // Negative control: without the unique index registrations_one_per_id, one ID number sent
  // with 50 different mobile numbers gets 50 entries.
  it('keeps one entry for 50 tries of one ID number', async () => {
    const idNumber = residentId('1995-06-15', 'male', 42);
    recordPersonalData(ctx, idNumber);
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '证件组', capacity: 100 },
    ]);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        register(eventId, {
          name: '重复者',
          phone: phone(800 + n),
          idNumber,
          idConsent: true,
          groupId: groupIds[0],
        }),
      ),
    );
    expect(tally(responses)).toEqual({ '201': 1, '409 REG_ID_ALREADY_REGISTERED': 49 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  // The same-phone rule: a mobile number with a live entry without an ID number cannot be used
  // again, with or without an ID number. Each of 25 numbers is sent twice at once, once without
  // and once with an ID number, so either request may come first. Negative control: with
  // rejectPhoneInUse checking only entries without an ID number (the rule before), every pair
  // whose request without an ID number committed first got two entries: 14 of 25 in one run.
  it('keeps one entry per phone sent with and without ID', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '同号组', capacity: 100 },
    ]);
    const pairs = Array.from({ length: 25 }, (_, n) => {
      const idNumber = residentId('1990-01-01', n % 2 === 0 ? 'male' : 'female', n);
      recordPersonalData(ctx, idNumber);
      return { phone: phone(900 + n), idNumber };
    });
    const responses = await Promise.all(
      pairs.flatMap(({ phone: number, idNumber }) => [
        register(eventId, { name: '无证者', phone: number, groupId: groupIds[0] }),
        register(eventId, {
          name: '持证者',
          phone: number,
          idNumber,
          idConsent: true,
          groupId: groupIds[0],
        }),
      ]),
    );

    expect(tally(responses)).toEqual({ '201': 25, '409 REG_ALREADY_REGISTERED': 25 });
    const live = await ctx.db
      .selectFrom('registrations')
      .select(['phone_hash', (eb) => eb.fn.countAll<number>().as('entries')])
      .where('event_id', '=', eventId)
      .where('status', '<>', 'cancelled')
      .groupBy('phone_hash')
      .execute();
    expect(live).toHaveLength(25);
    expect(live.filter((row) => Number(row.entries) !== 1)).toEqual([]);
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  // Two guards hold here: the event's lock, under which the second cancellation reads the
  // entry as cancelled, and the status condition in changeStatus. Negative control: without
  // both (no lockEventForEntries in cancelByOrganiser, no `.where('status', '=', from)`), the
  // cancellations that read the entry before the first commit each release a place, and
  // taken drops by up to ten for one entry. That failed in 4 of 5 runs; either guard alone
  // keeps the test green.
  it('releases one place for ten parallel cancellations', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '取消组', capacity: 20 },
    ]);
    const groupId = groupIds[0]!;
    const [target] = await fill(eventId, groupId, 900, 12);

    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        as(
          ctx.app,
          organiser,
        )({
          method: 'POST',
          url: `/api/console/events/${eventId}/registrations/${target}/cancel`,
          payload: { reason: '重复取消' },
        }),
      ),
    );

    expect(tally(responses)).toEqual({ '200': 1, '409 REG_ALREADY_CANCELLED': 9 });
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 11, registered: 11 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  // Negative control: without the row lock of lockEventForEntries (no forNoKeyUpdate), a
  // registration locks the group before the event while a group change locks the event
  // before the group, so PostgreSQL aborts some of them with a deadlock (500 INTERNAL_ERROR).
  // That failed 3 runs of 3.
  it('keeps counters exact under mixed changes', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '自动组', capacity: 10, waitingList: 'auto' },
      { name: '确认组', capacity: 10, waitingList: 'offer', offerHours: 1 },
    ]);
    const [autoGroup, offerGroup] = groupIds as [string, string];
    const autoEntries = await fill(eventId, autoGroup, 1000, 15);
    const offerEntries = await fill(eventId, offerGroup, 1100, 15);
    // Each group has ten active entries and five waiting. Cancelling three active entries of
    // the offer group gives three waiting entries an offer, and those offers then lapse.
    const organiserApi = as(ctx.app, organiser);
    for (const id of offerEntries.slice(0, 3)) {
      await organiserApi({
        method: 'POST',
        url: `/api/console/events/${eventId}/registrations/${id}/cancel`,
        payload: { reason: '准备' },
      });
    }
    await ctx.db
      .updateTable('registrations')
      .set({ offer_expires_at: new Date(Date.now() - 1000) })
      .where('event_id', '=', eventId)
      .where('status', '=', 'offered')
      .execute();

    const cancel = (id: string) =>
      organiserApi({
        method: 'POST',
        url: `/api/console/events/${eventId}/registrations/${id}/cancel`,
        payload: { reason: '并发取消' },
      });
    const raise = (capacity: number) =>
      organiserApi({
        method: 'PATCH',
        url: `/api/console/events/${eventId}/groups/${autoGroup}`,
        payload: { capacity },
      });
    // Settings changes lock the event, then the group, as a capacity change does.
    const reorder = (groupId: string, sortOrder: number) =>
      organiserApi({
        method: 'PATCH',
        url: `/api/console/events/${eventId}/groups/${groupId}`,
        payload: { sortOrder },
      });
    const work: Promise<LightMyRequestResponse | number>[] = [
      ...Array.from({ length: 40 }, (_, n) =>
        register(eventId, {
          name: '并发者',
          phone: phone(1200 + n),
          groupId: n % 2 === 0 ? autoGroup : offerGroup,
        }),
      ),
      ...autoEntries.slice(0, 6).map(cancel),
      ...offerEntries.slice(3, 8).map(cancel),
      raise(14),
      ...[1, 2, 3, 4].map((sortOrder) => reorder(groupIds[sortOrder % 2]!, sortOrder)),
      expireOffers(ctx.db),
      expireOffers(ctx.db),
    ];
    const results = await Promise.all(work);
    const responses = results.filter(
      (result): result is LightMyRequestResponse => typeof result !== 'number',
    );

    const unexpected = responses.filter((response) => response.statusCode >= 500);
    expect(unexpected.map((response) => response.body)).toEqual([]);
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
    for (const groupId of groupIds) {
      const counters = await countersOf(ctx.db, eventId, groupId);
      const waiting = await ctx.db
        .selectFrom('registrations')
        .select('id')
        .where('group_id', '=', groupId)
        .where('status', '=', 'waiting')
        .execute();
      // No place stays free while someone waits for one.
      if (waiting.length > 0) expect(counters.taken).toBe(counters.capacity);
      expect(counters.taken).toBeLessThanOrEqual(counters.capacity);
    }
    expect((await countersOf(ctx.db, eventId, autoGroup)).capacity).toBe(14);
  });
});
