import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Db } from '../db/database.js';
import { countersOf, publishWithGroups, residentId, statusCounts } from '../test/entries.js';
import {
  createAccount,
  createTestContext,
  recordPersonalData,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { checkCounters } from './counters.js';
import { registerInBatch, registrationsInProgress } from './registration-batch.js';
import { register, type RegistrationInput } from './registration.service.js';

/*
 * Registration batches. Calls to registerInBatch in one synchronous loop queue in call order:
 * the first call starts a batch of its own, and the calls after it wait for the next batch,
 * at most MAX_BATCH (250) each. That makes the batches of these tests predictable. Races
 * between batches and other writers only bite on PostgreSQL (DATABASE_URL). PGlite serves one
 * connection, so there the transactions run one at a time and the tests check the outcome.
 */

let ctx: TestContext;
let organiser: string;
let reviewer: string;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'batch.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'batch.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiser = await signIn(ctx.app, 'batch.contractor');
  reviewer = await signIn(ctx.app, 'batch.committee');
});

afterAll(async () => {
  await ctx.close();
});

function phone(n: number): string {
  return `1360002${String(n).padStart(4, '0')}`;
}

function webInput(n: number, extra: Partial<RegistrationInput> = {}): RegistrationInput {
  return { name: '批量报名', phone: phone(n), channel: 'web', ...extra };
}

