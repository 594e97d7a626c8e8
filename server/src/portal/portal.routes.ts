import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

import { MeSchema, setSessionCookie } from '../accounts/account.routes.js';
import { describeMe } from '../accounts/account.service.js';
import { requireAccountType, principal } from '../accounts/authenticate.js';
import { StringEnum } from '../http/schemas.js';
import { PortalClient } from './portal.client.js';
import { PortalDisabled, PortalStartLimited } from './portal.errors.js';
import {
  completeLogin,
  LOGIN_COOKIE,
  LOGIN_MINUTES,
  recordLoginFailure,
  REGISTRATION_COOKIE,
  REGISTRATION_MINUTES,
  startLogin,
} from './portal-login.service.js';
import {
  describeRegistration,
  linkPresetStreet,
  SELF_REGISTRATION_TYPES,
  submitRegistration,
} from './portal-registration.service.js';
import { approveRequest, listRequests, rejectRequest } from './portal-requests.service.js';

/** Console page that continues a registration or shows a callback error (`?error=CODE`). */
export const REGISTER_PAGE = '/console/register';
const CONSOLE_HOME = '/console/';
/** Portal log-ins one client address may start per minute. */
export const PORTAL_STARTS_PER_MINUTE = 30;

const RegistrationSchema = Type.Object({
  id: Type.String(),
  status: StringEnum(['started', 'pending', 'approved', 'rejected', 'completed']),
  creditCode: Type.String(),
  organisationName: Type.String(),
  accountType: Type.Union([Type.String(), Type.Null()]),
  rejectReason: Type.Union([Type.String(), Type.Null()]),
  district: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]),
});

