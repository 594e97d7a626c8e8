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

let ctx: TestContext;
const HOST = 'league.example.test:8080';

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'csrf.user',
    accountType: 'contractor',
    divisionCode: '3101',
  });
});

afterAll(async () => {
  await ctx.close();
});

function postSession(headers: Record<string, string>) {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/session',
    headers: { host: HOST, ...headers },
    payload: { username: 'csrf.user', password: TEST_PASSWORD },
  });
}

describe('cross-site request check', () => {
  it.each([
    ['a foreign Origin', { origin: 'https://attacker.example.test' }],
    ['an Origin on another port', { origin: 'http://league.example.test:9090' }],
    ['Origin null', { origin: 'null' }],
    ['a foreign Referer', { referer: 'https://attacker.example.test/page' }],
    [
      'a foreign Origin despite a matching Referer',
      { origin: 'https://attacker.example.test', referer: `http://${HOST}/console/login` },
    ],
  ])('rejects %s', async (_case, headers) => {
    const response = await postSession(headers);
    expectProblem(response, 403, 'CSRF_REJECTED');
    expect(response.cookies.find((cookie) => cookie.name === 'sid')).toBeUndefined();
  });

  it.each([
    ['the same Origin', { origin: `http://${HOST}` }],
    ['the same Origin in upper case', { origin: `HTTP://${HOST.toUpperCase()}` }],
    ['the same Referer', { referer: `http://${HOST}/console/login` }],
    ['neither header', {}],
  ])('accepts %s', async (_case, headers) => {
    const response = await postSession(headers);
    expect(response.statusCode, response.body).toBe(200);
  });

  it('ignores GET requests', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/sports',
      headers: { host: HOST, origin: 'https://attacker.example.test' },
    });
    expect(response.statusCode).toBe(200);
  });

  it('covers routes of other modules', async () => {
    const cookie = await signIn(ctx.app, 'csrf.user');
    const session = as(ctx.app, cookie);
    const foreign = { host: HOST, origin: 'https://attacker.example.test' };
    const requests = [
      { method: 'POST', url: '/api/console/events', payload: {} },
      { method: 'PATCH', url: '/api/console/events/0190a5e0-0000-7000-8000-000000000000' },
      { method: 'POST', url: '/api/events/0190a5e0-0000-7000-8000-000000000000/registrations' },
      { method: 'DELETE', url: '/api/session' },
    ] as const;
    for (const request of requests) {
      expectProblem(await session({ ...request, headers: foreign }), 403, 'CSRF_REJECTED');
    }
    // The rejected DELETE did not end the session.
    expect((await session({ method: 'GET', url: '/api/me' })).statusCode).toBe(200);
  });
});
