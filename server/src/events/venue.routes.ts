import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { suggestVenues, VENUE_SUGGESTION_LIMIT } from './venue.service.js';

const Nullable = (schema: ReturnType<typeof Type.String>) => Type.Union([schema, Type.Null()]);

const VenueSuggestionSchema = Type.Object({
  venue: Type.String(),
  address: Nullable(Type.String()),
  divisionCode: Nullable(Type.String()),
  divisionName: Nullable(Type.String()),
  own: Type.Boolean({ description: "True when one of the organisation's own events used it" }),
  uses: Type.Integer({ description: 'How many of the matched events were held there' }),
});

/** Venue suggestions for the filing form, from the venues of events filed before. */
export const venueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);

  app.get(
    '/api/console/venues',
    {
      schema: {
        tags: ['console'],
        summary: 'Suggest venues used before: own events first, then published events of others',
        querystring: Type.Object({
          q: Type.String({
            minLength: 1,
            maxLength: 50,
            pattern: '\\S',
            description:
              'Text found anywhere in the venue or address, or in the pinyin initials of the venue',
          }),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(VenueSuggestionSchema, { maxItems: VENUE_SUGGESTION_LIMIT }),
          }),
        },
      },
    },
    async (request) => ({
      items: await suggestVenues(app.db, principal(request), request.query.q),
    }),
  );
};
