import type { FastifyInstance, FastifyRequest } from 'fastify';

import { InvalidJson, RateLimited } from '../http/problem.js';
import {
  NonceReplayed,
  PartnerSuspended,
  RequestExpired,
  ScopeMissing,
  SignatureInvalid,
  SignatureMissing,
} from './partner.errors.js';
import * as repository from './partner.repository.js';
import type { PartnerScope } from './partner.service.js';
import {
  checkSigningHeaders,
  SIGNATURE_HEADERS,
  SIGNATURE_WINDOW_SECONDS,
  signatureMatches,
} from './signature.js';

/** The partner a signed request came from. */
export interface PartnerPrincipal {
  id: string;
  name: string;
  organisationId: string;
  keyId: string;
  scopes: readonly string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    partner?: PartnerPrincipal;
    rawBody?: Buffer;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

const PRUNE_INTERVAL_MS = 60_000;

/**
 * Installs signed-request verification on an encapsulated plugin of partner routes: a JSON
 * parser that keeps the raw body for the signature, and a preValidation hook that checks the
 * key, the timestamp window, the signature, the nonce and the rate limit.
 */
export function installPartnerAuthentication(app: FastifyInstance) {
  let lastPrune = 0;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    if (raw.length === 0) {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(raw.toString('utf8')) as unknown);
    } catch {
      done(new InvalidJson(), undefined);
    }
  });

  app.addHook('preValidation', async (request, reply) => {
    const headers = {
      keyId: header(request, SIGNATURE_HEADERS.keyId),
      timestamp: header(request, SIGNATURE_HEADERS.timestamp),
      nonce: header(request, SIGNATURE_HEADERS.nonce),
      signature: header(request, SIGNATURE_HEADERS.signature),
    };
    const problem = checkSigningHeaders(headers, new Date());
    if (problem === 'expired') throw new RequestExpired();
    if (problem !== undefined) throw new SignatureMissing();

    const { db, cipher } = request.server;
    const credential = await repository.findLiveCredential(db, headers.keyId!);
    const signed = {
      method: request.method,
      path: request.url,
      timestamp: headers.timestamp!,
      nonce: headers.nonce!,
      body: request.rawBody ?? Buffer.alloc(0),
    };
    if (
      !credential ||
      !signatureMatches(cipher.decrypt(credential.secret_ciphertext), signed, headers.signature!)
    ) {
      throw new SignatureInvalid();
    }
    if (!(await repository.claimNonce(db, credential.key_id, headers.nonce!))) {
      throw new NonceReplayed();
    }
    if (Date.now() - lastPrune > PRUNE_INTERVAL_MS) {
      lastPrune = Date.now();
      await repository.pruneNonces(db, 2 * SIGNATURE_WINDOW_SECONDS);
    }
    if (credential.status !== 'active') throw new PartnerSuspended();
    const wait = await request.server.rateLimiter.take(
      `partner:${credential.partner_id}`,
      credential.rate_limit_per_minute,
    );
    if (wait !== undefined) {
      reply.header('retry-after', String(wait));
      throw new RateLimited();
    }
    request.partner = {
      id: credential.partner_id,
      name: credential.name,
      organisationId: credential.organisation_id,
      keyId: credential.key_id,
      scopes: credential.scopes,
    };
  });
}

/** Builds a preHandler that rejects a partner without the scope with PTN_SCOPE_MISSING. */
export function requireScope(scope: PartnerScope) {
  return async (request: FastifyRequest) => {
    if (!request.partner?.scopes.includes(scope)) throw new ScopeMissing(scope);
  };
}
