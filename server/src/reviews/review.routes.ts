import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import { ConsoleEventSchema } from '../events/event.schemas.js';
import * as reviews from './review.service.js';

const Params = Type.Object({ eventId: Type.String({ format: 'uuid' }) });

export const reviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);
  const actor = (request: Parameters<typeof principal>[0]) => ({
    user: principal(request),
    ip: request.ip,
    userAgent: userAgentOf(request),
  });

  app.get(
    '/api/reviews',
    {
      schema: {
        tags: ['reviews'],
        summary: 'Filings waiting for the signed-in reviewer',
        response: { 200: Type.Object({ items: Type.Array(ConsoleEventSchema) }) },
      },
    },
    async (request) => reviews.reviewQueue(app.db, principal(request)),
  );

  app.post(
    '/api/reviews/:eventId/approve',
    {
      schema: {
        tags: ['reviews'],
        summary: 'Approve a submitted filing',
        params: Params,
        response: { 200: ConsoleEventSchema },
      },
    },
    async (request) => reviews.approveEvent(app.db, actor(request), request.params.eventId),
  );

  app.post(
    '/api/reviews/:eventId/return',
    {
      schema: {
        tags: ['reviews'],
        summary: 'Return a submitted filing for changes, with a reason',
        params: Params,
        body: Type.Object({ reason: Type.String({ maxLength: 500 }) }),
        response: { 200: ConsoleEventSchema },
      },
    },
    async (request) =>
      reviews.returnEvent(app.db, actor(request), request.params.eventId, request.body.reason),
  );
};
