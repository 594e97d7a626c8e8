import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { normalisePhone } from '../citizens/sms-code.service.js';

const LATEST_MESSAGES = 10;

/**
 * Development-only reading of the SMS that the development provider recorded, so that tests
 * and the demo can sign in. `app.ts` registers it only when NODE_ENV is not production.
 */
export const devSmsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/dev/sms',
    {
      schema: {
        tags: ['operations'],
        summary: 'Development only: the latest SMS recorded for a number, newest first',
        querystring: Type.Object({ phone: Type.String({ minLength: 1, maxLength: 32 }) }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                phoneMasked: Type.String(),
                text: Type.String(),
                sentAt: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const phoneHash = app.cipher.hash(normalisePhone(request.query.phone));
      const rows = await app.db
        .selectFrom('dev_sms_messages')
        .select(['phone_masked', 'text', 'sent_at'])
        .where('phone_hash', '=', phoneHash)
        .orderBy('sent_at', 'desc')
        .orderBy('id', 'desc')
        .limit(LATEST_MESSAGES)
        .execute();
      return {
        items: rows.map((row) => ({
          phoneMasked: row.phone_masked,
          text: row.text,
          sentAt: new Date(row.sent_at).toISOString(),
        })),
      };
    },
  );
};
