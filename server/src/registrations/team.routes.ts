import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import { citizenId, requireCitizen } from '../citizens/authenticate-citizen.js';
import { getPublishedEvent } from '../events/public-event.service.js';
import { FormalText, Nullable, StringEnum } from '../http/schemas.js';
import { GuardianBody, REGISTRATION_STATUSES } from './registration.routes.js';
import { changeMembers } from './team-changes.service.js';
import {
  cancelTeamByCaptain,
  cancelTeamByOrganiser,
  getCaptainTeam,
  listCaptainTeams,
  listEventTeams,
  registerTeam,
  toTeamDto,
} from './team.service.js';

const TEAM_STATUSES = ['active', 'waiting', 'cancelled'] as const;
/** Upper bound of a member list in a request; the group's team_max is the real limit. */
const MAX_MEMBERS_IN_REQUEST = 100;

const MemberSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  phoneMasked: Type.String(),
  idMasked: Nullable(Type.String()),
  status: StringEnum(REGISTRATION_STATUSES),
  code: Nullable(Type.String({ description: 'Registration code while the member has a place' })),
  checkedInAt: Nullable(Type.String({ format: 'date-time' })),
});

const TeamFields = {
  id: Type.String(),
  eventId: Type.String(),
  groupId: Type.String(),
  groupName: Nullable(Type.String()),
  name: Type.String(),
  status: StringEnum(TEAM_STATUSES),
  size: Type.Integer(),
  queuePosition: Nullable(Type.Integer({ minimum: 1 })),
  createdAt: Type.String({ format: 'date-time' }),
  cancelledAt: Nullable(Type.String({ format: 'date-time' })),
  members: Type.Array(MemberSchema),
};

const TeamSchema = Type.Object(TeamFields);

const CaptainTeamSchema = Type.Object({
  ...TeamFields,
  eventName: Type.String(),
  eventStartsAt: Nullable(
    Type.String({
      format: 'date-time',
      description: "The event's start, which sets the age of members for the guardian rule",
    }),
  ),
  teamMin: Type.Integer(),
  teamMax: Type.Integer(),
  placesLeft: Type.Integer(),
  idNumberRequired: Type.Boolean({
    description: "Whether the event's form or the group's gender or age rule needs ID numbers",
  }),
  idNumberHidden: Type.Boolean({
    description: "Whether the event's form hides the ID number, so members are sent without one",
  }),
  membersChangeable: Type.Boolean(),
  cancellable: Type.Boolean(),
});

const NewMember = Type.Object(
  {
    name: Type.String({ maxLength: 60 }),
    phone: Type.String({ maxLength: 40 }),
    idNumber: Type.Optional(Type.String({ maxLength: 40 })),
    guardian: Type.Optional(GuardianBody),
  },
  { additionalProperties: false },
);

const TeamParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  teamId: Type.String({ format: 'uuid' }),
});

const TeamCancellationSchema = Type.Object({
  id: Type.String(),
  status: StringEnum(TEAM_STATUSES),
  released: Type.Integer({ description: 'Places this call released' }),
});

