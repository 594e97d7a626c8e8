import { ALERT_RULE_CODES, ALERT_STATUSES } from '@cityleague/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

import { principal, requireAccountType, requireSession } from '../accounts/authenticate.js';
import { auditContext } from '../audit/audit-context.js';
import { Nullable, StringEnum } from '../http/schemas.js';
import * as alerts from './alert.service.js';

const Handled = Nullable(
  Type.Object({ by: Type.String(), at: Type.String({ format: 'date-time' }) }),
);

const AlertSchema = Type.Object({
  id: Type.String(),
  rule: Type.String(),
  ruleLabel: Type.String(),
  subject: Type.Object({ type: Type.String(), id: Type.String(), label: Type.String() }),
  eventId: Nullable(Type.String()),
  district: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  detail: Type.Record(Type.String(), Type.Unknown()),
  status: StringEnum(ALERT_STATUSES),
  firstSeenAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  acknowledged: Handled,
  resolved: Nullable(
    Type.Object({
      by: Type.String(),
      at: Type.String({ format: 'date-time' }),
      note: Nullable(Type.String()),
    }),
  ),
});

const AlertList = Type.Object({
  items: Type.Array(Type.Intersect([AlertSchema, Type.Object({ unread: Type.Boolean() })])),
  nextCursor: Nullable(Type.String()),
  unread: Type.Integer({
    description:
      'New alerts of the list that the reader has not marked read: the items with unread',
  }),
});

const ListQuery = Type.Object({
  status: Type.Optional(StringEnum(ALERT_STATUSES)),
  rule: Type.Optional(StringEnum(ALERT_RULE_CODES)),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ResolveBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Registers the alert list and its status changes under `prefix`, behind `onRequest`. */
function alertHandlingRoutes(
  prefix: string,
  onRequest: Hook,
  tag: string,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      prefix,
      {
        onRequest,
        schema: {
          tags: [tag],
          summary: 'Anomaly alerts you read, newest first',
          querystring: ListQuery,
          response: { 200: AlertList },
        },
      },
      async (request) => alerts.listAlerts(app.db, principal(request), request.query),
    );

    app.get(
      `${prefix}/notifications/unread`,
      {
        onRequest,
        schema: {
          tags: [tag],
          summary: 'The number of new alerts in your list that you have not read',
          response: { 200: Type.Object({ unread: Type.Integer() }) },
        },
      },
      async (request) => alerts.countUnreadAlerts(app.db, principal(request)),
    );

    app.post(
      `${prefix}/notifications/read`,
      {
        onRequest,
        schema: {
          tags: [tag],
          summary: 'Mark the new alerts in your list read',
          response: { 200: Type.Object({ marked: Type.Integer() }) },
        },
      },
      async (request) => alerts.markAlertsRead(app.db, principal(request)),
    );

    app.post(
      `${prefix}/:id/acknowledge`,
      {
        onRequest,
        schema: {
          tags: [tag],
          summary: 'Acknowledge a new alert',
          params: IdParams,
          response: { 200: AlertSchema },
        },
      },
      async (request) =>
        alerts.changeAlertStatus(
          app.db,
          principal(request),
          request.params.id,
          'acknowledge',
          null,
          auditContext(request),
        ),
    );

    app.post(
      `${prefix}/:id/resolve`,
      {
        onRequest,
        schema: {
          tags: [tag],
          summary: 'Resolve a new or acknowledged alert, with an optional note',
          params: IdParams,
          body: ResolveBody,
          response: { 200: AlertSchema },
        },
      },
      async (request) =>
        alerts.changeAlertStatus(
          app.db,
          principal(request),
          request.params.id,
          'resolve',
          request.body.note?.trim() || null,
          auditContext(request),
        ),
    );
  };
}

/** The league administrators' alerts (sports bureau, committee, district bureaus). */
export const alertRoutes = alertHandlingRoutes('/api/alerts', requireSession, 'dashboards');

const requireOperator = requireAccountType('operator');

const RuleSchema = Type.Object({
  code: StringEnum(ALERT_RULE_CODES),
  label: Type.String(),
  description: Type.String(),
  audience: StringEnum(['administrators', 'operator'] as const),
  enabled: Type.Boolean(),
  updatedAt: Type.String({ format: 'date-time' }),
  parameters: Type.Array(
    Type.Object({
      key: Type.String(),
      label: Type.String(),
      unit: Type.String(),
      min: Type.Number(),
      max: Type.Number(),
      default: Type.Number(),
      decimals: Type.Integer({ description: 'Decimal places allowed; 0 for a whole number' }),
      value: Type.Number(),
    }),
  ),
});

/** Registers the operator's alerts (SMS, sign-in), the rule settings and an evaluation on demand. */
export const operatorAlertRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(alertHandlingRoutes('/api/operator/alerts', requireOperator, 'operations'));

  app.post(
    '/api/operator/alerts/evaluate',
    {
      onRequest: requireOperator,
      schema: {
        tags: ['operations'],
        summary: 'Evaluate every enabled alert rule now',
        response: {
          200: Type.Object({
            opened: Type.Integer(),
            refreshed: Type.Integer(),
            settled: Type.Integer({
              description:
                'Firing subjects whose last alert was resolved and whose situation has not ' +
                'changed since, so no alert was opened for them',
            }),
            failed: Type.Array(StringEnum(ALERT_RULE_CODES), {
              description: 'Rules whose evaluation failed and was skipped; the log has the error',
            }),
          }),
        },
      },
    },
    async () => alerts.evaluateAlerts(app.db, app.log),
  );

  app.get(
    '/api/operator/alert-rules',
    {
      onRequest: requireOperator,
      schema: {
        tags: ['operations'],
        summary: 'The anomaly alert rules with their switches and parameters',
        response: { 200: Type.Object({ items: Type.Array(RuleSchema) }) },
      },
    },
    async () => ({ items: await alerts.listRules(app.db) }),
  );

  app.put(
    '/api/operator/alert-rules/:code',
    {
      onRequest: requireOperator,
      schema: {
        tags: ['operations'],
        summary: 'Switch a rule on or off and set its parameters, each within its range',
        params: Type.Object({ code: Type.String({ maxLength: 64 }) }),
        body: Type.Object(
          {
            enabled: Type.Boolean(),
            parameters: Type.Record(Type.String({ maxLength: 64 }), Type.Number(), {
              maxProperties: 10,
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: RuleSchema },
      },
    },
    async (request) =>
      alerts.updateRule(
        app.db,
        principal(request),
        request.params.code,
        request.body,
        auditContext(request),
      ),
  );
};
