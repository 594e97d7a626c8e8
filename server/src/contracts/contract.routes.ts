import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SECTIONS } from '@cityleague/domain';
import { Type } from 'typebox';

import { principal, requireAccountType, requireSession } from '../accounts/authenticate.js';
import { StringEnum } from '../http/schemas.js';
import { contractTemplate } from './contract-workbook.js';
import * as imports from './contract-import.service.js';
import * as contracts from './contract.service.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
// Base64 is 4/3 of the bytes; the rest leaves room for the file name and the JSON around it.
const IMPORT_BODY_LIMIT = Math.ceil((imports.MAX_WORKBOOK_BYTES * 4) / 3) + 64 * 1024;

const ContractSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  year: Type.Integer(),
  creditCode: Type.String(),
  organisationName: Type.String(),
  level: StringEnum(['city', 'district'] as const),
  districtCode: Type.Union([Type.String(), Type.Null()]),
  districtName: Type.Union([Type.String(), Type.Null()]),
  section: StringEnum(SECTIONS),
  sport: Type.String(),
  sportName: Type.String(),
  eventName: Type.String(),
  contactName: Type.String(),
  contactPhoneMasked: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const RowErrorSchema = Type.Object({
  row: Type.Integer({ description: 'Excel row number; 1 is the header row' }),
  column: Type.String({ description: 'Header of the column' }),
  code: Type.String(),
  reason: Type.String({ description: 'What is wrong, in Chinese' }),
});

const ImportSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  year: Type.Integer(),
  fileName: Type.String(),
  sha256: Type.String(),
  status: StringEnum(['dry_run', 'committed'] as const),
  createdAt: Type.String({ format: 'date-time' }),
  committedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  summary: Type.Object({
    rows: Type.Integer(),
    new: Type.Integer(),
    changed: Type.Integer(),
    unchanged: Type.Integer(),
    invalid: Type.Integer(),
  }),
  errors: Type.Array(RowErrorSchema),
  rows: Type.Array(
    Type.Object({
      row: Type.Integer(),
      status: StringEnum(['new', 'changed', 'unchanged'] as const),
      creditCode: Type.String(),
      organisationName: Type.String(),
      eventName: Type.String(),
      changedFields: Type.Array(Type.String()),
    }),
  ),
});

const ImportIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** Registers the operator's contract import, list and template routes. */
export const contractOperatorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireAccountType('operator'));

  app.get(
    '/api/console/contracts',
    {
      schema: {
        tags: ['contracts'],
        summary: 'Contracts, newest first, with filters',
        querystring: Type.Object({
          year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
          level: Type.Optional(StringEnum(['city', 'district'] as const)),
          district: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
          sport: Type.Optional(Type.String({ maxLength: 40 })),
          section: Type.Optional(StringEnum(SECTIONS)),
          q: Type.Optional(Type.String({ maxLength: 100 })),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(ContractSchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const { district, ...filter } = request.query;
      return contracts.listContracts(app.db, { ...filter, districtCode: district });
    },
  );

  app.get(
    '/api/console/contracts/template.xlsx',
    {
      schema: {
        tags: ['contracts'],
        summary: 'The contract workbook template: header row and one example row',
        produces: [XLSX_TYPE],
      },
    },
    async (_request, reply) => {
      const filename = encodeURIComponent('中标合同导入模板.xlsx');
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', `attachment; filename*=UTF-8''${filename}`)
        .send(await contractTemplate());
    },
  );

  app.post(
    '/api/console/contracts/imports',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['contracts'],
        summary: 'Check a contract workbook (dry run) and keep the report for a commit',
        body: Type.Object(
          {
            fileName: Type.String({ minLength: 1, maxLength: 200 }),
            content: Type.String({
              minLength: 4,
              pattern: '^[A-Za-z0-9+/]*={0,2}$',
              description: 'The .xlsx file in base64',
            }),
            year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: ImportSchema },
      },
    },
    async (request, reply) => {
      const { fileName, content, year } = request.body;
      const report = await imports.dryRunImport(
        app.db,
        app.cipher,
        { user: principal(request), ip: request.ip },
        {
          fileName,
          content: Buffer.from(content, 'base64'),
          year: year ?? contracts.shanghaiYear(Date.now()),
        },
      );
      return reply.status(201).send(report);
    },
  );

  app.get(
    '/api/console/contracts/imports/:id',
    {
      schema: {
        tags: ['contracts'],
        summary: 'One contract import with its report',
        params: ImportIdParams,
        response: { 200: ImportSchema },
      },
    },
    async (request) => imports.getImport(app.db, request.params.id),
  );

  app.post(
    '/api/console/contracts/imports/:id/commit',
    {
      schema: {
        tags: ['contracts'],
        summary: 'Apply a dry run without invalid rows, once',
        params: ImportIdParams,
        response: { 200: ImportSchema },
      },
    },
    async (request) =>
      imports.commitImport(app.db, { user: principal(request), ip: request.ip }, request.params.id),
  );
};

/** Registers the list of the signed-in organisation's own contracts, for the filing form. */
export const ownContractRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);

  app.get(
    '/api/console/contracts/mine',
    {
      schema: {
        tags: ['contracts'],
        summary: "The contracts of the user's organisation from this year on",
        response: { 200: Type.Object({ items: Type.Array(ContractSchema) }) },
      },
    },
    async (request) => contracts.listOwnContracts(app.db, principal(request)),
  );
};
