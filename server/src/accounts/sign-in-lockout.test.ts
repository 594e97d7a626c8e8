import * as argon2 from '@node-rs/argon2';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import {
  TEST_PASSWORD,
  createAccount,
  createTestContext,
  expectProblem,
  type Problem,
  type TestContext,
} from '../test/harness.js';

// Wraps argon2's verify so that a test can count the hashes a sign-in verifies.
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const original = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...original, verify: vi.fn(original.verify) };
});

let ctx: TestContext;
const WRONG = 'Wrong@2026pass';

beforeAll(async () => {
  ctx = await createTestContext();
  for (const username of ['lock.five', 'lock.expire', 'lock.window', 'lock.reset', 'lock.case']) {
    await createAccount(ctx.db, { username, accountType: 'contractor', divisionCode: '3101' });
  }
});

afterAll(async () => {
  await ctx.close();
});

function postSession(username: string, password: string, remoteAddress = '203.0.113.7') {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username, password },
    remoteAddress,
  });
}

async function failTimes(username: string, times: number) {
  for (let i = 0; i < times; i += 1) {
    expectProblem(await postSession(username, WRONG), 401, 'ACC_INVALID_CREDENTIALS');
  }
}

/** Drops the request id, the one member that differs between two equal problems. */
function withoutRequestId(problem: Problem) {
  return { ...problem, requestId: '' };
}

describe('sign-in lockout', () => {
  it('locks after five failures', async () => {
    await failTimes('lock.five', 4);
    expect((await postSession('lock.five', TEST_PASSWORD)).statusCode).toBe(200);
    await failTimes('lock.five', 5);

    const wrong = expectProblem(
      await postSession('lock.five', WRONG),
      401,
      'ACC_INVALID_CREDENTIALS',
    );
    const locked = await postSession('lock.five', TEST_PASSWORD);
    const problem = expectProblem(locked, 401, 'ACC_INVALID_CREDENTIALS');
    expect(withoutRequestId(problem)).toEqual(withoutRequestId(wrong));
    expect(locked.cookies.find((cookie) => cookie.name === 'sid')).toBeUndefined();
  });

  it('verifies a hash while locked', async () => {
    const verify = vi.mocked(argon2.verify);
    verify.mockClear();
    expectProblem(await postSession('lock.five', TEST_PASSWORD), 401, 'ACC_INVALID_CREDENTIALS');
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('audits locked attempts as failures', async () => {
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'session.failed')
      .where('entity_type', '=', 'user')
      .execute();
    const reasons = audit
      .map((row) => row.detail as { username?: string; reason?: string; lockStarted?: boolean })
      .filter((detail) => detail.username === 'lock.five');
    expect(reasons.filter((detail) => detail.reason === 'locked').length).toBeGreaterThan(0);
    expect(reasons.filter((detail) => detail.lockStarted === true)).toHaveLength(1);
  });

  it('records each failure with IP and time', async () => {
    const before = Date.now();
    await postSession('lock.record', WRONG, '192.0.2.55');
    const rows = await ctx.db
      .selectFrom('sign_in_failures')
      .selectAll()
      .where('username', '=', 'lock.record')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.ip).toBe('192.0.2.55');
    expect(new Date(rows[0]?.at ?? 0).getTime()).toBeGreaterThan(before - 60_000);
  });

  it('ends the lock after fifteen minutes', async () => {
    await failTimes('lock.expire', 5);
    expectProblem(await postSession('lock.expire', TEST_PASSWORD), 401, 'ACC_INVALID_CREDENTIALS');
    const lock = await ctx.db
      .selectFrom('sign_in_locks')
      .select(sql<number>`extract(epoch from locked_until - now())`.as('seconds'))
      .where('username', '=', 'lock.expire')
      .executeTakeFirstOrThrow();
    expect(Number(lock.seconds)).toBeGreaterThan(14 * 60);
    expect(Number(lock.seconds)).toBeLessThanOrEqual(15 * 60);

    await ctx.db
      .updateTable('sign_in_locks')
      .set({ locked_until: sql<Date>`now() - interval '1 second'` })
      .where('username', '=', 'lock.expire')
      .execute();
    expect((await postSession('lock.expire', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('counts failures of the last fifteen minutes only', async () => {
    await failTimes('lock.window', 4);
    await ctx.db
      .updateTable('sign_in_failures')
      .set({ at: sql<Date>`at - interval '16 minutes'` })
      .where('username', '=', 'lock.window')
      .execute();
    await failTimes('lock.window', 4);
    expect((await postSession('lock.window', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('resets the count on success', async () => {
    await failTimes('lock.reset', 4);
    expect((await postSession('lock.reset', TEST_PASSWORD)).statusCode).toBe(200);
    await failTimes('lock.reset', 4);
    expect((await postSession('lock.reset', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('counts usernames without case', async () => {
    await failTimes('LOCK.CASE', 5);
    expectProblem(await postSession('lock.case', TEST_PASSWORD), 401, 'ACC_INVALID_CREDENTIALS');
  });

  it('locks unknown usernames alike', async () => {
    await failTimes('ghost.user', 5);
    const locks = await ctx.db
      .selectFrom('sign_in_locks')
      .select('username')
      .where('username', '=', 'ghost.user')
      .where('locked_until', '>', sql<Date>`now()`)
      .execute();
    expect(locks).toHaveLength(1);

    const audit = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'session.failed')
      .where('entity_type', '=', 'username')
      .where('entity_id', '=', 'ghost.user')
      .execute();
    expect(audit).toHaveLength(5);
    expect(audit[0]?.actor_user_id).toBeNull();
  });
});
