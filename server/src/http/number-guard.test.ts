import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { installNumberGuard } from './number-guard.js';
import { installProblemHandler } from './problem.js';

let app: FastifyInstance;

// A bare app with the server's Ajv options, so the guard is tested without a database.
beforeAll(async () => {
  const server = Fastify({
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  installProblemHandler(server);
  installNumberGuard(server);
  server.post(
    '/things/:id',
    {
      schema: {
        params: Type.Object({ id: Type.Integer() }),
        querystring: Type.Object({
          year: Type.Optional(Type.Integer()),
          q: Type.Optional(Type.String()),
          codes: Type.Optional(Type.Array(Type.Integer())),
        }),
        body: Type.Object({
          parameters: Type.Record(Type.String(), Type.Number()),
          note: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => ({ params: request.params, query: request.query, body: request.body }),
  );
  await server.ready();
  app = server;
});

afterAll(async () => {
  await app?.close();
});

function post(url: string, body: object) {
  return app.inject({ method: 'POST', url, payload: body });
}

describe('number guard', () => {
  it.each(['0x7EA', '0X7ea', '1e3', '+2026', '%202026', '2026%20', '0b11', '0o17'])(
    'rejects year=%s',
    async (year) => {
      const response = await post(`/things/1?year=${year}`, { parameters: {} });
      expect(response.statusCode, response.body).toBe(400);
      const problem = response.json<{ code: string; errors: { field: string; code: string }[] }>();
      expect(problem.code).toBe('VALIDATION_FAILED');
      expect(problem.errors).toEqual([
        {
          field: 'year',
          code: 'type',
          message: 'must be a number in plain decimal digits, such as 2026 or 2.5',
        },
      ]);
    },
  );

  it('rejects a loose number in the path', async () => {
    const response = await post('/things/0x1', { parameters: {} });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].field).toBe('id');
  });

  it('rejects loose number strings in a JSON body', async () => {
    const response = await post('/things/1', {
      parameters: { windowHours: '0x10', factor: '1e2', minCount: '12' },
    });
    expect(response.statusCode).toBe(400);
    const fields = response.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
    expect(fields.sort()).toEqual(['parameters.factor', 'parameters.windowHours']);
  });

  it('rejects a lone loose value for an array', async () => {
    const response = await post('/things/1?codes=0x10', { parameters: {} });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].field).toBe('codes');
  });

  it('accepts plain decimal strings and JSON numbers', async () => {
    const response = await post('/things/7?year=2026&codes=3&codes=4', {
      parameters: { windowHours: '12', factor: '2.25', minCount: 5, offset: '-3' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      params: { id: 7 },
      query: { year: 2026, codes: [3, 4] },
      body: { parameters: { windowHours: 12, factor: 2.25, minCount: 5, offset: -3 } },
    });
  });

  it('leaves strings that stay strings alone', async () => {
    const response = await post('/things/1?q=0x10', { parameters: {}, note: '1e2' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().query).toEqual({ q: '0x10' });
    expect(response.json().body.note).toBe('1e2');
  });
});
