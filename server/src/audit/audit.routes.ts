import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { requireAccountType } from '../accounts/authenticate.js';
import { auditContext } from './audit-context.js';
import * as audit from './audit.service.js';

const FilterSchema = {
  username: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: "Actor's username, any case" }),
  ),
  userId: Type.Optional(Type.String({ format: 'uuid', description: "Actor's user id" })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Action code' })),
  entityType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  entityId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'Earliest time, inclusive' }),
  ),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Latest time, inclusive' })),
  ip: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'Start of the client IP address' }),
  ),
  outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
};

const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Union([
    Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String() }),
    Type.Null(),
  ]),
  partner: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()], {
    description: 'The partner platform that acted through the open API; actor is then null',
  }),
  organisation: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.String(),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  detail: Type.Record(Type.String(), Type.Unknown()),
  changes: Type.Union([
    Type.Record(Type.String(), Type.Object({ before: Type.Unknown(), after: Type.Unknown() })),
    Type.Null(),
  ]),
  prevHash: Type.String(),
  hash: Type.String(),
});

/** Registers the security officer's audit viewer routes, which search and export the log. */
export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireAccountType('security_officer'));

  app.get(
    '/api/audit/entries',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit entries that match the filters, newest first',
        querystring: Type.Object({
          ...FilterSchema,
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(AuditEntrySchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => audit.listAuditEntries(app.db, request.query),
  );

  app.get(
    '/api/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary: `Excel workbook of the matching entries (at most ${audit.AUDIT_EXPORT_MAX_ROWS}); the export is audited`,
        querystring: Type.Object(FilterSchema),
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      },
    },
    async (request, reply) => {
      const { workbook } = await audit.exportAuditEntries(
        app.db,
        auditContext(request),
        request.query,
      );
      // The date in the file name is the business date in Shanghai (UTC+8).
      const stamp = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="audit-log-${stamp}.xlsx"`)
        .send(workbook);
    },
  );
};
