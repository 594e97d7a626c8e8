import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  signIn,
  TEST_PASSWORD,
  type TestContext,
} from '../test/harness.js';
import {
  callback,
  cookieOf,
  creditCode,
  loginAtPortal,
  REDIRECT_URI,
  startPortal,
  type PortalProvider,
  type PortalReturn,
} from '../test/portal-flow.js';
import { PORTAL_STARTS_PER_MINUTE } from './portal.routes.js';

let ctx: TestContext;
let portal: PortalProvider;
let operator: string;

const PASSWORD = 'Portal@2026pass';
const CITY = '3101';

beforeAll(async () => {
  const started = await startPortal();
  portal = started.portal;
  ctx = await createTestContext({ environment: started.env });
  await createAccount(ctx.db, {
    username: 'operator1',
    accountType: 'operator',
    divisionCode: CITY,
  });
  operator = await signIn(ctx.app, 'operator1');
});

afterAll(async () => {
  await ctx?.close();
  await portal?.close();
});

let accountCounter = 0;

/** Adds an organisation to the portal and returns its subject and credit code. */
function portalOrganisation(region: string, name: string) {
  accountCounter += 1;
  const subject = `org-${accountCounter}`;
  const code = creditCode(region, `MA1FL${String(accountCounter).padStart(4, '0')}`);
  portal.accounts.set(subject, { credit_code: code, org_name: name });
  return { subject, code, name };
}

/** Logs in at the portal, calls the callback and returns its response. */
async function portalLogin(subject: string) {
  return callback(ctx.app, await loginAtPortal(ctx.app, subject));
}

/** Logs in at the portal as a new organisation and returns its registration cookie. */
async function startRegistration(subject: string): Promise<string> {
  const response = await portalLogin(subject);
  expect(response.statusCode, response.body).toBe(303);
  expect(response.headers.location).toBe('/console/register');
  return `portal_registration=${cookieOf(response, 'portal_registration')}`;
}

function submit(cookie: string, accountType: string, password = PASSWORD) {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/portal/registration',
    headers: { cookie },
    payload: { accountType, password },
  });
}

function passwordSignIn(username: string, password = PASSWORD) {
  return ctx.app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
}

async function auditActions(entityId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('audit_log')
    .select('action')
    .where('entity_id', '=', entityId)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.action);
}