/** Registers, shows, changes and cancels a signed-in citizen's teams, as their captain. */
export const citizenTeamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireCitizen);

  app.post(
    '/api/citizen/events/:id/teams',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Register a team for a team group; 202 puts the whole team on the waiting list',
        description:
          'The signed-in citizen becomes the captain. Each member takes one place of the group, ' +
          'and the team gets all its places or none. A team that does not fit waits when the ' +
          "group's waiting list is on (202), else the answer is 409 REG_EVENT_FULL. A member " +
          "under 14 on the event's start date, by the ID number's birth date, needs a guardian " +
          '(400 REG_GUARDIAN_CONSENT_REQUIRED with errors at members.<index>.guardian.<field>). ' +
          'The same Idempotency-Key returns the first team with status 200.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100 })),
        }),
        body: Type.Object(
          {
            name: FormalText({ maxLength: 60 }),
            groupId: Type.Optional(Type.String({ format: 'uuid' })),
            members: Type.Array(NewMember, { minItems: 1, maxItems: MAX_MEMBERS_IN_REQUEST }),
            idConsent: Type.Optional(
              Type.Boolean({
                description:
                  'Must be true when any member has an ID number (REG_ID_CONSENT_REQUIRED)',
              }),
            ),
            safetyNoticeVersion: Type.Optional(
              Type.Integer({
                description:
                  "Version of the event's safety notice the captain accepted for the whole team; " +
                  'required when the event has one (REG_SAFETY_NOTICE_REQUIRED, REG_SAFETY_NOTICE_OUTDATED)',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: TeamSchema, 201: TeamSchema, 202: TeamSchema },
      },
    },
    async (request, reply) => {
      const event = await getPublishedEvent(app.db, request.params.id);
      const result = await registerTeam(app.db, app.cipher, citizenId(request), event.id, {
        ...request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
      let status: 200 | 201 | 202 = result.team.status === 'waiting' ? 202 : 201;
      if (result.replayed) status = 200;
      return reply
        .status(status)
        .send(toTeamDto(result.team, result.members, { queuePosition: result.queuePosition }));
    },
  );

  app.get(
    '/api/citizen/teams',
    {
      schema: {
        tags: ['citizens'],
        summary: 'The teams the citizen captains, newest first, at most 50',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ ...TeamFields, eventName: Type.String() })),
          }),
        },
      },
    },
    async (request) => ({ items: await listCaptainTeams(app.db, citizenId(request)) }),
  );

  app.get(
    '/api/citizen/events/:id/teams/:teamId',
    {
      schema: {
        tags: ['citizens'],
        summary: "One of the citizen's teams, with what the captain may still change",
        params: TeamParams,
        response: { 200: CaptainTeamSchema },
      },
    },
    async (request) =>
      getCaptainTeam(app.db, citizenId(request), request.params.id, request.params.teamId),
  );

  app.put(
    '/api/citizen/events/:id/teams/:teamId/members',
    {
      schema: {
        tags: ['citizens'],
        summary: "Replace the team's member list until registration closes",
        description:
          'List current members by id and new people in full; members left out are removed. ' +
          "The size must stay within the group's team size (TEAM_SIZE_OUT_OF_RANGE). An active " +
          'team takes a place per added member (409 REG_EVENT_FULL when they do not fit, and ' +
          'nothing changes) and releases one per removed member, which promotes the waiting ' +
          'list. A new member under 14 on the start date needs a guardian (400 ' +
          'REG_GUARDIAN_CONSENT_REQUIRED at members.<index>.guardian.<field>); kept members ' +
          'keep the guardian stored with them. After registration closes the answer is 409 ' +
          'REG_WINDOW_CLOSED.',
        params: TeamParams,
        body: Type.Object(
          {
            members: Type.Array(
              Type.Union([
                Type.Object(
                  { id: Type.String({ format: 'uuid' }) },
                  { additionalProperties: false },
                ),
                NewMember,
              ]),
              { minItems: 1, maxItems: MAX_MEMBERS_IN_REQUEST },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: CaptainTeamSchema },
      },
    },
    async (request) => {
      const captain = citizenId(request);
      const { id: eventId, teamId } = request.params;
      await changeMembers(app.db, app.cipher, captain, eventId, teamId, request.body.members);
      return getCaptainTeam(app.db, captain, eventId, teamId);
    },
  );

  app.post(
    '/api/citizen/events/:id/teams/:teamId/cancel',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Cancel the whole team; an active one only until the cancellation deadline',
        description:
          'Every member is cancelled and the places go to the waiting list. A cancelled team ' +
          'answers 409 TEAM_ALREADY_CANCELLED and releases nothing.',
        params: TeamParams,
        response: { 200: TeamCancellationSchema },
      },
    },
    async (request) => {
      const { team, released } = await cancelTeamByCaptain(
        app.db,
        citizenId(request),
        request.params.id,
        request.params.teamId,
      );
      return { id: team.id, status: team.status, released };
    },
  );
};

/** Lists an event's teams for its organiser and cancels a team. */
export const consoleTeamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);

  app.get(
    '/api/console/events/:id/teams',
    {
      schema: {
        tags: ['console'],
        summary: "An event's teams with their members, personal data masked",
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(TeamSchema), nextCursor: Nullable(Type.String()) }),
        },
      },
    },
    async (request) => listEventTeams(app.db, principal(request), request.params.id, request.query),
  );

  app.post(
    '/api/console/events/:id/teams/:teamId/cancel',
    {
      schema: {
        tags: ['console'],
        summary: "Cancel a team of the organiser's event with a reason, at any time",
        description:
          'Every member is cancelled and gets one SMS; the places go to the waiting list in the ' +
          'same transaction. A cancelled team answers 409 TEAM_ALREADY_CANCELLED.',
        params: TeamParams,
        body: Type.Object({ reason: Type.String({ maxLength: 500 }) }),
        response: { 200: TeamCancellationSchema },
      },
    },
    async (request) => {
      const actor = { user: principal(request), ip: request.ip, userAgent: userAgentOf(request) };
      const { team, released } = await cancelTeamByOrganiser(
        app.db,
        actor,
        request.params.id,
        request.params.teamId,
        request.body,
      );
      return { id: team.id, status: team.status, released };
    },
  );
};
