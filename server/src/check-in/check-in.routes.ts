import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import { EventIdParams, PageQuery } from '../events/event.schemas.js';
import {
  listEventRegistrations,
  RegistrationItemSchema,
  toRegistrationItem,
} from '../registrations/console-registration.service.js';
import { checkIn } from './check-in.service.js';

/** Console routes for organisers on the day: the entry list and check-in by code. */
export const checkInRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);

  app.get(
    '/api/console/events/:id/registrations',
    {
      schema: {
        tags: ['console'],
        summary: "An event's registrations, phone numbers masked",
        params: EventIdParams,
        querystring: Type.Object(PageQuery),
        response: {
          200: Type.Object({
            items: Type.Array(RegistrationItemSchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
            total: Type.Integer(),
            checkedIn: Type.Integer(),
          }),
        },
      },
    },
    async (request) =>
      listEventRegistrations(app.db, principal(request), request.params.id, request.query),
  );

  app.post(
    '/api/console/events/:id/check-ins',
    {
      schema: {
        tags: ['console'],
        summary: 'Check a person in by registration code; repeated scans are harmless',
        params: EventIdParams,
        body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) }),
        response: {
          200: Type.Object({
            registration: RegistrationItemSchema,
            alreadyCheckedIn: Type.Boolean(),
          }),
        },
      },
    },
    async (request) => {
      const actor = { user: principal(request), ip: request.ip, userAgent: userAgentOf(request) };
      const result = await checkIn(app.db, actor, request.params.id, request.body.code);
      return {
        registration: toRegistrationItem(result.registration),
        alreadyCheckedIn: result.alreadyCheckedIn,
      };
    },
  );
};
