import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  sessionIdOfCookie,
  signIn,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'life.user',
    accountType: 'contractor',
    divisionCode: '3101',
  });
});

afterAll(async () => {
  await ctx.close();
});

/** Sets a session's last_seen_at to `minutes` before now on the database clock. */
async function lastSeenMinutesAgo(cookie: string, minutes: number) {
  await ctx.db
    .updateTable('sessions')
    .set({ last_seen_at: sql<Date>`now() - (${minutes}::float * interval '1 minute')` })
    .where('id', '=', sessionIdOfCookie(cookie))
    .execute();
}

async function lastSeenSecondsAgo(cookie: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('sessions')
    .select(sql<number>`extract(epoch from now() - last_seen_at)`.as('seconds'))
    .where('id', '=', sessionIdOfCookie(cookie))
    .executeTakeFirstOrThrow();
  return Number(row.seconds);
}

describe('session lifetime', () => {
  it('defaults to 12 hours and 15 idle minutes', () => {
    expect(ctx.config.sessionHours).toBe(12);
    expect(ctx.config.sessionIdleMinutes).toBe(15);
  });

  it('expires 12 hours after sign-in', async () => {
    const cookie = await signIn(ctx.app, 'life.user');
    const row = await ctx.db
      .selectFrom('sessions')
      .select(sql<number>`extract(epoch from expires_at - created_at)`.as('seconds'))
      .where('id', '=', sessionIdOfCookie(cookie))
      .executeTakeFirstOrThrow();
    expect(Number(row.seconds)).toBeCloseTo(12 * 3600, -1);
  });

  it('rejects a session idle for 16 minutes', async () => {
    const cookie = await signIn(ctx.app, 'life.user');
    await lastSeenMinutesAgo(cookie, 16);
    const response = await as(ctx.app, cookie)({ method: 'GET', url: '/api/me' });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });

  it('keeps a session idle for 14 minutes', async () => {
    const cookie = await signIn(ctx.app, 'life.user');
    await lastSeenMinutesAgo(cookie, 14);
    const response = await as(ctx.app, cookie)({ method: 'GET', url: '/api/me' });
    expect(response.statusCode).toBe(200);
    expect(await lastSeenSecondsAgo(cookie)).toBeLessThan(5);
  });

  it('updates last-seen at most once a minute', async () => {
    const cookie = await signIn(ctx.app, 'life.user');
    await lastSeenMinutesAgo(cookie, 0.5);
    const response = await as(ctx.app, cookie)({ method: 'GET', url: '/api/me' });
    expect(response.statusCode).toBe(200);
    expect(await lastSeenSecondsAgo(cookie)).toBeGreaterThanOrEqual(29);
  });

  it('rejects a session past 12 hours despite use', async () => {
    const cookie = await signIn(ctx.app, 'life.user');
    await ctx.db
      .updateTable('sessions')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', sessionIdOfCookie(cookie))
      .execute();
    const response = await as(ctx.app, cookie)({ method: 'GET', url: '/api/me' });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });
});
