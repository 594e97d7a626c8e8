import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { getPublishedEvent } from '../events/public-event.service.js';
import { StringEnum } from '../http/schemas.js';
import { EVENT_POSTER_WIDTHS, eventPosterRequest, posterFingerprint } from './event-poster.js';
import { eventPosterPng } from './event-poster-store.js';
import { PosterRenderer } from './poster.service.js';

/** Public route that serves a published event's key-visual poster (主KV) to the citizens' app. */
export const publicPosterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Rendered posters are kept in event_poster_files, shared by every instance, so the renderer
  // keeps none in memory.
  const renderer = new PosterRenderer({ maxEntries: 0, maxBytes: 0, maxConcurrent: 2 });

  app.get(
    '/api/events/:id/poster.png',
    {
      schema: {
        tags: ['events'],
        summary:
          "A published event's poster as PNG, drawn from its name, organisers, date and venue",
        description:
          'The template follows the section. The PNG keeps 9:16. Responses carry an ETag and ' +
          'may be cached for 10 minutes. 404 EVT_NOT_FOUND for an unpublished event; 400 ' +
          'POSTER_TEXT_UNSUPPORTED when the name has characters the poster font cannot draw, ' +
          'and the app then shows its plain banner.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({
          width: Type.Optional(
            StringEnum(EVENT_POSTER_WIDTHS, { description: 'Width of the PNG in px, default 720' }),
          ),
        }),
        produces: ['image/png'],
      },
    },
    async (request, reply) => {
      const event = await getPublishedEvent(app.db, request.params.id);
      const poster = eventPosterRequest(event, Number(request.query.width ?? '720'));
      const fingerprint = posterFingerprint(poster);
      const etag = `"${fingerprint}"`;
      reply.header('etag', etag).header('cache-control', 'public, max-age=600');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      const png = await eventPosterPng(app.db, renderer, event.id, poster, fingerprint);
      return reply.type('image/png').send(png);
    },
  );
};
