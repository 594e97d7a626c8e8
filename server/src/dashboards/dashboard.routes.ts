import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { auditContext } from '../audit/audit-context.js';
import { attachmentDisposition } from '../documents/file-name.js';
import { StringEnum } from '../http/schemas.js';
import { drillEvents } from './dashboard-drill.service.js';
import { FIGURE_SETS } from './dashboard.export.js';
import { EVENT_STAGES } from './dashboard.repository.js';
import { dashboard, dashboardCacheKey, exportDashboardFigures } from './dashboard.service.js';
import { ReadCache } from '../shared/read-cache.js';

const EventCounts = Type.Object({
  draft: Type.Integer(),
  submitted: Type.Integer(),
  returned: Type.Integer(),
  approved: Type.Integer(),
  published: Type.Integer({ description: 'Published events that have not ended' }),
  held: Type.Integer({ description: 'Published events that have ended' }),
  cancelled: Type.Integer(),
  filed: Type.Integer({ description: 'Every event but drafts' }),
  total: Type.Integer(),
});

const Channels = Type.Object({
  online: Type.Integer(),
  onSite: Type.Integer(),
  partner: Type.Integer(),
});

const FigureFields = {
  events: EventCounts,
  registrations: Type.Integer({ description: 'Active entries' }),
  cancellations: Type.Integer({ description: 'Cancelled entries' }),
  checkIns: Type.Integer(),
  endedRegistrations: Type.Integer({
    description:
      'Active entries of the events that ended before now. The check-in rate is ' +
      'endedCheckIns / endedRegistrations, and there is none when this is 0',
  }),
  endedCheckIns: Type.Integer({ description: 'Check-ins of the events that ended before now' }),
  participants: Type.Integer({
    description: 'People with at least one active entry, each counted once in the row',
  }),
  channels: Channels,
};
const Figures = Type.Object(FigureFields);

const Row = Type.Object({ key: Type.String(), name: Type.String(), ...FigureFields });

const DivisionRef = {
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
};

const PeriodQuery = {
  division: Type.Optional(Type.String({ pattern: '^[0-9]{4,12}$' })),
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
  quarter: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
  month: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
};

const PERIOD_DESCRIPTION =
  'Events count in the month they start (Asia/Shanghai), so an event without a start time ' +
  'counts in no period. Without year, quarter and month the period is the current year in ' +
  'Asia/Shanghai; there is no all-time period. A quarter or month needs a year, a quarter ' +
  'excludes a month, and the year may be next year in Asia/Shanghai at the latest, because ' +
  'events are filed ahead of it; anything else is DSH_INVALID_PERIOD. The check-in rate of a ' +
  'row is endedCheckIns / endedRegistrations: only events that ended before now count in it.';

// Bounds the dashboards kept per process; evicting one costs only its recomputation.
const MAX_CACHED_DASHBOARDS = 500;

export const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Only the figures are cached. The drill list pages through events by cursor, so its keys
  // would rarely repeat, and the export is rare.
  const dashboards = new ReadCache<Awaited<ReturnType<typeof dashboard>>>({
    ttlMilliseconds: app.config.readCacheMilliseconds,
    maxEntries: MAX_CACHED_DASHBOARDS,
  });

  app.get(
    '/api/dashboard',
    {
      onRequest: requireSession,
      schema: {
        tags: ['dashboards'],
        summary: 'Dashboard figures of a division of the viewer scope for a period',
        description: PERIOD_DESCRIPTION,
        querystring: Type.Object(PeriodQuery),
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
            period: Type.Object({
              year: Type.Integer(),
              quarter: Type.Union([Type.Integer(), Type.Null()]),
              month: Type.Union([Type.Integer(), Type.Null()]),
            }),
            ...FigureFields,
            lastYear: Figures,
            months: Type.Array(
              Type.Object({ month: Type.String(), thisYear: Figures, lastYear: Figures }),
            ),
            sections: Type.Array(Row),
            sports: Type.Array(Row),
            levels: Type.Array(Row),
            organisers: Type.Array(Row),
            ranking: Type.Array(
              Type.Object({
                key: Type.String(),
                name: Type.String(),
                parentName: Type.Union([Type.String(), Type.Null()]),
                ...FigureFields,
              }),
            ),
            unassigned: Type.Object(FigureFields, {
              description:
                'Events held in the scope as a whole, in no child division (a district-level ' +
                'event with no street chosen, say); children plus unassigned add up to the total',
            }),
            children: Type.Array(
              Type.Object({ key: Type.String(), ...DivisionRef, ...FigureFields }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const viewer = principal(request);
      return dashboards.get(dashboardCacheKey(viewer, request.query), () =>
        dashboard(app.db, viewer, request.query),
      );
    },
  );

  app.get(
    '/api/dashboard/events',
    {
      onRequest: requireSession,
      schema: {
        tags: ['dashboards'],
        summary: 'Events behind a dashboard figure, with their entry counters',
        description: PERIOD_DESCRIPTION,
        querystring: Type.Object({
          ...PeriodQuery,
          stage: Type.Optional(StringEnum([...EVENT_STAGES, 'filed'] as const)),
          section: Type.Optional(Type.String({ maxLength: 40 })),
          sport: Type.Optional(Type.String({ maxLength: 40 })),
          level: Type.Optional(Type.String({ maxLength: 20 })),
          organisationId: Type.Optional(Type.String({ format: 'uuid' })),
          child: Type.Optional(Type.String({ pattern: '^[0-9]{4,12}$' })),
          unassigned: Type.Optional(
            Type.Boolean({
              description:
                'Only the events held in the division as a whole, in no child division: the ' +
                "events of the figures' unassigned row. With child it is VALIDATION_FAILED",
            }),
          ),
          cursor: Type.Optional(Type.String({ maxLength: 300 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                name: Type.String(),
                state: Type.String(),
                stage: Type.String(),
                level: Type.String(),
                section: Type.String(),
                sport: Type.Union([Type.String(), Type.Null()]),
                divisionName: Type.Union([Type.String(), Type.Null()]),
                organisationName: Type.String(),
                startsAt: Type.Union([Type.String(), Type.Null()]),
                registrations: Type.Integer(),
                cancellations: Type.Integer(),
                checkIns: Type.Integer(),
                ended: Type.Boolean({
                  description: 'The event ended before now, so it has a check-in rate',
                }),
                channels: Channels,
              }),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => drillEvents(app.db, principal(request), request.query),
  );

  app.get(
    '/api/dashboard/export',
    {
      onRequest: requireSession,
      schema: {
        tags: ['dashboards'],
        summary: 'Excel workbook of one dashboard figure set; the export is audited',
        description: PERIOD_DESCRIPTION,
        querystring: Type.Object({ ...PeriodQuery, figureSet: StringEnum(FIGURE_SETS) }),
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      },
    },
    async (request, reply) => {
      const { workbook, fileName, asciiFileName } = await exportDashboardFigures(
        app.db,
        principal(request),
        auditContext(request),
        request.query,
      );
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', attachmentDisposition(fileName, asciiFileName))
        .send(workbook);
    },
  );
};
