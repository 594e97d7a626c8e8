import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ACCOUNT_TYPES, EVENT_LEVELS, MENU_KEYS, SECTIONS } from '@cityleague/domain';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';

import { userAgentOf } from '../audit/audit-context.js';
import { auditContext } from '../audit/audit-context.js';
import { getAlertPhone, setAlertPhone } from './account-phone.service.js';
import * as accounts from './account.service.js';
import {
  principal,
  requireAccountType,
  requireAnySession,
  requireSessionAllowingPasswordChange,
  SESSION_COOKIE,
} from './authenticate.js';
import { StringEnum } from '../http/schemas.js';

export const MeSchema = Type.Object({
  user: Type.Object({
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    accountType: StringEnum(ACCOUNT_TYPES),
    divisionCode: Type.String(),
    divisionName: Type.String(),
    organisation: Type.Object({ id: Type.String(), name: Type.String() }),
  }),
  menus: Type.Array(StringEnum(MENU_KEYS)),
  filing: Type.Array(
    Type.Object({ level: StringEnum(EVENT_LEVELS), section: StringEnum(SECTIONS) }),
  ),
  mustChangePassword: Type.Boolean({
    description: 'True until the user replaces an initial password; other console calls get 403',
  }),
  pendingStep: Type.Union([Type.Literal('totp'), Type.Literal('totp_enrolment'), Type.Null()], {
    description:
      'The sign-in step still missing: the one-time code or the TOTP enrolment. While it is ' +
      'set, menus are empty and every other console call gets ACC_SECOND_FACTOR_REQUIRED',
  }),
  totp: Type.Object({
    enrolled: Type.Boolean(),
    required: Type.Boolean({ description: 'Whether the account type must use TOTP' }),
  }),
});

/** Sets the session cookie of a newly opened session. */
export function setSessionCookie(
  app: FastifyInstance,
  reply: FastifyReply,
  session: accounts.OpenedSession,
) {
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: app.config.env === 'production',
    expires: session.expiresAt,
  });
}

export const accountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/session',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Sign in with username and password; sets the session cookie',
        body: Type.Object({
          username: Type.String({ minLength: 1, maxLength: 64 }),
          password: Type.String({ minLength: 1, maxLength: 256 }),
        }),
        response: { 200: MeSchema },
      },
    },
    async (request, reply) => {
      const session = await accounts.signIn(app.db, {
        ...request.body,
        ip: request.ip,
        userAgent: userAgentOf(request),
        sessionHours: app.config.sessionHours,
      });
      setSessionCookie(app, reply, session);
      return accounts.describeMe(session.principal);
    },
  );

  app.delete(
    '/api/session',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Sign out and end the session',
        response: { 204: Type.Null({ description: 'Signed out' }) },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) {
        await accounts.signOut(app.db, token, { ip: request.ip, userAgent: userAgentOf(request) });
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      onRequest: requireAnySession,
      schema: {
        tags: ['accounts'],
        summary: 'The signed-in user, the menus and the filing scopes of the account',
        response: { 200: MeSchema },
      },
    },
    async (request) => accounts.describeMe(principal(request)),
  );

  // Every account type may keep a number, the operator's included, once sign-in is complete.
  const requireCompleteSession = requireAccountType(...ACCOUNT_TYPES);
  const AlertPhone = Type.Object({
    phoneMasked: Type.Union([Type.String(), Type.Null()], {
      description: 'The masked mobile number that alert SMS go to; null when none is set',
    }),
  });

  app.get(
    '/api/me/phone',
    {
      onRequest: requireCompleteSession,
      schema: {
        tags: ['accounts'],
        summary: 'The masked mobile number that your alert SMS go to',
        response: { 200: AlertPhone },
      },
    },
    async (request) => getAlertPhone(app.db, principal(request)),
  );

  app.put(
    '/api/me/phone',
    {
      onRequest: requireCompleteSession,
      schema: {
        tags: ['accounts'],
        summary:
          'Set or, with null or an empty string, remove the mobile number that your alert SMS go to',
        body: Type.Object(
          { phone: Type.Union([Type.Null(), Type.String({ maxLength: 32 })]) },
          { additionalProperties: false },
        ),
        response: { 200: AlertPhone },
      },
    },
    async (request) =>
      setAlertPhone(
        app.db,
        app.cipher,
        principal(request),
        request.body.phone,
        auditContext(request),
      ),
  );

  app.post(
    '/api/me/password',
    {
      onRequest: requireSessionAllowingPasswordChange,
      schema: {
        tags: ['accounts'],
        summary:
          'Change the password; ends every session of the user and sets a new session cookie',
        body: Type.Object({
          currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
          newPassword: Type.String({ minLength: 1, maxLength: 256 }),
        }),
        response: { 200: MeSchema },
      },
    },
    async (request, reply) => {
      const session = await accounts.changePassword(app.db, {
        userId: principal(request).id,
        ...request.body,
        ip: request.ip,
        userAgent: userAgentOf(request),
        sessionHours: app.config.sessionHours,
      });
      setSessionCookie(app, reply, session);
      return accounts.describeMe(session.principal);
    },
  );
};