async function countRows(table: 'users' | 'portal_registrations'): Promise<number> {
  const row = await ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function pendingRequest(code: string) {
  const response = await as(
    ctx.app,
    operator,
  )({ method: 'GET', url: '/api/registration-requests' });
  expect(response.statusCode, response.body).toBe(200);
  const found = response
    .json<{ id: string; creditCode: string }[]>()
    .find((request) => request.creditCode === code);
  if (!found) throw new Error(`No pending request for ${code}`);
  return found;
}

describe('portal log-in', () => {
  it('limits the log-ins one address starts', async () => {
    const from = (remoteAddress: string) =>
      ctx.app.inject({ method: 'GET', url: '/api/portal/start', remoteAddress });
    // Without Redis the windows are whole minutes of the clock, so the starts must not cross
    // one. Redis opens a key's window at its first request.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((done) => setTimeout(done, 60_500 - intoMinute));
    for (let i = 0; i < PORTAL_STARTS_PER_MINUTE; i += 1) {
      const started = await from('203.0.113.7');
      expect(started.statusCode).toBe(302);
    }
    const limited = await from('203.0.113.7');
    expect(limited.statusCode).toBe(303);
    expect(limited.headers.location).toBe('/console/register?error=PORTAL_START_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.cookies.find((cookie) => cookie.name === 'portal_login')).toBeUndefined();

    const other = await from('203.0.113.8');
    expect(other.statusCode).toBe(302);
  });

  it('redirects to the portal with state, nonce and an S256 challenge', async () => {
    const start = await ctx.app.inject({ method: 'GET', url: '/api/portal/start' });
    expect(start.statusCode).toBe(302);
    const url = new URL(String(start.headers.location));
    expect(url.origin).toBe(portal.issuer);
    expect(url.searchParams.get('client_id')).toBe('cityleague');
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.has('code_verifier')).toBe(false);

    const cookie = start.cookies.find((c) => c.name === 'portal_login');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.maxAge).toBe(600);
    // The cookie contains a random token, and the verifier stays in the database under its hash.
    const stored = await ctx.db.selectFrom('portal_logins').select(['id', 'state']).execute();
    const login = stored.find((row) => row.state === url.searchParams.get('state'));
    expect(login).toBeDefined();
    expect(login?.id).not.toBe(cookie?.value);
  });

  it('rejects a state that does not match the log-in', async () => {
    const org = portalOrganisation('310104', '测试状态校验有限公司');
    const back = await loginAtPortal(ctx.app, org.subject);
    const tampered = new URLSearchParams(back.query);
    tampered.set('state', 'forged-state-value-0000000000');
    const response = await callback(ctx.app, back, { query: tampered });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/console/register?error=PORTAL_STATE_MISMATCH');
    expect(response.cookies.find((c) => c.name === 'sid')).toBeUndefined();

    // The log-in is used up: the genuine response cannot be replayed afterwards.
    const replay = await callback(ctx.app, back);
    expect(replay.headers.location).toBe('/console/register?error=PORTAL_LOGIN_EXPIRED');
    const failures = await ctx.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'portal.login_failed')
      .execute();
    const codes = failures.map((row) => row.detail.code);
    expect(codes).toContain('PORTAL_STATE_MISMATCH');
    expect(codes).toContain('PORTAL_LOGIN_EXPIRED');
  });

  it('rejects a callback without the log-in cookie', async () => {
    const org = portalOrganisation('310104', '测试无票据有限公司');
    const back = await loginAtPortal(ctx.app, org.subject);
    const response = await callback(ctx.app, back, { loginCookie: null });
    expect(response.headers.location).toBe('/console/register?error=PORTAL_LOGIN_EXPIRED');
  });

  it('needs the PKCE verifier to redeem the code', async () => {
    const org = portalOrganisation('310104', '测试授权码有限公司');
    const back = await loginAtPortal(ctx.app, org.subject);

    // The portal refuses the code without a verifier, so a stolen code alone is useless.
    const discovery = await fetch(`${portal.issuer}/.well-known/openid-configuration`);
    const { token_endpoint: tokenEndpoint } = (await discovery.json()) as {
      token_endpoint: string;
    };
    const stolen = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`cityleague:${portal.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.query.get('code') ?? '',
        redirect_uri: REDIRECT_URI,
      }).toString(),
    });
    expect(stolen.status).toBe(400);
    expect(((await stolen.json()) as { error: string }).error).toBe('invalid_grant');

    // The code is spent now as well; a fresh log-in whose stored verifier does not match the
    // challenge fails the same way at our callback.
    const second = await loginAtPortal(ctx.app, org.subject);
    await sql`update portal_logins set code_verifier = ${'x'.repeat(43)}`.execute(ctx.db);
    const response = await callback(ctx.app, second);
    expect(response.headers.location).toBe('/console/register?error=PORTAL_LOGIN_FAILED');
    expect(await countRows('portal_registrations')).toBe(0);
  });

  it('rejects an invalid credit code claim', async () => {
    const org = portalOrganisation('310104', '测试错误代码有限公司');
    const valid = org.code;
    const wrongCheck = valid.slice(0, 17) + (valid.endsWith('0') ? '1' : '0');
    portal.accounts.set(org.subject, { credit_code: wrongCheck, org_name: org.name });
    const response = await portalLogin(org.subject);
    expect(response.headers.location).toBe('/console/register?error=PORTAL_INVALID_CREDIT_CODE');
    expect(response.cookies.find((c) => c.name === 'portal_registration')).toBeUndefined();
    const rows = await ctx.db
      .selectFrom('portal_registrations')
      .select('id')
      .where('subject', '=', org.subject)
      .execute();
    expect(rows).toEqual([]);
  });

  it('rejects a portal identity without the organisation name claim', async () => {
    const org = portalOrganisation('310104', '测试缺少名称有限公司');
    portal.accounts.set(org.subject, { credit_code: org.code });
    const response = await portalLogin(org.subject);
    expect(response.headers.location).toBe('/console/register?error=PORTAL_CLAIM_MISSING');
  });
});

describe('contractor registration', () => {
  it('creates the account at once and signs in with the local password', async () => {
    const org = portalOrganisation('310104', '测试体育赛事有限公司');
    const cookie = await startRegistration(org.subject);

    const described = await ctx.app.inject({
      method: 'GET',
      url: '/api/portal/registration',
      headers: { cookie },
    });
    expect(described.statusCode).toBe(200);
    expect(described.json()).toMatchObject({
      status: 'started',
      creditCode: org.code,
      organisationName: org.name,
      district: { code: '310104', name: '徐汇区' },
    });

    const weak = await submit(cookie, 'contractor', 'short');
    const problem = expectProblem(weak, 400, 'ACC_WEAK_PASSWORD');
    expect(problem.errors?.map((e) => e.code)).toContain('too_short');
    const withUsername = await submit(cookie, 'contractor', `Aa1!${org.code}`);
    const usernameProblem = expectProblem(withUsername, 400, 'ACC_WEAK_PASSWORD');
    expect(usernameProblem.errors?.map((e) => e.code)).toEqual(['contains_username']);

    const created = await submit(cookie, 'contractor');
    expect(created.statusCode, created.body).toBe(200);
    const body = created.json();
    expect(body.status).toBe('active');
    expect(body.me.user.username).toBe(org.code);
    expect(body.me.user.accountType).toBe('contractor');
    expect(body.me.user.divisionCode).toBe(CITY);
    expect(body.me.user.organisation.name).toBe(org.name);
    expect(body.me.menus).toContain('filing');
    expect(body.me.mustChangePassword).toBe(false);
    expect(cookieOf(created, 'sid')).toMatch(/^[\w-]{43}$/);

    const signedIn = await passwordSignIn(org.code);
    expect(signedIn.statusCode, signedIn.body).toBe(200);

    const user = await ctx.db
      .selectFrom('users')
      .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
      .select(['users.id', 'users.portal_subject', 'organisations.credit_code'])
      .where('users.username', '=', org.code)
      .executeTakeFirstOrThrow();
    expect(user.portal_subject).toBe(org.subject);
    expect(user.credit_code).toBe(org.code);
    expect(await auditActions(user.id)).toEqual(['portal.account_created', 'session.created']);
    const selfCreated = await ctx.db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'actor_ip'])
      .where('entity_id', '=', user.id)
      .where('action', '=', 'portal.account_created')
      .executeTakeFirstOrThrow();
    expect(selfCreated.actor_user_id).toBe(user.id);
    expect(selfCreated.actor_ip).toBe('127.0.0.1');

    // The registration is closed: the cookie no longer continues it.
    const again = await submit(cookie, 'contractor');
    expectProblem(again, 401, 'PORTAL_REGISTRATION_REQUIRED');
  });

  it('signs the second portal log-in into the same account', async () => {
    const org = portalOrganisation('310115', '测试第二次登录有限公司');
    const cookie = await startRegistration(org.subject);
    const created = await submit(cookie, 'contractor');
    expect(created.statusCode, created.body).toBe(200);
    const users = await countRows('users');

    const response = await portalLogin(org.subject);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/console/');
    const me = await ctx.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { cookie: `sid=${cookieOf(response, 'sid')}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.username).toBe(org.code);
    expect(await countRows('users')).toBe(users);
    const userId = me.json().user.id as string;
    expect(await auditActions(userId)).toContain('portal.signed_in');
  });

  it('asks an enrolled user for the one-time code after the portal', async () => {
    const org = portalOrganisation('310115', '测试两步验证有限公司');
    const cookie = await startRegistration(org.subject);
    expect((await submit(cookie, 'contractor')).statusCode).toBe(200);
    await ctx.db
      .updateTable('users')
      .set({ totp_enrolled_at: new Date() })
      .where('username', '=', org.code)
      .execute();

    const response = await portalLogin(org.subject);
    expect(response.statusCode).toBe(303);
    const session = `sid=${cookieOf(response, 'sid')}`;
    const me = await ctx.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { cookie: session },
    });
    expect(me.json().pendingStep).toBe('totp');
    const events = await ctx.app.inject({
      method: 'GET',
      url: '/api/console/events',
      headers: { cookie: session },
    });
    expectProblem(events, 403, 'ACC_SECOND_FACTOR_REQUIRED');
  });

  it('turns a disabled account away at the portal', async () => {
    const org = portalOrganisation('310115', '测试停用账号有限公司');
    const cookie = await startRegistration(org.subject);
    expect((await submit(cookie, 'contractor')).statusCode).toBe(200);
    await ctx.db
      .updateTable('users')
      .set({ disabled_at: new Date() })
      .where('username', '=', org.code)
      .execute();

    const response = await portalLogin(org.subject);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/console/register?error=ACC_ACCOUNT_DISABLED');
    expect(response.cookies.find((c) => c.name === 'sid')).toBeUndefined();
  });

  it('starts one registration for concurrent log-ins of one organisation', async () => {
    const org = portalOrganisation('310104', '测试并发注册有限公司');
    const returns: PortalReturn[] = [];
    for (let i = 0; i < 4; i += 1) returns.push(await loginAtPortal(ctx.app, org.subject));
    const responses = await Promise.all(returns.map((back) => callback(ctx.app, back)));
    for (const response of responses) {
      expect(response.headers.location).toBe('/console/register');
    }
    const rows = await ctx.db
      .selectFrom('portal_registrations')
      .select('id')
      .where('credit_code', '=', org.code)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('rejects the registration steps without a registration cookie', async () => {
    expectProblem(
      await ctx.app.inject({ method: 'GET', url: '/api/portal/registration' }),
      401,
      'PORTAL_REGISTRATION_REQUIRED',
    );
    expectProblem(
      await submit('portal_registration=unknown-token', 'contractor'),
      401,
      'PORTAL_REGISTRATION_REQUIRED',
    );
    expectProblem(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/portal/registration/street-link',
        payload: { username: 'SAGYWTB001', password: TEST_PASSWORD },
      }),
      401,
      'PORTAL_REGISTRATION_REQUIRED',
    );
  });

  it('rejects the street type and unknown types', async () => {
    const org = portalOrganisation('310104', '测试类型校验有限公司');
    const cookie = await startRegistration(org.subject);
    expectProblem(await submit(cookie, 'street'), 400, 'VALIDATION_FAILED');
    expectProblem(await submit(cookie, 'committee'), 400, 'VALIDATION_FAILED');
  });
});

