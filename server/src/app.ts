import { randomUUID } from 'node:crypto';

import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';

import { accountRoutes } from './accounts/account.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { installCsrfProtection } from './accounts/csrf.js';
import { operatorAccountRoutes } from './accounts/operator-accounts.routes.js';
import { totpRoutes } from './accounts/totp.routes.js';
import { checkInRoutes } from './check-in/check-in.routes.js';
import { onSiteRoutes } from './check-in/on-site.routes.js';
import { outboxAdminRoutes } from './notifications/outbox-admin.routes.js';
import { citizenRoutes } from './citizens/citizen.routes.js';
import type { Config } from './config.js';
import { contractOperatorRoutes, ownContractRoutes } from './contracts/contract.routes.js';
import { dashboardRoutes } from './dashboards/dashboard.routes.js';
import { isReachable, type Db } from './db/database.js';
import { divisionRoutes } from './divisions/division.routes.js';
import { citizenChatGroupRoutes, consoleDocumentRoutes } from './documents/document.routes.js';
import { eventShareRoutes } from './events/event-share.routes.js';
import { consoleEventRoutes, publicEventRoutes } from './events/event.routes.js';
import { venueRoutes } from './events/venue.routes.js';
import { rejectCoercedBodyTypes } from './http/json-types.js';
import { installMetrics } from './http/metrics.js';
import { documentCommonResponses } from './http/openapi.js';
import { serializeRequest } from './http/log-redaction.js';
import {
  answerClientError,
  installProblemHandler,
  NotReady,
  sendProblem,
  UnsupportedContentEncoding,
} from './http/problem.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { noEmojiKeyword, storableTimeFormats } from './http/schemas.js';
import { installNumberGuard } from './http/number-guard.js';
import { installTextGuard } from './http/text-guard.js';
import { installWeb } from './http/web.js';
import { partnerApiRoutes, partnerRegistryRoutes } from './partners/partner.routes.js';
import { partnerOversightRoutes, partnerReportRoutes } from './partners/partner-reports.routes.js';
import { devSmsRoutes } from './notifications/dev-sms.routes.js';
import { portalRoutes } from './portal/portal.routes.js';
import { publicPosterRoutes } from './posters/event-poster.routes.js';
import { posterRoutes } from './posters/poster.routes.js';
import { citizenRegistrationRoutes } from './registrations/citizen-registration.routes.js';
import { attachmentRoutes } from './forms/attachment.routes.js';
import { consoleFormRoutes, publicFormRoutes } from './forms/form.routes.js';
import { consoleRegistrationRoutes } from './registrations/console-registration.routes.js';
import { consoleGroupRoutes, publicGroupRoutes } from './registrations/group.routes.js';
import { registrationRoutes } from './registrations/registration.routes.js';
import {
  citizenResultRoutes,
  consoleResultRoutes,
  publicResultRoutes,
} from './results/result.routes.js';
import { citizenTeamRoutes, consoleTeamRoutes } from './registrations/team.routes.js';
import { webhookRoutes } from './webhooks/webhook.routes.js';
import { reviewRoutes } from './reviews/review.routes.js';
import { reportRoutes } from './reports/report.routes.js';
import { alertRoutes, operatorAlertRoutes } from './alerts/alert.routes.js';
import { preReviewRoutes } from './sports/pre-review.routes.js';
import { PersonalDataCipher } from './shared/personal-data.js';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './shared/rate-limiter.js';
import { connectRedis, waitForRedis } from './shared/redis.js';
import { TicketSigner } from './check-in/ticket-token.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    config: Config;
    cipher: PersonalDataCipher;
    tickets: TicketSigner;
    /** One-minute request counters, in Redis when REDIS_URL is set so instances share them. */
    rateLimiter: RateLimiter;
  }
}

const REQUEST_ID = /^[\w-]{8,64}$/;

export interface BuildOptions {
  /** Destination of log lines in place of standard output. The test harness captures them. */
  logDestination?: { write(line: string): void };
}

