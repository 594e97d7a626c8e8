import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { requireSession } from '../accounts/authenticate.js';
import { StringEnum } from '../http/schemas.js';
import { POSTER_WIDTH } from './poster-template.js';
import { PosterRenderer, posterHeightFor } from './poster.service.js';
import { POSTER_TEMPLATES } from './templates/index.js';

// Text must not be blank, and control characters (line breaks included) are rejected: every
// field is drawn as a single run of text.
const TEXT_PATTERN = '^(?=.*\\S)[^\\u0000-\\u001F\\u007F-\\u009F]+$';

/** Text limits, in characters, that every template lays out without losing the title. */
export const POSTER_LIMITS = {
  title: 100,
  organiser: 40,
  organisers: 4,
  dateLine: 40,
  venueLine: 50,
  minWidth: 120,
} as const;

const text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: TEXT_PATTERN, description });

const PosterBodySchema = Type.Object(
  {
    templateId: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'Template id from GET /api/console/poster-templates',
    }),
    title: text(POSTER_LIMITS.title, 'Event name, wrapped and shrunk to fit the poster'),
    organisers: Type.Array(text(POSTER_LIMITS.organiser, 'One line, e.g. 主办单位：…'), {
      minItems: 1,
      maxItems: POSTER_LIMITS.organisers,
    }),
    dateLine: Type.Optional(text(POSTER_LIMITS.dateLine, 'Date line, e.g. 2027年5月1日')),
    venueLine: Type.Optional(text(POSTER_LIMITS.venueLine, 'Venue line')),
  },
  { additionalProperties: false },
);

const PosterQuerySchema = Type.Object({
  width: Type.Optional(
    Type.Integer({
      minimum: POSTER_LIMITS.minWidth,
      maximum: POSTER_WIDTH,
      description: `Width of the PNG in px (default ${POSTER_WIDTH}); the height keeps 9:16`,
    }),
  ),
  download: Type.Optional(
    StringEnum(['0', '1'], { description: '1 sends the PNG as an attachment named 主KV.png' }),
  ),
});

/** Console routes that render key-visual posters (主KV) from templates. */
export const posterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The cache holds about 30 full-size posters of 200 to 600 KB each. Two renderings at once
  // leave two of libuv's four default threads to the rest of the server.
  const renderer = new PosterRenderer({
    maxEntries: 64,
    maxBytes: 16 * 1024 * 1024,
    maxConcurrent: 2,
  });

  app.addHook('onRequest', requireSession);

  app.get(
    '/api/console/poster-templates',
    {
      schema: {
        tags: ['console'],
        summary: 'The poster templates an organiser may choose',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({ id: Type.String(), name: Type.String(), description: Type.String() }),
            ),
            width: Type.Integer(),
            height: Type.Integer(),
          }),
        },
      },
    },
    async () => ({
      items: POSTER_TEMPLATES.map(({ id, name, description }) => ({ id, name, description })),
      width: POSTER_WIDTH,
      height: posterHeightFor(POSTER_WIDTH),
    }),
  );

  app.post(
    '/api/console/posters',
    {
      schema: {
        tags: ['console'],
        summary: 'Render a key-visual poster as PNG from a template, a title and organisers',
        querystring: PosterQuerySchema,
        body: PosterBodySchema,
        produces: ['image/png'],
      },
    },
    async (request, reply) => {
      const width = request.query.width ?? POSTER_WIDTH;
      const png = await renderer.render({ ...request.body, width });
      reply.type('image/png').header('cache-control', 'private, no-store');
      if (request.query.download === '1') {
        const filename = encodeURIComponent('主KV.png');
        reply.header('content-disposition', `attachment; filename*=UTF-8''${filename}`);
      }
      return reply.send(png);
    },
  );
};
