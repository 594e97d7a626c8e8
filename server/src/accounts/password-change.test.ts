import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  TEST_PASSWORD,
  as,
  createAccount,
  createTestContext,
  expectProblem,
  signIn,
  type TestContext,
} from '../test/harness.js';
import {
  createAccountWithInitialPassword,
  createAccountWithOrganisation,
  generateInitialPassword,
} from './account.service.js';

let ctx: TestContext;
const userIds = new Map<string, string>();

beforeAll(async () => {
  ctx = await createTestContext();
  for (const username of ['pw.change', 'pw.revoke', 'pw.wrong', 'pw.weak', 'pw.history']) {
    const { userId } = await createAccount(ctx.db, {
      username,
      accountType: 'contractor',
      divisionCode: '3101',
    });
    userIds.set(username, userId);
  }
});

afterAll(async () => {
  await ctx.close();
});

function changePassword(cookie: string, currentPassword: string, newPassword: string) {
  return as(
    ctx.app,
    cookie,
  )({ method: 'POST', url: '/api/me/password', payload: { currentPassword, newPassword } });
}

function postSession(username: string, password: string) {
  return ctx.app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
}

function cookieOf(response: { cookies: { name: string; value: string }[] }): string {
  const value = response.cookies.find((cookie) => cookie.name === 'sid')?.value;
  if (!value) throw new Error('Response set no session cookie');
  return `sid=${value}`;
}

