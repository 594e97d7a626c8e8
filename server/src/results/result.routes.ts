import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { certificateVerificationPath, MAX_RANK, RESULT_STATUSES } from '@cityleague/domain';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import { citizenId, requireCitizen } from '../citizens/authenticate-citizen.js';
import { StringEnum } from '../http/schemas.js';
import { CERTIFICATE_COLOURS, CERTIFICATE_LAYOUTS } from './certificate-render.js';
import * as certificates from './certificate.service.js';
import * as imports from './result-import.service.js';
import { RESULT_COLUMNS } from './result-rows.js';
import { writeResultWorkbook } from './result-workbook.js';
import * as results from './result.service.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
// Base64 is 4/3 of the bytes; the rest leaves room for the file name and the JSON around it.
const base64Limit = (bytes: number) => Math.ceil((bytes * 4) / 3) + 64 * 1024;
const BASE64 = '^[A-Za-z0-9+/]*={0,2}$';
const CERTIFICATE_CODE = '^[0-9A-Za-z -]{12,20}$';

const ResultSchema = Type.Object({
  status: StringEnum(RESULT_STATUSES),
  rank: Type.Union([Type.Integer(), Type.Null()]),
  time: Type.Union([Type.String({ description: 'HH:MM:SS.sss' }), Type.Null()]),
  score: Type.Union([Type.String({ description: 'Decimal, at most 3 places' }), Type.Null()]),
  text: Type.String({ description: 'The result in Chinese, e.g. 第3名 · 01:02:03.456' }),
});

const GroupSchema = Type.Object({ id: Type.String(), name: Type.String() });

const ImportSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  eventId: Type.String({ format: 'uuid' }),
  fileName: Type.String(),
  sha256: Type.String(),
  status: StringEnum(['dry_run', 'committed'] as const),
  createdAt: Type.String({ format: 'date-time' }),
  committedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  summary: Type.Object({
    rows: Type.Integer(),
    valid: Type.Integer(),
    invalid: Type.Integer(),
    new: Type.Integer(),
    changed: Type.Integer(),
    unchanged: Type.Integer(),
  }),
  errors: Type.Array(
    Type.Object({
      row: Type.Integer({ description: 'Excel row number; 1 is the header row' }),
      column: Type.String(),
      code: Type.String(),
      reason: Type.String({ description: 'What is wrong, in Chinese' }),
    }),
  ),
  rows: Type.Array(
    Type.Object({
      row: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      groupName: Type.String(),
      result: Type.String(),
      status: StringEnum(['new', 'changed', 'unchanged'] as const),
    }),
  ),
});

const DesignSchema = Type.Object({
  layout: StringEnum(CERTIFICATE_LAYOUTS),
  colour: StringEnum(CERTIFICATE_COLOURS),
  hasBackground: Type.Boolean(),
});

const EventParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const EntryParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  registrationId: Type.String({ format: 'uuid' }),
});
const ImportParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  importId: Type.String({ format: 'uuid' }),
});

function actorOf(request: FastifyRequest): results.ResultActor {
  return { user: principal(request), ip: request.ip, userAgent: userAgentOf(request) };
}

/** Builds the verification link from the origin the request reached, as event share links do. */
function verificationUrlOf(request: FastifyRequest) {
  return (code: string) =>
    `${request.protocol}://${request.host}${certificateVerificationPath(code)}`;
}

