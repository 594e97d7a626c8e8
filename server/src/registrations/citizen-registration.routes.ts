import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { citizenId, requireCitizen } from '../citizens/authenticate-citizen.js';
import { acceptOffer, cancelByCitizen, listCitizenEntries } from './cancellation.service.js';
import {
  receiptStatus,
  REGISTRATION_STATUSES,
  RegistrationReceipt,
  toReceipt,
} from './registration.routes.js';
import { Nullable, StringEnum } from '../http/schemas.js';
import { getPublishedEvent } from '../events/public-event.service.js';
import { oneClickStatus, registerWithOneClick } from './one-click.service.js';
import { ONE_CLICK_PROBLEMS } from '@cityleague/domain';

const EntryParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  registrationId: Type.String({ format: 'uuid' }),
});

const EntryState = Type.Object({
  id: Type.String(),
  status: Type.String(),
  released: Type.Boolean(),
});

/**
 * A signed-in citizen's actions on the entries it manages: those made with the citizen's mobile
 * number and those it submitted for someone else. Other entries get 404
 * REG_REGISTRATION_NOT_FOUND.
 */
export const citizenRegistrationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireCitizen);

  app.get(
    '/api/citizen/registrations',
    {
      schema: {
        tags: ['citizens'],
        summary:
          "The citizen's entries and those it submitted for others, newest first, with queue " +
          'places and open offers',
        description:
          "At most 100 entries. code opens the entry's ticket, which shows a waiting or " +
          'cancelled entry as such; queuePosition is set while the entry waits. checkedInAt is ' +
          "the time of on-site check-in, null before it. A team member's entry (teamId set) is " +
          'changed or cancelled with its team by the captain, never on its own.',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                eventId: Type.String(),
                eventName: Type.String(),
                startsAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
                groupId: Type.String(),
                groupName: Type.String(),
                showGroupName: Type.Boolean({
                  description: "False for an event's only group when it is the default group",
                }),
                teamId: Nullable(Type.String()),
                teamCaptain: Type.Boolean({
                  description: "True when the citizen is the captain of the entry's team",
                }),
                forOther: Type.Boolean({
                  description:
                    "True for an entry the citizen submitted for another person's number",
                }),
                entrantNameMasked: Type.String(),
                entrantPhoneMasked: Type.String(),
                status: StringEnum(REGISTRATION_STATUSES),
                code: Type.Union([Type.String(), Type.Null()]),
                queuePosition: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
                offerExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
                checkedInAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
                createdAt: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await listCitizenEntries(app.db, citizenId(request)) }),
  );

  app.post(
    '/api/citizen/events/:id/registrations/:registrationId/cancel',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Cancel an own entry; an active one only until the cancellation deadline',
        description:
          "The deadline is the event's cancel_deadline, or the close of registration without " +
          'one, on the database clock (409 REG_CANCEL_DEADLINE_PASSED after it). A waiting or ' +
          'offered entry may always leave. A cancelled entry answers 409 REG_ALREADY_CANCELLED.',
        params: EntryParams,
        response: { 200: EntryState },
      },
    },
    async (request) => {
      const { registration, released } = await cancelByCitizen(
        app.db,
        citizenId(request),
        request.params.id,
        request.params.registrationId,
      );
      return { id: registration.id, status: registration.status, released };
    },
  );

  app.post(
    '/api/citizen/events/:id/registrations/:registrationId/accept',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Accept the place offered to an own waiting entry before the offer expires',
        params: EntryParams,
        response: { 200: EntryState },
      },
    },
    async (request) => {
      const registration = await acceptOffer(
        app.db,
        citizenId(request),
        request.params.id,
        request.params.registrationId,
      );
      return { id: registration.id, status: registration.status, released: false };
    },
  );

  app.get(
    '/api/citizen/events/:id/one-click',
    {
      schema: {
        tags: ['citizens'],
        summary: "Whether the citizen's profile fills the event's form for a one-click entry",
        description:
          'problems lists what is missing: real_name_missing, id_number_missing (the form ' +
          'requires an ID number given with consent), guardian_consent_needed (under 14 on the ' +
          'start date) and form_fields_required (a required custom field is shown).',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: {
          200: Type.Object({
            available: Type.Boolean(),
            problems: Type.Array(StringEnum(ONE_CLICK_PROBLEMS)),
            safetyNotice: Nullable(Type.Object({ version: Type.Integer(), body: Type.String() })),
          }),
        },
      },
    },
    async (request) => {
      const event = await getPublishedEvent(app.db, request.params.id);
      return oneClickStatus(app.db, app.cipher, citizenId(request), event.id);
    },
  );

  app.post(
    '/api/citizen/events/:id/one-click-registrations',
    {
      schema: {
        tags: ['citizens'],
        summary: "Register with the profile's real name, mobile number and consented ID number",
        description:
          'Answers 409 REG_ONE_CLICK_UNAVAILABLE when GET …/one-click lists problems. Otherwise ' +
          'it behaves as POST /api/events/:id/registrations, Idempotency-Key included.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100 })),
        }),
        body: Type.Object(
          {
            safetyNoticeVersion: Type.Optional(Type.Integer({ minimum: 1 })),
            groupId: Type.Optional(Type.String({ format: 'uuid' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: RegistrationReceipt, 201: RegistrationReceipt, 202: RegistrationReceipt },
      },
    },
    async (request, reply) => {
      const event = await getPublishedEvent(app.db, request.params.id);
      const result = await registerWithOneClick(app.db, app.cipher, citizenId(request), event.id, {
        ...request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return reply.status(receiptStatus(result)).send(toReceipt(result, event));
    },
  );
};
