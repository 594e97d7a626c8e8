import type { FastifyReply, FastifyRequest } from 'fastify';

import { SessionRequired } from './account.errors.js';
import type { Principal } from './account.repository.js';
import { principalOf } from './account.service.js';

export const SESSION_COOKIE = 'sid';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Fastify onRequest hook, run before body parsing and validation, that loads the session's user or rejects with ACC_SESSION_REQUIRED. */
export async function requireSession(request: FastifyRequest, _reply: FastifyReply) {
  const token = request.cookies[SESSION_COOKIE];
  const principal = token ? await principalOf(request.server.db, token) : undefined;
  if (!principal) throw new SessionRequired();
  request.principal = principal;
}

/** Returns the principal loaded by `requireSession`. */
export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new SessionRequired();
  return request.principal;
}
