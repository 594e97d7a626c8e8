import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { EventIdParams } from '../events/event.schemas.js';
import { getPublishedEvent } from '../events/public-event.service.js';
import { onSiteStatus, registerOnSite } from './on-site.service.js';

const Signature = Type.String({ pattern: '^[0-9A-Fa-f]{20}$' });

/** Citizens' on-site registration, opened by scanning the event's on-site QR code. */
export const onSiteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/events/:id/on-site',
    {
      schema: {
        tags: ['registrations'],
        summary: 'Whether an on-site registration link is genuine and open now',
        params: EventIdParams,
        querystring: Type.Object({ s: Signature }),
        response: { 200: Type.Object({ open: Type.Boolean() }) },
      },
    },
    async (request) => {
      const event = await getPublishedEvent(app.db, request.params.id);
      return onSiteStatus(app.db, app.tickets, event.id, request.query.s);
    },
  );

  app.post(
    '/api/events/:id/on-site-registrations',
    {
      schema: {
        tags: ['registrations'],
        summary: 'Register on site and check in at once',
        description:
          'signature is the s parameter of the on-site link. The entry takes a place like any ' +
          'registration and is checked in in the same transaction; a full group answers ' +
          'REG_EVENT_FULL even with a waiting list. Send an Idempotency-Key header to make ' +
          'retries safe.',
        params: EventIdParams,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100 })),
        }),
        body: Type.Object({
          signature: Signature,
          name: Type.String({ maxLength: 60 }),
          phone: Type.String({ maxLength: 40 }),
          idNumber: Type.Optional(Type.String({ maxLength: 40 })),
          groupId: Type.Optional(Type.String({ format: 'uuid' })),
        }),
        response: {
          200: OnSiteReceipt(),
          201: OnSiteReceipt(),
        },
      },
    },
    async (request, reply) => {
      const event = await getPublishedEvent(app.db, request.params.id);
      const { signature, ...input } = request.body;
      const { registration, replayed } = await registerOnSite(
        app.db,
        app.cipher,
        app.tickets,
        { ip: request.ip, eventId: event.id, signature },
        { ...input, idempotencyKey: request.headers['idempotency-key'] },
      );
      return reply.status(replayed ? 200 : 201).send({
        id: registration.id,
        code: registration.code,
        eventId: event.id,
        eventName: event.name,
        name: registration.name,
        phoneMasked: registration.phone_masked,
        createdAt: new Date(registration.created_at).toISOString(),
        checkedInAt: new Date(registration.checked_in_at ?? registration.created_at).toISOString(),
      });
    },
  );
};

function OnSiteReceipt() {
  return Type.Object({
    id: Type.String(),
    code: Type.String(),
    eventId: Type.String(),
    eventName: Type.String(),
    name: Type.String(),
    phoneMasked: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    checkedInAt: Type.String({ format: 'date-time' }),
  });
}
