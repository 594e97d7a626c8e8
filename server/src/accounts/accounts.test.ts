import { createHash } from 'node:crypto';

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
import { createAccountWithOrganisation } from './account.service.js';

let ctx: TestContext;

// One account of each account type, with the division name and menus /api/me must return.
const ACCOUNTS = [
  {
    username: 'acc.bureau',
    accountType: 'sports_bureau',
    divisionCode: '3101',
    divisionName: '上海市',
    menus: ['dashboard', 'events', 'partner_oversight', 'reports', 'alerts'],
    filing: [],
  },
  {
    username: 'acc.committee',
    accountType: 'committee',
    divisionCode: '3101',
    divisionName: '上海市',
    menus: ['dashboard', 'events', 'reviews', 'partner_oversight', 'reports', 'alerts'],
    filing: [],
  },
  {
    username: 'acc.xuhui',
    accountType: 'district_bureau',
    divisionCode: '310104',
    divisionName: '徐汇区',
    menus: ['dashboard', 'events', 'filing', 'reviews', 'check_in', 'reports', 'alerts'],
    filing: [{ level: 'district', section: 'brand_event' }],
  },
  {
    username: 'acc.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
    divisionName: '上海市',
    menus: ['dashboard', 'events', 'filing', 'check_in', 'reports'],
    filing: ['city', 'district'].flatMap((level) =>
      ['league_event', 'brand_event', 'series', 'x_sport', 'fitness_test', 'online_event'].map(
        (section) => ({ level, section }),
      ),
    ),
  },
  {
    username: 'acc.association',
    accountType: 'community_association',
    divisionCode: '3101',
    divisionName: '上海市',
    menus: ['dashboard', 'events', 'filing', 'reviews', 'check_in', 'reports'],
    filing: [
      'league_event',
      'brand_event',
      'series',
      'x_sport',
      'fitness_test',
      'online_event',
    ].map((section) => ({ level: 'city', section })),
  },
  {
    username: 'acc.street',
    accountType: 'street',
    divisionCode: '310104014',
    divisionName: '徐家汇街道',
    menus: ['dashboard', 'events', 'filing', 'check_in', 'reports'],
    filing: [
      { level: 'district', section: 'brand_event' },
      { level: 'street', section: 'community_games' },
      { level: 'community', section: 'community_games' },
    ],
  },
] as const;

const userIds = new Map<string, { userId: string; organisationId: string }>();

beforeAll(async () => {
  ctx = await createTestContext();
  for (const account of ACCOUNTS) {
    userIds.set(
      account.username,
      await createAccount(ctx.db, {
        username: account.username,
        accountType: account.accountType,
        divisionCode: account.divisionCode,
        organisation: `${account.divisionName} ${account.accountType} 单位`,
      }),
    );
  }
});

afterAll(async () => {
  await ctx.close();
});

function postSession(payload: object, remoteAddress?: string) {
  return ctx.app.inject({ method: 'POST', url: '/api/session', payload, remoteAddress });
}

