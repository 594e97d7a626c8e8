import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import { StringEnum } from '../http/schemas.js';
import { cancelByOrganiser } from './cancellation.service.js';
import {
  addEntryByOrganiser,
  REVEALABLE_FIELDS,
  revealRegistrationField,
} from './console-registration.service.js';
import { exportEntries } from './entry-export.service.js';
import {
  commitEntryImport,
  dryRunEntryImport,
  MAX_ENTRY_WORKBOOK_BYTES,
} from './entry-import.service.js';
import { entryTemplate } from './entry-workbook.js';
import {
  receiptStatus,
  RegistrationBody,
  RegistrationReceipt,
  toReceipt,
} from './registration.routes.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
// Base64 is 4/3 of the bytes; the rest leaves room for the file name and the JSON around it.
const IMPORT_BODY_LIMIT = Math.ceil((MAX_ENTRY_WORKBOOK_BYTES * 4) / 3) + 64 * 1024;

const RowErrorSchema = Type.Object({
  row: Type.Integer({ description: 'Excel row number; 1 is the header row' }),
  column: Type.String({ description: 'Header of the column' }),
  code: Type.String(),
  reason: Type.String({ description: 'What is wrong, in Chinese' }),
});

const ImportReportSchema = Type.Object({
  mode: StringEnum(['dry_run', 'committed'] as const),
  rows: Type.Integer({ description: 'Data rows read' }),
  valid: Type.Integer({ description: 'Rows that would be or were imported' }),
  errors: Type.Array(RowErrorSchema),
  groups: Type.Array(
    Type.Object({
      groupId: Type.String(),
      name: Type.String(),
      requested: Type.Integer(),
      free: Type.Integer({ description: 'Free places before the import' }),
    }),
  ),
  created: Type.Integer(),
});

/** An ASCII file name for a download, with the Chinese name in filename*. */
function downloadDisposition(name: string, extension: string): string {
  return `attachment; filename="registrations.${extension}"; filename*=UTF-8''${encodeURIComponent(`${name}.${extension}`)}`;
}