describe('existing organisations', () => {
  it('links an account of the credit code on the first portal log-in', async () => {
    const org = portalOrganisation('310104', '测试已有账号有限公司');
    const { userId, organisationId } = await createAccount(ctx.db, {
      username: 'existing.contractor',
      accountType: 'contractor',
      divisionCode: CITY,
    });
    await ctx.db
      .updateTable('organisations')
      .set({ credit_code: org.code })
      .where('id', '=', organisationId)
      .execute();

    const response = await portalLogin(org.subject);
    expect(response.headers.location).toBe('/console/');
    const user = await ctx.db
      .selectFrom('users')
      .select('portal_subject')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(user.portal_subject).toBe(org.subject);
    expect(await auditActions(userId)).toContain('portal.linked');

    // Another portal identity asserting the same credit code is turned away.
    const other = `${org.subject}-other`;
    portal.accounts.set(other, { credit_code: org.code, org_name: org.name });
    const mismatch = await portalLogin(other);
    expect(mismatch.headers.location).toBe('/console/register?error=PORTAL_SUBJECT_MISMATCH');
  });

  it('keeps city administrators to password sign-in', async () => {
    const org = portalOrganisation('310000', '测试组委会');
    const { organisationId } = await createAccount(ctx.db, {
      username: 'committee.portal',
      accountType: 'committee',
      divisionCode: CITY,
    });
    await ctx.db
      .updateTable('organisations')
      .set({ credit_code: org.code })
      .where('id', '=', organisationId)
      .execute();
    const response = await portalLogin(org.subject);
    expect(response.headers.location).toBe('/console/register?error=PORTAL_ACCOUNT_NOT_ELIGIBLE');
    expect(response.cookies.find((c) => c.name === 'sid')).toBeUndefined();
  });
});

