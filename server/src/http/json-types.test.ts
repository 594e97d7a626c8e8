import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { rejectCoercedBodyTypes } from './json-types.js';
import { installProblemHandler } from './problem.js';

let app: FastifyInstance;

// A bare app with the server's Ajv options, so the hook is tested without a database.
beforeAll(async () => {
  const server = Fastify({
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  installProblemHandler(server);
  server.post(
    '/things/:id',
    {
      preValidation: rejectCoercedBodyTypes,
      schema: {
        params: Type.Object({ id: Type.Integer() }),
        querystring: Type.Object({ limit: Type.Optional(Type.Integer()) }),
        body: Type.Object({
          phone: Type.String(),
          count: Type.Optional(Type.Integer()),
          consent: Type.Optional(Type.Boolean()),
          tags: Type.Optional(Type.Array(Type.String())),
          extra: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          contact: Type.Optional(Type.Object({ phone: Type.String() })),
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

function post(url: string, body: unknown) {
  return app.inject({ method: 'POST', url, payload: body as object });
}

describe('rejectCoercedBodyTypes', () => {
  it('keeps coercing the path and query string', async () => {
    const response = await post('/things/7?limit=5', { phone: '13800138000' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().params).toEqual({ id: 7 });
    expect(response.json().query).toEqual({ limit: 5 });
  });

  it('accepts values of the named types', async () => {
    const body = {
      phone: '13800138000',
      count: 2,
      consent: false,
      tags: ['甲'],
      extra: { anything: 3 },
      contact: { phone: '13900139000' },
    };
    const response = await post('/things/1', body);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().body).toEqual(body);
  });

  it.each([
    ['phone', { phone: 13800138000 }],
    ['count', { phone: '1', count: '2' }],
    ['consent', { phone: '1', consent: 1 }],
    ['tags', { phone: '1', tags: '甲' }],
    ['tags.0', { phone: '1', tags: [1] }],
    ['contact.phone', { phone: '1', contact: { phone: 13900139000 } }],
  ])('rejects a %s of another type', async (field, body) => {
    const response = await post('/things/1', body);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().code).toBe('VALIDATION_FAILED');
    expect(response.json().errors).toEqual([{ field, code: 'type', message: expect.any(String) }]);
  });

  it('rejects a body that is not an object', async () => {
    const response = await post('/things/1', ['13800138000']);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().errors).toEqual([
      { field: 'body', code: 'type', message: 'must be object' },
    ]);
  });
});
