import type { FastifyReply, FastifyRequest } from 'fastify';

import { CitizenSessionRequired } from './citizen.errors.js';
import { citizenOfToken } from './citizen.service.js';

/** Cookie of a citizen session; the console's `sid` cookie never signs a citizen in. */
export const CITIZEN_SESSION_COOKIE = 'csid';

declare module 'fastify' {
  interface FastifyRequest {
    citizenId?: string;
  }
}

/**
 * Loads the citizen of the `csid` cookie, as an onRequest hook that runs before body parsing
 * and validation. A missing, expired or revoked session gets CIT_SESSION_REQUIRED.
 */
export async function requireCitizen(request: FastifyRequest, _reply: FastifyReply) {
  const token = request.cookies[CITIZEN_SESSION_COOKIE];
  request.citizenId = await citizenOfToken(request.server.db, token);
}

/**
 * Returns the citizen of the `csid` cookie, or undefined without a valid session, for routes
 * that anyone may call but that record a signed-in citizen.
 */
export async function optionalCitizen(request: FastifyRequest): Promise<string | undefined> {
  const token = request.cookies[CITIZEN_SESSION_COOKIE];
  if (!token) return undefined;
  try {
    return await citizenOfToken(request.server.db, token);
  } catch (error) {
    if (error instanceof CitizenSessionRequired) return undefined;
    throw error;
  }
}

/** Returns the citizen id loaded by `requireCitizen`. */
export function citizenId(request: FastifyRequest): string {
  if (!request.citizenId) throw new CitizenSessionRequired();
  return request.citizenId;
}
