import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestContext, expectProblem, type TestContext } from '../test/harness.js';
import {
  citizenCookieOf,
  deliverOutbox,
  latestCode,
  postCode,
  requestCode,
  signInCitizen,
  withoutResendWait,
} from './citizen-test-support.js';

let ctx: TestContext;
let nextAddress = 1;

/** Returns a fresh client address, so that one test's per-address limit spares the others. */
function address(): string {
  nextAddress += 1;
  return `192.0.2.${nextAddress}`;
}

beforeAll(async () => {
  ctx = await createTestContext();
});

afterAll(async () => {
  await ctx.close();
});

async function codeRows(phone: string) {
  return ctx.db
    .selectFrom('sms_codes')
    .selectAll()
    .where('phone_hash', '=', ctx.app.cipher.hash(phone))
    .orderBy('created_at')
    .execute();
}

async function citizenCount(phone: string) {
  const rows = await ctx.db
    .selectFrom('citizens')
    .select('id')
    .where('phone_hash', '=', ctx.app.cipher.hash(phone))
    .execute();
  return rows.length;
}

function wrongCodeFor(code: string): string {
  return code === '000000' ? '000001' : '000000';
}

describe('code request', () => {
  it('issues a 6-digit code valid five minutes', async () => {
    const phone = '13800138001';
    const response = await requestCode(ctx.app, phone, address());
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toEqual({ expiresInSeconds: 300, resendAfterSeconds: 60 });

    const [row] = await codeRows(phone);
    expect(row).toBeDefined();
    const lifetime = new Date(row!.expires_at).getTime() - new Date(row!.created_at).getTime();
    expect(lifetime).toBe(5 * 60_000);
    expect(row!.consumed_at).toBeNull();
    expect(row!.failed_attempts).toBe(0);

    await deliverOutbox(ctx.app);
    const code = await latestCode(ctx.app, phone);
    expect(code).toMatch(/^\d{6}$/);
    expect(row!.code_hash).not.toContain(code);
  });

  it('normalises +86, spaces and full-width digits', async () => {
    const remoteAddress = address();
    const response = await requestCode(ctx.app, '+86 １３８ ００１３ ８００２', remoteAddress);
    expect(response.statusCode, response.body).toBe(202);
    expect(await codeRows('13800138002')).toHaveLength(1);
    await deliverOutbox(ctx.app);
    const code = await latestCode(ctx.app, '13800138002');
    const signedIn = await postCode(ctx.app, '138 0013 8002', code, remoteAddress);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
  });

  it.each([
    ['12345678901', 'prefix'],
    ['1380013800', 'length'],
    ['1380013800a', 'character'],
  ])('rejects %s as %s', async (phone, reason) => {
    const problem = expectProblem(
      await requestCode(ctx.app, phone, address()),
      400,
      'CIT_INVALID_PHONE',
    );
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'phone', code: reason })]);
  });

  it('rejects a second code within a minute', async () => {
    const phone = '13800138003';
    expect((await requestCode(ctx.app, phone, address())).statusCode).toBe(202);
    const response = await requestCode(ctx.app, phone, address());
    const problem = expectProblem(response, 429, 'CIT_SMS_CODE_RESEND_WAIT');
    const retryAfter = Number(response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(50);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(problem.detail).toContain(`${retryAfter} seconds`);
    expect(await codeRows(phone)).toHaveLength(1);
  });

  it('accepts many numbers from one address', async () => {
    const remoteAddress = address();
    for (let i = 0; i < 12; i += 1) {
      const phone = `139001390${String(i).padStart(2, '0')}`;
      const response = await requestCode(ctx.app, phone, remoteAddress);
      expect(response.statusCode, response.body).toBe(202);
    }
  });

  it('accepts exactly one of ten parallel requests for one number', async () => {
    const phone = '13800138005';
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => requestCode(ctx.app, phone, address())),
    );
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 202)).toHaveLength(1);
    expect(statuses.filter((status) => status === 429)).toHaveLength(9);
    expect(await codeRows(phone)).toHaveLength(1);
  });
});

