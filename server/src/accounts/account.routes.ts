import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ACCOUNT_TYPES, EVENT_LEVELS, MENU_KEYS, SECTIONS } from '@cityleague/domain';
import { Type } from 'typebox';

import * as accounts from './account.service.js';
import { principal, requireSession, SESSION_COOKIE } from './authenticate.js';
import { StringEnum } from '../http/schemas.js';

const MeSchema = Type.Object({
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
});

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
      const { token, principal, expiresAt } = await accounts.signIn(app.db, {
        ...request.body,
        ip: request.ip,
        sessionHours: app.config.sessionHours,
      });
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: app.config.env === 'production',
        expires: expiresAt,
      });
      return accounts.describeMe(principal);
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
      if (token) await accounts.signOut(app.db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      onRequest: requireSession,
      schema: {
        tags: ['accounts'],
        summary: 'The signed-in user, the menus and the filing scopes of the account',
        response: { 200: MeSchema },
      },
    },
    async (request) => accounts.describeMe(principal(request)),
  );
};
