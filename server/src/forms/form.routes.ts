import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { GUARDIAN_CONSENT_AGE } from '@cityleague/domain';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';

import { principal, requireSession } from '../accounts/authenticate.js';
import { userAgentOf } from '../audit/audit-context.js';
import { EventIdParams } from '../events/event.schemas.js';
import { getPublishedEvent } from '../events/public-event.service.js';
import { Nullable, StringEnum } from '../http/schemas.js';
import {
  applyFormTemplate,
  deleteFormTemplate,
  listFormTemplates,
  saveTemplateFromEvent,
} from './form-template.service.js';
import { EventFormSchema, FormTemplateSchema, RegistrationFormSchema } from './form.schemas.js';
import { getConsoleForm, publicRegistrationForm, saveEventForm } from './form.service.js';
import { ATTACHMENT_MAX_BYTES } from './attachment.service.js';

const LOCK_REASONS = ['cancelled', 'registration_opened', 'has_entries'] as const;

const ConsoleFormSchema = Type.Object({
  ...EventFormSchema.properties,
  canChangeForm: Type.Boolean({ description: 'Whether this user may change the form now' }),
  canChangeNotice: Type.Boolean({ description: 'Whether this user may change the notice now' }),
  lockReason: Nullable(StringEnum(LOCK_REASONS)),
});

const actorOf = (request: FastifyRequest) => ({
  user: principal(request),
  ip: request.ip,
  userAgent: userAgentOf(request),
});

/** The organiser's registration form of an event and the organisation's form templates. */
export const consoleFormRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', requireSession);

  app.get(
    '/api/console/events/:id/registration-form',
    {
      schema: {
        tags: ['console'],
        summary: "An event's registration form and safety notice, with what may change now",
        params: EventIdParams,
        response: { 200: ConsoleFormSchema },
      },
    },
    async (request) => getConsoleForm(app.db, actorOf(request), request.params.id),
  );

  app.put(
    '/api/console/events/:id/registration-form',
    {
      schema: {
        tags: ['console'],
        summary: "Replace an event's registration form and set its safety notice",
        description:
          'The form may change while the event is a draft, returned, in review or approved, or ' +
          'published before registration opens, and only while it has no entry ' +
          '(409 FRM_FORM_LOCKED otherwise). A changed safetyNotice becomes a new version; ' +
          'null or an unchanged text keeps the current one. Problems of the form are listed ' +
          'in one 400 FRM_INVALID_FORM.',
        params: EventIdParams,
        body: Type.Object(
          {
            form: RegistrationFormSchema,
            safetyNotice: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
          },
          { additionalProperties: false },
        ),
        response: { 200: EventFormSchema },
      },
    },
    async (request) => saveEventForm(app.db, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/console/events/:id/registration-form/apply-template',
    {
      schema: {
        tags: ['console'],
        summary: "Replace an event's form with a template's, under the same rule as a change",
        params: EventIdParams,
        body: Type.Object(
          { templateId: Type.String({ minLength: 1, maxLength: 60 }) },
          { additionalProperties: false },
        ),
        response: { 200: EventFormSchema },
      },
    },
    async (request) =>
      applyFormTemplate(app.db, actorOf(request), request.params.id, request.body.templateId),
  );

  app.get(
    '/api/console/form-templates',
    {
      schema: {
        tags: ['console'],
        summary: "The built-in form templates and the organisation's own",
        response: { 200: Type.Object({ items: Type.Array(FormTemplateSchema) }) },
      },
    },
    async (request) => ({ items: await listFormTemplates(app.db, actorOf(request)) }),
  );

  app.post(
    '/api/console/form-templates',
    {
      schema: {
        tags: ['console'],
        summary: "Save an event's form and safety notice as a template of the organisation",
        body: Type.Object(
          {
            eventId: Type.String({ format: 'uuid' }),
            name: Type.String({ minLength: 1, maxLength: 30, pattern: '\\S' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: FormTemplateSchema },
      },
    },
    async (request, reply) => {
      const template = await saveTemplateFromEvent(app.db, actorOf(request), request.body);
      return reply.status(201).send(template);
    },
  );

  app.delete(
    '/api/console/form-templates/:templateId',
    {
      schema: {
        tags: ['console'],
        summary: "Delete one of the organisation's form templates",
        params: Type.Object({ templateId: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await deleteFormTemplate(app.db, actorOf(request), request.params.templateId);
      return reply.status(204).send(null);
    },
  );
};

/** The registration form of a published event, for the citizens' app. */
export const publicFormRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/events/:id/registration-form',
    {
      schema: {
        tags: ['registrations'],
        summary: 'The registration form and safety notice of a published event',
        description:
          'The app renders the form with the same domain rules the server applies. ' +
          'Entrants younger than guardianConsentAge on the start date need a guardian.',
        params: EventIdParams,
        response: {
          200: Type.Object({
            ...EventFormSchema.properties,
            guardianConsentAge: Type.Integer(),
            attachmentMaxBytes: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const event = await getPublishedEvent(app.db, request.params.id);
      const loaded = await publicRegistrationForm(app.db, event.id);
      return {
        ...loaded,
        guardianConsentAge: GUARDIAN_CONSENT_AGE,
        attachmentMaxBytes: ATTACHMENT_MAX_BYTES,
      };
    },
  );
};
