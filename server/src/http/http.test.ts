import { gzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../app.js';
import { loggableError } from './problem.js';
import {
  createAccount,
  createTestContext,
  expectProblem,
  signIn,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;
let cookie: string;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'http.bureau',
    accountType: 'sports_bureau',
    divisionCode: '3101',
  });
  cookie = await signIn(ctx.app, 'http.bureau');
});

afterAll(async () => {
  await ctx.close();
});

describe('operations endpoints', () => {
  it('answers /healthz', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('exposes request durations', async () => {
    await ctx.app.inject({ method: 'GET', url: '/healthz' });
    const response = await ctx.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(response.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]/,
    );
    expect(response.body).toContain('process_cpu_user_seconds_total');
  });

  it('labels unmatched routes', async () => {
    await ctx.app.inject({ method: 'GET', url: '/api/no-such-route' });
    const response = await ctx.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} [1-9]/,
    );
    expect(response.body).not.toContain('no-such-route');
  });

  it('serves the API docs page with a viewport', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain(
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
    );
  });

  it('serves the OpenAPI document', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const spec = response.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.info.title).toBe('cityleague API');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/events',
        '/api/events/{id}',
        '/api/events/{id}/registrations',
        '/api/console/events',
        '/api/reviews/{eventId}/approve',
        '/api/dashboard',
        '/api/divisions',
      ]),
    );
    expect(spec.paths['/api/events'].get).toBeDefined();
    expect(spec.paths['/metrics']).toBeUndefined();
  });

  it('documents error responses and the session cookie', async () => {
    const spec = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const approve = spec.paths['/api/reviews/{eventId}/approve'].post;
    expect(Object.keys(approve.responses)).toEqual(expect.arrayContaining(['200', '4XX', '5XX']));
    expect(approve.security).toEqual([{ sessionCookie: [] }]);
    expect(spec.components.securitySchemes.sessionCookie).toMatchObject({ in: 'cookie' });
    expect(spec.paths['/api/events'].get.security).toBeUndefined();
    expect(Object.keys(spec.paths['/api/session'].delete.responses)).toContain('204');
  });
});

describe('request ids', () => {
  it('echoes x-request-id', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'req-test-00000001' },
    });
    expect(response.headers['x-request-id']).toBe('req-test-00000001');
  });

  it('puts the echoed id in problems', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/nope',
      headers: { 'x-request-id': 'req-test-00000002' },
    });
    const problem = expectProblem(response, 404, 'NOT_FOUND');
    expect(problem.requestId).toBe('req-test-00000002');
  });

  it.each(['short', 'has spaces in it', 'x'.repeat(65), 'semi;colon;header'])(
    'replaces the unsafe id %j',
    async (incoming) => {
      const response = await ctx.app.inject({
        method: 'GET',
        url: '/healthz',
        headers: { 'x-request-id': incoming },
      });
      expect(response.headers['x-request-id']).toMatch(UUID);
    },
  );

  it('generates an id without one', async () => {
    const first = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    const second = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });
});

