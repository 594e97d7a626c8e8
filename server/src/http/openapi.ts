import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

/** RFC 9457 problem details as every error response carries them. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ examples: ['about:blank'] }),
    title: Type.String({ description: 'HTTP status phrase', examples: ['Conflict'] }),
    status: Type.Integer({ examples: [409] }),
    code: Type.String({ description: 'Stable error code', examples: ['REG_EVENT_FULL'] }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() }),
      ),
    ),
  },
  { description: 'Problem details (application/problem+json)' },
);

const SESSION_PREFIXES = [
  '/api/console',
  '/api/reviews',
  '/api/dashboard',
  '/api/me',
  '/api/operator',
];

/**
 * Documents the error responses and the session cookie on every route registered after this
 * call, so the OpenAPI description lists what clients must handle.
 */
export function documentCommonResponses(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return;
    route.schema.response = {
      '4xx': ProblemSchema,
      '5xx': ProblemSchema,
      ...(route.schema.response as object | undefined),
    };
    if (SESSION_PREFIXES.some((prefix) => route.url.startsWith(prefix))) {
      (route.schema as { security?: unknown }).security = [{ sessionCookie: [] }];
    }
  });
}
