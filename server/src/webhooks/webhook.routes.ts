import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireAccountType } from '../accounts/authenticate.js';
import { StringEnum } from '../http/schemas.js';
import { WEBHOOK_ACTIONS } from './webhook.catalogue.js';
import * as webhooks from './webhook.service.js';

const Timestamp = Type.String({ format: 'date-time' });
const Actions = Type.Array(StringEnum(WEBHOOK_ACTIONS), { minItems: 1, maxItems: 8 });
const EndpointStatus = StringEnum(['active', 'disabled'] as const);

const EndpointSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  actions: Type.Array(StringEnum(WEBHOOK_ACTIONS)),
  status: EndpointStatus,
  disabledReason: Type.Union([Type.String(), Type.Null()], {
    description: '`gone` after the endpoint responded 410, `operator` when switched off',
  }),
  createdAt: Timestamp,
});

const DeliverySchema = Type.Object({
  id: Type.String(),
  status: StringEnum(['pending', 'delivered', 'abandoned'] as const),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  endpoint: Type.Object({ id: Type.String(), url: Type.String() }),
  webhook: Type.Object({
    id: Type.String(),
    action: Type.String(),
    resourceType: Type.String(),
    resourceId: Type.String(),
    sequence: Type.Integer(),
  }),
  log: Type.Array(
    Type.Object({
      at: Timestamp,
      statusCode: Type.Union([Type.Integer(), Type.Null()]),
      durationMs: Type.Integer(),
      error: Type.Union([Type.String(), Type.Null()]),
      responseExcerpt: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

const PartnerParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

function actorOf(request: Parameters<typeof principal>[0]) {
  return { userId: principal(request).id, ip: request.ip };
}

/** Serves the operator's management of partners' webhook endpoints and their delivery log. */
export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireAccountType('operator'));

  app.get(
    '/api/operator/partners/:id/webhooks',
    {
      schema: {
        tags: ['partners'],
        summary: "List a partner's webhook endpoints",
        params: PartnerParams,
        response: { 200: Type.Object({ items: Type.Array(EndpointSchema) }) },
      },
    },
    async (request) => ({ items: await webhooks.listEndpoints(app.db, request.params.id) }),
  );

  app.post(
    '/api/operator/partners/:id/webhooks',
    {
      schema: {
        tags: ['partners'],
        summary: 'Add a webhook endpoint; its signing secret is shown once',
        params: PartnerParams,
        body: Type.Object({ url: Type.String({ minLength: 1, maxLength: 500 }), actions: Actions }),
        response: { 201: Type.Object({ endpoint: EndpointSchema, secret: Type.String() }) },
      },
    },
    async (request, reply) => {
      const created = await webhooks.createEndpoint(
        app.db,
        app.cipher,
        request.params.id,
        { ...request.body, production: app.config.env === 'production' },
        actorOf(request),
      );
      return reply.status(201).send(created);
    },
  );

  app.patch(
    '/api/operator/partners/:id/webhooks/:endpointId',
    {
      schema: {
        tags: ['partners'],
        summary: "Change an endpoint's actions, or switch it off or on again",
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          endpointId: Type.String({ format: 'uuid' }),
        }),
        body: Type.Object(
          { actions: Type.Optional(Actions), status: Type.Optional(EndpointStatus) },
          { minProperties: 1 },
        ),
        response: { 200: EndpointSchema },
      },
    },
    async (request) =>
      webhooks.updateEndpoint(
        app.db,
        request.params.id,
        request.params.endpointId,
        request.body,
        actorOf(request),
      ),
  );

  app.get(
    '/api/operator/partners/:id/webhook-deliveries',
    {
      schema: {
        tags: ['partners'],
        summary: "A partner's latest webhook deliveries with every attempt",
        params: PartnerParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          endpointId: Type.Optional(
            Type.String({ format: 'uuid', description: 'Only the deliveries to this endpoint' }),
          ),
        }),
        response: { 200: Type.Object({ items: Type.Array(DeliverySchema) }) },
      },
    },
    async (request) => ({
      items: await webhooks.listDeliveries(
        app.db,
        request.params.id,
        request.query.limit ?? 50,
        request.query.endpointId,
      ),
    }),
  );

  app.post(
    '/api/operator/partners/:id/webhook-deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags: ['partners'],
        summary: 'Send a delivery again now, with a fresh retry schedule',
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          deliveryId: Type.String({ format: 'uuid' }),
        }),
        response: { 204: Type.Null({ description: 'Queued' }) },
      },
    },
    async (request, reply) => {
      await webhooks.redeliver(
        app.db,
        request.params.id,
        request.params.deliveryId,
        actorOf(request),
      );
      return reply.status(204).send(null);
    },
  );
};
