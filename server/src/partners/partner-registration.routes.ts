import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { userAgentOf } from '../audit/audit-context.js';
import { partnerActor } from '../events/event.service.js';
import { StringEnum } from '../http/schemas.js';
import { REGISTRATION_STATUSES } from '../registrations/registration.routes.js';
import { requireScope } from './partner-auth.js';
import { requireIdempotencyKey } from './partner-idempotency.js';
import {
  cancelRegistration,
  changeRegistration,
  pushRegistration,
} from './partner-registration.service.js';
import {
  compareDay,
  leagueSideOfDay,
  reconciliationReport,
  storeStatement,
} from './partner-reports.service.js';
import { findPartnerRegistration, listRegistrationChanges } from './partner-sync.service.js';
import { RegistrationNotFound } from '../registrations/registration.errors.js';

const Timestamp = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Day = Type.String({
  format: 'date',
  pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$',
  description: 'A calendar day in Asia/Shanghai, YYYY-MM-DD',
  examples: ['2027-03-14'],
});

const PartnerRegistrationSchema = Type.Object(
  {
    id: Type.String(),
    eventId: Type.String(),
    groupId: Type.String(),
    status: StringEnum(REGISTRATION_STATUSES),
    code: Type.Union([Type.String(), Type.Null()], {
      description: 'Registration code while the entry holds a place, else null',
    }),
    name: Type.String(),
    phoneMasked: Type.String(),
    idMasked: Type.Union([Type.String(), Type.Null()]),
    channel: StringEnum(['web', 'console', 'partner'] as const),
    pushedByYou: Type.Boolean(),
    checkedInAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    cancelledAt: Type.Union([Timestamp, Type.Null()]),
  },
  {
    examples: [
      {
        id: '01938f6e-7a2b-7c3d-8e4f-5a6b7c8d9e0f',
        eventId: '01938f6e-1111-7c3d-8e4f-5a6b7c8d9e0f',
        groupId: '01938f6e-2222-7c3d-8e4f-5a6b7c8d9e0f',
        status: 'active',
        code: 'K7M2Q9TXR4',
        name: '测试选手',
        phoneMasked: '138****8000',
        idMasked: '3101**********0011',
        channel: 'partner',
        pushedByYou: true,
        checkedInAt: null,
        createdAt: '2027-03-14T02:00:00.000Z',
        updatedAt: '2027-03-14T02:00:00.000Z',
        cancelledAt: null,
      },
    ],
  },
);

const ReceiptSchema = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  groupId: Type.String(),
  status: StringEnum(REGISTRATION_STATUSES),
  code: Type.String(),
  queuePosition: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    description: "1-based place in the group's waiting list while waiting, else null",
  }),
  createdAt: Timestamp,
});

const EntryParams = Type.Object({ id: Uuid, registrationId: Uuid });

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ description: 'Required: 1 to 64 visible ASCII characters, new for every write' }),
  ),
});

const WRITE_ERRORS =
  ' Requires an Idempotency-Key (PTN_IDEMPOTENCY_KEY_REQUIRED); a key reused for another ' +
  'request is PTN_IDEMPOTENCY_MISMATCH, and one whose first request still runs is ' +
  'PTN_IDEMPOTENCY_IN_PROGRESS (409) with Retry-After. Another organisation’s event is ' +
  'EVT_NOT_FOUND.';

const StatementSchema = Type.Object(
  {
    eventIds: Type.Array(Uuid, { maxItems: 5000 }),
    registrations: Type.Array(
      Type.Object({ id: Uuid, status: StringEnum(REGISTRATION_STATUSES) }),
      { maxItems: 50000 },
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        eventIds: ['01938f6e-1111-7c3d-8e4f-5a6b7c8d9e0f'],
        registrations: [{ id: '01938f6e-7a2b-7c3d-8e4f-5a6b7c8d9e0f', status: 'active' }],
      },
    ],
  },
);

const DifferencesSchema = Type.Object({
  eventsMissingAtPartner: Type.Array(Type.String()),
  eventsMissingHere: Type.Array(Type.String()),
  registrationsMissingAtPartner: Type.Array(Type.String()),
  registrationsMissingHere: Type.Array(Type.String()),
  statusMismatches: Type.Array(
    Type.Object({ id: Type.String(), league: Type.String(), partner: Type.String() }),
  ),
});

export const LeagueDaySchema = Type.Object({
  events: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), state: Type.String() })),
  registrations: Type.Array(
    Type.Object({
      id: Type.String(),
      eventId: Type.String(),
      status: Type.String(),
      channel: Type.String(),
    }),
  ),
});

