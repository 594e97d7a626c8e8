import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ACCOUNT_TYPES } from '@cityleague/domain';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';

import { FormalText, StringEnum } from '../http/schemas.js';
import { principal, requireAccountType } from './authenticate.js';
import * as operator from './operator-accounts.service.js';

const AccountSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  accountType: StringEnum(ACCOUNT_TYPES),
  divisionCode: Type.String(),
  divisionName: Type.String(),
  organisationName: Type.String(),
  mustChangePassword: Type.Boolean(),
  totpEnrolled: Type.Boolean(),
  locked: Type.Boolean({ description: 'Locked now after 5 failed sign-ins in 15 minutes' }),
  disabled: Type.Boolean(),
  presetNumber: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

const UserParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const InitialPasswordSchema = Type.Object({
  initialPassword: Type.String({ description: 'Shown once; the user must change it' }),
});

const WORKBOOK_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function actorOf(request: FastifyRequest): operator.OperatorActor {
  return { userId: principal(request).id, ip: request.ip };
}

/** Registers the operator's account management routes, which admit the operator alone. */
export const operatorAccountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const onRequest = requireAccountType('operator');
  const tags = ['accounts'];

  app.get(
    '/api/operator/accounts',
    {
      onRequest,
      schema: {
        tags,
        summary: 'List accounts by type, division and username, in username order',
        querystring: Type.Object({
          type: Type.Optional(StringEnum(ACCOUNT_TYPES)),
          division: Type.Optional(Type.String({ pattern: '^\\d{4,12}$' })),
          q: Type.Optional(Type.String({ maxLength: 64, description: 'Part of the username' })),
          cursor: Type.Optional(Type.String({ maxLength: 512 })),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(AccountSchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) =>
      operator.listAccounts(app.db, {
        accountType: request.query.type,
        divisionCode: request.query.division,
        search: request.query.q,
        cursor: request.query.cursor,
        limit: request.query.limit,
      }),
  );

  app.post(
    '/api/operator/accounts',
    {
      onRequest,
      schema: {
        tags,
        summary:
          'Create a business account with a random initial password, which the response shows once',
        body: Type.Object({
          username: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$' }),
          accountType: StringEnum(ACCOUNT_TYPES),
          divisionCode: Type.String({ pattern: '^\\d{4,12}$' }),
          organisationName: FormalText({ minLength: 2, maxLength: 100 }),
          displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          creditCode: Type.Optional(Type.String({ maxLength: 40 })),
        }),
        response: {
          201: Type.Object({ id: Type.String(), initialPassword: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { userId, password } = await operator.createAccount(app.db, actorOf(request), {
        username: body.username,
        accountType: body.accountType,
        divisionCode: body.divisionCode,
        organisationName: body.organisationName.trim(),
        displayName: body.displayName?.trim() || body.organisationName.trim(),
        creditCode: body.creditCode,
      });
      return reply.status(201).send({ id: userId, initialPassword: password });
    },
  );

  app.post(
    '/api/operator/accounts/:id/password-reset',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Set a new initial password, shown once, and end the sessions of the account',
        params: UserParams,
        response: { 200: InitialPasswordSchema },
      },
    },
    async (request) => {
      const { password } = await operator.resetPassword(
        app.db,
        actorOf(request),
        request.params.id,
      );
      return { initialPassword: password };
    },
  );

  const actions = [
    {
      path: 'unlock',
      summary: 'Lift the sign-in lock of the account',
      run: operator.unlock,
    },
    {
      path: 'totp-reset',
      summary: 'Remove the TOTP of the account and end its sessions',
      run: operator.resetTotp,
    },
    {
      path: 'disable',
      summary: 'Disable the account and end its sessions; it cannot sign in until enabled',
      run: (db: typeof app.db, actor: operator.OperatorActor, id: string) =>
        operator.setDisabled(db, actor, id, true),
    },
    {
      path: 'enable',
      summary: 'Enable a disabled account',
      run: (db: typeof app.db, actor: operator.OperatorActor, id: string) =>
        operator.setDisabled(db, actor, id, false),
    },
  ];
  for (const action of actions) {
    app.post(
      `/api/operator/accounts/:id/${action.path}`,
      {
        onRequest,
        schema: {
          tags,
          summary: action.summary,
          params: UserParams,
          response: { 204: Type.Null({ description: 'Done' }) },
        },
      },
      async (request, reply) => {
        await action.run(app.db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  }

  app.post(
    '/api/operator/preset-street-accounts',
    {
      onRequest,
      schema: {
        tags,
        summary:
          'Create the missing preset street accounts and download their initial passwords (.xlsx)',
        description:
          'The workbook is the only copy of the initial passwords. X-Created-Count and ' +
          'X-Skipped-Count give the numbers of created accounts and of streets that had one.',
      },
    },
    async (request, reply) => {
      const result = await operator.generatePresetStreetWorkbook(app.db, actorOf(request));
      return reply
        .header('content-type', WORKBOOK_TYPE)
        .header(
          'content-disposition',
          `attachment; filename="preset-street-accounts.xlsx"; filename*=UTF-8''${encodeURIComponent('街镇预置账号.xlsx')}`,
        )
        .header('cache-control', 'no-store')
        .header('x-created-count', String(result.created))
        .header('x-skipped-count', String(result.skipped))
        .send(result.workbook);
    },
  );
};
