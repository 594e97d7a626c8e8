import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EVENT_STATES, SECTIONS, SPORTS, SPORT_CATEGORY_LABELS } from '@cityleague/domain';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import {
  ConsoleEventDetailSchema,
  ConsoleEventSchema,
  EventIdParams,
  EventInputSchema,
  EventPatchSchema,
  PageQuery,
  PublicEventSchema,
} from './event.schemas.js';
import * as changes from './event.changes.js';
import * as events from './event.service.js';
import * as publicEvents from './public-event.service.js';
import { StringEnum } from '../http/schemas.js';

const page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** Public event listing and detail: what citizens and partners see without signing in. */
export const publicEventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/sports',
    {
      schema: {
        tags: ['events'],
        summary: 'The sports catalogue',
        response: {
          200: Type.Array(
            Type.Object({
              code: Type.String(),
              name: Type.String(),
              category: Type.String(),
              categoryName: Type.String(),
              initials: Type.String({ description: 'Pinyin initials of the name, for search' }),
            }),
          ),
        },
      },
    },
    async () =>
      SPORTS.map((sport) => ({
        code: sport.code,
        name: sport.name,
        category: sport.category,
        categoryName: SPORT_CATEGORY_LABELS[sport.category],
        initials: sport.initials,
      })),
  );

  app.get(
    '/api/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Published events, newest first, by district and section',
        querystring: Type.Object({
          district: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
          section: Type.Optional(StringEnum(SECTIONS)),
          ...PageQuery,
        }),
        response: { 200: page(PublicEventSchema) },
      },
    },
    async (request) => publicEvents.listPublishedEvents(app.db, request.query),
  );

  app.get(
    '/api/events/:id',
    {
      schema: {
        tags: ['events'],
        summary: 'One published event',
        params: EventIdParams,
        response: { 200: PublicEventSchema },
      },
    },
    async (request) => publicEvents.getPublishedEvent(app.db, request.params.id),
  );
};

/** Console routes for organisers: file, change, submit and publish events. */
export const consoleEventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);
  const actor = (request: Parameters<typeof principal>[0]) => ({
    user: principal(request),
    ip: request.ip,
    userAgent: userAgentOf(request),
  });

  app.get(
    '/api/console/events',
    {
      schema: {
        tags: ['console'],
        summary: 'Events the signed-in user may see, newest filing first',
        querystring: Type.Object({ state: Type.Optional(StringEnum(EVENT_STATES)), ...PageQuery }),
        response: { 200: page(ConsoleEventSchema) },
      },
    },
    async (request) => events.listConsoleEvents(app.db, principal(request), request.query),
  );

  app.post(
    '/api/console/events',
    {
      schema: {
        tags: ['console'],
        summary: 'File a new event as a draft',
        body: EventInputSchema,
        response: { 201: ConsoleEventSchema },
      },
    },
    async (request, reply) => {
      const event = await events.createEvent(app.db, actor(request), request.body);
      return reply.status(201).send(event);
    },
  );

  app.get(
    '/api/console/events/:id',
    {
      schema: {
        tags: ['console'],
        summary: 'One event with its timeline',
        params: EventIdParams,
        response: { 200: ConsoleEventDetailSchema },
      },
    },
    async (request) => events.getConsoleEvent(app.db, principal(request), request.params.id),
  );

  app.patch(
    '/api/console/events/:id',
    {
      schema: {
        tags: ['console'],
        summary: 'Change a draft or returned event',
        params: EventIdParams,
        body: EventPatchSchema,
        response: { 200: ConsoleEventSchema },
      },
    },
    async (request) => events.updateEvent(app.db, actor(request), request.params.id, request.body),
  );

  app.post(
    '/api/console/events/:id/submit',
    {
      schema: {
        tags: ['console'],
        summary: 'Submit an event for review',
        params: EventIdParams,
        response: { 200: ConsoleEventSchema },
      },
    },
    async (request) => events.submitEvent(app.db, actor(request), request.params.id),
  );

  app.post(
    '/api/console/events/:id/publish',
    {
      schema: {
        tags: ['console'],
        summary: 'Publish an approved event',
        params: EventIdParams,
        response: { 200: ConsoleEventSchema },
      },
    },
    async (request) => events.publishEvent(app.db, actor(request), request.params.id),
  );

  const Reason = Type.Object({ reason: Type.String({ maxLength: 500 }) });

  app.post(
    '/api/console/events/:id/cancel',
    {
      schema: {
        tags: ['console'],
        summary: 'Cancel an event with a reason, releasing every place and telling entrants',
        params: EventIdParams,
        body: Reason,
        response: { 200: ConsoleEventSchema },
      },
    },
    async (request) => changes.cancelEvent(app.db, actor(request), request.params.id, request.body),
  );

  app.post(
    '/api/console/events/:id/copy',
    {
      schema: {
        tags: ['console'],
        summary: "Copy one of the organisation's events into a new draft, dates cleared",
        params: EventIdParams,
        response: { 201: ConsoleEventSchema },
      },
    },
    async (request, reply) => {
      const event = await changes.copyEvent(app.db, actor(request), request.params.id);
      return reply.status(201).send(event);
    },
  );

  app.post(
    '/api/console/events/:id/changes',
    {
      schema: {
        tags: ['console'],
        summary: 'Change an approved event; time, place, rules or fewer places go to review',
        params: EventIdParams,
        body: Type.Object(
          { patch: EventPatchSchema, reason: Type.String({ maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: { 200: ConsoleEventSchema },
      },
    },
    async (request) =>
      changes.requestChange(app.db, actor(request), request.params.id, request.body),
  );

  app.post(
    '/api/console/events/:id/changes/:changeId/withdraw',
    {
      schema: {
        tags: ['console'],
        summary: 'Withdraw a change waiting for review',
        params: ChangeParams,
        response: { 200: ConsoleEventSchema },
      },
    },
    async (request) =>
      changes.withdrawChange(app.db, actor(request), request.params.id, request.params.changeId),
  );
};

const ChangeParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  changeId: Type.String({ format: 'uuid' }),
});
