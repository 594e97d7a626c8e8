import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestContext, expectProblem, type TestContext } from '../test/harness.js';
import { signInCitizen } from './citizen-test-support.js';

let ctx: TestContext;
let cookie: string;

beforeAll(async () => {
  ctx = await createTestContext();
  cookie = await signInCitizen(ctx.app, '13800138061', '198.51.100.61');
});

afterAll(async () => {
  await ctx.close();
});

function putPreferences(payload: object, headers: Record<string, string> = { cookie }) {
  return ctx.app.inject({ method: 'PUT', url: '/api/citizen/preferences', payload, headers });
}

async function me() {
  const response = await ctx.app.inject({
    method: 'GET',
    url: '/api/citizen/me',
    headers: { cookie },
  });
  expect(response.statusCode).toBe(200);
  return response.json();
}

describe('PUT /api/citizen/preferences', () => {
  it('starts with no preferences', async () => {
    const profile = await me();
    expect(profile.favouriteSports).toEqual([]);
    expect(profile.districtCode).toBeNull();
  });

  it('stores sports in order and the district', async () => {
    const response = await putPreferences({
      favouriteSports: ['swimming', 'basketball'],
      districtCode: '310104',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().favouriteSports).toEqual(['swimming', 'basketball']);
    const profile = await me();
    expect(profile.favouriteSports).toEqual(['swimming', 'basketball']);
    expect(profile.districtCode).toBe('310104');
  });

  it('records an audit entry', async () => {
    const entries = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('action', '=', 'citizen.preferences_updated')
      .execute();
    expect(entries.length).toBeGreaterThan(0);
  });

  it('clears the district with null', async () => {
    const response = await putPreferences({ favouriteSports: [], districtCode: null });
    expect(response.statusCode).toBe(200);
    expect(response.json().districtCode).toBeNull();
    expect(response.json().favouriteSports).toEqual([]);
  });

  it('rejects unknown and repeated sports', async () => {
    await putPreferences({ favouriteSports: ['go'], districtCode: null });
    const response = await putPreferences({
      favouriteSports: ['running', 'curling', 'running'],
      districtCode: null,
    });
    const problem = expectProblem(response, 400, 'CIT_INVALID_PREFERENCES');
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'favouriteSports/1', code: 'unknown' }),
      expect.objectContaining({ field: 'favouriteSports/2', code: 'repeated' }),
    ]);
    expect((await me()).favouriteSports).toEqual(['go']);
  });

  it('rejects more than ten sports', async () => {
    const sports = [
      'basketball',
      'football',
      'volleyball',
      'tennis',
      'badminton',
      'table_tennis',
      'swimming',
      'running',
      'go',
      'chess',
      'wushu',
    ];
    const response = await putPreferences({ favouriteSports: sports, districtCode: null });
    const problem = expectProblem(response, 400, 'CIT_INVALID_PREFERENCES');
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'favouriteSports', code: 'too_many' }),
    ]);
  });

  it('rejects a street or unknown code as district', async () => {
    for (const districtCode of ['310199', '310104014']) {
      const response = await putPreferences({ favouriteSports: [], districtCode });
      expect(response.statusCode).toBe(400);
    }
    const unknown = await putPreferences({ favouriteSports: [], districtCode: '310199' });
    const problem = expectProblem(unknown, 400, 'CIT_INVALID_PREFERENCES');
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'districtCode', code: 'unknown' }),
    ]);
  });

  it('requires a citizen session', async () => {
    const response = await putPreferences({ favouriteSports: [], districtCode: null }, {});
    expectProblem(response, 401, 'CIT_SESSION_REQUIRED');
  });
});
