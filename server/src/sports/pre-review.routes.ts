import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sportName } from '@cityleague/domain';
import { Type } from 'typebox';

import { principal, requireAccountType } from '../accounts/authenticate.js';
import { auditActorOf, userAgentOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import { UnknownSport } from '../events/event.errors.js';
import * as repository from './pre-review.repository.js';

const PreReviewSchema = Type.Object({
  sport: Type.String(),
  sportName: Type.String(),
  federation: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
  updatedByName: Type.Union([Type.String(), Type.Null()]),
});

const SportParams = Type.Object({ sport: Type.String({ pattern: '^[a-z0-9_]{1,40}$' }) });

/**
 * Serves the operator's list of sports whose filings need their national federation's
 * pre-review before approval. A change applies to filings submitted after it.
 */
export const preReviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireAccountType('operator'));
  const actor = (request: Parameters<typeof principal>[0]) => ({
    user: principal(request),
    ip: request.ip,
    userAgent: userAgentOf(request),
  });

  app.get(
    '/api/operator/pre-reviews',
    {
      schema: {
        tags: ['sports'],
        summary: "Sports whose filings need a federation's pre-review",
        response: { 200: Type.Object({ items: Type.Array(PreReviewSchema) }) },
      },
    },
    async () => {
      const rows = await repository.listPreReviews(app.db);
      return {
        items: rows.map((row) => ({
          sport: row.sport,
          sportName: sportName(row.sport) ?? row.sport,
          federation: row.federation,
          updatedAt: new Date(row.updated_at).toISOString(),
          updatedByName: row.updated_by_name,
        })),
      };
    },
  );

  app.put(
    '/api/operator/pre-reviews/:sport',
    {
      schema: {
        tags: ['sports'],
        summary: "Require a federation's pre-review for a sport",
        params: SportParams,
        body: Type.Object(
          { federation: Type.String({ minLength: 2, maxLength: 100, pattern: '\\S' }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { sport } = request.params;
      if (sportName(sport) === undefined) throw new UnknownSport(sport);
      const federation = request.body.federation.trim();
      await app.db.transaction().execute(async (trx) => {
        const before = await repository.findPreReview(trx, sport);
        await repository.upsertPreReview(trx, {
          sport,
          federation,
          updatedBy: principal(request).id,
        });
        await recordAudit(trx, {
          ...auditActorOf(actor(request)),
          action: 'sport.pre_review_set',
          entityType: 'sport',
          entityId: sport,
          detail: { federation },
          changes: { federation: { before: before?.federation ?? null, after: federation } },
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/operator/pre-reviews/:sport',
    {
      schema: {
        tags: ['sports'],
        summary: 'Stop requiring a pre-review for a sport',
        params: SportParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { sport } = request.params;
      await app.db.transaction().execute(async (trx) => {
        const before = await repository.findPreReview(trx, sport);
        if (!before) return;
        await repository.deletePreReview(trx, sport);
        await recordAudit(trx, {
          ...auditActorOf(actor(request)),
          action: 'sport.pre_review_removed',
          entityType: 'sport',
          entityId: sport,
          detail: { federation: before.federation },
        });
      });
      return reply.status(204).send(null);
    },
  );
};
