import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import { StringEnum } from '../http/schemas.js';
import { cancelByOrganiser } from './cancellation.service.js';
import { REVEALABLE_FIELDS, revealRegistrationField } from './console-registration.service.js';

/** Console routes on single registrations of an event, for its organiser. */
export const consoleRegistrationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);

  app.post(
    '/api/console/events/:id/registrations/:registrationId/reveal',
    {
      schema: {
        tags: ['console'],
        summary: "Reveal a registrant's full mobile number to the event's organiser, audited",
        description:
          'Only the organisation that owns the event may call it. Every successful call writes ' +
          'a personal_data.reveal audit entry naming the registration and the field, never the ' +
          'value. The response must not be cached.',
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          registrationId: Type.String({ format: 'uuid' }),
        }),
        body: Type.Object({ field: StringEnum(REVEALABLE_FIELDS) }),
        response: {
          200: Type.Object({ field: StringEnum(REVEALABLE_FIELDS), value: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const actor = { user: principal(request), ip: request.ip };
      const { field } = request.body;
      const value = await revealRegistrationField(app.db, app.cipher, actor, {
        eventId: request.params.id,
        registrationId: request.params.registrationId,
        field,
      });
      return reply.header('cache-control', 'no-store').send({ field, value });
    },
  );

  app.post(
    '/api/console/events/:id/registrations/:registrationId/cancel',
    {
      schema: {
        tags: ['console'],
        summary: "Cancel an entry of the organiser's event with a reason, at any time",
        description:
          'An active or offered entry releases its place, which goes to the next entry of the ' +
          'waiting list in the same transaction. A cancelled entry answers 409 ' +
          'REG_ALREADY_CANCELLED and nothing changes.',
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          registrationId: Type.String({ format: 'uuid' }),
        }),
        body: Type.Object({ reason: Type.String({ maxLength: 500 }) }),
        response: {
          200: Type.Object({
            id: Type.String(),
            status: Type.String(),
            released: Type.Boolean(),
          }),
        },
      },
    },
    async (request) => {
      const actor = { user: principal(request), ip: request.ip, userAgent: userAgentOf(request) };
      const { registration, released } = await cancelByOrganiser(
        app.db,
        actor,
        request.params.id,
        request.params.registrationId,
        request.body,
      );
      return { id: registration.id, status: registration.status, released };
    },
  );
};
