import { randomUUID } from 'node:crypto';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Db } from '../db/database.js';
import { randomCode } from '../shared/ids.js';
import {
  as,
  createAccount,
  createTestContext,
  eventInput,
  signIn,
  type TestContext,
  withContract,
} from '../test/harness.js';

const CAPACITY = 10;
const ATTEMPTS = 100;

let context: TestContext;
let organiser: ReturnType<typeof as>;
let organiserCookie: string;
let reviewer: ReturnType<typeof as>;

beforeAll(async () => {
  context = await createTestContext();
  await createAccount(context.db, {
    username: 'capacity.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(context.db, {
    username: 'capacity.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiserCookie = await signIn(context.app, 'capacity.contractor');
  organiser = as(context.app, organiserCookie);
  reviewer = as(context.app, await signIn(context.app, 'capacity.committee'));
});

afterAll(async () => {
  await context.close();
});

async function publishedEvent(capacity: number): Promise<string> {
  const created = await organiser({
    method: 'POST',
    url: '/api/console/events',
    payload: await withContract(context.app, organiserCookie, eventInput({ capacity })),
  });
  const id = created.json<{ id: string }>().id;
  await organiser({ method: 'POST', url: `/api/console/events/${id}/submit` });
  await reviewer({ method: 'POST', url: `/api/reviews/${id}/approve` });
  const published = await organiser({ method: 'POST', url: `/api/console/events/${id}/publish` });
  expect(published.json<{ state: string }>().state).toBe('published');
  return id;
}

function phone(n: number): string {
  return `1370000${String(n).padStart(4, '0')}`;
}

/** Outcome of one attempt: 'ok', or the problem code that rejected it. */
type Attempt = (n: number) => Promise<string>;

/** Starts every attempt at once and tallies the outcomes. */
async function race(attempt: Attempt): Promise<Map<string, number>> {
  const outcomes = await Promise.all(Array.from({ length: ATTEMPTS }, (_, n) => attempt(n)));
  const tally = new Map<string, number>();
  for (const outcome of outcomes) tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
  return tally;
}

async function stored(db: Db, eventId: string) {
  const rows = await db
    .selectFrom('registrations')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow();
  const event = await db
    .selectFrom('events')
    .select('registered_count')
    .where('id', '=', eventId)
    .executeTakeFirstOrThrow();
  return { rows: rows.count, counter: event.registered_count };
}

/** Registers through the public API, the path every citizen takes. */
function throughApi(eventId: string): Attempt {
  return async (n) => {
    const response = await context.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: '并发测试', phone: phone(n) },
    });
    if (response.statusCode === 201) return 'ok';
    return response.json<{ code: string }>().code;
  };
}

/**
 * Registers the way a naive implementation would: read the count, decide, then insert in a
 * separate statement. Nothing locks the event between the read and the write, so concurrent
 * attempts all see free places.
 */
function withoutGuard(eventId: string): Attempt {
  return async (n) => {
    const { db } = context;
    const { rows } = await stored(db, eventId);
    if (rows >= CAPACITY) return 'REG_EVENT_FULL';
    const group = await db
      .selectFrom('event_groups')
      .select('id')
      .where('event_id', '=', eventId)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('registrations')
      .values({
        id: randomUUID(),
        event_id: eventId,
        group_id: group.id,
        code: randomCode(),
        name: '并发测试',
        phone_ciphertext: 'v1:unused',
        phone_hash: `naive-${n}`,
        phone_masked: '137****0000',
        idempotency_key: null,
        channel: 'web',
      })
      .execute();
    return 'ok';
  };
}

describe('registration capacity under concurrency', () => {
  it('gives exactly the places there are', async () => {
    const eventId = await publishedEvent(CAPACITY);

    const tally = await race(throughApi(eventId));

    expect(tally.get('ok')).toBe(CAPACITY);
    expect(tally.get('REG_EVENT_FULL')).toBe(ATTEMPTS - CAPACITY);
    expect(tally.size).toBe(2);
    expect(await stored(context.db, eventId)).toEqual({ rows: CAPACITY, counter: CAPACITY });
  });

  it('negative control: the harness sees overbooking without the guard', async () => {
    const eventId = await publishedEvent(CAPACITY);

    const tally = await race(withoutGuard(eventId));

    const { rows } = await stored(context.db, eventId);
    expect(rows).toBeGreaterThan(CAPACITY);
    expect(tally.get('ok')).toBe(rows);
  });
});
