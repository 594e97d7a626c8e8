import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  TEST_PASSWORD,
  as,
  createAccount,
  createTestContext,
  expectProblem,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;
const CITY = '3101';
const WRONG = 'Wrong@2026pass';

beforeAll(async () => {
  ctx = await createTestContext();
});

afterAll(async () => {
  await ctx.close();
});

/** Returns the code of the time step `offset` steps away from now. */
function codeAt(secret: string, offset = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });
}

function cookieOf(response: { cookies: { name: string; value: string }[] }): string {
  const cookie = response.cookies.find((c) => c.name === 'sid');
  if (!cookie) throw new Error('No session cookie was set');
  return `sid=${cookie.value}`;
}

async function passwordStep(username: string, password = TEST_PASSWORD) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username, password },
  });
  expect(response.statusCode, response.body).toBe(200);
  return { cookie: cookieOf(response), me: response.json() };
}

function postCode(cookie: string, code: string) {
  return as(ctx.app, cookie)({ method: 'POST', url: '/api/session/totp', payload: { code } });
}

/** Enrols through the API from `cookie`; returns the secret and the response to the code. */
async function enrol(cookie: string) {
  const started = await as(ctx.app, cookie)({ method: 'POST', url: '/api/me/totp/enrolment' });
  expect(started.statusCode, started.body).toBe(200);
  const { secret } = started.json<{ secret: string }>();
  const confirmed = await as(
    ctx.app,
    cookie,
  )({ method: 'POST', url: '/api/me/totp', payload: { code: await codeAt(secret) } });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { secret, confirmed };
}

/** Creates an account of a type and enrols it; returns its secret. */
async function enrolledAccount(username: string, accountType: string) {
  await createAccount(ctx.db, { username, accountType, divisionCode: CITY });
  const { cookie } = await passwordStep(username);
  const { secret } = await enrol(cookie);
  return secret;
}

