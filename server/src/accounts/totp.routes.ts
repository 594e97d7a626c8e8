import { userAgentOf } from '../audit/audit-context.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { describeMe } from './account.service.js';
import { MeSchema, setSessionCookie } from './account.routes.js';
import {
  principal,
  requireAnySession,
  requireSessionAllowingPasswordChange,
  SESSION_COOKIE,
} from './authenticate.js';
import * as totp from './totp.service.js';

const CodeBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 16, description: 'The 6-digit one-time code' }),
});

const EnrolmentSchema = Type.Object({
  secret: Type.String({ description: 'Base32 secret, for typing into an authenticator app' }),
  otpauthUri: Type.String(),
  qrCodeDataUrl: Type.String({ description: 'PNG data URL of a QR code of otpauthUri' }),
});

export const totpRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/session/totp',
    {
      onRequest: requireAnySession,
      schema: {
        tags: ['accounts'],
        summary: 'Complete a sign-in that waits for the one-time code; replaces the session cookie',
        body: CodeBody,
        response: { 200: MeSchema },
      },
    },
    async (request, reply) => {
      const session = await totp.verifySignInCode(app.db, app.cipher, {
        principal: principal(request),
        token: request.cookies[SESSION_COOKIE] ?? '',
        ip: request.ip,
        userAgent: userAgentOf(request),
        code: request.body.code.trim(),
        sessionHours: app.config.sessionHours,
      });
      setSessionCookie(app, reply, session);
      return describeMe(session.principal);
    },
  );

  app.post(
    '/api/me/totp/enrolment',
    {
      onRequest: requireAnySession,
      schema: {
        tags: ['accounts'],
        summary: 'Start TOTP enrolment: a new secret, its otpauth URI and QR code',
        response: { 200: EnrolmentSchema },
      },
    },
    async (request) => totp.startEnrolment(app.db, app.cipher, principal(request)),
  );

  app.post(
    '/api/me/totp',
    {
      onRequest: requireAnySession,
      schema: {
        tags: ['accounts'],
        summary:
          'Confirm TOTP enrolment with a code; completes a sign-in that waited for the enrolment',
        body: CodeBody,
        response: { 200: MeSchema },
      },
    },
    async (request, reply) => {
      const caller = principal(request);
      const session = await totp.confirmEnrolment(app.db, app.cipher, {
        principal: caller,
        token: request.cookies[SESSION_COOKIE] ?? '',
        ip: request.ip,
        userAgent: userAgentOf(request),
        code: request.body.code.trim(),
        sessionHours: app.config.sessionHours,
      });
      if (session) setSessionCookie(app, reply, session);
      return describeMe(session?.principal ?? { ...caller, totpEnrolled: true });
    },
  );

  app.delete(
    '/api/me/totp',
    {
      onRequest: requireSessionAllowingPasswordChange,
      schema: {
        tags: ['accounts'],
        summary: 'Remove TOTP, for account types that may sign in without it',
        body: CodeBody,
        response: { 200: MeSchema },
      },
    },
    async (request) => {
      const caller = principal(request);
      await totp.removeTotp(app.db, app.cipher, {
        principal: caller,
        token: request.cookies[SESSION_COOKIE] ?? '',
        ip: request.ip,
        userAgent: userAgentOf(request),
        code: request.body.code.trim(),
      });
      return describeMe({ ...caller, totpEnrolled: false });
    },
  );
};
