import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import { EVENT_LEVELS, REVIEW_STEPS, SECTIONS } from '@cityleague/domain';

import * as changes from '../events/event.changes.js';
import { ConsoleEventSchema } from '../events/event.schemas.js';
import { StringEnum } from '../http/schemas.js';
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
        summary: 'Filings and changes waiting for the signed-in reviewer, longest waiting first',
        querystring: Type.Object({
          kind: Type.Optional(StringEnum(['filing', 'change'] as const)),
          section: Type.Optional(StringEnum(SECTIONS)),
          level: Type.Optional(StringEnum(EVENT_LEVELS)),
          sport: Type.Optional(Type.String({ maxLength: 40 })),
          district: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
          q: Type.Optional(Type.String({ maxLength: 100 })),
          minDaysWaiting: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(ConsoleEventSchema) }) },
      },
    },
    async (request) => reviews.reviewQueue(app.db, principal(request), request.query),
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

  app.post(
    '/api/reviews/:eventId/steps/:step',
    {
      schema: {
        tags: ['reviews'],
        summary: "Record a review step: the federation's pre-review or the X-sport assessment",
        params: Type.Object({
          eventId: Type.String({ format: 'uuid' }),
          step: StringEnum(REVIEW_STEPS),
        }),
        body: Type.Object({ note: Type.String({ maxLength: 1000 }) }),
        response: { 200: ConsoleEventSchema },
      },
    },
    async (request) =>
      reviews.recordReviewStep(
        app.db,
        actor(request),
        request.params.eventId,
        request.params.step,
        request.body,
      ),
  );

  app.post(
    '/api/reviews/batch-approve',
    {
      schema: {
        tags: ['reviews'],
        summary: 'Approve several filings; each succeeds or fails on its own',
        body: Type.Object({
          ids: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 100 }),
        }),
        response: {
          200: Type.Object({
            results: Type.Array(
              Type.Object({
                id: Type.String(),
                ok: Type.Boolean(),
                code: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
        },
      },
    },
    async (request) => reviews.batchApprove(app.db, actor(request), request.body.ids),
  );

  const ChangeParams = Type.Object({
    eventId: Type.String({ format: 'uuid' }),
    changeId: Type.String({ format: 'uuid' }),
  });

  app.post(
    '/api/reviews/:eventId/changes/:changeId/approve',
    {
      schema: {
        tags: ['reviews'],
        summary: 'Approve a change to an approved event; entrants are told',
        params: ChangeParams,
        response: { 200: ConsoleEventSchema },
      },
    },
    async (request) =>
      changes.decideChange(
        app.db,
        actor(request),
        request.params.eventId,
        request.params.changeId,
        {
          approve: true,
        },
      ),
  );

  app.post(
    '/api/reviews/:eventId/changes/:changeId/return',
    {
      schema: {
        tags: ['reviews'],
        summary: 'Return a change with a reason; the event stays as approved',
        params: ChangeParams,
        body: Type.Object({ reason: Type.String({ maxLength: 500 }) }),
        response: { 200: ConsoleEventSchema },
      },
    },
    async (request) =>
      changes.decideChange(
        app.db,
        actor(request),
        request.params.eventId,
        request.params.changeId,
        {
          approve: false,
          reason: request.body.reason,
        },
      ),
  );
};