async function auditActions(userId: string) {
  const rows = await ctx.db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('entity_id', '=', userId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows;
}

describe('required enrolment', () => {
  it('sends an unenrolled committee through enrolment', async () => {
    const { userId } = await createAccount(ctx.db, {
      username: 'totp.committee',
      accountType: 'committee',
      divisionCode: CITY,
    });
    const { cookie, me } = await passwordStep('totp.committee');
    expect(me.pendingStep).toBe('totp_enrolment');
    expect(me.menus).toEqual([]);
    expect(me.totp).toEqual({ enrolled: false, required: true });

    const session = as(ctx.app, cookie);
    const meNow = await session({ method: 'GET', url: '/api/me' });
    expect(meNow.json().pendingStep).toBe('totp_enrolment');
    expectProblem(
      await session({ method: 'GET', url: '/api/console/events' }),
      403,
      'ACC_SECOND_FACTOR_REQUIRED',
    );
    expectProblem(
      await session({ method: 'GET', url: '/api/reviews' }),
      403,
      'ACC_SECOND_FACTOR_REQUIRED',
    );
    expectProblem(await postCode(cookie, '123456'), 409, 'ACC_TOTP_NOT_PENDING');

    const started = await session({ method: 'POST', url: '/api/me/totp/enrolment' });
    expect(started.statusCode).toBe(200);
    const enrolment = started.json<{ secret: string; otpauthUri: string; qrCodeDataUrl: string }>();
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.otpauthUri).toMatch(/^otpauth:\/\/totp\/.+:totp\.committee\?secret=/);
    expect(enrolment.otpauthUri).toContain(`secret=${enrolment.secret}`);
    expect(enrolment.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);

    expectProblem(
      await session({ method: 'POST', url: '/api/me/totp', payload: { code: '000000' } }),
      400,
      'ACC_TOTP_INVALID_CODE',
    );
    expectProblem(
      await session({ method: 'POST', url: '/api/me/totp', payload: { code: 'abcdef' } }),
      400,
      'ACC_TOTP_INVALID_CODE',
    );
    const confirmed = await session({
      method: 'POST',
      url: '/api/me/totp',
      payload: { code: await codeAt(enrolment.secret) },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().pendingStep).toBeNull();
    expect(confirmed.json().totp).toEqual({ enrolled: true, required: true });
    expect(confirmed.json().menus).toContain('reviews');

    // The waiting session is replaced by a new one.
    const complete = cookieOf(confirmed);
    expect(complete).not.toBe(cookie);
    expectProblem(await session({ method: 'GET', url: '/api/me' }), 401, 'ACC_SESSION_REQUIRED');
    const events = await as(ctx.app, complete)({ method: 'GET', url: '/api/console/events' });
    expect(events.statusCode).toBe(200);

    const stored = await ctx.db
      .selectFrom('users')
      .select(['totp_secret', 'totp_pending_secret', 'totp_last_step'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(stored.totp_secret).not.toContain(enrolment.secret);
    expect(ctx.app.cipher.decrypt(stored.totp_secret ?? '')).toBe(enrolment.secret);
    expect(stored.totp_pending_secret).toBeNull();
    expect(stored.totp_last_step).toBeGreaterThan(0);

    const actions = (await auditActions(userId)).map((row) => row.action);
    expect(actions).toEqual([
      'session.created',
      'totp.enrolment_failed',
      'totp.enrolment_failed',
      'totp.enrolled',
    ]);
  });

  it.each(['sports_bureau', 'operator', 'security_officer'])(
    'requires enrolment of %s',
    async (accountType) => {
      const username = `totp.required.${accountType}`;
      await createAccount(ctx.db, { username, accountType, divisionCode: CITY });
      const { cookie, me } = await passwordStep(username);
      expect(me.pendingStep).toBe('totp_enrolment');
      expect(me.totp.required).toBe(true);
      const platformUrl =
        accountType === 'operator' ? '/api/operator/accounts' : '/api/console/events';
      expectProblem(
        await as(ctx.app, cookie)({ method: 'GET', url: platformUrl }),
        403,
        'ACC_SECOND_FACTOR_REQUIRED',
      );
    },
  );

  it('asks for the second factor before the password change', async () => {
    const { userId } = await createAccount(ctx.db, {
      username: 'totp.initial',
      accountType: 'committee',
      divisionCode: CITY,
    });
    await ctx.db
      .updateTable('users')
      .set({ must_change_password: true })
      .where('id', '=', userId)
      .execute();
    const { cookie, me } = await passwordStep('totp.initial');
    expect(me.pendingStep).toBe('totp_enrolment');
    expect(me.mustChangePassword).toBe(true);
    const change = {
      method: 'POST' as const,
      url: '/api/me/password',
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'Brand-new-2026' },
    };
    expectProblem(await as(ctx.app, cookie)(change), 403, 'ACC_SECOND_FACTOR_REQUIRED');

    const { confirmed } = await enrol(cookie);
    const complete = cookieOf(confirmed);
    expectProblem(
      await as(ctx.app, complete)({ method: 'GET', url: '/api/console/events' }),
      403,
      'ACC_PASSWORD_CHANGE_REQUIRED',
    );
    const changed = await as(ctx.app, complete)(change);
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().pendingStep).toBeNull();
    const events = await as(
      ctx.app,
      cookieOf(changed),
    )({ method: 'GET', url: '/api/console/events' });
    expect(events.statusCode).toBe(200);
  });
});

describe('sign-in with a one-time code', () => {
  it('waits for the code, then completes the session', async () => {
    const secret = await enrolledAccount('totp.signin', 'committee');
    const { cookie, me } = await passwordStep('totp.signin');
    expect(me.pendingStep).toBe('totp');
    expect(me.menus).toEqual([]);
    expectProblem(
      await as(ctx.app, cookie)({ method: 'GET', url: '/api/dashboard' }),
      403,
      'ACC_SECOND_FACTOR_REQUIRED',
    );
    expectProblem(
      await as(ctx.app, cookie)({ method: 'POST', url: '/api/me/totp/enrolment' }),
      409,
      'ACC_TOTP_NOT_PENDING',
    );

    const verified = await postCode(cookie, await codeAt(secret, 1));
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().pendingStep).toBeNull();
    expect(verified.json().menus).toContain('reviews');
    const complete = cookieOf(verified);
    expect(complete).not.toBe(cookie);
    expect((await as(ctx.app, complete)({ method: 'GET', url: '/api/dashboard' })).statusCode).toBe(
      200,
    );
    expectProblem(await postCode(complete, await codeAt(secret, 1)), 409, 'ACC_TOTP_NOT_PENDING');
  });

  it('rejects a used code and an earlier one', async () => {
    const secret = await enrolledAccount('totp.reuse', 'committee');
    // Enrolment accepted the current step; its code cannot sign in.
    const first = await passwordStep('totp.reuse');
    expectProblem(await postCode(first.cookie, await codeAt(secret)), 409, 'ACC_TOTP_CODE_USED');
    // The waiting session survives a used code, and the next step's code completes it.
    const next = await codeAt(secret, 1);
    expect((await postCode(first.cookie, next)).statusCode).toBe(200);

    const second = await passwordStep('totp.reuse');
    expectProblem(await postCode(second.cookie, next), 409, 'ACC_TOTP_CODE_USED');
    expectProblem(await postCode(second.cookie, await codeAt(secret)), 409, 'ACC_TOTP_CODE_USED');
    expect(
      (await as(ctx.app, second.cookie)({ method: 'GET', url: '/api/me' })).json(),
    ).toMatchObject({ pendingStep: 'totp' });
  });

  it('accepts one of two parallel requests with one code', async () => {
    const secret = await enrolledAccount('totp.parallel', 'sports_bureau');
    const sessions = [await passwordStep('totp.parallel'), await passwordStep('totp.parallel')];
    const code = await codeAt(secret, 1);
    const responses = await Promise.all(sessions.map(({ cookie }) => postCode(cookie, code)));
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 409]);
    const rejected = responses.find((response) => response.statusCode === 409);
    expect(rejected?.json().code).toBe('ACC_TOTP_CODE_USED');
    const complete = await ctx.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select('sessions.pending_step')
      .where('users.username', '=', 'totp.parallel')
      .execute();
    // The enrolment's session, the one that passed, and the other still waiting.
    expect(complete.map((row) => row.pending_step).sort()).toEqual([null, null, 'totp']);
  });
});

