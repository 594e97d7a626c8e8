import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireAccountType } from '../accounts/authenticate.js';
import { auditActorOf, userAgentOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import { InvalidCursor } from '../http/problem.js';
import { StringEnum } from '../http/schemas.js';
import { decodeCursor, encodeCursor, isMicrosecondInstant } from '../shared/cursor.js';
import {
  NotificationNotAbandoned,
  NotificationNotFound,
  NotificationNotRetryable,
} from './notification.errors.js';
import { abandonReasonOf, type AbandonReason } from './outbox-reasons.js';
import * as repository from './outbox.repository.js';
import { OUTBOX_MAX_ATTEMPTS } from './outbox.service.js';

const STATES = ['waiting', 'retrying', 'abandoned', 'sent'] as const;
const ABANDON_REASONS = [
  'registration_cancelled',
  'registration_not_found',
  'registration_status_changed',
  'event_changed',
  'code_expired',
  'send_failed',
] as const satisfies readonly AbandonReason[];

/** Returns the reason and retryability of a row, or none while it is not abandoned. */
function abandonmentOf(row: { abandoned_at: Date | string | null; last_error: string | null }) {
  if (!row.abandoned_at) return { abandonReason: null, retryable: false };
  const { reason, retryable } = abandonReasonOf(row.last_error);
  return { abandonReason: reason, retryable };
}

const OutboxItem = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  attempts: Type.Integer(),
  nextAttemptAt: Type.String({ format: 'date-time' }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  abandonedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  sentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When the SMS gateway accepted the message; null until then',
  }),
  abandonReason: Type.Union([StringEnum(ABANDON_REASONS), Type.Null()], {
    description: 'Why an abandoned notification was given up; null while it is not abandoned',
  }),
  retryable: Type.Boolean({
    description: 'Whether POST /api/operator/outbox/:id/retry may send it again',
  }),
  eventId: Type.Union([Type.String(), Type.Null()]),
  eventName: Type.Union([Type.String(), Type.Null()]),
});

const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * The operator's view of the notification outbox: messages by state, unsent ones with their
 * last error, and a retry of abandoned ones. Payloads, which may hold encrypted numbers, never leave.
 */
export const outboxAdminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireAccountType('operator'));

  app.get(
    '/api/operator/outbox',
    {
      schema: {
        tags: ['notifications'],
        summary: 'SMS notifications by state, newest first',
        description:
          `waiting: not tried yet; retrying: failed and due again with backoff (abandoned ` +
          `after ${OUTBOX_MAX_ATTEMPTS} attempts); abandoned: given up or gone stale; sent: ` +
          'accepted by the SMS gateway. counts holds the unsent states only, because the sent ' +
          'messages of a season are too many to count on every request.',
        querystring: Type.Object({
          state: StringEnum(STATES),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(OutboxItem),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
            counts: Type.Object({
              waiting: Type.Integer(),
              retrying: Type.Integer(),
              abandoned: Type.Integer(),
            }),
          }),
        },
      },
    },
    async (request) => {
      const { state, cursor, limit = 20 } = request.query;
      const after = cursor ? decodeCursor(cursor, ['createdAt', 'id'] as const) : undefined;
      if (cursor && !(after && isMicrosecondInstant(after.createdAt))) throw new InvalidCursor();
      const rows = await repository.listByState(app.db, state, { after, limit });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map((row) => ({
          id: row.id,
          kind: row.kind,
          createdAt: iso(row.created_at),
          attempts: row.attempts,
          nextAttemptAt: iso(row.next_attempt_at),
          lastError: row.last_error,
          abandonedAt: row.abandoned_at ? iso(row.abandoned_at) : null,
          sentAt: row.sent_at ? iso(row.sent_at) : null,
          ...abandonmentOf(row),
          eventId: row.event_id,
          eventName: row.event_name,
        })),
        nextCursor:
          rows.length > limit && last
            ? encodeCursor({ createdAt: last.position, id: last.id })
            : null,
        counts: await repository.countUnsent(app.db),
      };
    },
  );

  app.post(
    '/api/operator/outbox/:id/retry',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Send an abandoned notification again, with a fresh count of attempts',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: Type.Object({ id: Type.String(), kind: Type.String() }) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const actor = { user: principal(request), ip: request.ip, userAgent: userAgentOf(request) };
      return app.db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('notification_outbox')
          .select(['abandoned_at', 'last_error'])
          .where('id', '=', id)
          .executeTakeFirst();
        if (current?.abandoned_at && !abandonReasonOf(current.last_error).retryable) {
          throw new NotificationNotRetryable(id);
        }
        const retried = await repository.retryNow(trx, id);
        if (!retried) {
          const exists = await trx
            .selectFrom('notification_outbox')
            .select('id')
            .where('id', '=', id)
            .executeTakeFirst();
          throw exists ? new NotificationNotAbandoned(id) : new NotificationNotFound(id);
        }
        await recordAudit(trx, {
          ...auditActorOf(actor),
          action: 'notification.retried',
          entityType: 'notification',
          entityId: id,
          detail: { kind: retried.kind },
        });
        return retried;
      });
    },
  );
};
