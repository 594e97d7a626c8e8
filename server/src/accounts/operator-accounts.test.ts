import ExcelJS from 'exceljs';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { encodeCursor } from '../shared/cursor.js';
import {
  TEST_PASSWORD,
  as,
  createAccount,
  createTestContext,
  expectProblem,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { PRESET_HEADERS, PRESET_SHEET_NAME } from './preset-street-workbook.js';

let ctx: TestContext;
let operatorCookie: string;
let operatorId: string;
const CITY = '3101';
const XUHUI = '310104';
const XUJIAHUI = '310104014';
const PUDONG_LUJIAZUI = '310115005';
const WRONG = 'Wrong@2026pass';

interface AccountItem {
  id: string;
  username: string;
  accountType: string;
  divisionCode: string;
  mustChangePassword: boolean;
  totpEnrolled: boolean;
  locked: boolean;
  disabled: boolean;
}

beforeAll(async () => {
  ctx = await createTestContext();
  ({ userId: operatorId } = await createAccount(ctx.db, {
    username: 'op.operator',
    accountType: 'operator',
    divisionCode: CITY,
  }));
  await createAccount(ctx.db, {
    username: 'op.security',
    accountType: 'security_officer',
    divisionCode: CITY,
  });
  await createAccount(ctx.db, {
    username: 'op.other-operator',
    accountType: 'operator',
    divisionCode: CITY,
  });
  operatorCookie = await signIn(ctx.app, 'op.operator');
});

afterAll(async () => {
  await ctx.close();
});

function operator(options: Parameters<ReturnType<typeof as>>[0]) {
  return as(ctx.app, operatorCookie)(options);
}

function postSession(username: string, password: string) {
  return ctx.app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
}

async function listAll(query: string): Promise<AccountItem[]> {
  const response = await operator({ method: 'GET', url: `/api/operator/accounts?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: AccountItem[] }>().items;
}

async function idOf(username: string): Promise<string> {
  const row = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function auditOf(userId: string, action: string) {
  return ctx.db
    .selectFrom('audit_log')
    .select(['actor_user_id', 'detail'])
    .where('entity_id', '=', userId)
    .where('action', '=', action)
    .execute();
}

describe('account list', () => {
  beforeAll(async () => {
    await createAccount(ctx.db, {
      username: 'list.xjh',
      accountType: 'street',
      divisionCode: XUJIAHUI,
    });
    await createAccount(ctx.db, {
      username: 'list.xuhui',
      accountType: 'district_bureau',
      divisionCode: XUHUI,
    });
    await createAccount(ctx.db, {
      username: 'list.ljz',
      accountType: 'street',
      divisionCode: PUDONG_LUJIAZUI,
    });
    await createAccount(ctx.db, {
      username: 'list.100%_a',
      accountType: 'contractor',
      divisionCode: CITY,
    });
    await createAccount(ctx.db, {
      username: 'list.100xa',
      accountType: 'contractor',
      divisionCode: CITY,
    });
  });

  it('filters by type, division and username', async () => {
    const streets = await listAll('type=street&q=list.');
    expect(streets.map((item) => item.username)).toEqual(['list.ljz', 'list.xjh']);

    const xuhui = await listAll(`division=${XUHUI}&q=list.`);
    expect(xuhui.map((item) => item.username)).toEqual(['list.xjh', 'list.xuhui']);

    const street = await listAll(`division=${XUJIAHUI}`);
    expect(street.map((item) => item.username)).toEqual(['list.xjh']);

    const upper = await listAll('q=LIST.XJ');
    expect(upper.map((item) => item.username)).toEqual(['list.xjh']);

    // LIKE wildcards in the search match themselves only.
    const literal = await listAll('q=100%25_');
    expect(literal.map((item) => item.username)).toEqual(['list.100%_a']);
  });

  it('pages with a cursor', async () => {
    const all = await listAll('limit=100');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/operator/accounts?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await operator({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      const page = response.json<{ items: AccountItem[]; nextCursor: string | null }>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.username));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((item) => item.username));
    expect(seen.length).toBeGreaterThan(5);

    expectProblem(
      await operator({ method: 'GET', url: '/api/operator/accounts?cursor=bad' }),
      400,
      'INVALID_CURSOR',
    );
    expectProblem(
      await operator({ method: 'GET', url: '/api/operator/accounts?type=admin' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('rejects a cursor username with a NUL character', async () => {
    // PostgreSQL text cannot contain U+0000 and raises an error on it.
    const cursor = encodeCursor({ username: 'list.\u0000' });
    expectProblem(
      await operator({ method: 'GET', url: `/api/operator/accounts?cursor=${cursor}` }),
      400,
      'INVALID_CURSOR',
    );
  });
});

describe('account creation', () => {
  const body = {
    username: 'created.contractor',
    accountType: 'contractor',
    divisionCode: CITY,
    organisationName: '测试赛事运营有限公司',
  };

  it('creates an account with an initial password', async () => {
    const response = await operator({
      method: 'POST',
      url: '/api/operator/accounts',
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(201);
    const { id, initialPassword } = response.json<{ id: string; initialPassword: string }>();
    expect(initialPassword).toHaveLength(16);

    const signedIn = await postSession(body.username, initialPassword);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().mustChangePassword).toBe(true);
    const audit = await auditOf(id, 'account.created');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_user_id).toBe(operatorId);

    const again = await operator({ method: 'POST', url: '/api/operator/accounts', payload: body });
    expectProblem(again, 409, 'ACC_USERNAME_TAKEN');
  });

  it('creates one of two parallel accounts with one username', async () => {
    const payload = { ...body, username: 'created.parallel' };
    const responses = await Promise.all([
      operator({ method: 'POST', url: '/api/operator/accounts', payload }),
      operator({ method: 'POST', url: '/api/operator/accounts', payload }),
    ]);
    expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 409]);
    const users = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'created.parallel')
      .execute();
    expect(users).toHaveLength(1);
  });

  it('rejects emoji in the organisation name', async () => {
    const response = await operator({
      method: 'POST',
      url: '/api/operator/accounts',
      payload: { ...body, username: 'created.emoji', organisationName: '测试运营公司🏀' },
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toContainEqual({
      field: 'organisationName',
      code: 'noEmoji',
      message: 'must not contain emoji',
    });
    const created = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'created.emoji')
      .execute();
    expect(created).toEqual([]);
  });

  it('rejects platform accounts and a wrong scope', async () => {
    for (const accountType of ['operator', 'security_officer']) {
      const response = await operator({
        method: 'POST',
        url: '/api/operator/accounts',
        payload: { ...body, username: `created.${accountType}`, accountType },
      });
      expectProblem(response, 403, 'ACC_PLATFORM_ACCOUNT_PROTECTED');
    }
    const street = await operator({
      method: 'POST',
      url: '/api/operator/accounts',
      payload: { ...body, username: 'created.street', accountType: 'street', divisionCode: XUHUI },
    });
    expectProblem(street, 400, 'ACC_INVALID_SCOPE');
    const unknown = await operator({
      method: 'POST',
      url: '/api/operator/accounts',
      payload: {
        ...body,
        username: 'created.unknown',
        accountType: 'district_bureau',
        divisionCode: '310199',
      },
    });
    expectProblem(unknown, 400, 'DIV_UNKNOWN');
    const badName = await operator({
      method: 'POST',
      url: '/api/operator/accounts',
      payload: { ...body, username: 'has space' },
    });
    expectProblem(badName, 400, 'VALIDATION_FAILED');
    const created = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('username', 'in', ['created.operator', 'created.security_officer', 'created.street'])
      .execute();
    expect(created).toEqual([]);
  });
});

describe('account actions', () => {
  it('resets a password and ends the sessions', async () => {
    const { userId } = await createAccount(ctx.db, {
      username: 'act.reset',
      accountType: 'contractor',
      divisionCode: CITY,
    });
    const cookie = await signIn(ctx.app, 'act.reset');
    const response = await operator({
      method: 'POST',
      url: `/api/operator/accounts/${userId}/password-reset`,
    });
    expect(response.statusCode, response.body).toBe(200);
    const { initialPassword } = response.json<{ initialPassword: string }>();

    expectProblem(
      await as(ctx.app, cookie)({ method: 'GET', url: '/api/me' }),
      401,
      'ACC_SESSION_REQUIRED',
    );
    expectProblem(await postSession('act.reset', TEST_PASSWORD), 401, 'ACC_INVALID_CREDENTIALS');
    const signedIn = await postSession('act.reset', initialPassword);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().mustChangePassword).toBe(true);

    const audit = await auditOf(userId, 'account.password_reset');
    expect(audit[0]?.actor_user_id).toBe(operatorId);
    expect(audit[0]?.detail).toEqual({
      before: { mustChangePassword: false },
      after: { mustChangePassword: true },
    });
  });

  it('unlocks a locked account', async () => {
    const { userId } = await createAccount(ctx.db, {
      username: 'act.unlock',
      accountType: 'contractor',
      divisionCode: CITY,
    });
    for (let i = 0; i < 5; i += 1) {
      expectProblem(await postSession('act.unlock', WRONG), 401, 'ACC_INVALID_CREDENTIALS');
    }
    expectProblem(await postSession('act.unlock', TEST_PASSWORD), 401, 'ACC_INVALID_CREDENTIALS');
    expect((await listAll('q=act.unlock'))[0]?.locked).toBe(true);

    const response = await operator({
      method: 'POST',
      url: `/api/operator/accounts/${userId}/unlock`,
    });
    expect(response.statusCode).toBe(204);
    expect((await listAll('q=act.unlock'))[0]?.locked).toBe(false);
    expect((await postSession('act.unlock', TEST_PASSWORD)).statusCode).toBe(200);
    const audit = await auditOf(userId, 'account.unlocked');
    expect(audit[0]?.detail).toEqual({ before: { locked: true }, after: { locked: false } });
  });

  it('resets TOTP and ends the sessions', async () => {
    const { userId } = await createAccount(ctx.db, {
      username: 'act.totp',
      accountType: 'committee',
      divisionCode: CITY,
    });
    const first = await postSession('act.totp', TEST_PASSWORD);
    const cookie = `sid=${first.cookies.find((c) => c.name === 'sid')?.value}`;
    const started = await as(ctx.app, cookie)({ method: 'POST', url: '/api/me/totp/enrolment' });
    const { secret } = started.json<{ secret: string }>();
    const confirmed = await as(
      ctx.app,
      cookie,
    )({
      method: 'POST',
      url: '/api/me/totp',
      payload: { code: await generate({ secret }) },
    });
    expect(confirmed.statusCode).toBe(200);
    const complete = `sid=${confirmed.cookies.find((c) => c.name === 'sid')?.value}`;
    expect((await listAll('q=act.totp'))[0]?.totpEnrolled).toBe(true);
    expect((await postSession('act.totp', TEST_PASSWORD)).json().pendingStep).toBe('totp');

    const response = await operator({
      method: 'POST',
      url: `/api/operator/accounts/${userId}/totp-reset`,
    });
    expect(response.statusCode).toBe(204);
    expectProblem(
      await as(ctx.app, complete)({ method: 'GET', url: '/api/me' }),
      401,
      'ACC_SESSION_REQUIRED',
    );
    expect((await listAll('q=act.totp'))[0]?.totpEnrolled).toBe(false);
    // A required type enrols again at the next sign-in.
    expect((await postSession('act.totp', TEST_PASSWORD)).json().pendingStep).toBe(
      'totp_enrolment',
    );
    const audit = await auditOf(userId, 'totp.reset');
    expect(audit[0]?.detail).toEqual({
      before: { totpEnrolled: true },
      after: { totpEnrolled: false },
    });
  });

  it('disables and enables an account', async () => {
    const { userId } = await createAccount(ctx.db, {
      username: 'act.disable',
      accountType: 'street',
      divisionCode: XUJIAHUI,
    });
    const cookie = await signIn(ctx.app, 'act.disable');
    const disabled = await operator({
      method: 'POST',
      url: `/api/operator/accounts/${userId}/disable`,
    });
    expect(disabled.statusCode).toBe(204);
    expectProblem(
      await as(ctx.app, cookie)({ method: 'GET', url: '/api/me' }),
      401,
      'ACC_SESSION_REQUIRED',
    );
    expectProblem(await postSession('act.disable', TEST_PASSWORD), 403, 'ACC_ACCOUNT_DISABLED');
    // A wrong password reveals nothing about the account.
    expectProblem(await postSession('act.disable', WRONG), 401, 'ACC_INVALID_CREDENTIALS');
    expect((await listAll('q=act.disable'))[0]?.disabled).toBe(true);

    const enabled = await operator({
      method: 'POST',
      url: `/api/operator/accounts/${userId}/enable`,
    });
    expect(enabled.statusCode).toBe(204);
    expect((await postSession('act.disable', TEST_PASSWORD)).statusCode).toBe(200);
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('entity_id', '=', userId)
      .where('action', 'in', ['account.disabled', 'account.enabled'])
      .orderBy('at')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      {
        action: 'account.disabled',
        detail: { before: { disabled: false }, after: { disabled: true } },
      },
      {
        action: 'account.enabled',
        detail: { before: { disabled: true }, after: { disabled: false } },
      },
    ]);
  });

  it('leaves platform accounts alone', async () => {
    for (const username of ['op.security', 'op.other-operator', 'op.operator']) {
      const id = await idOf(username);
      for (const action of ['password-reset', 'unlock', 'totp-reset', 'disable', 'enable']) {
        const response = await operator({
          method: 'POST',
          url: `/api/operator/accounts/${id}/${action}`,
        });
        expectProblem(response, 403, 'ACC_PLATFORM_ACCOUNT_PROTECTED');
      }
    }
    const missing = await operator({
      method: 'POST',
      url: '/api/operator/accounts/0190f5a0-0000-7000-8000-000000000000/disable',
    });
    expectProblem(missing, 404, 'ACC_USER_NOT_FOUND');
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select('id')
      .where('entity_id', '=', await idOf('op.security'))
      .execute();
    expect(audit).toEqual([]);
  });
});

describe('preset street accounts', () => {
  it('creates the missing accounts and returns their workbook', async () => {
    const streetsBefore = await ctx.db
      .selectFrom('users')
      .select('division_code')
      .distinct()
      .where('account_type', '=', 'street')
      .execute();
    const response = await operator({
      method: 'POST',
      url: '/api/operator/preset-street-accounts',
    });
    expect(response.statusCode, response.body.slice(0, 200)).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers['content-disposition']).toMatch(/^attachment;/);
    const created = Number(response.headers['x-created-count']);
    const skipped = Number(response.headers['x-skipped-count']);
    expect(skipped).toBe(streetsBefore.length);
    expect(created + skipped).toBe(234);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet(PRESET_SHEET_NAME);
    expect(sheet?.getRow(1).values).toEqual([undefined, ...PRESET_HEADERS]);
    expect(sheet?.rowCount).toBe(created + 1);
    const [username, password] = [sheet?.getCell('E2').text, sheet?.getCell('F2').text];
    expect(username).toMatch(/^SAGYWTB\d{3}$/);
    const signedIn = await postSession(username ?? '', password ?? '');
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().mustChangePassword).toBe(true);

    const audit = await auditOf(await idOf(username ?? ''), 'account.preset');
    expect(audit[0]?.actor_user_id).toBe(operatorId);

    const again = await operator({ method: 'POST', url: '/api/operator/preset-street-accounts' });
    expect(again.headers['x-created-count']).toBe('0');
    expect(again.headers['x-skipped-count']).toBe('234');
  });
});
