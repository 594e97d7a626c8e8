import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { maskName } from '@cityleague/domain';
import { Type } from 'typebox';

import { optionalCitizen } from '../citizens/authenticate-citizen.js';
import { EventIdParams, PublicEventSchema } from '../events/event.schemas.js';
import { getTicketEvent } from '../events/public-event.service.js';
import type { RegistrationRow } from '../db/schema.js';
import { StringEnum } from '../http/schemas.js';
import { TicketNotFound } from './registration.errors.js';
import * as places from './places.repository.js';
import { findByCode } from './registration.repository.js';
import { registerInBatch } from './registration-batch.js';

const CODE_PATTERN = '^[2-9A-HJ-NP-TV-Z]{10}$';

/** Entry statuses: 'active' and 'offered' hold a place, 'waiting' is in the group's queue. */
export const REGISTRATION_STATUSES = ['active', 'waiting', 'offered', 'cancelled'] as const;

const TicketSchema = Type.Object({
  code: Type.String(),
  status: StringEnum(REGISTRATION_STATUSES),
  nameMasked: Type.String(),
  phoneMasked: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  checkedInAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  queuePosition: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    description: "1-based place in the group's waiting list while the entry waits, else null",
  }),
  offerHours: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    description:
      'While the entry waits in a group whose freed places are offered: the hours the entrant ' +
      'has to accept an offer in 我的报名 before it passes on. Null when places move up by ' +
      'themselves, and for every entry that does not wait',
  }),
  event: PublicEventSchema,
  eventCancelled: Type.Boolean({ description: 'Whether the organiser cancelled the event' }),
  eventCancelReason: Type.Union([Type.String(), Type.Null()], {
    description: "The organiser's reason once the event is cancelled, else null",
  }),
});

/** Guardian's consent, required for an entrant under 14 on the event's start date. */
export const GuardianBody = Type.Object(
  {
    name: Type.String({ maxLength: 60 }),
    phone: Type.String({ maxLength: 40 }),
    consent: Type.Boolean(),
  },
  {
    additionalProperties: false,
    description:
      "Guardian's real name, mainland mobile number and consent (true); required for an " +
      "entrant under 14 on the event's start date (REG_GUARDIAN_CONSENT_REQUIRED)",
  },
);

/**
 * Body of a registration through any channel that sends the form's answers. Every route runs
 * `rejectCoercedBodyTypes` (see app.ts), so a JSON number is not read as a phone number.
 */
export const RegistrationBody = Type.Object(
  {
    name: Type.String({ maxLength: 60 }),
    phone: Type.String({ maxLength: 40 }),
    idNumber: Type.Optional(Type.String({ maxLength: 40 })),
    idConsent: Type.Optional(Type.Boolean()),
    birthDate: Type.Optional(Type.String({ maxLength: 20 })),
    groupId: Type.Optional(Type.String({ format: 'uuid' })),
    answers: Type.Optional(
      Type.Record(Type.String({ maxLength: 40 }), Type.Unknown(), { maxProperties: 41 }),
    ),
    safetyNoticeVersion: Type.Optional(Type.Integer({ minimum: 1 })),
    guardian: Type.Optional(GuardianBody),
  },
  { additionalProperties: false },
);

