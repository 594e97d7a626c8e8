import type { FastifyReply, FastifyRequest } from 'fastify';

import { isPlatformAccountType, type AccountType } from '@cityleague/domain';

import {
  PasswordChangeRequired,
  RoleForbidden,
  SecondFactorRequired,
  SessionRequired,
} from './account.errors.js';
import type { Principal } from './account.repository.js';
import { principalOf } from './account.service.js';

export const SESSION_COOKIE = 'sid';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

async function loadPrincipal(request: FastifyRequest): Promise<Principal> {
  const token = request.cookies[SESSION_COOKIE];
  const { db, config } = request.server;
  const principal = token ? await principalOf(db, token, config.sessionIdleMinutes) : undefined;
  if (!principal) throw new SessionRequired();
  request.principal = principal;
  return principal;
}

/**
 * Loads the session's user for the league's business routes, as an onRequest hook that runs
 * before body parsing and validation. It rejects a missing session with ACC_SESSION_REQUIRED,
 * a session still waiting for its one-time code or TOTP enrolment with
 * ACC_SECOND_FACTOR_REQUIRED, a user who must still change the initial password with
 * ACC_PASSWORD_CHANGE_REQUIRED, and the platform roles (operator, security officer) with
 * ACC_ROLE_FORBIDDEN.
 */
export async function requireSession(request: FastifyRequest, _reply: FastifyReply) {
  const principal = await loadPrincipal(request);
  if (principal.pendingStep) throw new SecondFactorRequired();
  if (principal.mustChangePassword) throw new PasswordChangeRequired();
  if (isPlatformAccountType(principal.accountType as AccountType)) throw new RoleForbidden();
}

/**
 * Builds the onRequest hook of a route that only the listed account types may use, such as
 * the operator's account management or the security officer's audit viewer.
 */
export function requireAccountType(...accountTypes: AccountType[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const principal = await loadPrincipal(request);
    if (principal.pendingStep) throw new SecondFactorRequired();
    if (principal.mustChangePassword) throw new PasswordChangeRequired();
    if (!(accountTypes as string[]).includes(principal.accountType)) throw new RoleForbidden();
  };
}

/**
 * Like `requireSession`, but also admits a user who must change the initial password, and
 * every account type. The password change and the optional TOTP settings use it. Two-factor
 * sign-in comes first: a session that waits for it is rejected with ACC_SECOND_FACTOR_REQUIRED.
 */
export async function requireSessionAllowingPasswordChange(
  request: FastifyRequest,
  _reply: FastifyReply,
) {
  const principal = await loadPrincipal(request);
  if (principal.pendingStep) throw new SecondFactorRequired();
}

/**
 * Admits any live session, a session waiting for its second factor included. Only GET /api/me
 * and the TOTP sign-in and enrolment routes use it; those routes check the step themselves.
 */
export async function requireAnySession(request: FastifyRequest, _reply: FastifyReply) {
  await loadPrincipal(request);
}

/** Returns the principal loaded by `requireSession`. */
export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new SessionRequired();
  return request.principal;
}
