import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import { EventIdParams } from '../events/event.schemas.js';
import { getPublishedEvent } from '../events/public-event.service.js';
import { FormalText, Nullable, StringEnum } from '../http/schemas.js';
import * as groups from './group.service.js';
import { countWaitingByGroup, listGroups } from './group.repository.js';

const GENDERS = ['any', 'male', 'female'] as const;
const ENTRY_TYPES = ['individual', 'team'] as const;
const WAITING_LIST_MODES = ['off', 'auto', 'offer'] as const;

const GroupSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  capacity: Type.Integer(),
  taken: Type.Integer({ description: 'Places held by active and offered entries' }),
  placesLeft: Type.Integer(),
  feeCents: Type.Integer(),
  gender: StringEnum(GENDERS),
  minAge: Nullable(Type.Integer()),
  maxAge: Nullable(Type.Integer()),
  entryType: StringEnum(ENTRY_TYPES),
  teamMin: Nullable(Type.Integer()),
  teamMax: Nullable(Type.Integer()),
  waitingList: StringEnum(WAITING_LIST_MODES),
  offerHours: Nullable(Type.Integer()),
  sortOrder: Type.Integer(),
  isDefault: Type.Boolean(),
});

const PublicGroupSchema = Type.Object({
  ...GroupSchema.properties,
  waitingCount: Type.Integer({
    description: "Places taken in the group's waiting list; a waiting team counts once",
  }),
});

const AGE = Nullable(Type.Integer({ minimum: 0, maximum: 150 }));
const TEAM_SIZE = Nullable(Type.Integer({ minimum: 1, maximum: 100 }));

const GroupFields = {
  name: FormalText({ minLength: 1, maxLength: 30 }),
  capacity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  feeCents: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
  gender: Type.Optional(StringEnum(GENDERS)),
  minAge: Type.Optional(AGE),
  maxAge: Type.Optional(AGE),
  entryType: Type.Optional(StringEnum(ENTRY_TYPES)),
  teamMin: Type.Optional(TEAM_SIZE),
  teamMax: Type.Optional(TEAM_SIZE),
  waitingList: Type.Optional(StringEnum(WAITING_LIST_MODES)),
  offerHours: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 168 }))),
  sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
};

const GroupParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  groupId: Type.String({ format: 'uuid' }),
});

/** The organiser's groups (组别) of an event: list, create, update, delete. */
export const consoleGroupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);
  const actor = (request: Parameters<typeof principal>[0]) => ({
    user: principal(request),
    ip: request.ip,
    userAgent: userAgentOf(request),
  });

  app.get(
    '/api/console/events/:id/groups',
    {
      schema: {
        tags: ['console'],
        summary: "An event's groups with their capacity and places taken",
        params: EventIdParams,
        response: { 200: Type.Object({ items: Type.Array(GroupSchema) }) },
      },
    },
    async (request) => ({
      items: await groups.listEventGroups(app.db, principal(request), request.params.id),
    }),
  );

  app.post(
    '/api/console/events/:id/groups',
    {
      schema: {
        tags: ['console'],
        summary: 'Add a group to an event that is not cancelled',
        description:
          "The groups' capacities together may not exceed the event's capacity " +
          "(GRP_OVER_EVENT_CAPACITY). offerHours is required with waitingList 'offer'.",
        params: EventIdParams,
        body: Type.Object(GroupFields, { additionalProperties: false }),
        response: { 201: GroupSchema },
      },
    },
    async (request, reply) => {
      const group = await groups.createGroup(
        app.db,
        actor(request),
        request.params.id,
        request.body,
      );
      return reply.status(201).send(group);
    },
  );

  app.patch(
    '/api/console/events/:id/groups/:groupId',
    {
      schema: {
        tags: ['console'],
        summary: "Change a group's settings; a raised capacity promotes waiting entries",
        description: 'The capacity may not go below the places taken (GRP_CAPACITY_BELOW_TAKEN).',
        params: GroupParams,
        body: Type.Partial(Type.Object(GroupFields), { additionalProperties: false }),
        response: { 200: GroupSchema },
      },
    },
    async (request) =>
      groups.updateGroup(
        app.db,
        actor(request),
        request.params.id,
        request.params.groupId,
        request.body,
      ),
  );

  app.delete(
    '/api/console/events/:id/groups/:groupId',
    {
      schema: {
        tags: ['console'],
        summary: 'Delete a group that never had an entry',
        params: GroupParams,
      },
    },
    async (request, reply) => {
      await groups.deleteGroup(app.db, actor(request), request.params.id, request.params.groupId);
      return reply.status(204).send();
    },
  );
  app.put(
    '/api/console/events/:id/cancel-deadline',
    {
      schema: {
        tags: ['console'],
        summary: 'Set or clear the last moment at which citizens may cancel an entry',
        description:
          'null lets citizens cancel until registration closes. The deadline must lie before ' +
          'the event starts (REG_INVALID_CANCEL_DEADLINE). The organiser may cancel at any time.',
        params: EventIdParams,
        body: Type.Object(
          { cancelDeadline: Nullable(Type.String({ format: 'date-time' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ cancelDeadline: Nullable(Type.String()) }) },
      },
    },
    async (request) => {
      const { cancelDeadline } = request.body;
      return groups.setCancelDeadline(
        app.db,
        actor(request),
        request.params.id,
        cancelDeadline === null ? null : new Date(cancelDeadline),
      );
    },
  );
};

/** The groups of a published event, which a citizen chooses from when registering. */
export const publicGroupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/events/:id/groups',
    {
      schema: {
        tags: ['events'],
        summary: "A published event's groups with their rules, places left and waiting lists",
        params: EventIdParams,
        response: { 200: Type.Object({ items: Type.Array(PublicGroupSchema) }) },
      },
    },
    async (request) => {
      const event = await getPublishedEvent(app.db, request.params.id);
      const rows = await listGroups(app.db, event.id);
      const waiting = await countWaitingByGroup(app.db, event.id);
      return {
        items: rows.map((row) => ({
          ...groups.toGroupDto(row),
          waitingCount: waiting.get(row.id) ?? 0,
        })),
      };
    },
  );
};