export const ReconciliationSchema = Type.Object({
  day: Type.String(),
  league: LeagueDaySchema,
  partner: Type.Union([
    Type.Object({
      eventIds: Type.Array(Type.String()),
      registrations: Type.Array(Type.Object({ id: Type.String(), status: Type.String() })),
      receivedAt: Timestamp,
    }),
    Type.Null(),
  ]),
  differences: DifferencesSchema,
});

function toReceipt(result: Awaited<ReturnType<typeof pushRegistration>>) {
  const entry = result.registration;
  return {
    id: entry.id,
    eventId: entry.event_id,
    groupId: entry.group_id,
    status: entry.status,
    code: entry.code,
    queuePosition: result.queuePosition,
    createdAt: new Date(entry.created_at).toISOString(),
  };
}

/**
 * Adds the partner routes for entries and reconciliation to the signed partner API plugin,
 * which has already installed signature verification and the idempotency hooks.
 */
export function addPartnerRegistrationRoutes(app: FastifyInstance) {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const writeGuard = [requireScope('registrations:write'), requireIdempotencyKey];
  const actorOf = (request: FastifyRequest) =>
    partnerActor(request.partner!, request.ip, userAgentOf(request));

  typed.get(
    '/api/partner/v1/registrations',
    {
      preHandler: requireScope('registrations:read'),
      schema: {
        tags: ['partner API'],
        summary: "Entries of the partner's events in change order, for incremental sync",
        description:
          'Returns the entries of the partner’s own events, whatever channel took them, in ' +
          'the order they last changed. Follow nextCursor until hasMore is false and store ' +
          'it; the next poll with it returns only what changed since. A malformed cursor is ' +
          'INVALID_CURSOR; a partner without registrations:read gets PTN_SCOPE_MISSING.',
        security: [{ partnerSignature: [] }],
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          modified_since: Type.Optional(
            Type.String({
              format: 'date-time',
              description: 'Without a cursor, start at entries changed at or after this time',
            }),
          ),
          event_id: Type.Optional(Type.String({ format: 'uuid', description: 'Only this event' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(PartnerRegistrationSchema),
            nextCursor: Type.String(),
            hasMore: Type.Boolean(),
          }),
        },
      },
    },
    async (request) =>
      listRegistrationChanges(app.db, request.partner!, {
        cursor: request.query.cursor,
        modifiedSince: request.query.modified_since,
        eventId: request.query.event_id,
        limit: request.query.limit ?? 50,
      }),
  );

  typed.post(
    '/api/partner/v1/events/:id/registrations',
    {
      preHandler: writeGuard,
      schema: {
        tags: ['partner API'],
        summary: "Push an entry taken on the partner's platform",
        description:
          'Registers a person for one of the partner’s published events through the same ' +
          'capacity path as the league’s web: REG_WINDOW_NOT_OPEN, REG_WINDOW_CLOSED, ' +
          'REG_GROUP_REQUIRED, REG_NOT_ELIGIBLE, REG_EVENT_FULL (no places and no waiting ' +
          'list; a group with one returns status waiting). The same ID number with a live ' +
          'entry through another channel is REG_REGISTERED_ELSEWHERE and is reported to the ' +
          'league as a cross-channel duplicate; through this partner it is ' +
          'REG_ID_ALREADY_REGISTERED, and the same mobile number without an ID number is ' +
          'REG_ALREADY_REGISTERED.' +
          WRITE_ERRORS,
        security: [{ partnerSignature: [] }],
        headers: IdempotencyHeaders,
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            name: Type.String({ maxLength: 60 }),
            phone: Type.String({ maxLength: 20 }),
            idNumber: Type.Optional(Type.String({ maxLength: 18 })),
            groupId: Type.Optional(Uuid),
          },
          {
            additionalProperties: false,
            examples: [{ name: '测试选手', phone: '13800138000', idNumber: '310101199001010011' }],
          },
        ),
        response: { 201: ReceiptSchema },
      },
    },
    async (request, reply) => {
      const result = await pushRegistration(
        app.db,
        app.cipher,
        request.partner!,
        request.params.id,
        request.body,
      );
      return reply.status(201).send(toReceipt(result));
    },
  );

  typed.patch(
    '/api/partner/v1/events/:id/registrations/:registrationId',
    {
      preHandler: writeGuard,
      schema: {
        tags: ['partner API'],
        summary: "Change the name, mobile number or group of an entry of the partner's event",
        description:
          'A move to another group takes a place there first (REG_EVENT_FULL when it has ' +
          'none and no waiting list), then frees the old place for the old group’s waiting ' +
          'list. REG_ALREADY_CANCELLED for a cancelled entry, REG_REGISTRATION_NOT_FOUND ' +
          'for an unknown one, REG_NOT_ELIGIBLE when the person does not meet the new ' +
          'group’s rule.' +
          WRITE_ERRORS,
        security: [{ partnerSignature: [] }],
        headers: IdempotencyHeaders,
        params: EntryParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 60 })),
            phone: Type.Optional(Type.String({ maxLength: 20 })),
            groupId: Type.Optional(Uuid),
          },
          { additionalProperties: false, minProperties: 1, examples: [{ name: '测试选手乙' }] },
        ),
        response: { 200: PartnerRegistrationSchema },
      },
    },
    async (request) => {
      await changeRegistration(
        app.db,
        app.cipher,
        actorOf(request),
        request.partner!,
        request.params.id,
        request.params.registrationId,
        request.body,
      );
      return entryView(request.partner!, request.params.id, request.params.registrationId);
    },
  );

  typed.post(
    '/api/partner/v1/events/:id/registrations/:registrationId/cancel',
    {
      preHandler: writeGuard,
      schema: {
        tags: ['partner API'],
        summary: "Cancel an entry of the partner's event with a reason",
        description:
          'Frees the entry’s place for the group’s waiting list in the same transaction and ' +
          'tells the entrant by SMS. REG_ALREADY_CANCELLED for an entry already cancelled, ' +
          'REG_CANCEL_REASON_REQUIRED for a blank reason.' +
          WRITE_ERRORS,
        security: [{ partnerSignature: [] }],
        headers: IdempotencyHeaders,
        params: EntryParams,
        body: Type.Object(
          { reason: Type.String({ maxLength: 500 }) },
          { additionalProperties: false, examples: [{ reason: '选手在合作平台申请退赛' }] },
        ),
        response: { 200: PartnerRegistrationSchema },
      },
    },
    async (request) => {
      await cancelRegistration(
        app.db,
        actorOf(request),
        request.partner!,
        request.params.id,
        request.params.registrationId,
        request.body,
      );
      return entryView(request.partner!, request.params.id, request.params.registrationId);
    },
  );

  typed.get(
    '/api/partner/v1/reconciliation/:day',
    {
      preHandler: requireScope('registrations:read'),
      schema: {
        tags: ['partner API'],
        summary: "The league's events and entries of the partner for one day",
        description:
          'Lists the partner’s events created on the day and the entries of its events ' +
          'created on the day (Asia/Shanghai), with their current status, for the partner ' +
          'to compare with its own records. A day that is not a date is VALIDATION_FAILED; ' +
          'without registrations:read the partner gets PTN_SCOPE_MISSING.',
        security: [{ partnerSignature: [] }],
        params: Type.Object({ day: Day }),
        response: { 200: LeagueDaySchema },
      },
    },
    async (request) => leagueSideOfDay(app.db, request.partner!.organisationId, request.params.day),
  );

  typed.post(
    '/api/partner/v1/reconciliation/:day',
    {
      preHandler: [requireScope('registrations:read'), requireIdempotencyKey],
      schema: {
        tags: ['partner API'],
        summary: "Send the partner's ids of one day and receive the differences",
        description:
          'Stores the event ids and entry statuses the partner holds for the day, replacing ' +
          'an earlier statement of that day, and returns the report with every difference. ' +
          'The league’s console shows the same report.' +
          WRITE_ERRORS.replace(/ Another organisation.*$/, ''),
        security: [{ partnerSignature: [] }],
        headers: IdempotencyHeaders,
        params: Type.Object({ day: Day }),
        body: StatementSchema,
        response: { 200: ReconciliationSchema },
      },
    },
    async (request) => {
      await storeStatement(app.db, request.partner!.id, request.params.day, request.body);
      const report = await reconciliationReport(app.db, request.partner!.id, request.params.day);
      return { ...report, differences: compareDay(report.league, report.partner) };
    },
  );

  async function entryView(
    partner: NonNullable<FastifyRequest['partner']>,
    eventId: string,
    registrationId: string,
  ) {
    const entry = await findPartnerRegistration(app.db, partner, eventId, registrationId);
    if (!entry) throw new RegistrationNotFound(registrationId, eventId);
    return entry;
  }
}