/** Console routes on an event's results and certificate design, for the owning organisation. */
export const consoleResultRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);

  app.get(
    '/api/console/events/:id/results',
    {
      schema: {
        tags: ['console'],
        summary: "An event's active entries with their results, in registration order",
        params: EventParams,
        querystring: Type.Object({
          groupId: Type.Optional(Type.String({ format: 'uuid' })),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                registrationId: Type.String(),
                code: Type.String(),
                name: Type.String(),
                groupId: Type.String(),
                groupName: Type.String(),
                result: Type.Union([ResultSchema, Type.Null()]),
                certificateCode: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
            groups: Type.Array(GroupSchema),
            counts: Type.Object({
              entries: Type.Integer(),
              results: Type.Integer(),
              finishers: Type.Integer(),
            }),
            publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
          }),
        },
      },
    },
    async (request) =>
      results.listConsoleResults(app.db, principal(request), request.params.id, request.query),
  );

  app.put(
    '/api/console/events/:id/results/:registrationId',
    {
      schema: {
        tags: ['console'],
        summary: 'Enter or replace the result of an active entry of a published event',
        description:
          'A finisher needs a rank; DNF and DSQ take none. A time (HH:MM:SS.sss) or a score, ' +
          'not both. Equal ranks in a group are ties. After publication the change is public ' +
          'at once and certificates follow it.',
        params: EntryParams,
        body: Type.Object(
          {
            status: StringEnum(RESULT_STATUSES),
            rank: Type.Union([Type.Integer({ minimum: 1, maximum: MAX_RANK }), Type.Null()]),
            time: Type.Union([Type.String({ maxLength: 20 }), Type.Null()]),
            score: Type.Union([Type.String({ maxLength: 20 }), Type.Null()]),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ registrationId: Type.String(), result: ResultSchema }) },
      },
    },
    async (request) =>
      results.saveResult(
        app.db,
        actorOf(request),
        request.params.id,
        request.params.registrationId,
        request.body,
      ),
  );

  app.delete(
    '/api/console/events/:id/results/:registrationId',
    {
      schema: {
        tags: ['console'],
        summary: 'Remove the result of an entry; its certificate is revoked',
        params: EntryParams,
      },
    },
    async (request, reply) => {
      await results.deleteResult(
        app.db,
        actorOf(request),
        request.params.id,
        request.params.registrationId,
      );
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/console/events/:id/results/publish',
    {
      schema: {
        tags: ['console'],
        summary: 'Publish the results, notify the entrants and issue certificates, once',
        description:
          'The first call publishes; later calls answer alreadyPublished: true and send nothing.',
        params: EventParams,
        response: {
          200: Type.Object({
            publishedAt: Type.String({ format: 'date-time' }),
            alreadyPublished: Type.Boolean(),
            results: Type.Integer(),
            finishers: Type.Integer(),
          }),
        },
      },
    },
    async (request) => results.publishResults(app.db, actorOf(request), request.params.id),
  );

  app.get(
    '/api/console/events/:id/results/template.xlsx',
    {
      schema: {
        tags: ['console'],
        summary: "The result workbook template, listing the event's active entries",
        params: EventParams,
        produces: [XLSX_TYPE],
      },
    },
    async (request, reply) => {
      const list = await results.listConsoleResults(app.db, principal(request), request.params.id, {
        limit: 200,
      });
      // NOTE: the template lists the first 200 entries only; larger events fill in the rest.
      const rows = list.items.map((item) => {
        const row: string[] = RESULT_COLUMNS.map(() => '');
        row[0] = item.code;
        row[1] = item.name;
        row[3] = item.groupName;
        return row;
      });
      const filename = encodeURIComponent('成绩导入模板.xlsx');
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', `attachment; filename*=UTF-8''${filename}`)
        .header('cache-control', 'private, no-store')
        .send(await writeResultWorkbook(rows));
    },
  );

  app.post(
    '/api/console/events/:id/result-imports',
    {
      bodyLimit: base64Limit(imports.MAX_RESULT_WORKBOOK_BYTES),
      schema: {
        tags: ['console'],
        summary: 'Check a result workbook (dry run) and keep the report for a commit',
        params: EventParams,
        body: Type.Object(
          {
            fileName: Type.String({ minLength: 1, maxLength: 200 }),
            content: Type.String({
              minLength: 4,
              pattern: BASE64,
              description: 'The .xlsx file in base64',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 201: ImportSchema },
      },
    },
    async (request, reply) => {
      const report = await imports.dryRunResultImport(
        app.db,
        app.cipher,
        actorOf(request),
        request.params.id,
        {
          fileName: request.body.fileName,
          content: Buffer.from(request.body.content, 'base64'),
        },
      );
      return reply.status(201).send(report);
    },
  );

  app.get(
    '/api/console/events/:id/result-imports/:importId',
    {
      schema: {
        tags: ['console'],
        summary: 'One result import with its report',
        params: ImportParams,
        response: { 200: ImportSchema },
      },
    },
    async (request) =>
      imports.getResultImport(app.db, actorOf(request), request.params.id, request.params.importId),
  );

  app.post(
    '/api/console/events/:id/result-imports/:importId/commit',
    {
      schema: {
        tags: ['console'],
        summary: 'Apply a dry run without invalid rows, all rows or none, once',
        params: ImportParams,
        response: { 200: ImportSchema },
      },
    },
    async (request) =>
      imports.commitResultImport(
        app.db,
        actorOf(request),
        request.params.id,
        request.params.importId,
      ),
  );

  app.get(
    '/api/console/events/:id/certificate-design',
    {
      schema: {
        tags: ['console'],
        summary: "The event's certificate layout, colour and whether a background is set",
        params: EventParams,
        response: { 200: DesignSchema },
      },
    },
    async (request) => certificates.getDesign(app.db, actorOf(request), request.params.id),
  );

  app.put(
    '/api/console/events/:id/certificate-design',
    {
      bodyLimit: base64Limit(certificates.MAX_BACKGROUND_BYTES),
      schema: {
        tags: ['console'],
        summary: 'Choose the certificate layout and colour, and set or remove a background',
        params: EventParams,
        body: Type.Object(
          {
            layout: StringEnum(CERTIFICATE_LAYOUTS),
            colour: StringEnum(CERTIFICATE_COLOURS),
            background: Type.Optional(
              Type.Union([
                Type.String({ minLength: 4, pattern: BASE64, description: 'PNG or JPEG, base64' }),
                Type.Null(),
              ]),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: DesignSchema },
      },
    },
    async (request) => {
      const { background, ...rest } = request.body;
      return certificates.setDesign(app.db, actorOf(request), request.params.id, {
        ...rest,
        background:
          background === undefined || background === null
            ? background
            : Buffer.from(background, 'base64'),
      });
    },
  );

  app.get(
    '/api/console/events/:id/certificate-preview.png',
    {
      schema: {
        tags: ['console'],
        summary: 'A sample certificate of the event in its current design',
        params: EventParams,
        produces: ['image/png'],
      },
    },
    async (request, reply) => {
      const png = await certificates.renderPreview(
        app.db,
        actorOf(request),
        request.params.id,
        verificationUrlOf(request),
      );
      return reply.type('image/png').header('cache-control', 'private, no-store').send(png);
    },
  );
};

/** Public routes: an event's published results and certificate verification. */
export const publicResultRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/events/:id/results',
    {
      schema: {
        tags: ['events'],
        summary: "A published event's published results, by group, with names masked",
        description:
          'Finishers by rank, then DNF, then DSQ. Names keep their first character only; no ' +
          'phone, ID number or registration code is ever returned. q looks up one entrant by ' +
          'exact full name or registration code. 404 RES_NOT_PUBLISHED before publication.',
        params: EventParams,
        querystring: Type.Object({
          groupId: Type.Optional(Type.String({ format: 'uuid' })),
          q: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 50,
              pattern: '\\S',
              description:
                "An entrant's exact full name or registration code; keeps only their results, " +
                'still with the name masked',
            }),
          ),
          cursor: Type.Optional(Type.String({ maxLength: 300 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: Type.Object({
            event: Type.Object({
              id: Type.String(),
              name: Type.String(),
              startsAt: Type.String({ format: 'date-time' }),
            }),
            publishedAt: Type.String({ format: 'date-time' }),
            groups: Type.Array(
              Type.Object({ id: Type.String(), name: Type.String(), count: Type.Integer() }),
            ),
            items: Type.Array(
              Type.Intersect([
                Type.Object({
                  nameMasked: Type.String(),
                  groupName: Type.String({
                    description: "Empty for an event's only group when it is the default group",
                  }),
                }),
                ResultSchema,
              ]),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request, reply) => {
      const page = await results.listPublicResults(app.db, request.params.id, request.query);
      return reply.header('cache-control', 'public, max-age=60').send(page);
    },
  );

  app.get(
    '/api/certificates/:code',
    {
      schema: {
        tags: ['events'],
        summary: 'Confirm a certificate by its code: name, event, group, result and date only',
        params: Type.Object({ code: Type.String({ pattern: CERTIFICATE_CODE }) }),
        response: {
          200: Type.Object({
            code: Type.String(),
            name: Type.String(),
            eventId: Type.String(),
            eventName: Type.String(),
            groupName: Type.String(),
            result: Type.String(),
            date: Type.String(),
            issuedAt: Type.String({ format: 'date-time' }),
          }),
        },
      },
    },
    async (request, reply) => {
      const certificate = await certificates.verifyCertificate(app.db, request.params.code);
      return reply.header('cache-control', 'no-store').send(certificate);
    },
  );
};

/** Registers the routes of a signed-in citizen's own results and certificate files. */
export const citizenResultRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireCitizen);

  app.get(
    '/api/citizen/results',
    {
      schema: {
        tags: ['citizens'],
        summary: "The published results of the citizen's own entries, newest event first",
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Intersect([
                Type.Object({
                  registrationId: Type.String(),
                  eventId: Type.String(),
                  eventName: Type.String(),
                  startsAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
                  groupName: Type.String(),
                  certificateCode: Type.Union([Type.String(), Type.Null()]),
                  publishedAt: Type.String({ format: 'date-time' }),
                }),
                ResultSchema,
              ]),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await results.listCitizenResults(app.db, citizenId(request)) }),
  );

  app.get(
    '/api/citizen/certificates/:code/:file',
    {
      schema: {
        tags: ['citizens'],
        summary: "Download one of the citizen's own certificates as PNG or PDF",
        params: Type.Object({
          code: Type.String({ pattern: CERTIFICATE_CODE }),
          file: StringEnum(['certificate.png', 'certificate.pdf'] as const),
        }),
        produces: ['image/png', 'application/pdf'],
      },
    },
    async (request, reply) => {
      const format = request.params.file === 'certificate.pdf' ? 'pdf' : 'png';
      const file = await certificates.renderOwnCertificate(
        app.db,
        citizenId(request),
        request.params.code,
        format,
        verificationUrlOf(request),
      );
      // The file is private to the citizen's session, so only the browser may keep it. The
      // browser revalidates with If-None-Match each time, so a changed result shows at once.
      const etag = `"${file.fingerprint}"`;
      reply.header('etag', etag).header('cache-control', 'private, no-cache');
      if (ifNoneMatchIncludes(request.headers['if-none-match'], etag)) {
        return reply.code(304).send();
      }
      const filename = encodeURIComponent(`完赛证书.${format}`);
      return reply
        .type(format === 'pdf' ? 'application/pdf' : 'image/png')
        .header('content-disposition', `attachment; filename*=UTF-8''${filename}`)
        .send(file.bytes);
    },
  );
};

/** Tells whether an If-None-Match header lists an entity tag, or is `*`. */
function ifNoneMatchIncludes(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
