import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';

import { StringEnum } from '../http/schemas.js';
import { CITIZEN_SESSION_COOKIE, citizenId, requireCitizen } from './authenticate-citizen.js';
import * as citizens from './citizen.service.js';
import { requestSmsCode } from './sms-code.service.js';

const GENDERS = ['male', 'female'] as const;

const ProfileSchema = Type.Object({
  id: Type.String(),
  phone: Type.String({
    description:
      'Mobile number in full, because only the citizen receives it; it fills registration forms',
  }),
  phoneMasked: Type.String({ description: 'Mobile number as 138****5678' }),
  realName: Type.Union([Type.String(), Type.Null()], {
    description: 'In full, because only the citizen receives it; null until the profile is saved',
  }),
  realNameMasked: Type.Union([Type.String(), Type.Null()]),
  idNumberMasked: Type.Union([Type.String(), Type.Null()], {
    description: 'Resident ID number as 3101**********123X; the full number is never returned',
  }),
  idConsentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  gender: Type.Union([StringEnum(GENDERS), Type.Null()]),
  birthDate: Type.Union([Type.String({ description: 'YYYY-MM-DD' }), Type.Null()]),
  favouriteSports: Type.Array(Type.String(), {
    description: 'Sport codes chosen for recommendations, in the order chosen',
  }),
  districtCode: Type.Union([Type.String(), Type.Null()], {
    description: 'District chosen for recommendations; null for the whole city',
  }),
});

const PhoneSchema = Type.String({
  minLength: 1,
  maxLength: 32,
  description: 'Mainland mobile number; +86, spaces and full-width digits are accepted',
});

function setCitizenCookie(
  app: FastifyInstance,
  reply: FastifyReply,
  session: citizens.CitizenSession,
) {
  reply.setCookie(CITIZEN_SESSION_COOKIE, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: app.config.env === 'production',
    expires: session.expiresAt,
  });
}

export const citizenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/citizen/sms-codes',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Send a 6-digit sign-in code by SMS, valid 5 minutes',
        description:
          'One code per number every 60 seconds (429 CIT_SMS_CODE_RESEND_WAIT), at most 5 per ' +
          'number an hour, 10 per number a day and 300 per client address an hour ' +
          '(429 CIT_SMS_CODE_LIMIT). Each 429 has a Retry-After header in seconds.',
        body: Type.Object({ phone: PhoneSchema }),
        response: {
          202: Type.Object({
            expiresInSeconds: Type.Integer(),
            resendAfterSeconds: Type.Integer({
              description: 'Seconds the app should wait before offering to send another code',
            }),
          }),
        },
      },
    },
    async (request, reply) => {
      try {
        const issued = await requestSmsCode(app.db, app.cipher, app.rateLimiter, {
          phone: request.body.phone,
          ip: request.ip ?? null,
        });
        return reply.status(202).send(issued);
      } catch (error) {
        const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
        if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
        throw error;
      }
    },
  );

  app.post(
    '/api/citizen/session',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Sign a citizen in with an SMS code; sets the 30-day csid cookie',
        description:
          'Creates the citizen on the first sign-in of a number. A wrong, expired or used code ' +
          'gets 401 CIT_INVALID_SMS_CODE. Five wrong tries burn the code: from the fifth on, ' +
          'the number gets 401 CIT_SMS_CODE_BURNT until it requests a new code.',
        body: Type.Object({
          phone: PhoneSchema,
          code: Type.String({ minLength: 1, maxLength: 16 }),
        }),
        response: { 200: ProfileSchema },
      },
    },
    async (request, reply) => {
      const session = await citizens.signInWithCode(app.db, app.cipher, {
        ...request.body,
        ip: request.ip ?? null,
      });
      setCitizenCookie(app, reply, session);
      return citizens.profileOf(app.db, app.cipher, session.citizenId);
    },
  );

  app.delete(
    '/api/citizen/session',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Sign the citizen out; revokes the session and clears the cookie',
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await citizens.signOut(app.db, request.cookies[CITIZEN_SESSION_COOKIE], request.ip ?? null);
      reply.clearCookie(CITIZEN_SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/citizen/me',
    {
      onRequest: requireCitizen,
      schema: {
        tags: ['citizens'],
        summary: 'The signed-in citizen profile, with the number and ID number masked',
        response: { 200: ProfileSchema },
      },
    },
    async (request) => citizens.profileOf(app.db, app.cipher, citizenId(request)),
  );

  app.put(
    '/api/citizen/profile',
    {
      onRequest: requireCitizen,
      schema: {
        tags: ['citizens'],
        summary: 'Replace the citizen profile: real name, ID number, gender and birth date',
        description:
          'idNumber absent keeps the stored ID number, null (or an empty string) removes it, ' +
          'a string replaces it and needs idConsent true. Gender and birth date come from the ID number when one is ' +
          'stored; values that contradict it are rejected.',
        body: Type.Object(
          {
            realName: Type.String({ maxLength: 64 }),
            idNumber: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 32 })])),
            idConsent: Type.Optional(Type.Boolean()),
            gender: Type.Optional(Type.Union([Type.Null(), StringEnum(GENDERS)])),
            birthDate: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 10 })])),
          },
          { additionalProperties: false },
        ),
        response: { 200: ProfileSchema },
      },
    },
    async (request) =>
      citizens.updateProfile(app.db, app.cipher, citizenId(request), {
        ...request.body,
        ip: request.ip ?? null,
      }),
  );

  app.put(
    '/api/citizen/preferences',
    {
      onRequest: requireCitizen,
      schema: {
        tags: ['citizens'],
        summary: 'Replace the sports and district the citizen chose for recommendations',
        description:
          'favouriteSports lists at most 10 distinct catalogue sport codes; districtCode is a ' +
          'district code or null. Invalid values get 400 CIT_INVALID_PREFERENCES with field errors.',
        body: Type.Object(
          {
            favouriteSports: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 40 }),
            districtCode: Type.Union([Type.Null(), Type.String({ pattern: '^[0-9]{6}$' })]),
          },
          { additionalProperties: false },
        ),
        response: { 200: ProfileSchema },
      },
    },
    async (request) =>
      citizens.updatePreferences(app.db, app.cipher, citizenId(request), {
        ...request.body,
        ip: request.ip ?? null,
      }),
  );
};