const RequestSchema = Type.Object({
  id: Type.String(),
  status: Type.String(),
  creditCode: Type.String(),
  organisationName: Type.String(),
  accountType: Type.Union([Type.String(), Type.Null()]),
  divisionCode: Type.Union([Type.String(), Type.Null()]),
  divisionName: Type.Union([Type.String(), Type.Null()]),
  rejectReason: Type.Union([Type.String(), Type.Null()]),
  submittedAt: Type.String({ format: 'date-time' }),
  decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const RequestParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

function cookieOptions(app: FastifyInstance, path: string, minutes: number) {
  // SameSite=Lax: the portal sends the browser back with a top-level GET, which carries Lax
  // cookies but not Strict ones.
  return {
    path,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: app.config.env === 'production',
    maxAge: minutes * 60,
  };
}

function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'INTERNAL_ERROR';
}

/**
 * Self-registration through the government portal: the OpenID Connect log-in, the
 * applicant's registration steps (authorised by the registration cookie, not a session) and
 * the operator's decisions on requests that need approval.
 */
export const portalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const settings = app.config.portal;
  const client = settings ? new PortalClient(settings, app.config.env === 'production') : undefined;
  const requireClient = () => {
    if (!client) throw new PortalDisabled();
    return client;
  };

  app.get(
    '/api/portal',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Whether self-registration through the government portal is on',
        response: { 200: Type.Object({ enabled: Type.Boolean() }) },
      },
    },
    async () => ({ enabled: client !== undefined }),
  );

  app.get(
    '/api/portal/start',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Redirect to the government portal to sign in or register an organisation',
      },
    },
    async (request, reply) => {
      const client = requireClient();
      // Each start stores a log-in row, so one address may start only so many per minute. The
      // browser is navigating, so it is sent to the console page that shows the reason.
      const wait = await app.rateLimiter.take(
        `portal-start:${request.ip}`,
        PORTAL_STARTS_PER_MINUTE,
      );
      if (wait !== undefined) {
        request.log.warn({ waitSeconds: wait }, 'portal log-in starts over the limit');
        reply.header('retry-after', String(wait));
        return reply.redirect(`${REGISTER_PAGE}?error=${new PortalStartLimited().code}`, 303);
      }
      const { token, url } = await startLogin(app.db, client);
      reply.setCookie(LOGIN_COOKIE, token, cookieOptions(app, '/api/portal', LOGIN_MINUTES));
      return reply.redirect(url.href, 302);
    },
  );

  app.get(
    '/api/portal/callback',
    {
      schema: {
        tags: ['accounts'],
        summary:
          'Return address of the portal: signs in, or continues a registration; errors redirect to the console',
      },
    },
    async (request, reply) => handleCallback(app, requireClient(), request, reply),
  );

  app.get(
    '/api/portal/registration',
    {
      schema: {
        tags: ['accounts'],
        summary: 'The registration of the registration cookie',
        response: { 200: RegistrationSchema },
      },
    },
    async (request) => describeRegistration(app.db, request.cookies[REGISTRATION_COOKIE]),
  );

  app.post(
    '/api/portal/registration',
    {
      schema: {
        tags: ['accounts'],
        summary:
          'Choose the account type and set the local password; contractors are signed in, other types wait for approval',
        body: Type.Object({
          accountType: StringEnum(SELF_REGISTRATION_TYPES),
          password: Type.String({ minLength: 1, maxLength: 256 }),
        }),
        response: {
          200: Type.Object({ status: Type.Literal('active'), me: MeSchema }),
          202: Type.Object({ status: Type.Literal('pending') }),
        },
      },
    },
    async (request, reply) => {
      const outcome = await submitRegistration(app.db, {
        token: request.cookies[REGISTRATION_COOKIE],
        ...request.body,
        ip: request.ip,
        hours: app.config.sessionHours,
      });
      if (outcome.kind === 'pending') return reply.status(202).send({ status: 'pending' });
      reply.clearCookie(REGISTRATION_COOKIE, { path: '/api/portal' });
      setSessionCookie(app, reply, outcome.session);
      return { status: 'active' as const, me: describeMe(outcome.session.principal) };
    },
  );

  app.post(
    '/api/portal/registration/street-link',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Link a preset street account (SAGYWTB…) to the portal identity and sign in',
        body: Type.Object({
          username: Type.String({ minLength: 1, maxLength: 64 }),
          password: Type.String({ minLength: 1, maxLength: 256 }),
        }),
        response: { 200: MeSchema },
      },
    },
    async (request, reply) => {
      const session = await linkPresetStreet(app.db, {
        token: request.cookies[REGISTRATION_COOKIE],
        ...request.body,
        ip: request.ip,
        hours: app.config.sessionHours,
      });
      reply.clearCookie(REGISTRATION_COOKIE, { path: '/api/portal' });
      setSessionCookie(app, reply, session);
      return describeMe(session.principal);
    },
  );

  const operatorOnly = requireAccountType('operator');

  app.get(
    '/api/registration-requests',
    {
      onRequest: operatorOnly,
      schema: {
        tags: ['accounts'],
        summary: 'Self-registration requests in a status, oldest first (at most 200)',
        querystring: Type.Object({
          status: StringEnum(['pending', 'approved', 'rejected'], { default: 'pending' }),
        }),
        response: { 200: Type.Array(RequestSchema) },
      },
    },
    async (request) => listRequests(app.db, request.query.status),
  );

  app.post(
    '/api/registration-requests/:id/approve',
    {
      onRequest: operatorOnly,
      schema: {
        tags: ['accounts'],
        summary: 'Approve a pending self-registration; creates the account',
        params: RequestParams,
        response: { 200: Type.Object({ userId: Type.String() }) },
      },
    },
    async (request) =>
      approveRequest(app.db, {
        id: request.params.id,
        operatorId: principal(request).id,
        ip: request.ip,
      }),
  );

  app.post(
    '/api/registration-requests/:id/reject',
    {
      onRequest: operatorOnly,
      schema: {
        tags: ['accounts'],
        summary: 'Reject a pending self-registration with a reason shown to the applicant',
        params: RequestParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }),
        response: { 204: Type.Null({ description: 'Rejected' }) },
      },
    },
    async (request, reply) => {
      await rejectRequest(app.db, {
        id: request.params.id,
        operatorId: principal(request).id,
        ip: request.ip,
        reason: request.body.reason,
      });
      return reply.status(204).send(null);
    },
  );
};

/**
 * Handles the portal's redirect back. The browser always leaves with a redirect: to the
 * console when signed in, to the registration page when an organisation registers, and to the
 * registration page with `?error=CODE` when the log-in fails.
 */
async function handleCallback(
  app: FastifyInstance,
  client: PortalClient,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const query = new URLSearchParams(request.url.split('?')[1] ?? '');
  reply.clearCookie(LOGIN_COOKIE, { path: '/api/portal' });
  try {
    const outcome = await completeLogin(app.db, client, {
      loginToken: request.cookies[LOGIN_COOKIE],
      query,
      ip: request.ip,
      hours: app.config.sessionHours,
    });
    if (outcome.kind === 'session') {
      setSessionCookie(app, reply, outcome.session);
      return reply.redirect(CONSOLE_HOME, 303);
    }
    reply.setCookie(
      REGISTRATION_COOKIE,
      outcome.token,
      cookieOptions(app, '/api/portal', REGISTRATION_MINUTES),
    );
    return reply.redirect(REGISTER_PAGE, 303);
  } catch (error) {
    const code = errorCodeOf(error);
    if (code === 'INTERNAL_ERROR' || (error as { statusCode?: number }).statusCode === 502) {
      request.log.error({ err: error, code }, 'portal callback failed');
    } else {
      request.log.info({ code }, 'portal callback rejected');
    }
    await recordLoginFailure(app.db, { code, ip: request.ip });
    return reply.redirect(`${REGISTER_PAGE}?error=${code}`, 303);
  }
}
