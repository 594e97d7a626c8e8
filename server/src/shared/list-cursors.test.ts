import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { encodeCursor } from './cursor.js';
import { uuidv7 } from './ids.js';

/*
 * The console lists whose cursors carry a time: every cursor that a list returns pages on to
 * the list's end, and a cursor with any other time is INVALID_CURSOR before the query runs.
 */

let ctx: TestContext;
const cookies: Record<string, string> = {};
const accounts: Record<string, { userId: string; organisationId: string }> = {};

const ACCOUNTS = [
  { username: 'lc.contractor', accountType: 'contractor', divisionCode: '3101' },
  { username: 'lc.bureau', accountType: 'sports_bureau', divisionCode: '3101' },
  { username: 'lc.operator', accountType: 'operator', divisionCode: '3101' },
];

const HOUR = 3600_000;
const ANY_ID = '01a24a55-b03a-77ea-8b93-b67723372c0d';

/** Times that no list writes into a cursor, PostgreSQL's own input forms included. */
const INVALID_TIMES = [
  'nonsense',
  '12345',
  'infinity',
  '2026-02-30 10:00:00',
  '99999-01-01',
  '2026-02-30T10:00:00.000000Z',
  '2026-01-01T24:00:00.000000Z',
  '99999-01-01T00:00:00.000000Z',
  '0000-01-01T00:00:00.000000Z',
  '2026-03-01T10:00:00.123Z',
  '2026-03-01 10:00:00.123456+00',
];

/**
 * Returns `count` times in groups of three within one millisecond, such as 02:00:00.007100,
 * 02:00:00.007100 and 02:00:00.007250, as PostgreSQL timestamptz input.
 */
function sharedMillisecondTimes(count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const millisecond = String(Math.floor(index / 3)).padStart(3, '0');
    const microseconds = index % 3 === 2 ? '250' : '100';
    return `2026-03-01T02:00:00.${millisecond}${microseconds}Z`;
  });
}

function accountOf(username: string) {
  const account = accounts[username];
  if (!account) throw new Error(`No account for ${username}`);
  return account;
}

function cookieOf(username: string): string {
  const cookie = cookies[username];
  if (!cookie) throw new Error(`No session for ${username}`);
  return cookie;
}