/** Console routes on single registrations of an event, for its organiser. */
export const consoleRegistrationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);

  app.post(
    '/api/console/events/:id/registrations',
    {
      schema: {
        tags: ['console'],
        summary: "Add one entry to the organiser's event, checked like a public registration",
        description:
          'For people who register at the desk or by telephone. The body and every check are ' +
          "those of POST /api/events/:id/registrations: the form's custom answers, the ID " +
          'number rule and consents, the window, capacity and the waiting list. The entry is ' +
          "stored with channel 'console', and a registration.added audit entry is written. " +
          'An Idempotency-Key header makes retries safe as on the public route.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100 })),
        }),
        body: RegistrationBody,
        response: { 200: RegistrationReceipt, 201: RegistrationReceipt, 202: RegistrationReceipt },
      },
    },
    async (request, reply) => {
      const actor = { user: principal(request), ip: request.ip };
      const { event, ...result } = await addEntryByOrganiser(
        app.db,
        app.cipher,
        actor,
        request.params.id,
        { ...request.body, idempotencyKey: request.headers['idempotency-key'] },
      );
      return reply.status(receiptStatus(result)).send(toReceipt(result, event));
    },
  );

  app.post(
    '/api/console/events/:id/registrations/:registrationId/reveal',
    {
      schema: {
        tags: ['console'],
        summary: "Reveal a registrant's full mobile number to the event's organiser, audited",
        description:
          'Only the organisation that owns the event may call it. Every successful call writes ' +
          'a personal_data.reveal audit entry naming the registration and the field, never the ' +
          'value. The response must not be cached.',
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          registrationId: Type.String({ format: 'uuid' }),
        }),
        body: Type.Object({ field: StringEnum(REVEALABLE_FIELDS) }),
        response: {
          200: Type.Object({ field: StringEnum(REVEALABLE_FIELDS), value: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const actor = { user: principal(request), ip: request.ip };
      const { field } = request.body;
      const value = await revealRegistrationField(app.db, app.cipher, actor, {
        eventId: request.params.id,
        registrationId: request.params.registrationId,
        field,
      });
      return reply.header('cache-control', 'no-store').send({ field, value });
    },
  );

  app.post(
    '/api/console/events/:id/registrations/:registrationId/cancel',
    {
      schema: {
        tags: ['console'],
        summary: "Cancel an entry of the organiser's event with a reason, at any time",
        description:
          'An active or offered entry releases its place, which goes to the next entry of the ' +
          'waiting list in the same transaction. A cancelled entry answers 409 ' +
          'REG_ALREADY_CANCELLED and nothing changes.',
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          registrationId: Type.String({ format: 'uuid' }),
        }),
        body: Type.Object({ reason: Type.String({ maxLength: 500 }) }),
        response: {
          200: Type.Object({
            id: Type.String(),
            status: Type.String(),
            released: Type.Boolean(),
          }),
        },
      },
    },
    async (request) => {
      const actor = { user: principal(request), ip: request.ip, userAgent: userAgentOf(request) };
      const { registration, released } = await cancelByOrganiser(
        app.db,
        actor,
        request.params.id,
        request.params.registrationId,
        request.body,
      );
      return { id: registration.id, status: registration.status, released };
    },
  );

  app.get(
    '/api/console/events/:id/registrations/export',
    {
      schema: {
        tags: ['console'],
        summary: "Export every entry of the organiser's event as .xlsx or CSV, audited",
        description:
          'One row per person with group, status, channel and times. Mobile and ID numbers ' +
          'are masked unless unmasked=true. CSV is UTF-8 with a byte order mark, and cells ' +
          'that could start a formula are neutralised. Every export writes an ' +
          'export.registrations audit entry.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({
          format: Type.Optional(StringEnum(['xlsx', 'csv'] as const)),
          unmasked: Type.Optional(Type.Boolean()),
        }),
        produces: [XLSX_TYPE, 'text/csv'],
      },
    },
    async (request, reply) => {
      const format = request.query.format ?? 'xlsx';
      const { eventName, body } = await exportEntries(
        app.db,
        app.cipher,
        { user: principal(request), ip: request.ip },
        request.params.id,
        { format, unmasked: request.query.unmasked ?? false },
      );
      return reply
        .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE)
        .header('content-disposition', downloadDisposition(`${eventName}-报名名单`, format))
        .header('cache-control', 'no-store')
        .send(body);
    },
  );

  app.get(
    '/api/console/registration-imports/template',
    {
      schema: {
        tags: ['console'],
        summary: 'The workbook template for importing entries taken offline',
        produces: [XLSX_TYPE],
      },
    },
    async (_request, reply) =>
      reply
        .header('content-type', XLSX_TYPE)
        .header('content-disposition', downloadDisposition('线下报名导入模板', 'xlsx'))
        .send(await entryTemplate()),
  );

  app.post(
    '/api/console/events/:id/registration-imports',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['console'],
        summary: 'Check (dry run) or import, all or nothing, a workbook of entries taken offline',
        description:
          'With dryRun=true nothing is written: the answer lists the row errors and, per ' +
          'group, the places asked for against those free. Without it the import checks ' +
          'everything again under the event lock and either creates every entry or none: ' +
          'REG_IMPORT_HAS_ERRORS (422, with the row errors), REG_IMPORT_OVER_CAPACITY or ' +
          'REG_IMPORT_CONFLICT (409).',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object(
          {
            fileName: Type.String({ minLength: 1, maxLength: 200 }),
            content: Type.String({
              minLength: 4,
              pattern: '^[A-Za-z0-9+/]*={0,2}$',
              description: 'The .xlsx file in base64',
            }),
            dryRun: Type.Boolean(),
          },
          { additionalProperties: false },
        ),
        response: { 200: ImportReportSchema, 201: ImportReportSchema },
      },
    },
    async (request, reply) => {
      const { fileName, content, dryRun } = request.body;
      const bytes = Buffer.from(content, 'base64');
      const user = principal(request);
      if (dryRun) {
        return dryRunEntryImport(app.db, app.cipher, user, request.params.id, bytes);
      }
      const report = await commitEntryImport(
        app.db,
        app.cipher,
        { user, ip: request.ip },
        request.params.id,
        { fileName, content: bytes },
      );
      return reply.status(201).send(report);
    },
  );
};