describe('code sign-in', () => {
  it('creates the citizen on first sign-in and sets a 30-day cookie', async () => {
    const phone = '13800138010';
    const remoteAddress = address();
    await requestCode(ctx.app, phone, remoteAddress);
    await deliverOutbox(ctx.app);
    expect(await citizenCount(phone)).toBe(0);

    const response = await postCode(
      ctx.app,
      phone,
      await latestCode(ctx.app, phone),
      remoteAddress,
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ phoneMasked: '138****8010', realName: null });
    expect(await citizenCount(phone)).toBe(1);

    const cookie = response.cookies.find((c) => c.name === 'csid');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.path).toBe('/');
    const days = (new Date(cookie!.expires!).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const me = await ctx.app.inject({
      method: 'GET',
      url: '/api/citizen/me',
      headers: { cookie: citizenCookieOf(response) },
    });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ phoneMasked: '138****8010' });
  });

  it('signs an existing citizen into the same record', async () => {
    const phone = '13800138011';
    const first = await signInCitizen(ctx.app, phone, address());
    const second = await withoutResendWait(ctx.app, () => signInCitizen(ctx.app, phone, address()));
    expect(first).not.toBe(second);
    expect(await citizenCount(phone)).toBe(1);
    const ids = await Promise.all(
      [first, second].map(async (cookie) => {
        const me = await ctx.app.inject({
          method: 'GET',
          url: '/api/citizen/me',
          headers: { cookie },
        });
        return me.json<{ id: string }>().id;
      }),
    );
    expect(ids[0]).toBe(ids[1]);
  });

  it('uses a code once', async () => {
    const phone = '13800138012';
    const remoteAddress = address();
    await requestCode(ctx.app, phone, remoteAddress);
    await deliverOutbox(ctx.app);
    const code = await latestCode(ctx.app, phone);
    expect((await postCode(ctx.app, phone, code, remoteAddress)).statusCode).toBe(200);
    expectProblem(await postCode(ctx.app, phone, code, remoteAddress), 401, 'CIT_INVALID_SMS_CODE');
  });

  it('gives one session to two parallel sign-ins with one code', async () => {
    const phone = '13800138013';
    const remoteAddress = address();
    await requestCode(ctx.app, phone, remoteAddress);
    await deliverOutbox(ctx.app);
    const code = await latestCode(ctx.app, phone);
    const responses = await Promise.all([
      postCode(ctx.app, phone, code, remoteAddress),
      postCode(ctx.app, phone, code, remoteAddress),
    ]);
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 401]);
    const citizen = await ctx.db
      .selectFrom('citizens')
      .select('id')
      .where('phone_hash', '=', ctx.app.cipher.hash(phone))
      .executeTakeFirstOrThrow();
    const sessions = await ctx.db
      .selectFrom('citizen_sessions')
      .select('id')
      .where('citizen_id', '=', citizen.id)
      .execute();
    expect(sessions).toHaveLength(1);
  });

  it('rejects an expired code like a wrong one', async () => {
    const phone = '13800138014';
    const remoteAddress = address();
    await requestCode(ctx.app, phone, remoteAddress);
    await deliverOutbox(ctx.app);
    const code = await latestCode(ctx.app, phone);
    await ctx.db
      .updateTable('sms_codes')
      .set({
        created_at: sql`now() - interval '5 minutes 1 second'`,
        expires_at: sql`now() - interval '1 second'`,
      } as never)
      .where('phone_hash', '=', ctx.app.cipher.hash(phone))
      .execute();

    const expired = expectProblem(
      await postCode(ctx.app, phone, code, remoteAddress),
      401,
      'CIT_INVALID_SMS_CODE',
    );
    const wrong = expectProblem(
      await postCode(ctx.app, phone, wrongCodeFor(code), remoteAddress),
      401,
      'CIT_INVALID_SMS_CODE',
    );
    expect(expired.detail).toBe(wrong.detail);
    expect(await citizenCount(phone)).toBe(0);
  });

  it('accepts a code just before it expires', async () => {
    const phone = '13800138015';
    const remoteAddress = address();
    await requestCode(ctx.app, phone, remoteAddress);
    await deliverOutbox(ctx.app);
    await ctx.db
      .updateTable('sms_codes')
      .set({
        created_at: sql`now() - interval '4 minutes 50 seconds'`,
        expires_at: sql`now() + interval '10 seconds'`,
      } as never)
      .where('phone_hash', '=', ctx.app.cipher.hash(phone))
      .execute();
    const response = await postCode(
      ctx.app,
      phone,
      await latestCode(ctx.app, phone),
      remoteAddress,
    );
    expect(response.statusCode, response.body).toBe(200);
  });

  it('burns a code after five wrong tries', async () => {
    const phone = '13800138016';
    const remoteAddress = address();
    await requestCode(ctx.app, phone, remoteAddress);
    await deliverOutbox(ctx.app);
    const code = await latestCode(ctx.app, phone);
    for (let i = 0; i < 4; i += 1) {
      expectProblem(
        await postCode(ctx.app, phone, wrongCodeFor(code), remoteAddress),
        401,
        'CIT_INVALID_SMS_CODE',
      );
    }
    expectProblem(
      await postCode(ctx.app, phone, wrongCodeFor(code), remoteAddress),
      401,
      'CIT_SMS_CODE_BURNT',
    );
    const [row] = await codeRows(phone);
    expect(row!.failed_attempts).toBe(5);
    expectProblem(await postCode(ctx.app, phone, code, remoteAddress), 401, 'CIT_SMS_CODE_BURNT');
    expect(await citizenCount(phone)).toBe(0);
  });

  it('still accepts the right code after four wrong tries', async () => {
    const phone = '13800138017';
    const remoteAddress = address();
    await requestCode(ctx.app, phone, remoteAddress);
    await deliverOutbox(ctx.app);
    const code = await latestCode(ctx.app, phone);
    for (let i = 0; i < 4; i += 1) {
      await postCode(ctx.app, phone, wrongCodeFor(code), remoteAddress);
    }
    expect((await postCode(ctx.app, phone, code, remoteAddress)).statusCode).toBe(200);
  });

  it('counts at most five of ten parallel wrong tries', async () => {
    const phone = '13800138018';
    const remoteAddress = address();
    await requestCode(ctx.app, phone, remoteAddress);
    await deliverOutbox(ctx.app);
    const code = await latestCode(ctx.app, phone);
    await Promise.all(
      Array.from({ length: 10 }, () => postCode(ctx.app, phone, wrongCodeFor(code), remoteAddress)),
    );
    const [row] = await codeRows(phone);
    expect(row!.failed_attempts).toBe(5);
  });

  it('accepts only the newest code of a number', async () => {
    const phone = '13800138019';
    const remoteAddress = address();
    await requestCode(ctx.app, phone, remoteAddress);
    await deliverOutbox(ctx.app);
    const first = await latestCode(ctx.app, phone);
    await withoutResendWait(ctx.app, () => requestCode(ctx.app, phone, remoteAddress));
    await deliverOutbox(ctx.app);
    const second = await latestCode(ctx.app, phone);
    if (first !== second) {
      expectProblem(
        await postCode(ctx.app, phone, first, remoteAddress),
        401,
        'CIT_INVALID_SMS_CODE',
      );
    }
    expect((await postCode(ctx.app, phone, second, remoteAddress)).statusCode).toBe(200);
  });

  it('rejects a code sent for another number', async () => {
    const remoteAddress = address();
    await requestCode(ctx.app, '13800138020', remoteAddress);
    await requestCode(ctx.app, '13800138021', remoteAddress);
    await deliverOutbox(ctx.app);
    const code = await latestCode(ctx.app, '13800138020');
    expectProblem(
      await postCode(ctx.app, '13800138021', code, remoteAddress),
      401,
      'CIT_INVALID_SMS_CODE',
    );
  });

  it.each(['12345', '1234567', 'abcdef', ' '])('rejects malformed code %j', async (code) => {
    const phone = '13800138022';
    const remoteAddress = address();
    await requestCode(ctx.app, phone, remoteAddress);
    expectProblem(await postCode(ctx.app, phone, code, remoteAddress), 401, 'CIT_INVALID_SMS_CODE');
  });

  it('accepts a code typed in full-width digits', async () => {
    const phone = '13800138024';
    const remoteAddress = address();
    await requestCode(ctx.app, phone, remoteAddress);
    await deliverOutbox(ctx.app);
    const code = await latestCode(ctx.app, phone);
    const fullWidth = Array.from(code, (digit) =>
      String.fromCharCode(digit.charCodeAt(0) + 0xfee0),
    ).join('');
    const response = await postCode(ctx.app, phone, ` ${fullWidth} `, remoteAddress);
    expect(response.statusCode, response.body).toBe(200);
  });

  it('records sign-ins in the audit log without personal data', async () => {
    const phone = '13800138023';
    await signInCitizen(ctx.app, phone, address());
    const rows = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'citizen.signed_in')
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(phone);
    // Ids and chain hashes are hex and may contain any four digits, so only the written
    // content is searched for the number's last four.
    const content = JSON.stringify(rows.map((row) => [row.detail, row.changes, row.user_agent]));
    expect(content).not.toContain('8023');
  });
});

