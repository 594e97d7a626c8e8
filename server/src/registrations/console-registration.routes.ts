import { join } from 'node:path';

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import { StringEnum } from '../http/schemas.js';
import { cancelByOrganiser } from './cancellation.service.js';
import { DocumentStore } from '../documents/document-store.js';
import { attachmentDisposition } from '../documents/file-name.js';
import { ATTACHMENTS_FOLDER } from '../forms/attachment.routes.js';
import {
  addEntryByOrganiser,
  downloadEntryFile,
  getEntryDetail,
  RegistrationDetailSchema,
  REVEALABLE_FIELD_PATTERN,
  revealRegistrationField,
  type RevealableField,
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
  const attachments = new DocumentStore(join(app.config.documentsDir, ATTACHMENTS_FOLDER));

  app.get(
    '/api/console/events/:id/registrations/:registrationId',
    {
      schema: {
        tags: ['console'],
        summary: "One entry of the organiser's event with its answers, personal data masked",
        description:
          "Answers to the form's custom fields come as text under their labels: choices by " +
          'label, dates as 2026年5月1日, several choices joined by 、, and a file answer with ' +
          'its file for the download route. Answers the organiser marked as personal data, ' +
          'and ID-like answers, are masked; the reveal route returns them in full, audited.',
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          registrationId: Type.String({ format: 'uuid' }),
        }),
        response: { 200: RegistrationDetailSchema },
      },
    },
    async (request) =>
      getEntryDetail(app.db, principal(request), request.params.id, request.params.registrationId),
  );

  app.get(
    '/api/console/events/:id/registrations/:registrationId/files/:fileId',
    {
      schema: {
        tags: ['console'],
        summary: 'Download a file answer of an entry, audited',
        description:
          "For the event's organiser and officials whose scope covers the event; others get " +
          '404 EVT_NOT_FOUND. Every download writes a registration.file_downloaded audit ' +
          "entry. A file that is not this entry's answer is 404 REG_FILE_NOT_FOUND.",
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          registrationId: Type.String({ format: 'uuid' }),
          fileId: Type.String({ format: 'uuid' }),
        }),
        produces: ['application/pdf', 'image/jpeg', 'image/png'],
      },
    },
    async (request, reply) => {
      const { id: eventId, registrationId, fileId } = request.params;
      const actor = { user: principal(request), ip: request.ip, userAgent: userAgentOf(request) };
      const row = await downloadEntryFile(app.db, actor, { eventId, registrationId, fileId });
      const file = await attachments.open(row.event_id, row.id);
      if (!file) throw new Error(`Stored file of attachment ${row.id} is missing`);
      // Served with the type its content was checked to be, never sniffed, and without the
      // right to run scripts should a browser render it anyway.
      return reply
        .type(row.content_type)
        .header('content-length', String(row.size_bytes))
        .header('content-disposition', attachmentDisposition(row.file_name))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, no-store')
        .send(file.createReadStream());
    },
  );

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
        summary: "Reveal a registrant's mobile number or a masked answer in full, audited",
        description:
          'field is phone or answers.<field key>. Only the organisation that owns the event ' +
          'may call it. Every successful call writes a personal_data.reveal audit entry naming ' +
          'the registration and the field, never the value. An entry without that answer is ' +
          '404 REG_ANSWER_NOT_FOUND. The response must not be cached.',
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          registrationId: Type.String({ format: 'uuid' }),
        }),
        body: Type.Object({ field: Type.String({ pattern: REVEALABLE_FIELD_PATTERN }) }),
        response: {
          200: Type.Object({ field: Type.String(), value: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const actor = { user: principal(request), ip: request.ip };
      const field = request.body.field as RevealableField;
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
        body: Type.Object(
          { reason: Type.String({ maxLength: 500 }) },
          { additionalProperties: false },
        ),
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
