import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { StringEnum } from '../http/schemas.js';
import { dashboard } from './dashboard.service.js';

const Counts = Type.Object({
  draft: Type.Integer(),
  submitted: Type.Integer(),
  returned: Type.Integer(),
  approved: Type.Integer(),
  published: Type.Integer(),
  cancelled: Type.Integer(),
  total: Type.Integer(),
});

const Figures = {
  events: Counts,
  registrations: Type.Integer(),
  checkIns: Type.Integer(),
};

const DivisionRef = {
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
};

export const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/dashboard',
    {
      onRequest: requireSession,
      schema: {
        tags: ['dashboards'],
        summary: 'Event, registration and check-in counts for a division and its children',
        querystring: Type.Object({
          division: Type.Optional(Type.String({ pattern: '^[0-9]{4,12}$' })),
        }),
        response: {
          200: Type.Object({
            scope: Type.Object(DivisionRef),
            basis: StringEnum(['division', 'organisation'] as const, {
              description:
                'division: every filed event held in the scope; organisation: only the ' +
                "viewer's organisation's events (contractors, community sports association)",
            }),
            organisation: Type.Union([
              Type.Object({ id: Type.String(), name: Type.String() }),
              Type.Null(),
            ]),
            ...Figures,
            unassigned: Type.Object(Figures, {
              description:
                'Events held in the scope as a whole, in no child division (a district-level ' +
                'event with no street chosen, say); children plus unassigned add up to the total',
            }),
            children: Type.Array(Type.Object({ ...DivisionRef, ...Figures })),
          }),
        },
      },
    },
    async (request) => dashboard(app.db, principal(request), request.query.division),
  );
};
