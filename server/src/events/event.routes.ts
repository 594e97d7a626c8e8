import { performance } from 'node:perf_hooks';

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
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
import { toPublicEvent } from './event.dto.js';
import type { EventView } from './event.repository.js';
import * as publicEvents from './public-event.service.js';
import { SEARCH_TEXT_MAX_LENGTH } from './event-search.js';
import {
  carryMatches,
  type PublishedEventWindow,
  readPublishedEventWindow,
} from './published-event-window.js';
import { StringEnum } from '../http/schemas.js';
import { queryCacheKey, ReadCache } from '../shared/read-cache.js';

// Year 0000 does not exist in PostgreSQL, so it is rejected here with the rest of the format.
const DAY = Type.String({
  pattern: '^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  description: 'YYYY-MM-DD',
});

/** Filters shared by the public list and calendar. */
const PublicEventFilterQuery = {
  q: Type.Optional(Type.String({ maxLength: SEARCH_TEXT_MAX_LENGTH })),
  section: Type.Optional(StringEnum(SECTIONS)),
  district: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  street: Type.Optional(Type.String({ pattern: '^[0-9]{9}$' })),
  sports: Type.Optional(
    Type.String({
      pattern: '^[a-z0-9_]+(,[a-z0-9_]+){0,19}$',
      description: 'Comma-separated sport codes, at most 20',
    }),
  ),
  from: Type.Optional(DAY),
  to: Type.Optional(DAY),
  fee: Type.Optional(StringEnum(['free', 'paid'] as const)),
  maxFeeCents: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  open: Type.Optional(
    Type.Boolean({ description: 'true lists only events taking registrations now' }),
  ),
};

const PublicEventListQuery = Type.Object({
  ...PublicEventFilterQuery,
  sort: Type.Optional(StringEnum(['published', 'starts'] as const)),
  ...PageQuery,
});
const LIST_QUERY_NAMES = Object.keys(PublicEventListQuery.properties);

// Bounds on the results kept per process, whatever queries clients choose. A page contains
// at most 100 events (PageQuery), so the list cache keeps at most 25,600 events.
const MAX_CACHED_PAGES = 256;
const MAX_CACHED_EVENTS = 1000;
/** Event rows kept for the pages of filtered lists; a page contains at most 101 events. */
const MAX_CACHED_VIEWS = 10_000;
/** Selective searches whose first 101 event ids are kept. */
const MAX_CACHED_FIRST_PAGES = 1_000;

/** A response body as the route's serializer wrote it. */
type SerializedBody = ReturnType<FastifyReply['serialize']> | Buffer;

const page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** The item schema of the public list, as serializeInput takes a schema. */
const PUBLIC_EVENT_SCHEMA = PublicEventSchema as unknown as Record<string, unknown>;
const COMMA = Buffer.from(',');