describe('POST /api/me/password', () => {
  it('replaces the password', async () => {
    const cookie = await signIn(ctx.app, 'pw.change');
    const response = await changePassword(cookie, TEST_PASSWORD, 'Spring-League-2027');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().user.username).toBe('pw.change');
    expect(response.json().mustChangePassword).toBe(false);

    expectProblem(await postSession('pw.change', TEST_PASSWORD), 401, 'ACC_INVALID_CREDENTIALS');
    expect((await postSession('pw.change', 'Spring-League-2027')).statusCode).toBe(200);
  });

  it('audits the change', async () => {
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id'])
      .where('entity_id', '=', userIds.get('pw.change') ?? '')
      .where('action', '=', 'password.changed')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_user_id).toBe(userIds.get('pw.change'));
  });

  it('ends every session and opens a new one', async () => {
    const current = await signIn(ctx.app, 'pw.revoke');
    const other = await signIn(ctx.app, 'pw.revoke');
    const response = await changePassword(current, TEST_PASSWORD, 'Autumn-League-2027');
    expect(response.statusCode, response.body).toBe(200);
    const fresh = cookieOf(response);
    expect(fresh).not.toBe(current);

    for (const old of [current, other]) {
      const me = await as(ctx.app, old)({ method: 'GET', url: '/api/me' });
      expectProblem(me, 401, 'ACC_SESSION_REQUIRED');
    }
    const me = await as(ctx.app, fresh)({ method: 'GET', url: '/api/me' });
    expect(me.statusCode).toBe(200);
    const sessions = await ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', userIds.get('pw.revoke') ?? '')
      .execute();
    expect(sessions).toHaveLength(1);
  });

  it('rejects a wrong current password', async () => {
    const cookie = await signIn(ctx.app, 'pw.wrong');
    const response = await changePassword(cookie, 'Wrong@2026pass', 'Winter-League-2027');
    expectProblem(response, 400, 'ACC_WRONG_PASSWORD');
    expect((await as(ctx.app, cookie)({ method: 'GET', url: '/api/me' })).statusCode).toBe(200);
    expect((await postSession('pw.wrong', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('requires a session', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/me/password',
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'Winter-League-2027' },
    });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });

  it.each([
    ['Short1!a', ['too_short']],
    ['alllowercase2027', ['classes']],
    ['PW.WEAK-league-2027', ['contains_username']],
    ['pw.weak', ['too_short', 'classes', 'contains_username']],
    [TEST_PASSWORD, ['reused']],
  ])('rejects %j as weak', async (newPassword, rules) => {
    const cookie = await signIn(ctx.app, 'pw.weak');
    const response = await changePassword(cookie, TEST_PASSWORD, newPassword);
    const problem = expectProblem(response, 400, 'ACC_WEAK_PASSWORD');
    expect(problem.errors?.map((error) => error.code)).toEqual(rules);
    for (const error of problem.errors ?? []) {
      expect(error.field).toBe('newPassword');
      expect(error.message).not.toBe('');
    }
    expect((await postSession('pw.weak', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('rejects the last five passwords only', async () => {
    const passwords = [1, 2, 3, 4, 5].map((n) => `History-Pass-${n}`);
    let cookie = await signIn(ctx.app, 'pw.history');
    let current = TEST_PASSWORD;
    for (const next of passwords) {
      const response = await changePassword(cookie, current, next);
      expect(response.statusCode, response.body).toBe(200);
      cookie = cookieOf(response);
      current = next;
    }
    const stored = await ctx.db
      .selectFrom('password_history')
      .select('id')
      .where('user_id', '=', userIds.get('pw.history') ?? '')
      .execute();
    expect(stored).toHaveLength(5);

    for (const reused of passwords) {
      const response = await changePassword(cookie, current, reused);
      const problem = expectProblem(response, 400, 'ACC_WEAK_PASSWORD');
      expect(problem.errors?.map((error) => error.code)).toEqual(['reused']);
    }
    // The initial password is the sixth most recent, so it may return.
    const response = await changePassword(cookie, current, TEST_PASSWORD);
    expect(response.statusCode, response.body).toBe(200);
  });
});

describe('forced password change', () => {
  it('applies to accounts made by account:create', async () => {
    const { password } = await createAccountWithInitialPassword(ctx.db, {
      username: 'forced.xuhui',
      displayName: '徐汇新账号',
      accountType: 'district_bureau',
      divisionCode: '310104',
      organisationName: '徐汇测试单位',
    });
    const signedIn = await postSession('forced.xuhui', password);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json().mustChangePassword).toBe(true);
    const cookie = cookieOf(signedIn);
    const session = as(ctx.app, cookie);

    const me = await session({ method: 'GET', url: '/api/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().mustChangePassword).toBe(true);

    const blocked = [
      { method: 'GET', url: '/api/console/events' },
      { method: 'POST', url: '/api/console/events', payload: {} },
      { method: 'GET', url: '/api/reviews' },
      { method: 'GET', url: '/api/dashboard' },
    ] as const;
    for (const request of blocked) {
      expectProblem(await session(request), 403, 'ACC_PASSWORD_CHANGE_REQUIRED');
    }

    const changed = await changePassword(cookie, password, 'Xuhui-League-2027');
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().mustChangePassword).toBe(false);
    const fresh = as(ctx.app, cookieOf(changed));
    expect((await fresh({ method: 'GET', url: '/api/console/events' })).statusCode).toBe(200);
    expect((await fresh({ method: 'GET', url: '/api/me' })).json().mustChangePassword).toBe(false);
  });

  it('rejects keeping the initial password', async () => {
    const { password } = await createAccountWithInitialPassword(ctx.db, {
      username: 'forced.keep',
      displayName: '保留初始密码',
      accountType: 'contractor',
      divisionCode: '3101',
      organisationName: '保留初始密码单位',
    });
    const cookie = cookieOf(await postSession('forced.keep', password));
    const response = await changePassword(cookie, password, password);
    const problem = expectProblem(response, 400, 'ACC_WEAK_PASSWORD');
    expect(problem.errors?.map((error) => error.code)).toEqual(['reused']);
  });

  it('is on unless turned off', async () => {
    const account = {
      password: 'Unforced-2027',
      displayName: '新账号',
      accountType: 'contractor',
      divisionCode: '3101',
      organisationName: '新账号单位',
    } as const;
    await createAccountWithOrganisation(ctx.db, { ...account, username: 'default.user' });
    await createAccountWithOrganisation(ctx.db, {
      ...account,
      username: 'unforced.user',
      mustChangePassword: false,
    });

    const forced = await postSession('default.user', 'Unforced-2027');
    const unforced = await postSession('unforced.user', 'Unforced-2027');
    expect(forced.json().mustChangePassword).toBe(true);
    expect(unforced.json().mustChangePassword).toBe(false);
  });
});

describe('generateInitialPassword', () => {
  it('meets the password policy', async () => {
    const { checkPassword } = await import('@cityleague/domain');
    for (let i = 0; i < 200; i += 1) {
      const password = generateInitialPassword('abc');
      expect(password).toHaveLength(16);
      expect(checkPassword(password, { username: 'abc' })).toEqual([]);
    }
  });
});
