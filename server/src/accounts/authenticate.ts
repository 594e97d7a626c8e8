import type { FastifyReply, FastifyRequest } from 'fastify';

import { PasswordChangeRequired, SessionRequired } from './account.errors.js';
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
 * Fastify onRequest hook, run before body parsing and validation, that loads the session's
 * user or rejects with ACC_SESSION_REQUIRED. A user who must still change the initial
 * password is rejected with ACC_PASSWORD_CHANGE_REQUIRED.
 */
export async function requireSession(request: FastifyRequest, _reply: FastifyReply) {
  const principal = await loadPrincipal(request);
  if (principal.mustChangePassword) throw new PasswordChangeRequired();
}

/**
 * Like `requireSession`, but also admits a user who must change the initial password. Only
 * GET /api/me and the password change itself use it.
 */
export async function requireSessionAllowingPasswordChange(
  request: FastifyRequest,
  _reply: FastifyReply,
) {
  await loadPrincipal(request);
}

/** Returns the principal loaded by `requireSession`. */
export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new SessionRequired();
  return request.principal;
}
