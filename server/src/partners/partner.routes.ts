import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { EVENT_STATES } from '@cityleague/domain';
import { Type } from 'typebox';

import { principal, requireAccountType } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import {
  ConsoleEventSchema,
  EventIdParams,
  EventInputSchema,
  EventPatchSchema,
  PublicEventSchema,
  RegistrationStatusSchema,
} from '../events/event.schemas.js';
import { partnerActor, publishEvent } from '../events/event.service.js';
import { FormalText, StringEnum } from '../http/schemas.js';
import { installPartnerAuthentication, requireScope } from './partner-auth.js';
import {
  cancelPartnerEvent,
  changePartnerEvent,
  filePartnerEvent,
  getPartnerFiling,
} from './partner-event.service.js';
import {
  releaseUnsettledClaim,
  requireIdempotencyKey,
  settleIdempotencyClaim,
} from './partner-idempotency.js';
import { addPartnerRegistrationRoutes } from './partner-registration.routes.js';
import * as partners from './partner.service.js';
import { listEventChanges } from './partner-sync.service.js';

const Timestamp = Type.String({ format: 'date-time' });

const PartnerSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  organisationId: Type.String(),
  contactName: Type.String(),
  contactPhoneMasked: Type.String(),
  scopes: Type.Array(StringEnum(partners.PARTNER_SCOPES)),
  rateLimitPerMinute: Type.Integer(),
  status: StringEnum(['active', 'suspended'] as const),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  credentials: Type.Array(
    Type.Object({
      keyId: Type.String(),
      createdAt: Timestamp,
      expiresAt: Type.Union([Timestamp, Type.Null()], {
        description: 'End of validity; null for the current credential',
      }),
    }),
  ),
});

const IssuedSchema = Type.Object({
  partner: PartnerSchema,
  credential: Type.Object(
    { keyId: Type.String(), secret: Type.String() },
    { description: 'The secret is shown once; the platform keeps it only encrypted' },
  ),
});

const PartnerParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Scopes = Type.Array(StringEnum(partners.PARTNER_SCOPES), { minItems: 1, maxItems: 4 });
const RateLimit = Type.Integer({ minimum: 1, maximum: 100000 });
const ContactName = Type.String({ minLength: 1, maxLength: 50 });
const ContactPhone = Type.String({ minLength: 1, maxLength: 20 });

function actorOf(request: Parameters<typeof principal>[0]): partners.Actor {
  return { userId: principal(request).id, ip: request.ip };
}

/** Serves the operator's partner registry: partners, scopes, rate limits and credentials. */
export const partnerRegistryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireAccountType('operator'));

  app.get(
    '/api/operator/partners',
    {
      schema: {
        tags: ['partners'],
        summary: 'List the partner platforms with their credentials',
        response: { 200: Type.Object({ items: Type.Array(PartnerSchema) }) },
      },
    },
    async () => ({ items: await partners.listPartners(app.db) }),
  );

  app.post(
    '/api/operator/partners',
    {
      schema: {
        tags: ['partners'],
        summary: 'Register a partner platform and issue its first credential',
        body: Type.Object({
          name: FormalText({ minLength: 2, maxLength: 100 }),
          creditCode: Type.String({ minLength: 1, maxLength: 30 }),
          contactName: ContactName,
          contactPhone: ContactPhone,
          scopes: Scopes,
          rateLimitPerMinute: RateLimit,
        }),
        response: { 201: IssuedSchema },
      },
    },
    async (request, reply) => {
      const issued = await partners.createPartner(
        app.db,
        app.cipher,
        { ...request.body, name: request.body.name.trim() },
        actorOf(request),
      );
      return reply.status(201).send(issued);
    },
  );

  app.get(
    '/api/operator/partners/:id',
    {
      schema: {
        tags: ['partners'],
        summary: 'One partner platform with its credentials',
        params: PartnerParams,
        response: { 200: PartnerSchema },
      },
    },
    async (request) => partners.describePartner(app.db, request.params.id),
  );

  app.patch(
    '/api/operator/partners/:id',
    {
      schema: {
        tags: ['partners'],
        summary: "Change a partner's contact, scopes, rate limit or status",
        params: PartnerParams,
        body: Type.Object(
          {
            contactName: Type.Optional(ContactName),
            contactPhone: Type.Optional(ContactPhone),
            scopes: Type.Optional(Scopes),
            rateLimitPerMinute: Type.Optional(RateLimit),
            status: Type.Optional(StringEnum(['active', 'suspended'] as const)),
          },
          { minProperties: 1 },
        ),
        response: { 200: PartnerSchema },
      },
    },
    async (request) =>
      partners.updatePartner(app.db, app.cipher, request.params.id, request.body, actorOf(request)),
  );

  app.post(
    '/api/operator/partners/:id/credentials',
    {
      schema: {
        tags: ['partners'],
        summary: 'Issue a new credential; current ones keep working for the overlap period',
        params: PartnerParams,
        body: Type.Object({
          overlapHours: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: partners.MAX_OVERLAP_HOURS,
              default: partners.DEFAULT_OVERLAP_HOURS,
            }),
          ),
        }),
        response: { 201: IssuedSchema },
      },
    },
    async (request, reply) => {
      const issued = await partners.rotateCredential(
        app.db,
        app.cipher,
        request.params.id,
        request.body.overlapHours ?? partners.DEFAULT_OVERLAP_HOURS,
        actorOf(request),
      );
      return reply.status(201).send(issued);
    },
  );

  app.delete(
    '/api/operator/partners/:id/credentials/:keyId',
    {
      schema: {
        tags: ['partners'],
        summary: 'End a credential at once',
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          keyId: Type.String({ pattern: '^pk_[0-9a-f]{16}$' }),
        }),
        response: { 200: PartnerSchema },
      },
    },
    async (request) =>
      partners.revokeCredential(app.db, request.params.id, request.params.keyId, actorOf(request)),
  );
};

