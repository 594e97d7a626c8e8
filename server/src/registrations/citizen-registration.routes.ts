import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { citizenId, requireCitizen } from '../citizens/authenticate-citizen.js';
import { acceptOffer, cancelByCitizen } from './cancellation.service.js';

const EntryParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  registrationId: Type.String({ format: 'uuid' }),
});

const EntryState = Type.Object({
  id: Type.String(),
  status: Type.String(),
  released: Type.Boolean(),
});

/**
 * A signed-in citizen's actions on an own entry, one made with the citizen's mobile number.
 * Other entries answer 404 REG_REGISTRATION_NOT_FOUND.
 */
export const citizenRegistrationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireCitizen);

  app.post(
    '/api/citizen/events/:id/registrations/:registrationId/cancel',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Cancel an own entry; an active one only until the cancellation deadline',
        description:
          "The deadline is the event's cancel_deadline, or the close of registration without " +
          'one, on the database clock (409 REG_CANCEL_DEADLINE_PASSED after it). A waiting or ' +
          'offered entry may always leave. A cancelled entry answers 409 REG_ALREADY_CANCELLED.',
        params: EntryParams,
        response: { 200: EntryState },
      },
    },
    async (request) => {
      const { registration, released } = await cancelByCitizen(
        app.db,
        citizenId(request),
        request.params.id,
        request.params.registrationId,
      );
      return { id: registration.id, status: registration.status, released };
    },
  );

  app.post(
    '/api/citizen/events/:id/registrations/:registrationId/accept',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Accept the place offered to an own waiting entry before the offer expires',
        params: EntryParams,
        response: { 200: EntryState },
      },
    },
    async (request) => {
      const registration = await acceptOffer(
        app.db,
        citizenId(request),
        request.params.id,
        request.params.registrationId,
      );
      return { id: registration.id, status: registration.status, released: false };
    },
  );
};
