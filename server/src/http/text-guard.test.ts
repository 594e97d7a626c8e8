import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestContext, expectProblem, type TestContext } from '../test/harness.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});

afterAll(async () => {
  await ctx?.close();
});

function postJson(url: string, body: string) {
  return ctx.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: body,
  });
}

describe('text guard', () => {
  it.each([
    [
      'a NUL in a body field',
      '/api/session',
      '{"username":"a\\u0000b","password":"x"}',
      '/body/username',
    ],
    [
      'a lone high surrogate',
      '/api/session',
      '{"username":"测试\\ud800","password":"x"}',
      '/body/username',
    ],
    ['a lone low surrogate', '/api/citizen/sms-codes', '{"phone":"\\udc00138"}', '/body/phone'],
    [
      'a NUL in a key',
      '/api/session',
      '{"username":"a","password":"x","\\u0000":1}',
      '/body/\u0000',
    ],
  ])('rejects %s with a field error', async (_label, url, body, field) => {
    const problem = expectProblem(await postJson(url, body), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toContainEqual({
      field,
      code: 'invalid_character',
      message: 'contains a NUL character or invalid Unicode',
    });
  });

  it.each([
    ['a right-to-left override', '\\u202e'],
    ['a left-to-right embedding', '\\u202a'],
    ['a first-strong isolate', '\\u2068'],
  ])('rejects %s in a name', async (_label, control) => {
    const body = `{"username":"赛事${control}名称","password":"x"}`;
    const problem = expectProblem(await postJson('/api/session', body), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toContainEqual({
      field: '/body/username',
      code: 'direction_control',
      message: 'contains a text-direction control character (U+202A to U+202E, U+2066 to U+2069)',
    });
  });

  it('accepts emoji and the zero-width joiner they use', async () => {
    const response = await postJson(
      '/api/session',
      '{"username":"跑者\\ud83c\\udfc3\\u200d\\u2640","password":"x"}',
    );
    expect(response.json().code).not.toBe('VALIDATION_FAILED');
  });

  it('rejects a NUL in the query string and in a path parameter', async () => {
    const query = await ctx.app.inject({ method: 'GET', url: '/api/divisions?parent=%00' });
    expect(expectProblem(query, 400, 'VALIDATION_FAILED').errors?.[0]?.field).toBe('/query/parent');
    const param = await ctx.app.inject({ method: 'GET', url: '/api/tickets/AB%00CD' });
    expect(expectProblem(param, 400, 'VALIDATION_FAILED').errors?.[0]?.field).toBe('/params/code');
  });

  it('accepts a surrogate pair, such as a rare character outside the basic plane', async () => {
    const response = await postJson('/api/session', '{"username":"𠀀测试","password":"wrong"}');
    expectProblem(response, 401, 'ACC_INVALID_CREDENTIALS');
  });
});

describe('number guard', () => {
  it.each([
    ['/api/events?limit=Infinity', '/query/limit'],
    ['/api/events?limit=1e309', '/query/limit'],
    ['/api/events?maxFeeCents=-Infinity', '/query/maxFeeCents'],
  ])('rejects %s', async (url, field) => {
    const problem = expectProblem(
      await ctx.app.inject({ method: 'GET', url }),
      400,
      'VALIDATION_FAILED',
    );
    expect(problem.errors).toContainEqual({
      field,
      code: 'not_finite',
      message: 'must be a finite number',
    });
  });

  it('accepts Infinity as search text', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/events?q=Infinity' });
    expect(response.statusCode, response.body).toBe(200);
  });
});

describe('router errors', () => {
  it('answers an overlong path segment with problem details', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/tickets/${'A'.repeat(5000)}`,
    });
    const problem = expectProblem(response, 414, 'URL_TOO_LONG');
    expect(problem.detail).toBe('A path segment is longer than 100 characters');
  });
});
