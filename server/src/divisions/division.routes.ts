import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DIVISION_LEVELS } from '@cityleague/domain';
import { Type } from 'typebox';

import type { DivisionRow } from '../db/schema.js';
import { StringEnum } from '../http/schemas.js';
import * as divisions from './division.service.js';

const Level = StringEnum(DIVISION_LEVELS);

export const DivisionSchema = Type.Object({
  code: Type.String({ examples: ['310104'] }),
  name: Type.String({ examples: ['徐汇区'] }),
  level: Level,
  parentCode: Type.Union([Type.String(), Type.Null()]),
});

export function toDivisionDto(row: DivisionRow) {
  return { code: row.code, name: row.name, level: row.level, parentCode: row.parent_code };
}

const DIVISION_CODE = '^[0-9]{4,12}$';

export const divisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/divisions',
    {
      schema: {
        tags: ['divisions'],
        summary: 'List divisions of one level, or the children of one division',
        querystring: Type.Object({
          level: Type.Optional(Level),
          parent: Type.Optional(Type.String({ pattern: DIVISION_CODE })),
        }),
        response: { 200: Type.Array(DivisionSchema) },
      },
    },
    async (request, reply) => {
      const rows = await divisions.listDivisions(app.db, request.query);
      reply.header('cache-control', 'public, max-age=3600');
      return rows.map(toDivisionDto);
    },
  );

  app.get(
    '/api/divisions/:code',
    {
      schema: {
        tags: ['divisions'],
        summary: 'Get one division',
        params: Type.Object({ code: Type.String({ pattern: DIVISION_CODE }) }),
        response: { 200: DivisionSchema },
      },
    },
    async (request) => toDivisionDto(await divisions.getDivision(app.db, request.params.code)),
  );
};