describe('problem responses', () => {
  it('answers an unknown /api route', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/nope?x=1' });
    const problem = expectProblem(response, 404, 'NOT_FOUND');
    expect(problem.detail).toBe('Route GET /api/nope not found');
    expect(problem.requestId).toEqual(expect.any(String));
    expect(problem.instance).toBe('/api/nope?x=1');
  });

  it('returns 405 for a wrong method', async () => {
    const response = await ctx.app.inject({ method: 'PUT', url: '/api/divisions' });
    const problem = expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
    expect(problem.detail).toBe('Method PUT is not allowed on /api/divisions');
    expect(response.headers.allow).toBe('GET, HEAD');
  });

  it('lists every method of a path with a parameter', async () => {
    const url = '/api/events/0190a5e0-0000-7000-8000-000000000000/registrations?x=1';
    const response = await ctx.app.inject({ method: 'PUT', url });
    const problem = expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
    expect(problem.instance).toBe(url);
    expect(response.headers.allow).toBe('POST');
  });

  it('returns 405 for DELETE on a collection', async () => {
    const response = await ctx.app.inject({ method: 'DELETE', url: '/api/events' });
    expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.allow).toBe('GET, HEAD');
  });

  it.each(['HEAD', 'OPTIONS'] as const)(
    'returns 405 for %s on a POST-only path',
    async (method) => {
      const response = await ctx.app.inject({ method, url: '/api/citizen/sms-codes' });
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe('POST');
    },
  );

  it('keeps 404 for an unknown path with any method', async () => {
    const response = await ctx.app.inject({ method: 'DELETE', url: '/api/nope' });
    expectProblem(response, 404, 'NOT_FOUND');
    expect(response.headers.allow).toBeUndefined();
  });

  it('answers a page path without web build', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/events/123' });
    expectProblem(response, 404, 'NOT_FOUND');
  });

  it('rejects a malformed JSON body', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": "http.bureau", ',
    });
    const problem = expectProblem(response, 400, 'INVALID_JSON');
    expect(JSON.stringify(problem)).not.toContain('at JSON.parse');
  });

  it('rejects an empty JSON body', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expectProblem(response, 400, 'INVALID_JSON');
  });

  it('rejects an unsupported media type', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'text/csv' },
      payload: 'username,password',
    });
    expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejects a compressed body', async () => {
    const body = gzipSync(JSON.stringify({ username: 'http.bureau', password: 'secret' }));
    for (const encoding of ['gzip', ' GZIP ', 'br', 'deflate, gzip']) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        payload: body,
      });
      expectProblem(response, 415, 'UNSUPPORTED_CONTENT_ENCODING');
      expect(response.json().detail).toContain(encoding.trim().toLowerCase());
    }
    const identity = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'application/json', 'content-encoding': 'identity' },
      payload: { username: 'http.bureau', password: 'wrong password' },
    });
    expectProblem(identity, 401, 'ACC_INVALID_CREDENTIALS');
  });

  it('rejects a plain-text body', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'text/plain' },
      payload: 'username=http.bureau',
    });
    expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejects a body over 256 KiB', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'http.bureau', password: 'x'.repeat(300 * 1024) },
    });
    expectProblem(response, 413, 'REQUEST_TOO_LARGE');
  });

  const eventId = '0190a5e0-0000-7000-8000-000000000000';
  const cases: [string, InjectOptions, number, string, boolean][] = [
    ['unknown route', { method: 'GET', url: '/api/nope' }, 404, 'NOT_FOUND', false],
    [
      'bad query',
      { method: 'GET', url: '/api/divisions?level=x' },
      400,
      'VALIDATION_FAILED',
      false,
    ],
    ['no session', { method: 'GET', url: '/api/me' }, 401, 'ACC_SESSION_REQUIRED', false],
    [
      'bad credentials',
      { method: 'POST', url: '/api/session', payload: { username: 'x', password: 'y' } },
      401,
      'ACC_INVALID_CREDENTIALS',
      false,
    ],
    [
      'unknown event',
      { method: 'GET', url: `/api/events/${eventId}` },
      404,
      'EVT_NOT_FOUND',
      false,
    ],
    [
      'filing not allowed',
      { method: 'POST', url: '/api/console/events', payload: eventBody() },
      403,
      'EVT_FILING_NOT_ALLOWED',
      true,
    ],
    [
      'unknown division',
      { method: 'GET', url: '/api/dashboard?division=310199' },
      404,
      'DIV_NOT_FOUND',
      true,
    ],
    [
      'unknown event in review',
      { method: 'POST', url: `/api/reviews/${eventId}/approve` },
      404,
      'EVT_NOT_FOUND',
      true,
    ],
    [
      'malformed JSON',
      {
        method: 'POST',
        url: '/api/session',
        headers: { 'content-type': 'application/json' },
        payload: '{',
      },
      400,
      'INVALID_JSON',
      false,
    ],
  ];

  it.each(cases)('shapes the %s problem', async (_label, options, status, code, signedIn) => {
    const headers = { ...options.headers, ...(signedIn ? { cookie } : {}) };
    const response = await ctx.app.inject({ ...options, headers });
    const problem = expectProblem(response, status, code);
    for (const member of ['type', 'title', 'status', 'code', 'requestId']) {
      expect(problem, member).toHaveProperty(member);
    }
    expect(problem.requestId).toMatch(UUID);
    expect(response.body).not.toMatch(/\bat .+\.(js|ts):\d+/);
  });

  it('lists field errors of a validation problem', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: '' },
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.detail).toEqual(expect.stringMatching(/^Invalid body: /));
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: 'username', code: 'minLength', message: expect.any(String) },
        { field: 'password', code: 'required', message: expect.any(String) },
      ]),
    );
  });
});