export const RegistrationReceipt = Type.Object({
  id: Type.String(),
  status: StringEnum(REGISTRATION_STATUSES),
  groupId: Type.String(),
  queuePosition: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  code: Type.String(),
  qrUrl: Type.String(),
  eventId: Type.String(),
  eventName: Type.String(),
  name: Type.String(),
  phoneMasked: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

/** Status of the response: 200 for a replay, 202 for a waiting entry, else 201. */
export function receiptStatus(result: { registration: RegistrationRow; replayed: boolean }) {
  if (result.replayed) return 200;
  return result.registration.status === 'waiting' ? 202 : 201;
}

/** Builds the receipt of a registration for its event. */
export function toReceipt(
  result: { registration: RegistrationRow; queuePosition: number | null },
  event: { id: string; name: string },
) {
  const { registration } = result;
  return {
    id: registration.id,
    status: registration.status,
    groupId: registration.group_id,
    queuePosition: result.queuePosition,
    code: registration.code,
    qrUrl: `/api/tickets/${registration.code}/qr.svg`,
    eventId: event.id,
    eventName: event.name,
    name: registration.name,
    phoneMasked: registration.phone_masked,
    createdAt: new Date(registration.created_at).toISOString(),
  };
}

/** Public registration and tickets: what a citizen does without a console account. */
export const registrationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/events/:id/registrations',
    {
      schema: {
        tags: ['registrations'],
        summary:
          'Register for a group of a published event; 202 puts the entry on the waiting list',
        description:
          'Send an Idempotency-Key header to make retries safe: the same key returns the first ' +
          'registration with status 200 instead of 201 or 202. groupId is required when the ' +
          'event has more than one group. When the group is full and its waiting list is on, ' +
          "the entry is stored with status 'waiting' and its queuePosition, and the answer is 202. " +
          'answers holds the custom fields of GET /api/events/:id/registration-form by key; an ' +
          'idNumber needs idConsent: true, an event with a safety notice needs its current ' +
          "safetyNoticeVersion, and an entrant under 14 on the start date a guardian's consent. " +
          'An unknown body field, or a value of another JSON type than the schema names (such ' +
          'as a number for phone), is 400 VALIDATION_FAILED.',
        params: EventIdParams,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100 })),
        }),
        body: RegistrationBody,
        response: { 200: RegistrationReceipt, 201: RegistrationReceipt, 202: RegistrationReceipt },
      },
    },
    async (request, reply) => {
      // The batch reads the event under its lock and raises 404 unless it is published.
      const eventId = request.params.id;
      const { registration, replayed, queuePosition, eventName } = await registerInBatch(
        app.db,
        app.cipher,
        eventId,
        {
          ...request.body,
          idempotencyKey: request.headers['idempotency-key'],
          channel: 'web',
          submittedByCitizenId: await optionalCitizen(request),
        },
        app.log,
      );
      return reply
        .status(receiptStatus({ registration, replayed }))
        .send(toReceipt({ registration, queuePosition }, { id: eventId, name: eventName }));
    },
  );

  app.get(
    '/api/tickets/:code',
    {
      schema: {
        tags: ['registrations'],
        summary: 'A registration looked up by its code, with the event; personal data masked',
        description:
          'The registration code works as the ticket: whoever holds it may see this page, so ' +
          'the name and mobile number are masked.',
        params: Type.Object({ code: Type.String({ pattern: CODE_PATTERN }) }),
        response: { 200: TicketSchema },
      },
    },
    async (request) => {
      const registration = await findByCode(app.db, request.params.code);
      if (!registration) throw new TicketNotFound(request.params.code);
      const { event, cancelled, cancelReason } = await getTicketEvent(
        app.db,
        registration.event_id,
      );
      return {
        code: registration.code,
        status: registration.status,
        nameMasked: maskName(registration.name),
        phoneMasked: registration.phone_masked,
        createdAt: new Date(registration.created_at).toISOString(),
        checkedInAt: registration.checked_in_at
          ? new Date(registration.checked_in_at).toISOString()
          : null,
        queuePosition:
          registration.status === 'waiting'
            ? await places.queuePosition(app.db, registration.id)
            : null,
        offerHours:
          registration.status === 'waiting'
            ? await places.offerHoursOfGroup(app.db, registration.group_id)
            : null,
        event,
        eventCancelled: cancelled,
        eventCancelReason: cancelReason,
      };
    },
  );

  app.get(
    '/api/tickets/:code/qr.svg',
    {
      schema: {
        tags: ['registrations'],
        summary: 'QR code image of a ticket, scanned at check-in',
        description:
          'The code holds CL1:<registration code>:<signature>, an HMAC over the event and the ' +
          'code, so a check-in device can tell a ticket this platform issued from typed text.',
        params: Type.Object({ code: Type.String({ pattern: CODE_PATTERN }) }),
      },
    },
    async (request, reply) => {
      const registration = await findByCode(app.db, request.params.code);
      if (!registration) throw new TicketNotFound(request.params.code);
      const ticket = app.tickets.ticket(registration.event_id, registration.code);
      const svg = await QRCode.toString(ticket, {
        type: 'svg',
        errorCorrectionLevel: 'M',
        margin: 2,
      });
      return reply
        .type('image/svg+xml')
        .header('cache-control', 'private, max-age=86400')
        .send(svg);
    },
  );
};