describe('lockout', () => {
  it('counts wrong codes with wrong passwords', async () => {
    const secret = await enrolledAccount('totp.lock', 'committee');
    for (let i = 0; i < 2; i += 1) {
      const wrong = await ctx.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username: 'totp.lock', password: WRONG },
      });
      expectProblem(wrong, 401, 'ACC_INVALID_CREDENTIALS');
    }
    // A right password does not clear the count while the code is still missing.
    const { cookie } = await passwordStep('totp.lock');
    expectProblem(await postCode(cookie, '000000'), 400, 'ACC_TOTP_INVALID_CODE');
    expectProblem(await postCode(cookie, '111111'), 400, 'ACC_TOTP_INVALID_CODE');
    const again = await passwordStep('totp.lock');
    expectProblem(await postCode(again.cookie, '222222'), 400, 'ACC_TOTP_INVALID_CODE');

    // The fifth failure locks the username and ends the waiting session.
    expectProblem(
      await as(ctx.app, again.cookie)({ method: 'GET', url: '/api/me' }),
      401,
      'ACC_SESSION_REQUIRED',
    );
    const locked = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'totp.lock', password: TEST_PASSWORD },
    });
    expectProblem(locked, 401, 'ACC_INVALID_CREDENTIALS');
    // The session opened before the lock cannot finish the sign-in with a right code either.
    expectProblem(await postCode(cookie, await codeAt(secret, 1)), 400, 'ACC_TOTP_INVALID_CODE');
    expectProblem(
      await as(ctx.app, cookie)({ method: 'GET', url: '/api/me' }),
      401,
      'ACC_SESSION_REQUIRED',
    );

    const failures = await ctx.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'session.failed')
      .where('entity_type', '=', 'user')
      .where(({ eb, ref }) => eb(ref('detail', '->>').key('username'), '=', 'totp.lock'))
      .execute();
    const reasons = failures.map((row) => (row.detail as { reason: string }).reason);
    expect(reasons.filter((reason) => reason === 'wrong_totp')).toHaveLength(3);
    expect(reasons.filter((reason) => reason === 'wrong_password')).toHaveLength(2);
  });

  it('clears the count after a complete sign-in', async () => {
    const secret = await enrolledAccount('totp.clear', 'committee');
    for (let i = 0; i < 4; i += 1) {
      const { cookie } = await passwordStep('totp.clear');
      expectProblem(await postCode(cookie, '000000'), 400, 'ACC_TOTP_INVALID_CODE');
    }
    const { cookie } = await passwordStep('totp.clear');
    expect((await postCode(cookie, await codeAt(secret, 1))).statusCode).toBe(200);
    for (let i = 0; i < 4; i += 1) {
      const next = await passwordStep('totp.clear');
      expectProblem(await postCode(next.cookie, '000000'), 400, 'ACC_TOTP_INVALID_CODE');
    }
    expect((await passwordStep('totp.clear')).me.pendingStep).toBe('totp');
  });
});

