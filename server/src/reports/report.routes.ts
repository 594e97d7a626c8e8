import { join } from 'node:path';

import { REPORT_KINDS, REPORT_STATUSES } from '@cityleague/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { auditContext } from '../audit/audit-context.js';
import { attachmentDisposition } from '../documents/file-name.js';
import { Nullable, StringEnum } from '../http/schemas.js';
import { ReportFiles } from './report-files.js';
import * as reports from './report.service.js';

const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
} as const;

const ReportSchema = Type.Object({
  id: Type.String(),
  title: Type.String({
    description:
      "<division><period><kind>, or '<organisation> · <division> · <period><kind>' when only " +
      "the requester's organisation's events count",
  }),
  kind: StringEnum(REPORT_KINDS),
  period: Type.String(),
  periodLabel: Type.String(),
  division: Type.Object({ code: Type.String(), name: Type.String() }),
  requestedBy: Type.String(),
  status: StringEnum(REPORT_STATUSES),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  error: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  files: Nullable(Type.Object({ xlsxBytes: Type.Integer(), pdfBytes: Type.Integer() })),
});

const RequestedReport = Type.Intersect([
  ReportSchema,
  Type.Object({
    reused: Type.Boolean({
      description:
        'True when you already had an identical report queued or running: that report is ' +
        'returned (status 200) in place of a new one (status 202)',
    }),
  }),
]);

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** Returns the store of generated report files, a folder beside the event documents. */
export function reportFilesOf(documentsDir: string): ReportFiles {
  return new ReportFiles(join(documentsDir, 'reports'));
}

export const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const files = reportFilesOf(app.config.documentsDir);

  app.post(
    '/api/reports',
    {
      onRequest: requireSession,
      schema: {
        tags: ['dashboards'],
        summary:
          'Queue a monthly, quarterly or annual report of a division within your scope, for a ' +
          'period that has begun; an identical report still queued or running is returned',
        body: Type.Object(
          {
            kind: StringEnum(REPORT_KINDS),
            period: Type.String({
              maxLength: 7,
              description: '2026-03 for a month, 2026-Q1 for a quarter, 2026 for a year',
            }),
            division: Type.Optional(Type.String({ pattern: '^[0-9]{4,12}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: RequestedReport, 202: RequestedReport },
      },
    },
    async (request, reply) => {
      const report = await reports.requestReport(
        app.db,
        principal(request),
        request.body,
        auditContext(request),
      );
      return reply.code(report.reused ? 200 : 202).send(report);
    },
  );

  app.get(
    '/api/reports',
    {
      onRequest: requireSession,
      schema: {
        tags: ['dashboards'],
        summary: "Your organisation's report archive, newest first",
        querystring: Type.Object({ cursor: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: {
          200: Type.Object({
            items: Type.Array(ReportSchema),
            nextCursor: Nullable(Type.String()),
          }),
        },
      },
    },
    async (request) => reports.listReports(app.db, principal(request), request.query.cursor),
  );

  app.get(
    '/api/reports/:id',
    {
      onRequest: requireSession,
      schema: {
        tags: ['dashboards'],
        summary: 'One report with its status and progress',
        params: IdParams,
        response: { 200: ReportSchema },
      },
    },
    async (request) => reports.getReport(app.db, principal(request), request.params.id),
  );

  app.get(
    '/api/reports/:id/download',
    {
      onRequest: requireSession,
      schema: {
        tags: ['dashboards'],
        summary: 'Download a finished report as .xlsx or PDF; the download is audited',
        params: IdParams,
        querystring: Type.Object({ format: StringEnum(['xlsx', 'pdf'] as const) }),
        produces: [CONTENT_TYPES.xlsx, CONTENT_TYPES.pdf],
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      const { content, fileName } = await reports.downloadReport(
        app.db,
        files,
        principal(request),
        request.params.id,
        format,
        auditContext(request),
      );
      return reply
        .type(CONTENT_TYPES[format])
        .header('content-disposition', attachmentDisposition(fileName))
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(content);
    },
  );
};