function eventBody() {
  const now = Date.now();
  return {
    name: '测试赛事',
    sport: 'running',
    level: 'city',
    section: 'league_event',
    divisionCode: '310104',
    venue: '测试场地',
    startsAt: new Date(now + 72 * 3600_000).toISOString(),
    endsAt: new Date(now + 76 * 3600_000).toISOString(),
    capacity: 10,
    registrationOpensAt: new Date(now - 3600_000).toISOString(),
    registrationClosesAt: new Date(now + 48 * 3600_000).toISOString(),
  };
}

describe('internal errors', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await buildApp(ctx.config, ctx.db);
    app.get('/api/test-failure', async () => {
      throw new Error('connection string postgres://secret@db leaked');
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('hides the internals of a 500', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/test-failure' });
    const problem = expectProblem(response, 500, 'INTERNAL_ERROR');
    expect(problem.title).toBe('Internal Server Error');
    expect(problem.detail).toBeUndefined();
    expect(response.body).not.toContain('secret');
    expect(response.body).not.toContain('postgres://');
  });
});

describe('web apps', () => {
  let app: FastifyInstance;
  let webDir: string;

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'cityleague-web-'));
    mkdirSync(join(webDir, 'console'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>citizens</title>');
    writeFileSync(join(webDir, 'console', 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(webDir, 'app.js'), 'console.log(1);');
    app = await buildApp({ ...ctx.config, webDir }, ctx.db);
  });

  afterAll(async () => {
    await app.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('serves the citizens app at /', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>citizens</title>');
  });

  it('serves a client route of the citizens app', async () => {
    const response = await app.inject({ method: 'GET', url: '/events/123' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toContain('<title>citizens</title>');
  });

  it('sends security headers with pages', async () => {
    const response = await app.inject({ method: 'GET', url: '/events/123' });
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves a client route of the console', async () => {
    const response = await app.inject({ method: 'GET', url: '/console/reviews' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>console</title>');
  });

  it('serves a static file', async () => {
    const response = await app.inject({ method: 'GET', url: '/app.js' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('console.log(1);');
  });

  it('answers a missing file with a problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/missing.js' });
    expectProblem(response, 404, 'NOT_FOUND');
  });

  it('answers an unknown /api route with a problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/nope' });
    expectProblem(response, 404, 'NOT_FOUND');
  });

  it('returns 405 for a wrong API method', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/citizen/sms-codes' });
    expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.allow).toBe('POST');
  });

  it('keeps 404 for an unknown path with another method', async () => {
    const response = await app.inject({ method: 'DELETE', url: '/api/nope' });
    expectProblem(response, 404, 'NOT_FOUND');
    expect(response.headers.allow).toBeUndefined();
  });

  it('keeps the API working', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/divisions/310104' });
    expect(response.statusCode).toBe(200);
    expect(response.json().name).toBe('徐汇区');
  });
});

describe('loggableError', () => {
  it('drops the query and parameters a database error carries', () => {
    const error = Object.assign(new Error('insert failed'), {
      code: '23514',
      query: 'insert into events (contact_phone) values ($1)',
      params: ['13800138123', '测试联系人'],
      detail: 'Failing row contains (13800138123)',
    });
    const logged = JSON.stringify(loggableError(new Error('wrapped', { cause: error })));
    expect(logged).toContain('insert failed');
    expect(logged).toContain('23514');
    expect(logged).not.toContain('13800138123');
    expect(logged).not.toContain('测试联系人');
    expect(logged).not.toContain('contact_phone');
  });

  it('describes a thrown value that is not an error', () => {
    expect(loggableError('13800138123')).toEqual({
      type: 'string',
      message: 'non-error value thrown',
    });
  });
});