/** Public event listing and detail: what citizens and partners see without signing in. */
export const publicEventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ttlMilliseconds = app.config.readCacheMilliseconds;
  // Both caches keep the serialized body, so a hit costs no serialization either.
  const pages = new ReadCache<SerializedBody>({
    ttlMilliseconds,
    maxEntries: MAX_CACHED_PAGES,
  });
  const details = new ReadCache<SerializedBody>({
    ttlMilliseconds,
    maxEntries: MAX_CACHED_EVENTS,
  });
  // The first published events of each list order, which filtered lists walk in memory. A
  // read is made again in the background at half its life, so searches seldom wait for it.
  const windows = new ReadCache<PublishedEventWindow>({
    ttlMilliseconds,
    maxEntries: 2,
    ...(ttlMilliseconds > 1 ? { refreshAfterMilliseconds: Math.floor(ttlMilliseconds / 2) } : {}),
  });
  // The last window read of each order, whose kept matches an unchanged next read takes over.
  const lastWindows = new Map<string, PublishedEventWindow>();
  // The first events of selective searches, which every page size of a search shares.
  const firstPages = new ReadCache<{ ids: string[]; readAt: number }>({
    ttlMilliseconds,
    maxEntries: MAX_CACHED_FIRST_PAGES,
  });
  // Event rows that pages of filtered lists are made of, with their JSON and read start.
  const eventViews = new ReadCache<EventView>({ ttlMilliseconds, maxEntries: MAX_CACHED_VIEWS });
  const itemJson = new WeakMap<EventView, Buffer>();
  const viewReadAt = new WeakMap<EventView, number>();
  /**
   * Returns the list's sources for one page, and the start of the oldest read they gave it,
   * on the read cache's clock. The page expires the TTL after that read.
   */
  const listSources = () => {
    let oldestRead: number | undefined;
    const used = (readAt: number) => {
      oldestRead = Math.min(oldestRead ?? readAt, readAt);
    };
    const options: publicEvents.PublicListOptions = {
      window: async (sort) => {
        const window = await windows.get(sort, async () => {
          const read = await readPublishedEventWindow(
            app.db,
            sort,
            publicEvents.ORDERED_WALK_EVENTS,
          );
          const previous = lastWindows.get(sort);
          if (previous) carryMatches(previous, read);
          lastWindows.set(sort, read);
          return read;
        });
        used(window.startedAt);
        return window;
      },
      firstPages: async (key, read) => {
        const kept = await firstPages.get(key, async () => {
          const readAt = performance.now();
          return { ids: await read(), readAt };
        });
        used(kept.readAt);
        return kept.ids;
      },
      eventViews: {
        getMany: async (ids, read) => {
          const views = await eventViews.getMany(ids, async (missing) => {
            const readAt = performance.now();
            const found = await read(missing);
            for (const view of found.values()) viewReadAt.set(view, readAt);
            return found;
          });
          for (const view of views) used(viewReadAt.get(view) ?? performance.now());
          return views;
        },
      },
    };
    return { options, oldestRead: () => oldestRead };
  };
  // A shared cache in front of the server may keep a response as long as this process does.
  const maxAgeSeconds = Math.floor(ttlMilliseconds / 1000);
  const sendCached = (reply: FastifyReply, body: SerializedBody) => {
    if (maxAgeSeconds > 0) reply.header('cache-control', `public, max-age=${maxAgeSeconds}`);
    return reply.type('application/json; charset=utf-8').send(body);
  };

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
        summary: 'Published events: search, filters and recommendations, a page at a time',
        description:
          'q matches any part of the name, venue or address, their pinyin initials (lqs for ' +
          '篮球赛), and the names or initials of the sport, district and street; every word ' +
          'must match. Dates are Shanghai calendar days; an event passes when it covers any ' +
          'day from `from` to `to`. sort=starts lists the soonest start first.',
        querystring: PublicEventListQuery,
        response: { 200: page(PublicEventSchema) },
      },
    },
    async (request, reply) => {
      const key = queryCacheKey('list', request.query, LIST_QUERY_NAMES);
      const sources = ttlMilliseconds > 0 ? listSources() : undefined;
      const compute = async () => {
        const { views, nextCursor } = await publicEvents.listPublishedEventViews(
          app.db,
          request.query,
          sources?.options,
        );
        // The page is written from its events' JSON, which a kept row serializes once. The
        // parts are UTF-8 bytes, so neither the page nor its cached copy is encoded again.
        const parts: Buffer[] = [Buffer.from('{"items":[')];
        views.forEach((view, index) => {
          let json = itemJson.get(view);
          if (json === undefined) {
            json = Buffer.from(reply.serializeInput(toPublicEvent(view), PUBLIC_EVENT_SCHEMA));
            itemJson.set(view, json);
          }
          if (index > 0) parts.push(COMMA);
          parts.push(json);
        });
        parts.push(Buffer.from(`],"nextCursor":${JSON.stringify(nextCursor)}}`));
        return Buffer.concat(parts);
      };
      return sendCached(reply, await pages.get(key, compute, sources?.oldestRead));
    },
  );

  app.get(
    '/api/events/calendar',
    {
      schema: {
        tags: ['events'],
        summary: 'Published events per Shanghai day of a month, with the list filters',
        description: 'An event counts on every day it covers. Days without events are left out.',
        querystring: Type.Object({
          month: Type.String({
            pattern: '^(?!0000)[0-9]{4}-(0[1-9]|1[0-2])$',
            description: 'YYYY-MM',
          }),
          ...PublicEventFilterQuery,
        }),
        response: {
          200: Type.Object({
            month: Type.String(),
            days: Type.Array(Type.Object({ date: Type.String(), count: Type.Integer() })),
          }),
        },
      },
    },
    async (request) => {
      const { month, ...query } = request.query;
      return publicEvents.countEventsByDay(app.db, month, query);
    },
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
    async (request, reply) => {
      const { id } = request.params;
      const body = await details.get(id, async () =>
        reply.serialize(await publicEvents.getPublishedEvent(app.db, id)),
      );
      return sendCached(reply, body);
    },
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