const PartnerEventSchema = Type.Object({
  ...PublicEventSchema.properties,
  registrationStatus: Type.Union([RegistrationStatusSchema, Type.Null()], {
    description: "Null until the event is published; a cancelled event's is closed",
  }),
  state: StringEnum(EVENT_STATES),
  organisationId: Type.String(),
  updatedAt: Timestamp,
});

/**
 * One of the partner's own filings, drafts included, as the write routes return it: the
 * console's view without the console's buttons and waiting days.
 */
const PartnerFilingSchema = Type.Omit(ConsoleEventSchema, ['actions', 'daysWaiting']);

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      description:
        'Required: 1 to 64 visible ASCII characters, new for every write. A repeat within ' +
        '24 hours returns the stored response with Idempotent-Replayed: true',
    }),
  ),
});

const WRITE_ERRORS =
  ' Requires an Idempotency-Key header (PTN_IDEMPOTENCY_KEY_REQUIRED); a key reused for ' +
  'another request is PTN_IDEMPOTENCY_MISMATCH, and one whose first request still runs is ' +
  'PTN_IDEMPOTENCY_IN_PROGRESS with Retry-After.';

/** Serves the open API for partner platforms, authenticated by signed requests. */
export const partnerApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  installPartnerAuthentication(app);
  app.addHook('onSend', async (request, reply, payload) => {
    await settleIdempotencyClaim(request, reply, payload);
    return payload;
  });
  app.addHook('onResponse', async (request) => releaseUnsettledClaim(request, request.log));

  const writeGuard = [requireScope('events:write'), requireIdempotencyKey];
  const actorOfPartner = (request: FastifyRequest) =>
    partnerActor(request.partner!, request.ip, userAgentOf(request));

  addPartnerRegistrationRoutes(app);

  app.get(
    '/api/partner/v1/events',
    {
      preHandler: requireScope('events:read'),
      schema: {
        tags: ['partner API'],
        summary: 'Events in change order, for incremental sync',
        description:
          'Returns published events and the partner’s own filings in the order they last ' +
          'changed. Follow nextCursor until hasMore is false, store it, and pass it in the ' +
          'next poll to receive only what changed since. A changed event comes again. A ' +
          'malformed cursor is INVALID_CURSOR; without events:read the partner gets ' +
          'PTN_SCOPE_MISSING.',
        security: [{ partnerSignature: [] }],
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          modified_since: Type.Optional(
            Type.String({
              format: 'date-time',
              description: 'Without a cursor, start at events changed at or after this time',
            }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(PartnerEventSchema),
            nextCursor: Type.String(),
            hasMore: Type.Boolean(),
          }),
        },
      },
    },
    async (request) =>
      listEventChanges(app.db, request.partner!, {
        cursor: request.query.cursor,
        modifiedSince: request.query.modified_since,
        limit: request.query.limit ?? 50,
      }),
  );

  app.post(
    '/api/partner/v1/events',
    {
      preHandler: writeGuard,
      schema: {
        tags: ['partner API'],
        summary: "File an event for the partner's organisation and submit it for review",
        description:
          'Files the event and submits it in one step, so an incomplete filing is ' +
          'EVT_INCOMPLETE listing every missing detail and leaves nothing behind. With ' +
          'submit false it only files a draft, which may lack details.' +
          WRITE_ERRORS,
        security: [{ partnerSignature: [] }],
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            ...EventInputSchema.properties,
            submit: Type.Optional(
              Type.Boolean({ description: 'false files a draft; true (default) also submits' }),
            ),
          },
          {
            additionalProperties: false,
            examples: [
              {
                name: '2027 徐汇三人篮球联赛',
                level: 'city',
                section: 'league_event',
                submit: false,
              },
            ],
          },
        ),
        response: { 201: PartnerFilingSchema },
      },
    },
    async (request, reply) => {
      const { submit, ...input } = request.body;
      const filing = await filePartnerEvent(app.db, actorOfPartner(request), input, {
        submit: submit !== false,
      });
      return reply.status(201).send(filing);
    },
  );

  app.patch(
    '/api/partner/v1/events/:id',
    {
      preHandler: writeGuard,
      schema: {
        tags: ['partner API'],
        summary: "Change one of the partner's events",
        description:
          'Edits a draft or returned filing (and submits it with submit true). An approved or ' +
          'published event takes the change-request rules with a reason: a change to the ' +
          'time, the place, the rules or fewer places waits for the reviewer, others apply ' +
          "at once. Another organisation's event is EVT_NOT_FOUND." +
          WRITE_ERRORS,
        security: [{ partnerSignature: [] }],
        headers: IdempotencyHeaders,
        params: EventIdParams,
        body: Type.Object(
          {
            patch: EventPatchSchema,
            reason: Type.Optional(
              Type.String({
                maxLength: 500,
                description: 'Why an approved event changes; required once approved',
              }),
            ),
            submit: Type.Optional(
              Type.Boolean({ description: 'Submit a draft or returned filing after the change' }),
            ),
          },
          {
            additionalProperties: false,
            examples: [
              { patch: { sport: 'basketball_3x3', divisionCode: '310104' }, submit: true },
              { patch: { venue: '徐汇区 新体育馆' }, reason: '原场馆检修' },
            ],
          },
        ),
        response: { 200: PartnerFilingSchema },
      },
    },
    async (request) =>
      changePartnerEvent(app.db, actorOfPartner(request), request.params.id, request.body),
  );

  app.post(
    '/api/partner/v1/events/:id/publish',
    {
      preHandler: writeGuard,
      schema: {
        tags: ['partner API'],
        summary: "Publish one of the partner's approved events",
        description:
          'Opens the event to citizens and to entries pushed by the partners that host its ' +
          'registration. An event that is not approved is EVT_INVALID_TRANSITION.' +
          WRITE_ERRORS,
        security: [{ partnerSignature: [] }],
        headers: IdempotencyHeaders,
        params: EventIdParams,
        response: { 200: PartnerFilingSchema },
      },
    },
    async (request) => {
      await publishEvent(app.db, actorOfPartner(request), request.params.id);
      return getPartnerFiling(app.db, actorOfPartner(request), request.params.id);
    },
  );

  app.post(
    '/api/partner/v1/events/:id/cancel',
    {
      preHandler: writeGuard,
      schema: {
        tags: ['partner API'],
        summary: "Cancel one of the partner's events with a reason",
        description:
          'Cancels the event, releases every place and tells the entrants by SMS.' + WRITE_ERRORS,
        security: [{ partnerSignature: [] }],
        headers: IdempotencyHeaders,
        params: EventIdParams,
        body: Type.Object(
          { reason: Type.String({ maxLength: 500 }) },
          { additionalProperties: false, examples: [{ reason: '场馆不可用，赛事取消' }] },
        ),
        response: { 200: PartnerFilingSchema },
      },
    },
    async (request) =>
      cancelPartnerEvent(app.db, actorOfPartner(request), request.params.id, request.body.reason),
  );
};
