import type { FastifyInstance, FastifyRequest } from 'fastify';

import { CsrfRejected } from './account.errors.js';

const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Returns the host (name and port) of a header's URL, or undefined when it is not a URL. */
function hostOf(value: string): string | undefined {
  try {
    return new URL(value).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Tells whether a state-changing /api/ request comes from another site. The rule: when the
 * request carries an Origin header, or else a Referer header, that header's host must equal
 * the request's own Host, otherwise the request is rejected (an unparsable value such as
 * "null" is rejected too). A request with neither header passes, because browsers send Origin
 * with every cross-origin POST, PUT, PATCH and DELETE, and clients without either header
 * (curl, scripts, tests) carry no browser cookies to abuse.
 */
export function isCrossSiteRequest(request: FastifyRequest): boolean {
  if (!STATE_CHANGING_METHODS.has(request.method)) return false;
  if (!request.url.startsWith('/api/')) return false;
  const origin = request.headers.origin;
  const source = origin !== undefined ? origin : request.headers.referer;
  if (source === undefined) return false;
  return hostOf(source) !== request.host.toLowerCase();
}

/** Installs the cross-site request check on every route of `app` and its children. */
export function installCsrfProtection(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (isCrossSiteRequest(request)) throw new CsrfRejected();
  });
}