describe('district bureau and association registration', () => {
  it('derives the district from the credit code and waits for approval', async () => {
    const org = portalOrganisation('310115', '上海市浦东新区测试体育局');
    const cookie = await startRegistration(org.subject);
    const pending = await submit(cookie, 'district_bureau');
    expect(pending.statusCode, pending.body).toBe(202);
    expect(pending.json()).toEqual({ status: 'pending' });
    expect(pending.cookies.find((c) => c.name === 'sid')).toBeUndefined();
    expectProblem(await passwordSignIn(org.code), 401, 'ACC_INVALID_CREDENTIALS');
    expectProblem(await submit(cookie, 'contractor'), 409, 'PORTAL_REGISTRATION_CLOSED');

    // A portal log-in while pending shows the request again, without an account.
    const revisit = await portalLogin(org.subject);
    expect(revisit.headers.location).toBe('/console/register');
    const status = await ctx.app.inject({
      method: 'GET',
      url: '/api/portal/registration',
      headers: { cookie: `portal_registration=${cookieOf(revisit, 'portal_registration')}` },
    });
    expect(status.json()).toMatchObject({ status: 'pending', accountType: 'district_bureau' });

    const request = await pendingRequest(org.code);
    expect(request).toMatchObject({
      accountType: 'district_bureau',
      divisionCode: '310115',
      divisionName: '浦东新区',
      organisationName: org.name,
    });
    const approved = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/registration-requests/${request.id}/approve`,
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const { userId } = approved.json<{ userId: string }>();

    const signedIn = await passwordSignIn(org.code);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json().user).toMatchObject({
      accountType: 'district_bureau',
      divisionCode: '310115',
    });
    const portalSignIn = await portalLogin(org.subject);
    expect(portalSignIn.headers.location).toBe('/console/');

    const registrationAudit = await auditActions(request.id);
    expect(registrationAudit).toEqual([
      'portal.registration_started',
      'portal.registration_submitted',
      'portal.registration_resumed',
      'portal.registration_approved',
    ]);
    expect(await auditActions(userId)).toContain('portal.account_created');
    const approvedAudit = await ctx.db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'actor_ip'])
      .where('entity_id', '=', userId)
      .where('action', '=', 'portal.account_created')
      .executeTakeFirstOrThrow();
    expect(approvedAudit.actor_user_id).not.toBeNull();
    expect(approvedAudit.actor_ip).toBe('127.0.0.1');
  });

  it('rejects a district bureau outside Shanghai', async () => {
    const org = portalOrganisation('110105', '测试外省体育局');
    const cookie = await startRegistration(org.subject);
    const described = await ctx.app.inject({
      method: 'GET',
      url: '/api/portal/registration',
      headers: { cookie },
    });
    expect(described.json().district).toBeNull();
    const problem = expectProblem(
      await submit(cookie, 'district_bureau'),
      400,
      'PORTAL_NOT_SHANGHAI_DISTRICT',
    );
    expect(problem.detail).toContain('110105');
  });

  it('rejects a district bureau whose region is the city, not a district', async () => {
    const org = portalOrganisation('310000', '测试市级单位');
    const cookie = await startRegistration(org.subject);
    expectProblem(await submit(cookie, 'district_bureau'), 400, 'PORTAL_NOT_SHANGHAI_DISTRICT');
  });

  it('lets the applicant resubmit after a rejection with a reason', async () => {
    const org = portalOrganisation('310000', '上海市测试社区体育协会');
    const cookie = await startRegistration(org.subject);
    expect((await submit(cookie, 'community_association')).statusCode).toBe(202);
    const request = await pendingRequest(org.code);

    const blank = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/registration-requests/${request.id}/reject`,
      payload: { reason: '   ' },
    });
    expectProblem(blank, 400, 'PORTAL_REASON_REQUIRED');
    const rejected = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/registration-requests/${request.id}/reject`,
      payload: { reason: '请上传协会登记证书后重新提交' },
    });
    expect(rejected.statusCode, rejected.body).toBe(204);
    const hash = await ctx.db
      .selectFrom('portal_registrations')
      .select('password_hash')
      .where('id', '=', request.id)
      .executeTakeFirstOrThrow();
    expect(hash.password_hash).toBeNull();

    const again = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/registration-requests/${request.id}/approve`,
    });
    expectProblem(again, 409, 'PORTAL_REQUEST_NOT_PENDING');

    const revisit = await startRegistration(org.subject);
    const status = await ctx.app.inject({
      method: 'GET',
      url: '/api/portal/registration',
      headers: { cookie: revisit },
    });
    expect(status.json()).toMatchObject({
      status: 'rejected',
      rejectReason: '请上传协会登记证书后重新提交',
    });
    expect((await submit(revisit, 'community_association')).statusCode).toBe(202);
    expect((await pendingRequest(org.code)).id).toBe(request.id);
  });

  it('lets one of two concurrent approvals win', async () => {
    const org = portalOrganisation('310000', '上海市测试并发协会');
    const cookie = await startRegistration(org.subject);
    expect((await submit(cookie, 'community_association')).statusCode).toBe(202);
    const request = await pendingRequest(org.code);
    const users = await countRows('users');
    const responses = await Promise.all(
      [0, 1, 2].map(() =>
        as(
          ctx.app,
          operator,
        )({
          method: 'POST',
          url: `/api/registration-requests/${request.id}/approve`,
        }),
      ),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 409, 409]);
    for (const response of responses.filter((r) => r.statusCode === 409)) {
      expectProblem(response, 409, 'PORTAL_REQUEST_NOT_PENDING');
    }
    expect(await countRows('users')).toBe(users + 1);
  });

  it('answers an unknown request with PORTAL_REQUEST_NOT_FOUND', async () => {
    const response = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: '/api/registration-requests/0190a0a0-0000-7000-8000-000000000000/approve',
    });
    expectProblem(response, 404, 'PORTAL_REQUEST_NOT_FOUND');
  });
});