/** Outcome of a call: the HTTP status of its response, and the problem code of an error. */
async function outcomeOf(call: Promise<{ replayed: boolean; registration: { status: string } }>) {
  try {
    const result = await call;
    if (result.replayed) return '200';
    return result.registration.status === 'waiting' ? '202' : '201';
  } catch (error) {
    const problem = error as { statusCode?: number; code?: string };
    // An error without an HTTP status, such as a database error, becomes a 500 response.
    return `${problem.statusCode ?? 'no status'} ${problem.code}`;
  }
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

function responseOutcome(response: LightMyRequestResponse): string {
  if (response.statusCode < 400) return String(response.statusCode);
  return `${response.statusCode} ${response.json<{ code: string }>().code}`;
}

/** Counts the transactions that inserted the event's entries made from `since` on. */
async function insertingTransactions(db: Db, eventId: string, since: Date): Promise<number> {
  const row = await sql<{ count: number }>`
    select count(distinct change_txid)::int as count from registrations
    where event_id = ${eventId} and created_at >= ${since}`.execute(db);
  return row.rows[0]!.count;
}

/** Counts live entries and the distinct people (mobile number hashes) among them. */
async function livePeople(db: Db, eventId: string) {
  const row = await sql<{ entries: number; people: number }>`
    select count(*)::int as entries, count(distinct phone_hash)::int as people
    from registrations where event_id = ${eventId} and status <> 'cancelled'`.execute(db);
  return row.rows[0]!;
}

/**
 * Wraps the database so that its `lostTransaction`-th transaction commits and then rejects with
 * the error of a connection that dropped during COMMIT. Other transactions run unchanged.
 */
function losingCommitOutcome(db: Db, lostTransaction: number) {
  let started = 0;
  let lost = 0;
  const wrapped = new Proxy(db, {
    get(target, property) {
      if (property !== 'transaction') {
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return () => {
        started += 1;
        const builder = target.transaction();
        if (started !== lostTransaction) return builder;
        return {
          execute: async (callback: Parameters<typeof builder.execute>[0]) => {
            await builder.execute(callback);
            lost += 1;
            throw Object.assign(new Error('Connection terminated unexpectedly'), {
              code: 'ECONNRESET',
            });
          },
        };
      };
    },
  });
  return { db: wrapped, lost: () => lost };
}

/** Creates a trigger that fails the insert of every entry named 坏批次. */
async function createRejectTrigger(db: Db) {
  await sql`
    create function batch_test_reject() returns trigger language plpgsql as $$
    begin
      if new.name = '坏批次' then
        raise exception 'rejected by the test trigger' using detail = new.name;
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger batch_test_reject before insert on registrations
    for each row execute function batch_test_reject()`.execute(db);
}

async function dropRejectTrigger(db: Db) {
  await sql`drop trigger batch_test_reject on registrations`.execute(db);
  await sql`drop function batch_test_reject()`.execute(db);
}

describe('registration batches', () => {
  // Negative control: with `taken + n <= capacity` removed from takePlaces and `free` taken as
  // the group's whole capacity in takeGroupPlaces, the event_groups_places check rejects the
  // batch, and every retry one by one fails the same way with 500.
  it('gives 250 places to 600 at once', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '批量组', capacity: 250 },
    ]);
    const groupId = groupIds[0]!;
    const registerNow = (input: RegistrationInput) =>
      registerInBatch(ctx.db, ctx.app.cipher, eventId, input);
    // Five people registered before the crowd arrives.
    for (let n = 0; n < 5; n += 1) await registerNow(webInput(9100 + n));
    // Let the drain of the last batch end, so that the crowd's first call starts a new one.
    await new Promise((resolve) => setImmediate(resolve));
    const since = new Date();

    // Indexes 0-9: one person retries with one Idempotency-Key. 10-29: ten people send twice
    // in a row. 30-34: the five who registered before. Then new people, one of whom (index 40)
    // sends again at index 300, in a later batch.
    const inputs: RegistrationInput[] = [];
    for (let n = 0; n < 10; n += 1) {
      inputs.push(webInput(9000, { idempotencyKey: 'batch-retry-key-0001' }));
    }
    for (let n = 0; n < 10; n += 1) inputs.push(webInput(9200 + n), webInput(9200 + n));
    for (let n = 0; n < 5; n += 1) inputs.push(webInput(9100 + n));
    while (inputs.length < 600) {
      inputs.push(inputs.length === 300 ? webInput(40) : webInput(inputs.length));
    }
    const calls = inputs.map((input) => registerNow(input));
    // The summary job calls this to decide whether to defer the participant sets.
    expect(registrationsInProgress(ctx.db)).toBe(true);
    const outcomes = await Promise.all(calls.map((call) => outcomeOf(call)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(registrationsInProgress(ctx.db)).toBe(false);

    expect(tally(outcomes)).toEqual({
      '201': 245,
      '200': 9,
      '409 REG_ALREADY_REGISTERED': 16,
      '409 REG_EVENT_FULL': 330,
    });
    expect(outcomes.slice(0, 10)).toEqual(['201', ...Array<string>(9).fill('200')]);
    const keyed = await Promise.all(calls.slice(0, 10));
    expect(new Set(keyed.map((result) => result.registration.id)).size).toBe(1);
    for (let n = 10; n < 30; n += 2) {
      expect(outcomes.slice(n, n + 2)).toEqual(['201', '409 REG_ALREADY_REGISTERED']);
    }
    expect(outcomes[300]).toBe('409 REG_ALREADY_REGISTERED');
    expect(outcomes.slice(35, 269).every((outcome) => outcome === '201')).toBe(true);
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 250 });
    expect(await countersOf(ctx.db, eventId, groupId)).toEqual({
      taken: 250,
      capacity: 250,
      registered: 250,
    });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
    expect(await livePeople(ctx.db, eventId)).toEqual({ entries: 250, people: 250 });
    // The first call's batch, the next 250 calls and the 250 after them: three transactions.
    expect(await insertingTransactions(ctx.db, eventId, since)).toBe(3);
  });

  // Six events, three calls each, in one loop: the first calls of events 1 to 4 start four
  // batches, the most that run at once. The first batch to end takes every waiting call of the
  // events that no running batch has, so the calls of events 5 and 6 share one transaction.
  // Event 6 has two places, so its third call is rejected in that shared batch.
  it('stores several events in one transaction', async () => {
    const events: { eventId: string; groupId: string }[] = [];
    for (let n = 0; n < 6; n += 1) {
      const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
        { name: `共享批次组${n}`, capacity: n === 5 ? 2 : 10 },
      ]);
      events.push({ eventId, groupId: groupIds[0]! });
    }
    await new Promise((resolve) => setImmediate(resolve));
    const since = new Date();

    const calls = events.flatMap(({ eventId }, e) =>
      [0, 1, 2].map((k) =>
        outcomeOf(registerInBatch(ctx.db, ctx.app.cipher, eventId, webInput(7000 + e * 10 + k))),
      ),
    );
    const outcomes = await Promise.all(calls);

    expect(outcomes.slice(0, 15)).toEqual(Array<string>(15).fill('201'));
    expect(outcomes.slice(15)).toEqual(['201', '201', '409 REG_EVENT_FULL']);
    const shared = await sql<{ transactions: number; events: number }>`
      select count(distinct change_txid)::int as transactions,
        count(distinct event_id)::int as events
      from registrations
      where event_id in (${events[4]!.eventId}, ${events[5]!.eventId})
        and created_at >= ${since}`.execute(ctx.db);
    expect(shared.rows[0]).toEqual({ transactions: 1, events: 2 });
    for (const { eventId, groupId } of events) {
      expect(await checkCounters(ctx.db, eventId)).toEqual([]);
      expect((await countersOf(ctx.db, eventId, groupId)).taken).toBe(
        eventId === events[5]!.eventId ? 2 : 3,
      );
    }
  });

  // The batch looks up people and Idempotency-Keys of all its events with one statement each.
  // An entry or a key of one event must not decide a request of another.
  it('keeps the people and keys of events in a shared batch apart', async () => {
    const events: string[] = [];
    for (let n = 0; n < 7; n += 1) {
      const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
        { name: `分开批次组${n}`, capacity: 10 },
      ]);
      events.push(eventId);
    }
    const [a, b, c] = events.slice(4);
    const key = 'shared-batch-key-0001';
    await register(ctx.db, ctx.app.cipher, a!, webInput(7700));
    await register(ctx.db, ctx.app.cipher, b!, webInput(7701, { idempotencyKey: key }));
    await new Promise((resolve) => setImmediate(resolve));

    // The first four calls start a batch each; the calls for a, b and c share the next one.
    const requests: [string, RegistrationInput][] = [
      ...events
        .slice(0, 4)
        .map((eventId, e): [string, RegistrationInput] => [eventId, webInput(7710 + e)]),
      [a!, webInput(7700)],
      [b!, webInput(7700, { idempotencyKey: key })],
      [c!, webInput(7700, { idempotencyKey: key })],
      [c!, webInput(7701)],
    ];
    const calls = requests.map(([eventId, input]) =>
      outcomeOf(registerInBatch(ctx.db, ctx.app.cipher, eventId, input)),
    );
    expect(await Promise.all(calls)).toEqual([
      '201',
      '201',
      '201',
      '201',
      '409 REG_ALREADY_REGISTERED',
      '422 REG_IDEMPOTENCY_MISMATCH',
      '201',
      '201',
    ]);
    const phones = await ctx.db
      .selectFrom('registrations')
      .select(['event_id', 'phone_hash', 'idempotency_key'])
      .where('event_id', 'in', [a!, b!, c!])
      .orderBy('created_at')
      .execute();
    expect(phones.map((row) => [events.indexOf(row.event_id), row.idempotency_key])).toEqual([
      [4, null],
      [5, key],
      [6, key],
      [6, null],
    ]);
    // Both entries of c come from the batch: an entry of a or a key of b would have sent
    // c's request to the one-by-one path, in a transaction of its own.
    const stored = await sql<{ transactions: number }>`
      select count(distinct change_txid)::int as transactions
      from registrations where event_id = ${c!}`.execute(ctx.db);
    expect(stored.rows[0]!.transactions).toBe(1);
    for (const eventId of events) expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  // A failing entry of one event fails the whole shared batch, so the requests of both events
  // are retried one by one and only the failing one is rejected.
  it('retries every event of a failed shared batch', async () => {
    const events: string[] = [];
    for (let n = 0; n < 6; n += 1) {
      const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
        { name: `共享失败组${n}`, capacity: 10 },
      ]);
      events.push(eventId);
    }
    await createRejectTrigger(ctx.db);
    const warnings: Record<string, unknown>[] = [];
    const log = { warn: (details: object) => warnings.push(details as Record<string, unknown>) };
    try {
      // The calls of events 5 and 6 share the batch that follows the first four.
      const calls = events.flatMap((eventId, e) =>
        [0, 1].map((k) => {
          const input = webInput(7500 + e * 10 + k);
          const bad = e === 5 && k === 1;
          return outcomeOf(
            registerInBatch(
              ctx.db,
              ctx.app.cipher,
              eventId,
              bad ? { ...input, name: '坏批次' } : input,
              log,
            ),
          );
        }),
      );
      const outcomes = await Promise.all(calls);

      expect(outcomes).toEqual([...Array<string>(11).fill('201'), 'no status P0001']);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.eventIds).toEqual(expect.arrayContaining([events[4], events[5]]));
    } finally {
      await dropRejectTrigger(ctx.db);
    }
    for (const eventId of events) {
      expect(await checkCounters(ctx.db, eventId)).toEqual([]);
    }
    expect(await statusCounts(ctx.db, events[5]!)).toEqual({ active: 1 });
  });

  it('queues the overflow in arrival order', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '批量候补组', capacity: 100, waitingList: 'auto' },
    ]);
    const calls = Array.from({ length: 300 }, (_, n) =>
      registerInBatch(ctx.db, ctx.app.cipher, eventId, webInput(1000 + n)),
    );
    const results = await Promise.all(calls);

    expect(tally(results.map((result) => result.registration.status))).toEqual({
      active: 100,
      waiting: 200,
    });
    expect(results.slice(0, 100).every((result) => result.registration.status === 'active')).toBe(
      true,
    );
    expect(results.slice(0, 100).every((result) => result.queuePosition === null)).toBe(true);
    expect(results.slice(100).map((result) => result.queuePosition)).toEqual(
      Array.from({ length: 200 }, (_, n) => n + 1),
    );
    expect(results.every((result) => result.eventName.length > 0)).toBe(true);
    expect(await countersOf(ctx.db, eventId, groupIds[0]!)).toMatchObject({
      taken: 100,
      registered: 100,
    });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
    const confirmations = await ctx.db
      .selectFrom('notification_outbox')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('event_id', '=', eventId)
      .where('kind', '=', 'registration.confirmed')
      .executeTakeFirstOrThrow();
    expect(confirmations.count).toBe(100);
    const webhooks = await ctx.db
      .selectFrom('webhook_events')
      .select([
        sql<number>`count(*)::int`.as('count'),
        sql<number>`count(distinct resource_id)::int`.as('resources'),
        sql<number>`max(sequence)::int`.as('max_sequence'),
      ])
      .where('event_id', '=', eventId)
      .where('action', '=', 'registration.created')
      .executeTakeFirstOrThrow();
    expect(webhooks).toEqual({ count: 300, resources: 300, max_sequence: 1 });
  });

  // Negative control: with the row lock of lockEventForEntries (forNoKeyUpdate) and the
  // condition `taken + n <= capacity` of takePlaces both removed, two batches read the same
  // free places and the event_groups_places check fails some of them with 500.
  it('never overbooks across processes and paths', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '混合组', capacity: 120 },
    ]);
    // A second Kysely instance on the same pool has a queue of its own, as a second API
    // process would.
    const otherProcess = ctx.db.withoutPlugins();
    expect(otherProcess).not.toBe(ctx.db);
    const calls: Promise<string>[] = [];
    for (let n = 0; n < 150; n += 1) {
      calls.push(outcomeOf(registerInBatch(ctx.db, ctx.app.cipher, eventId, webInput(2000 + n))));
      // The first 30 people of this process also register through the other one.
      const person = n < 30 ? 2000 + n : 3000 + n;
      calls.push(
        outcomeOf(registerInBatch(otherProcess, ctx.app.cipher, eventId, webInput(person))),
      );
      if (n < 100) {
        calls.push(
          outcomeOf(
            register(ctx.db, ctx.app.cipher, eventId, {
              ...webInput(4000 + n),
              channel: 'console',
            }),
          ),
        );
      }
    }
    const counts = tally(await Promise.all(calls));

    expect(counts['201']).toBe(120);
    const expected = ['201', '409 REG_ALREADY_REGISTERED', '409 REG_EVENT_FULL'];
    expect(Object.keys(counts).filter((outcome) => !expected.includes(outcome))).toEqual([]);
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 120 });
    expect(await countersOf(ctx.db, eventId, groupIds[0]!)).toMatchObject({
      taken: 120,
      registered: 120,
    });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
    expect(await livePeople(ctx.db, eventId)).toEqual({ entries: 120, people: 120 });
  });

  it('answers through the public route', async () => {
    const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '接口组', capacity: 20, waitingList: 'auto' },
    ]);
    const post = (payload: object, headers: Record<string, string> = {}) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/events/${eventId}/registrations`,
        payload,
        headers,
      });
    const responses = await Promise.all([
      ...Array.from({ length: 25 }, (_, n) => post({ name: '接口报名', phone: phone(5000 + n) })),
      post({ name: '1', phone: phone(5100) }),
      post({ name: '接口报名', phone: '12345' }),
      post({ name: '接口报名', phone: phone(5000) }),
    ]);

    expect(tally(responses.map(responseOutcome))).toEqual({
      '201': 20,
      '202': 5,
      '400 REG_INVALID_NAME': 1,
      '400 REG_INVALID_PHONE': 1,
      '409 REG_ALREADY_REGISTERED': 1,
    });
    const receipt = responses[0]!.json<Record<string, unknown>>();
    expect(receipt).toMatchObject({ status: 'active', eventId, queuePosition: null });
    expect(receipt.eventName).toEqual(expect.any(String));
    expect(String(receipt.eventName).length).toBeGreaterThan(0);

    const unknown = await ctx.app.inject({
      method: 'POST',
      url: '/api/events/01900000-0000-7000-8000-000000000000/registrations',
      payload: { name: '接口报名', phone: phone(5200) },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ code: string }>().code).toBe('EVT_NOT_FOUND');
  });

  it('retries a failed batch one by one', async () => {
    const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '失败组', capacity: 50 },
    ]);
    // A trigger that fails the insert of one entry makes its whole batch fail.
    await createRejectTrigger(ctx.db);
    const warnings: Record<string, unknown>[] = [];
    const log = { warn: (details: object) => warnings.push(details as Record<string, unknown>) };
    try {
      const calls = Array.from({ length: 40 }, (_, n) =>
        outcomeOf(
          registerInBatch(
            ctx.db,
            ctx.app.cipher,
            eventId,
            n === 20 ? { ...webInput(6000 + n), name: '坏批次' } : webInput(6000 + n),
            log,
          ),
        ),
      );
      const outcomes = await Promise.all(calls);

      expect(outcomes[20]).toBe('no status P0001');
      expect(tally(outcomes)).toEqual({ '201': 39, 'no status P0001': 1 });
      // The first call's batch stored its entry, and the batch of the other 39 failed once.
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({
        eventIds: [eventId],
        requests: 39,
        err: { code: 'P0001' },
      });
      expect(JSON.stringify(warnings)).not.toContain('坏批次');
    } finally {
      await dropRejectTrigger(ctx.db);
    }
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 39 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  // A commit whose outcome is lost: the batch's transaction commits, but the caller sees the
  // error a dropped connection gives. Without the lookup of the batch's own entries, the retry
  // of the first request gets REG_ALREADY_REGISTERED for the entry the batch stored for it.
  it('recognises entries of a lost commit', async () => {
    const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '断线组', capacity: 50 },
    ]);
    const db = losingCommitOutcome(ctx.db, 2);
    const warnings: Record<string, unknown>[] = [];
    const log = { warn: (details: object) => warnings.push(details as Record<string, unknown>) };
    const registerNow = (input: RegistrationInput) =>
      registerInBatch(db.db, ctx.app.cipher, eventId, input, log);

    // The first call runs alone in transaction 1, the next four share transaction 2.
    const calls = [
      registerNow(webInput(9600)),
      registerNow(webInput(9601)),
      registerNow(webInput(9602, { idempotencyKey: 'lost-commit-key-9602' })),
      registerNow(webInput(9601)),
      registerNow(webInput(9603)),
    ];
    const outcomes = await Promise.all(calls.map(outcomeOf));

    expect(db.lost()).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(outcomes).toEqual(['201', '201', '201', '409 REG_ALREADY_REGISTERED', '201']);
    const stored = await Promise.all([calls[1]!, calls[2]!]);
    expect(stored.map((result) => result.replayed)).toEqual([false, false]);
    expect(stored.map((result) => result.eventName.length > 0)).toEqual([true, true]);
    expect(await livePeople(ctx.db, eventId)).toEqual({ entries: 4, people: 4 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  // The same-phone rule inside one batch: a mobile number sent without an ID number and then
  // with one is one person. Dropping the phone check for entries with an ID number stores both.
  it('applies the same-phone rule', async () => {
    const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '同号批量组', capacity: 50 },
    ]);
    const registerNow = (input: RegistrationInput) =>
      registerInBatch(ctx.db, ctx.app.cipher, eventId, input);
    const idNumber = residentId('1992-03-04', 'female', 77);
    recordPersonalData(ctx, idNumber);
    await new Promise((resolve) => setImmediate(resolve));

    const outcomes = await Promise.all([
      outcomeOf(registerNow(webInput(9500))),
      outcomeOf(registerNow(webInput(9500))),
      outcomeOf(registerNow(webInput(9500, { idNumber, idConsent: true }))),
      outcomeOf(registerNow(webInput(9501, { idNumber, idConsent: true }))),
    ]);

    // The ID number of the rejected third request is still free for the fourth, on its own phone.
    expect(outcomes).toEqual([
      '201',
      '409 REG_ALREADY_REGISTERED',
      '409 REG_ALREADY_REGISTERED',
      '201',
    ]);
    expect(await livePeople(ctx.db, eventId)).toEqual({ entries: 2, people: 2 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });
});