/** Builds the Fastify application on an open, migrated database. It never listens. */
export async function buildApp(
  config: Config,
  db: Db,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      stream: options.logDestination,
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      // Request bodies are never logged; URLs are logged with personal data removed.
      serializers: { req: serializeRequest },
    },
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    trustProxy: config.trustProxy,
    bodyLimit: 256 * 1024,
    frameworkErrors: sendProblem,
    clientErrorHandler: answerClientError,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true },
      plugins: [noEmojiKeyword],
      // After the standard formats, which Fastify adds after the plugins.
      onCreate: storableTimeFormats,
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('db', db);
  app.decorate('config', config);
  app.decorate('cipher', new PersonalDataCipher(config.dataKeys));
  app.decorate('tickets', new TicketSigner(config.dataKeys));
  app.decorate('rateLimiter', await rateLimiterOf(app, config));
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // The body parsers read bodies as sent, so a compressed body would reach them as bytes that
    // are not JSON and be reported as INVALID_JSON.
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') throw new UnsupportedContentEncoding(encoding);
  });
  // Ajv coerces types for query strings and paths, so every route type-checks its JSON body
  // first. A route's own hook runs after the app's and its plugin's, such as the partner
  // signature check, so an unsigned request still gets 401.
  app.addHook('onRoute', (route) => {
    const own = route.preValidation ?? [];
    route.preValidation = [...(Array.isArray(own) ? own : [own]), rejectCoercedBodyTypes];
  });

  installProblemHandler(app);
  documentCommonResponses(app);
  installSecurityHeaders(app);
  installCsrfProtection(app);
  installTextGuard(app);
  installNumberGuard(app);
  installMetrics(app);
  // Only JSON bodies are accepted; text/plain would otherwise reach schema validation.
  app.removeContentTypeParser('text/plain');
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'cityleague API',
        description: 'City amateur league: divisions, events, reviews, registrations, check-in',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'sid' },
          partnerSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'x-cl-signature',
            description:
              'Base64 HMAC-SHA256, with the credential secret, of method, path with query, ' +
              'x-cl-timestamp, x-cl-nonce and the hex SHA-256 of the body, joined by line ' +
              'feeds; send x-cl-key-id, x-cl-timestamp (Unix seconds) and x-cl-nonce too',
          },
          citizenSessionCookie: { type: 'apiKey', in: 'cookie', name: 'csid' },
        },
      },
      tags: [
        { name: 'divisions' },
        { name: 'accounts' },
        { name: 'citizens' },
        { name: 'events' },
        { name: 'console' },
        { name: 'reviews' },
        { name: 'registrations' },
        { name: 'dashboards' },
        { name: 'partners' },
        { name: 'partner API' },
        { name: 'audit' },
        { name: 'contracts' },
        { name: 'operations' },
      ],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  installDocsViewport(app);

  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'The process is up' } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'The database is reachable' } },
    async () => {
      if (!(await isReachable(db))) throw new NotReady();
      return { status: 'ok' };
    },
  );

  await app.register(divisionRoutes);
  await app.register(accountRoutes);
  await app.register(totpRoutes);
  await app.register(operatorAccountRoutes);
  await app.register(portalRoutes);
  await app.register(publicEventRoutes);
  await app.register(registrationRoutes);
  await app.register(consoleEventRoutes);
  await app.register(eventShareRoutes);
  await app.register(venueRoutes);
  await app.register(reviewRoutes);
  await app.register(checkInRoutes);
  await app.register(onSiteRoutes);
  await app.register(outboxAdminRoutes);
  await app.register(consoleRegistrationRoutes);
  await app.register(consoleGroupRoutes);
  await app.register(publicGroupRoutes);
  await app.register(citizenRegistrationRoutes);
  await app.register(consoleFormRoutes);
  await app.register(publicFormRoutes);
  await app.register(attachmentRoutes);
  await app.register(citizenTeamRoutes);
  await app.register(consoleTeamRoutes);
  await app.register(posterRoutes);
  await app.register(publicPosterRoutes);
  await app.register(dashboardRoutes);
  await app.register(reportRoutes);
  await app.register(alertRoutes);
  await app.register(operatorAlertRoutes);
  await app.register(partnerRegistryRoutes);
  await app.register(preReviewRoutes);
  await app.register(partnerApiRoutes);
  await app.register(webhookRoutes);
  await app.register(partnerReportRoutes);
  await app.register(partnerOversightRoutes);
  await app.register(citizenRoutes);
  await app.register(consoleDocumentRoutes);
  await app.register(citizenChatGroupRoutes);
  await app.register(consoleResultRoutes);
  await app.register(publicResultRoutes);
  await app.register(citizenResultRoutes);
  if (config.env !== 'production') await app.register(devSmsRoutes);
  await app.register(auditRoutes);
  await app.register(ownContractRoutes);
  await app.register(contractOperatorRoutes);
  await installWeb(app, config.webDir);
  return app;
}

/**
 * Builds the shared rate limiter: Redis-backed when REDIS_URL is set (start-up fails when the
 * server does not respond in time), else in memory. The Redis client closes with the app.
 */
async function rateLimiterOf(app: FastifyInstance, config: Config): Promise<RateLimiter> {
  if (config.redisUrl === undefined) return new MemoryRateLimiter();
  const redis = connectRedis(config.redisUrl, app.log);
  app.addHook('onClose', async () => {
    redis.disconnect();
  });
  try {
    await waitForRedis(redis);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return new RedisRateLimiter(redis, {
    prefix: `${config.redisKeyPrefix}rate:`,
    log: app.log.child({ component: 'rate-limit' }),
  });
}

const DOCS_PAGES = new Set(['/docs', '/docs/']);
const VIEWPORT_META = '<meta name="viewport" content="width=device-width, initial-scale=1">';

/**
 * Adds a viewport meta tag to the Swagger UI page, so phones lay it out at their own width
 * rather than at 980 px. @fastify/swagger-ui 6 has no option for head elements.
 */
function installDocsViewport(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!DOCS_PAGES.has(request.url) || typeof payload !== 'string') return payload;
    if (!String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    return payload.replace('<meta charset="UTF-8">', `<meta charset="UTF-8">\n${VIEWPORT_META}`);
  });
}