describe('preset street link', () => {
  async function presetStreet(number: number, divisionCode: string) {
    const username = `SAGYWTB${String(number).padStart(3, '0')}`;
    const { userId, organisationId } = await createAccount(ctx.db, {
      username,
      accountType: 'street',
      divisionCode,
      organisation: '徐家汇街道办事处',
    });
    await ctx.db
      .updateTable('users')
      .set({ preset_number: number, must_change_password: true })
      .where('id', '=', userId)
      .execute();
    return { username, userId, organisationId };
  }

  function link(cookie: string, username: string, password: string) {
    return ctx.app.inject({
      method: 'POST',
      url: '/api/portal/registration/street-link',
      headers: { cookie },
      payload: { username, password },
    });
  }

  it('links a preset account after checking its password', async () => {
    const street = await presetStreet(1, '310104014');
    const org = portalOrganisation('310104', '上海市徐汇区人民政府徐家汇街道办事处');
    const cookie = await startRegistration(org.subject);

    expectProblem(
      await link(cookie, street.username, 'Wrong@2026pass'),
      401,
      'ACC_INVALID_CREDENTIALS',
    );
    expectProblem(await link(cookie, 'contractor', TEST_PASSWORD), 400, 'PORTAL_NOT_PRESET_STREET');
    const unlinked = await ctx.db
      .selectFrom('users')
      .select('portal_subject')
      .where('id', '=', street.userId)
      .executeTakeFirstOrThrow();
    expect(unlinked.portal_subject).toBeNull();

    const linked = await link(cookie, street.username.toLowerCase(), TEST_PASSWORD);
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().user.username).toBe(street.username);
    expect(linked.json().user.organisation.name).toBe(org.name);
    // The preset account keeps its initial password until the user sets a local one.
    expect(linked.json().mustChangePassword).toBe(true);

    const organisation = await ctx.db
      .selectFrom('organisations')
      .select(['name', 'credit_code'])
      .where('id', '=', street.organisationId)
      .executeTakeFirstOrThrow();
    expect(organisation).toEqual({ name: org.name, credit_code: org.code });
    expect(await auditActions(street.userId)).toContain('portal.street_linked');

    const portalSignIn = await portalLogin(org.subject);
    expect(portalSignIn.headers.location).toBe('/console/');
    const me = await ctx.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { cookie: `sid=${cookieOf(portalSignIn, 'sid')}` },
    });
    expect(me.json().user.username).toBe(street.username);
  });

  it('refuses a preset account that is linked already', async () => {
    const street = await presetStreet(2, '310115005');
    await ctx.db
      .updateTable('users')
      .set({ portal_subject: 'someone-else' })
      .where('id', '=', street.userId)
      .execute();
    const org = portalOrganisation('310115', '上海市浦东新区人民政府陆家嘴街道办事处');
    const cookie = await startRegistration(org.subject);
    expectProblem(await link(cookie, street.username, TEST_PASSWORD), 409, 'PORTAL_ACCOUNT_LINKED');
    const sessions = await ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', street.userId)
      .execute();
    expect(sessions).toEqual([]);
  });
});

describe('portal switched off', () => {
  it('reports itself off and refuses to start', async () => {
    const off = await createTestContext();
    try {
      const status = await off.app.inject({ method: 'GET', url: '/api/portal' });
      expect(status.json()).toEqual({ enabled: false });
      expectProblem(
        await off.app.inject({ method: 'GET', url: '/api/portal/start' }),
        404,
        'PORTAL_DISABLED',
      );
      expectProblem(
        await off.app.inject({ method: 'GET', url: '/api/portal/callback?code=x&state=y' }),
        404,
        'PORTAL_DISABLED',
      );
    } finally {
      await off.close();
    }
    const on = await ctx.app.inject({ method: 'GET', url: '/api/portal' });
    expect(on.json()).toEqual({ enabled: true });
  });
});