describe('POST /api/session', () => {
  it('sets an HttpOnly session cookie', async () => {
    const response = await postSession({ username: 'acc.contractor', password: TEST_PASSWORD });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'sid');
    expect(cookie).toBeDefined();
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.path).toBe('/');
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.value).toMatch(/^[\w-]{43}$/);
    expect(cookie?.expires?.getTime()).toBeGreaterThan(Date.now());
  });

  it('returns the account like /api/me', async () => {
    const response = await postSession({ username: 'acc.xuhui', password: TEST_PASSWORD });
    expect(response.statusCode).toBe(200);
    const cookie = `sid=${response.cookies.find((c) => c.name === 'sid')?.value}`;
    const me = await as(ctx.app, cookie)({ method: 'GET', url: '/api/me' });
    expect(response.json()).toEqual(me.json());
  });

  it('accepts a username with surrounding spaces', async () => {
    const response = await postSession({ username: ' acc.street ', password: TEST_PASSWORD });
    expect(response.statusCode).toBe(200);
    expect(response.json().user.username).toBe('acc.street');
  });

  it('rejects a wrong password', async () => {
    const response = await postSession({ username: 'acc.contractor', password: 'Wrong@2026' });
    const problem = expectProblem(response, 401, 'ACC_INVALID_CREDENTIALS');
    expect(response.cookies.find((c) => c.name === 'sid')).toBeUndefined();
    expect(problem.detail).toBe('Username or password is wrong');
  });

  it('rejects an unknown user alike', async () => {
    const wrongPassword = await postSession({ username: 'acc.contractor', password: 'Wrong@2026' });
    const unknownUser = await postSession({ username: 'nobody', password: TEST_PASSWORD });
    const first = expectProblem(wrongPassword, 401, 'ACC_INVALID_CREDENTIALS');
    const second = expectProblem(unknownUser, 401, 'ACC_INVALID_CREDENTIALS');
    expect(Object.keys(second).sort()).toEqual(Object.keys(first).sort());
    expect(second.requestId).not.toBe(first.requestId);
    expect({ ...second, requestId: '' }).toEqual({ ...first, requestId: '' });
  });

  it('rejects a missing password', async () => {
    const response = await postSession({ username: 'acc.contractor' });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      { field: 'password', code: 'required', message: expect.any(String) },
    ]);
  });

  it('stores a hash of the token', async () => {
    const response = await postSession({ username: 'acc.committee', password: TEST_PASSWORD });
    const token = response.cookies.find((c) => c.name === 'sid')?.value ?? '';
    const { userId } = userIds.get('acc.committee') ?? { userId: '' };

    const storedId = createHash('sha256').update(token).digest('hex');
    const rows = await ctx.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', storedId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.user_id).toBe(userId);
    expect(storedId).not.toContain(token);

    const withToken = await ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', token)
      .execute();
    expect(withToken).toEqual([]);
  });

  it('audits the sign-in with the IP', async () => {
    const { userId } = userIds.get('acc.association') ?? { userId: '' };
    const response = await postSession(
      { username: 'acc.association', password: TEST_PASSWORD },
      '198.51.100.23',
    );
    expect(response.statusCode).toBe(200);

    const audit = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('actor_user_id', '=', userId)
      .where('actor_ip', '=', '198.51.100.23')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.action).toBe('session.created');
    expect(audit[0]?.actor_ip).toBe('198.51.100.23');
    expect(audit[0]?.entity_type).toBe('user');
    expect(audit[0]?.entity_id).toBe(userId);

    const sessions = await ctx.db
      .selectFrom('sessions')
      .select('ip')
      .where('user_id', '=', userId)
      .where('ip', '=', '198.51.100.23')
      .execute();
    expect(sessions).toHaveLength(1);
  });

  it('audits a failure with the IP', async () => {
    const { userId } = userIds.get('acc.bureau') ?? { userId: '' };
    const response = await postSession(
      { username: 'acc.bureau', password: 'Wrong@2026' },
      '198.51.100.41',
    );
    expectProblem(response, 401, 'ACC_INVALID_CREDENTIALS');

    const audit = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('actor_ip', '=', '198.51.100.41')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.action).toBe('session.failed');
    // The caller is not signed in, so the account is the object, not the actor.
    expect(audit[0]?.actor_user_id).toBeNull();
    expect(audit[0]?.outcome).toBe('failure');
    expect(audit[0]?.entity_id).toBe(userId);
    expect(audit[0]?.detail).toMatchObject({ username: 'acc.bureau', reason: 'wrong_password' });
  });
});

describe('GET /api/me', () => {
  it.each(ACCOUNTS)('describes $accountType', async (account) => {
    const cookie = await signIn(ctx.app, account.username);
    const response = await as(ctx.app, cookie)({ method: 'GET', url: '/api/me' });
    expect(response.statusCode).toBe(200);
    const ids = userIds.get(account.username);
    expect(response.json()).toEqual({
      user: {
        id: ids?.userId,
        username: account.username,
        displayName: `${account.username} 用户`,
        accountType: account.accountType,
        divisionCode: account.divisionCode,
        divisionName: account.divisionName,
        organisation: {
          id: ids?.organisationId,
          name: `${account.divisionName} ${account.accountType} 单位`,
        },
      },
      menus: account.menus,
      filing: account.filing,
      mustChangePassword: false,
      pendingStep: null,
      totp: {
        enrolled: false,
        required: account.accountType === 'sports_bureau' || account.accountType === 'committee',
      },
    });
  });

  it('rejects a request without cookie', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/me' });
    const problem = expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
    expect(problem.instance).toBe('/api/me');
  });

  it('rejects a forged cookie', async () => {
    const response = await as(
      ctx.app,
      'sid=forged-token-0123456789abcdef',
    )({
      method: 'GET',
      url: '/api/me',
    });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });

  it('rejects the stored session id as cookie', async () => {
    const cookie = await signIn(ctx.app, 'acc.bureau');
    const token = cookie.slice('sid='.length);
    const storedId = createHash('sha256').update(token).digest('hex');
    const response = await as(ctx.app, `sid=${storedId}`)({ method: 'GET', url: '/api/me' });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });

  it('rejects an expired session', async () => {
    const cookie = await signIn(ctx.app, 'acc.street');
    const token = cookie.slice('sid='.length);
    await ctx.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', createHash('sha256').update(token).digest('hex'))
      .execute();
    const response = await as(ctx.app, cookie)({ method: 'GET', url: '/api/me' });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });
});

