import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EVENT_STATES } from '@cityleague/domain';
import { Type } from 'typebox';

import { principal, requireAccountType } from '../accounts/authenticate.js';
import { PublicEventSchema } from '../events/event.schemas.js';
import { StringEnum } from '../http/schemas.js';
import { installPartnerAuthentication, PartnerRateLimiter, requireScope } from './partner-auth.js';
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
          name: Type.String({ minLength: 2, maxLength: 100 }),
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
  state: StringEnum(EVENT_STATES),
  organisationId: Type.String(),
  updatedAt: Timestamp,
});

/** Serves the open API for partner platforms, authenticated by signed requests. */
export const partnerApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  installPartnerAuthentication(app, new PartnerRateLimiter());

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
          'next poll to receive only what changed since. A changed event comes again.',
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
};
