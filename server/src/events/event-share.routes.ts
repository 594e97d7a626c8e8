import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { publicEventPath } from '@cityleague/domain';
import QRCode from 'qrcode';

import { principal, requireSession } from '../accounts/authenticate.js';
import { EventIdParams } from './event.schemas.js';
import { getVisibleEvent } from './event.service.js';

/**
 * Serves the QR code of an event's page in the citizens' app, which organisers print and share.
 * The link takes the origin the console was reached at, because the server serves the console
 * and the citizens' app together. Behind a proxy, TRUST_PROXY makes it the public origin.
 */
export const eventShareRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);

  app.get(
    '/api/console/events/:id/share-qr.svg',
    {
      schema: {
        tags: ['console'],
        summary: "QR code (SVG) of the event's page in the citizens' app",
        params: EventIdParams,
        produces: ['image/svg+xml'],
      },
    },
    async (request, reply) => {
      const event = await getVisibleEvent(app.db, principal(request), request.params.id);
      const link = `${request.protocol}://${request.host}${publicEventPath(event.id)}`;
      const svg = await QRCode.toString(link, {
        type: 'svg',
        errorCorrectionLevel: 'M',
        margin: 2,
      });
      return reply.type('image/svg+xml').header('cache-control', 'private, max-age=3600').send(svg);
    },
  );
};