describe('DELETE /api/session', () => {
  it('ends the session', async () => {
    const cookie = await signIn(ctx.app, 'acc.contractor');
    const session = as(ctx.app, cookie);
    expect((await session({ method: 'GET', url: '/api/me' })).statusCode).toBe(200);

    const response = await session({ method: 'DELETE', url: '/api/session' });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    const cleared = response.cookies.find((c) => c.name === 'sid');
    expect(cleared?.value).toBe('');
    expect(cleared?.expires?.getTime()).toBeLessThanOrEqual(Date.now());

    const after = await session({ method: 'GET', url: '/api/me' });
    expectProblem(after, 401, 'ACC_SESSION_REQUIRED');
    const stored = await ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', createHash('sha256').update(cookie.slice(4)).digest('hex'))
      .execute();
    expect(stored).toEqual([]);
  });

  it('keeps other sessions', async () => {
    const first = await signIn(ctx.app, 'acc.committee');
    const second = await signIn(ctx.app, 'acc.committee');
    await as(ctx.app, first)({ method: 'DELETE', url: '/api/session' });
    const response = await as(ctx.app, second)({ method: 'GET', url: '/api/me' });
    expect(response.statusCode).toBe(200);
  });

  it('accepts a request without cookie', async () => {
    const response = await ctx.app.inject({ method: 'DELETE', url: '/api/session' });
    expect(response.statusCode).toBe(204);
  });
});

describe('createAccountWithOrganisation', () => {
  const base = {
    password: 'Initial@2026pass',
    displayName: '新建账号',
    organisationName: '新建单位',
  };

  it('creates an account that can sign in', async () => {
    const userId = await createAccountWithOrganisation(ctx.db, {
      ...base,
      username: 'new.xuhui',
      accountType: 'district_bureau',
      divisionCode: '310104',
    });
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'new.xuhui', password: base.password },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().user.id).toBe(userId);
    expect(response.json().user.divisionName).toBe('徐汇区');
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', userId)
      .execute();
    expect(audit.map((row) => row.action)).toContain('account.created');
  });

  it('rejects a division that does not exist', async () => {
    const attempt = createAccountWithOrganisation(ctx.db, {
      ...base,
      username: 'bad.contractor.999999',
      accountType: 'contractor',
      divisionCode: '999999',
    });
    await expect(attempt).rejects.toMatchObject({ code: 'DIV_UNKNOWN' });
  });

  it.each([
    ['district_bureau', '3101'],
    ['district_bureau', '310104014'],
    ['street', '310104'],
    ['committee', '310104'],
  ] as const)('rejects a %s scoped to %s', async (accountType, divisionCode) => {
    const attempt = createAccountWithOrganisation(ctx.db, {
      ...base,
      username: `bad.${accountType}.${divisionCode}`,
      accountType,
      divisionCode,
    });
    await expect(attempt).rejects.toMatchObject({ code: 'ACC_INVALID_SCOPE' });
    const users = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', `bad.${accountType}.${divisionCode}`)
      .execute();
    expect(users).toHaveLength(0);
  });

  it('rejects a taken username', async () => {
    const account = {
      ...base,
      username: 'twice.taken',
      accountType: 'contractor',
      divisionCode: '3101',
    } as const;
    await createAccountWithOrganisation(ctx.db, account);
    const organisationsBefore = await ctx.db.selectFrom('organisations').select('id').execute();

    await expect(createAccountWithOrganisation(ctx.db, account)).rejects.toMatchObject({
      code: 'ACC_USERNAME_TAKEN',
    });
    const organisationsAfter = await ctx.db.selectFrom('organisations').select('id').execute();
    expect(organisationsAfter).toHaveLength(organisationsBefore.length);
  });
});
