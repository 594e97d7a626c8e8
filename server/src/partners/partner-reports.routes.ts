import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireAccountType } from '../accounts/authenticate.js';
import { SEARCH_TEXT_MAX_LENGTH } from '../events/event-search.js';
import { searchHostableEvents } from './hostable-events.service.js';
import { listHostedEvents, setHostedEvent } from './partner-registration.service.js';
import { ReconciliationSchema } from './partner-registration.routes.js';
import {
  listDuplicates,
  oversightSummary,
  reconciliationReport,
} from './partner-reports.service.js';

const Timestamp = Type.String({ format: 'date-time' });
const PartnerParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const DuplicateSchema = Type.Object({
  id: Type.String(),
  at: Timestamp,
  eventId: Type.String(),
  eventName: Type.String(),
  personRef: Type.String({
    description: 'Prefix of the keyed ID number hash: equal for attempts of one person',
  }),
  attempted: Type.Object({ channel: Type.String(), partnerName: Nullable(Type.String()) }),
  existing: Type.Object({
    registrationId: Type.String(),
    channel: Type.String(),
    partnerName: Nullable(Type.String()),
  }),
});

const OversightSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.String(),
  events: Type.Object({ total: Type.Integer(), published: Type.Integer() }),
  registrations: Type.Object({
    live: Type.Integer({ description: "Live entries of the partner's events, any channel" }),
    pushed: Type.Integer({ description: 'Entries the partner pushed, cancelled ones included' }),
  }),
  webhooks: Type.Object({
    endpointsActive: Type.Integer(),
    endpointsDisabled: Type.Integer(),
    delivered24h: Type.Integer(),
    pending: Type.Integer(),
    abandoned24h: Type.Integer(),
    failedAttempts24h: Type.Integer(),
    lastDeliveredAt: Nullable(Timestamp),
  }),
  duplicates7d: Type.Integer(),
});

const HostedParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  eventId: Type.String({ format: 'uuid' }),
});

/**
 * Serves the operator's view of one partner's entries: the other organisations' events it
 * hosts registration for, cross-channel duplicates and reconciliation.
 */
export const partnerReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireAccountType('operator'));
  const actorOf = (request: Parameters<typeof principal>[0]) => ({
    userId: principal(request).id,
    ip: request.ip,
  });

  app.get(
    '/api/operator/partners/:id/hosted-events',
    {
      schema: {
        tags: ['partners'],
        summary: "Other organisations' events for which the partner may push entries",
        params: PartnerParams,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                eventId: Type.String(),
                name: Type.String(),
                state: Type.String(),
                since: Timestamp,
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await listHostedEvents(app.db, request.params.id) }),
  );

  app.get(
    '/api/operator/partners/:id/hostable-events',
    {
      schema: {
        tags: ['partners'],
        summary: 'Search the events for which the operator may let the partner push entries',
        description:
          "Approved and published events of other organisations within the viewer's division " +
          'that match every word of q as the public event search does (name, venue or address ' +
          'text, pinyin initials, full pinyin, sport, district or street; all events without ' +
          'q), latest start first.',
        params: PartnerParams,
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: SEARCH_TEXT_MAX_LENGTH })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                eventId: Type.String(),
                name: Type.String(),
                state: Type.String(),
                startsAt: Nullable(Timestamp),
                organisationName: Type.String(),
                divisionName: Type.String(),
                hosted: Type.Boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      items: await searchHostableEvents(app.db, principal(request), request.params.id, {
        text: request.query.q,
        limit: request.query.limit ?? 20,
      }),
    }),
  );

  app.put(
    '/api/operator/partners/:id/hosted-events/:eventId',
    {
      schema: {
        tags: ['partners'],
        summary: 'Let the partner push entries for an event of another organisation',
        params: HostedParams,
        response: { 204: Type.Null({ description: 'Granted, or already granted' }) },
      },
    },
    async (request, reply) => {
      await setHostedEvent(
        app.db,
        request.params.id,
        request.params.eventId,
        true,
        actorOf(request),
      );
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/operator/partners/:id/hosted-events/:eventId',
    {
      schema: {
        tags: ['partners'],
        summary: 'Stop the partner pushing entries for the event; pushed entries stay',
        params: HostedParams,
        response: { 204: Type.Null({ description: 'Revoked, or never granted' }) },
      },
    },
    async (request, reply) => {
      await setHostedEvent(
        app.db,
        request.params.id,
        request.params.eventId,
        false,
        actorOf(request),
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/operator/partners/:id/duplicates',
    {
      schema: {
        tags: ['partners'],
        summary: 'Cross-channel duplicate entries that concern a partner, newest first',
        params: PartnerParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(DuplicateSchema) }) },
      },
    },
    async (request) => ({
      items: await listDuplicates(app.db, request.params.id, request.query.limit ?? 100),
    }),
  );

  app.get(
    '/api/operator/partners/:id/reconciliation/:day',
    {
      schema: {
        tags: ['partners'],
        summary: "A partner's reconciliation report of one day (Asia/Shanghai)",
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          day: Type.String({
            format: 'date',
            pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$',
          }),
        }),
        response: { 200: ReconciliationSchema },
      },
    },
    async (request) => reconciliationReport(app.db, request.params.id, request.params.day),
  );
};

/** Serves the regulator's view across every partner to the operator and the city's accounts. */
export const partnerOversightRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireAccountType('operator', 'sports_bureau', 'committee'));

  app.get(
    '/api/oversight/partners',
    {
      schema: {
        tags: ['partners'],
        summary: 'Every partner with its events, entries, webhook health and duplicates',
        response: { 200: Type.Object({ items: Type.Array(OversightSchema) }) },
      },
    },
    async () => ({ items: await oversightSummary(app.db) }),
  );
};