describe('citizen session', () => {
  it('ends at sign-out', async () => {
    const cookie = await signInCitizen(ctx.app, '13800138030', address());
    const out = await ctx.app.inject({
      method: 'DELETE',
      url: '/api/citizen/session',
      headers: { cookie },
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'csid')?.value).toBe('');
    const me = await ctx.app.inject({ method: 'GET', url: '/api/citizen/me', headers: { cookie } });
    expectProblem(me, 401, 'CIT_SESSION_REQUIRED');
    const revoked = await ctx.db
      .selectFrom('citizen_sessions')
      .select('revoked_at')
      .where('revoked_at', 'is not', null)
      .execute();
    expect(revoked.length).toBeGreaterThan(0);
  });

  it('answers sign-out without a session with 204', async () => {
    const out = await ctx.app.inject({ method: 'DELETE', url: '/api/citizen/session' });
    expect(out.statusCode).toBe(204);
  });

  it('ends after 30 days', async () => {
    const cookie = await signInCitizen(ctx.app, '13800138031', address());
    const me = () => ctx.app.inject({ method: 'GET', url: '/api/citizen/me', headers: { cookie } });
    expect((await me()).statusCode).toBe(200);
    await sql`
      update citizen_sessions set expires_at = now() - interval '1 second'
      where citizen_id = (select id from citizens where phone_hash = ${ctx.app.cipher.hash('13800138031')})
    `.execute(ctx.db);
    expectProblem(await me(), 401, 'CIT_SESSION_REQUIRED');
  });

  it('stores the token hash, not the token', async () => {
    const cookie = await signInCitizen(ctx.app, '13800138032', address());
    const token = cookie.replace(/^csid=/, '');
    const rows = await ctx.db.selectFrom('citizen_sessions').select('id').execute();
    expect(rows.map((row) => row.id)).not.toContain(token);
  });

  it('rejects a console session cookie on citizen routes', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/citizen/me',
      headers: { cookie: 'sid=not-a-citizen-token' },
    });
    expectProblem(response, 401, 'CIT_SESSION_REQUIRED');
  });

  it('rejects a citizen cookie on console routes', async () => {
    const cookie = await signInCitizen(ctx.app, '13800138033', address());
    const token = cookie.replace(/^csid=/, '');
    for (const header of [cookie, `sid=${token}`]) {
      const response = await ctx.app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { cookie: header },
      });
      expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
    }
  });
});
