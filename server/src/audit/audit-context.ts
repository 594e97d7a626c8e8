import type { FastifyRequest } from 'fastify';

import type { AuditEntry } from './audit.repository.js';

/** Maximum length of the user agent kept in an audit entry; longer headers are cut. */
const MAX_USER_AGENT_LENGTH = 512;

/** The actor fields of an audit entry. */
export type AuditActor = Pick<
  AuditEntry,
  'actorUserId' | 'actorPartnerId' | 'organisationId' | 'actorIp' | 'userAgent'
>;

/** Returns the request's User-Agent header, cut to 512 characters, or null without one. */
export function userAgentOf(request: FastifyRequest): string | null {
  const header = request.headers['user-agent'];
  if (typeof header !== 'string' || header === '') return null;
  return header.slice(0, MAX_USER_AGENT_LENGTH);
}

/**
 * Returns who made a request, for spreading into an audit entry: the signed-in user and
 * organisation (null before sign-in), the client IP (as trustProxy resolves it) and the user
 * agent.
 */
export function auditContext(request: FastifyRequest): AuditActor {
  return {
    actorUserId: request.principal?.id ?? null,
    organisationId: request.principal?.organisationId ?? null,
    actorIp: request.ip,
    userAgent: userAgentOf(request),
  };
}

/**
 * Returns the actor fields of an audit entry for a service's actor (principal, IP, user agent).
 * A partner platform's actor is named by its partner id and has no user.
 */
export function auditActorOf(actor: {
  user: { id: string; organisationId: string };
  partner?: { id: string };
  ip: string;
  userAgent?: string | null;
}): AuditActor {
  if (actor.partner) {
    return {
      actorUserId: null,
      actorPartnerId: actor.partner.id,
      organisationId: actor.user.organisationId,
      actorIp: actor.ip,
      userAgent: actor.userAgent ?? null,
    };
  }
  return {
    actorUserId: actor.user.id,
    organisationId: actor.user.organisationId,
    actorIp: actor.ip,
    userAgent: actor.userAgent ?? null,
  };
}