/** Reads a list page by page, `limit` items a page, and returns the ids in list order. */
async function pageThrough(username: string, path: string, limit?: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  const separator = path.includes('?') ? '&' : '?';
  do {
    const query = [limit === undefined ? '' : `limit=${limit}`];
    if (cursor) query.push(`cursor=${encodeURIComponent(cursor)}`);
    const url = `${path}${separator}${query.filter(Boolean).join('&')}`;
    const response = await as(ctx.app, cookieOf(username))({ method: 'GET', url });
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json<{ items: { id: string }[]; nextCursor: string | null }>();
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

async function listWithCursor(username: string, path: string, cursor: string) {
  const separator = path.includes('?') ? '&' : '?';
  const url = `${path}${separator}cursor=${encodeURIComponent(cursor)}`;
  return as(ctx.app, cookieOf(username))({ method: 'GET', url });
}

beforeAll(async () => {
  ctx = await createTestContext();
  for (const account of ACCOUNTS) {
    accounts[account.username] = await createAccount(ctx.db, account);
    cookies[account.username] = await signIn(ctx.app, account.username);
  }
});

afterAll(async () => {
  await ctx.close();
});

describe('dashboard drill list cursor', () => {
  // The drill list takes the Asia/Shanghai (UTC+8) year that the events start in.
  const startsAt = new Date(Date.now() + 72 * HOUR);
  const year = new Date(startsAt.getTime() + 8 * HOUR).getUTCFullYear();
  const path = `/api/dashboard/events?year=${year}`;
  const filed: string[] = [];

  beforeAll(async () => {
    // Four events start at the same millisecond, so pages split them by id alone.
    for (const offset of [0, 0, 0, 0, 1, 2, 60_000]) {
      const start = new Date(startsAt.getTime() + offset);
      const event = await fileEvent(ctx.app, cookieOf('lc.contractor'), {
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 4 * HOUR).toISOString(),
      });
      filed.push(event.id);
    }
  });

  it('pages to the end one event at a time', async () => {
    // The filer's drill list has its own drafts.
    const whole = await pageThrough('lc.contractor', path, 100);
    expect([...whole].sort()).toEqual([...filed].sort());
    expect(await pageThrough('lc.contractor', path, 1)).toEqual(whole);
    expect(await pageThrough('lc.contractor', path, 3)).toEqual(whole);
  });

  it.each(INVALID_TIMES)('rejects the time %s', async (time) => {
    const cursor = encodeCursor({ startsAt: time, id: ANY_ID });
    expectProblem(await listWithCursor('lc.contractor', path, cursor), 400, 'INVALID_CURSOR');
  });
});

describe('report list cursor', () => {
  const path = '/api/reports';

  beforeAll(async () => {
    // 51 reports make three pages of 20, and each full page ends inside a millisecond.
    const { userId, organisationId } = accountOf('lc.bureau');
    for (const createdAt of sharedMillisecondTimes(51)) {
      await ctx.db
        .insertInto('report_jobs')
        .values({
          id: uuidv7(),
          kind: 'monthly',
          period: '2026-02',
          division_code: '3101',
          requested_by: userId,
          organisation_id: organisationId,
          status: 'failed',
          error: 'test report',
          created_at: sql`${createdAt}::timestamptz`,
        })
        .execute();
    }
  });

  it('pages to the end through shared milliseconds', async () => {
    const expected = await ctx.db
      .selectFrom('report_jobs')
      .select('id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(expected).toHaveLength(51);
    expect(await pageThrough('lc.bureau', path)).toEqual(expected.map((row) => row.id));
  });

  it.each(INVALID_TIMES)('rejects the time %s', async (time) => {
    const cursor = encodeCursor({ createdAt: time, id: ANY_ID });
    expectProblem(await listWithCursor('lc.bureau', path, cursor), 400, 'INVALID_CURSOR');
  });
});

describe.each([
  { reader: 'lc.bureau', path: '/api/alerts', rule: 'review_overdue', subjectType: 'event' },
  {
    reader: 'lc.operator',
    path: '/api/operator/alerts',
    rule: 'sign_in_failures_by_ip',
    subjectType: 'ip',
  },
])('alert list cursor of $path', ({ reader, path, rule, subjectType }) => {
  beforeAll(async () => {
    // Reading the rules inserts them with their defaults, which the alerts refer to.
    const rules = await as(
      ctx.app,
      cookieOf('lc.operator'),
    )({ method: 'GET', url: '/api/operator/alert-rules' });
    expect(rules.statusCode, rules.body).toBe(200);
    // 111 alerts make three pages of 50, and each full page ends inside a millisecond.
    for (const [index, firstSeenAt] of sharedMillisecondTimes(111).entries()) {
      await ctx.db
        .insertInto('alerts')
        .values({
          id: uuidv7(),
          rule,
          subject_type: subjectType,
          subject_id: `${rule}-${index}`,
          subject_label: `测试对象 ${index}`,
          detail: JSON.stringify({}),
          first_seen_at: sql`${firstSeenAt}::timestamptz`,
          last_seen_at: sql`${firstSeenAt}::timestamptz`,
        })
        .execute();
    }
  });

  it('pages to the end through shared milliseconds', async () => {
    const expected = await ctx.db
      .selectFrom('alerts')
      .select('id')
      .where('rule', '=', rule)
      .orderBy('first_seen_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(expected).toHaveLength(111);
    expect(await pageThrough(reader, path)).toEqual(expected.map((row) => row.id));
  });

  it.each(INVALID_TIMES)('rejects the time %s', async (time) => {
    const cursor = encodeCursor({ firstSeenAt: time, id: ANY_ID });
    expectProblem(await listWithCursor(reader, path, cursor), 400, 'INVALID_CURSOR');
  });
});

describe('outbox list cursor', () => {
  const path = '/api/operator/outbox?state=waiting';

  beforeAll(async () => {
    // 51 unsent messages make three pages of 20, and each full page ends inside a millisecond.
    for (const createdAt of sharedMillisecondTimes(51)) {
      await ctx.db
        .insertInto('notification_outbox')
        .values({
          id: uuidv7(),
          kind: 'test_message',
          payload: JSON.stringify({}),
          created_at: sql`${createdAt}::timestamptz`,
        })
        .execute();
    }
  });

  it('pages to the end through shared milliseconds', async () => {
    const expected = await ctx.db
      .selectFrom('notification_outbox')
      .select('id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(expected).toHaveLength(51);
    expect(await pageThrough('lc.operator', path)).toEqual(expected.map((row) => row.id));
  });

  it.each(INVALID_TIMES)('rejects the time %s', async (time) => {
    const cursor = encodeCursor({ createdAt: time, id: ANY_ID });
    expectProblem(await listWithCursor('lc.operator', path, cursor), 400, 'INVALID_CURSOR');
  });
});