describe('optional enrolment', () => {
  it('lets a contractor enrol and remove it', async () => {
    const { userId } = await createAccount(ctx.db, {
      username: 'totp.optional',
      accountType: 'contractor',
      divisionCode: CITY,
    });
    const { cookie, me } = await passwordStep('totp.optional');
    expect(me.pendingStep).toBeNull();
    expect(me.totp).toEqual({ enrolled: false, required: false });
    expectProblem(
      await as(ctx.app, cookie)({ method: 'DELETE', url: '/api/me/totp', payload: { code: '1' } }),
      409,
      'ACC_TOTP_NOT_ENROLLED',
    );

    const { secret, confirmed } = await enrol(cookie);
    expect(confirmed.json().totp).toEqual({ enrolled: true, required: false });
    // Enrolling from a complete session keeps that session.
    expect(confirmed.cookies.find((c) => c.name === 'sid')).toBeUndefined();
    expect(
      (await as(ctx.app, cookie)({ method: 'GET', url: '/api/console/events' })).statusCode,
    ).toBe(200);
    expectProblem(
      await as(ctx.app, cookie)({ method: 'POST', url: '/api/me/totp/enrolment' }),
      409,
      'ACC_TOTP_ALREADY_ENROLLED',
    );

    const next = await passwordStep('totp.optional');
    expect(next.me.pendingStep).toBe('totp');

    const remove = (code: string) =>
      as(ctx.app, cookie)({ method: 'DELETE', url: '/api/me/totp', payload: { code } });
    expectProblem(await remove('000000'), 400, 'ACC_TOTP_INVALID_CODE');
    // Enrolment used the current step.
    expectProblem(await remove(await codeAt(secret)), 409, 'ACC_TOTP_CODE_USED');
    const removed = await remove(await codeAt(secret, 1));
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().totp).toEqual({ enrolled: false, required: false });
    expect((await passwordStep('totp.optional')).me.pendingStep).toBeNull();
    const actions = (await auditActions(userId)).map((row) => row.action);
    expect(actions).toContain('totp.enrolled');
    expect(actions).toContain('totp.removed');
  });

  it('keeps TOTP of a required type', async () => {
    const secret = await enrolledAccount('totp.keep', 'committee');
    const { cookie } = await passwordStep('totp.keep');
    const complete = cookieOf(await postCode(cookie, await codeAt(secret, 1)));
    expectProblem(
      await as(
        ctx.app,
        complete,
      )({
        method: 'DELETE',
        url: '/api/me/totp',
        payload: { code: await codeAt(secret) },
      }),
      403,
      'ACC_TOTP_REQUIRED',
    );
  });
});
