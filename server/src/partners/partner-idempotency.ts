import { createHash } from 'node:crypto';

import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';

import type { Db, Executor } from '../db/database.js';
import { startPeriodicJob } from '../shared/periodic-job.js';
import {
  IdempotencyInProgress,
  IdempotencyKeyRequired,
  IdempotencyMismatch,
} from './partner.errors.js';

/** Hours for which a key replays its stored response; after that the key may be used anew. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

/** Retry-After value, in seconds, of a PTN_IDEMPOTENCY_IN_PROGRESS response. */
const IN_PROGRESS_RETRY_SECONDS = 1;

/** 1 to 64 visible ASCII characters (0x21 to 0x7E), as the table's check also requires. */
const KEY_PATTERN = /^[\x21-\x7e]{1,64}$/;

/** The header a partner sends its key in, and the one that marks a replayed response. */
export const IDEMPOTENCY_HEADERS = {
  key: 'idempotency-key',
  replayed: 'idempotent-replayed',
} as const;

declare module 'fastify' {
  interface FastifyRequest {
    /** The Idempotency-Key this request claimed; set until its outcome is stored or released. */
    idempotencyClaim?: { partnerId: string; key: string };
  }
}

/** Computes the SHA-256 (hex) of a write: method, path with query and the raw body's SHA-256. */
export function idempotencyRequestHash(method: string, path: string, body: Buffer): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHash('sha256').update(`${method}\n${path}\n${bodyHash}`, 'utf8').digest('hex');
}

type Claim =
  { kind: 'claimed' } | { kind: 'replay'; statusCode: number; contentType: string; body: string };

/**
 * Claims a key for a write before the write runs. The insert commits on its own, so a second
 * request with the key finds the claim at once. A row older than the TTL is taken over as if it
 * were not there. An existing row returns its stored outcome, or raises PTN_IDEMPOTENCY_MISMATCH
 * for another request and PTN_IDEMPOTENCY_IN_PROGRESS while its request still runs.
 * NOTE: a process that stops between the write's commit and storing the outcome leaves the
 * row in progress, so the key answers 409 until it expires after 24 hours.
 */
export async function claimIdempotencyKey(
  db: Executor,
  partnerId: string,
  key: string,
  requestHash: string,
): Promise<Claim> {
  // A claim released between the insert and the read is retried once. A second miss means
  // that another request took the key meanwhile and is still in progress.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const { rows: inserted } = await sql<{ key: string }>`
      insert into partner_idempotency_keys (partner_id, key, request_hash)
      values (${partnerId}, ${key}, ${requestHash})
      on conflict (partner_id, key) do update
        set request_hash = excluded.request_hash, status_code = null, content_type = null,
            response_body = null, created_at = now(), completed_at = null
        where partner_idempotency_keys.created_at
          < now() - make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})
      returning key`.execute(db);
    if (inserted.length === 1) return { kind: 'claimed' };

    const existing = await db
      .selectFrom('partner_idempotency_keys')
      .select(['request_hash', 'status_code', 'content_type', 'response_body'])
      .where('partner_id', '=', partnerId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!existing) continue;
    if (existing.request_hash !== requestHash) throw new IdempotencyMismatch(key);
    if (existing.status_code === null) break;
    return {
      kind: 'replay',
      statusCode: existing.status_code,
      contentType: existing.content_type ?? 'application/json; charset=utf-8',
      body: existing.response_body ?? '',
    };
  }
  throw new IdempotencyInProgress(key);
}

/** Stores the outcome of a claimed write, so the key replays it. */
export async function storeIdempotentResponse(
  db: Executor,
  claim: { partnerId: string; key: string },
  response: { statusCode: number; contentType: string; body: string },
): Promise<void> {
  await db
    .updateTable('partner_idempotency_keys')
    .set({
      status_code: response.statusCode,
      content_type: response.contentType,
      response_body: response.body,
      completed_at: sql<Date>`now()`,
    })
    .where('partner_id', '=', claim.partnerId)
    .where('key', '=', claim.key)
    .where('status_code', 'is', null)
    .execute();
}

/** Deletes a claim whose write did not finish with a storable outcome, so the key may be retried. */
export async function releaseIdempotencyKey(
  db: Executor,
  claim: { partnerId: string; key: string },
): Promise<void> {
  await db
    .deleteFrom('partner_idempotency_keys')
    .where('partner_id', '=', claim.partnerId)
    .where('key', '=', claim.key)
    .where('status_code', 'is', null)
    .execute();
}

/** Deletes keys older than the TTL; returns how many. */
export async function purgeExpiredIdempotencyKeys(db: Executor): Promise<number> {
  const result = await db
    .deleteFrom('partner_idempotency_keys')
    .where(
      'created_at',
      '<',
      sql<Date>`now() - make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})`,
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * A preHandler for partner writes: requires a valid Idempotency-Key, claims it and responds to a
 * repeated request with the stored response and `Idempotent-Replayed: true`. Run it after the
 * scope check, so that a rejected partner claims no key.
 */
export async function requireIdempotencyKey(request: FastifyRequest, reply: FastifyReply) {
  const key = request.headers[IDEMPOTENCY_HEADERS.key];
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) throw new IdempotencyKeyRequired();
  const partnerId = request.partner!.id;
  const hash = idempotencyRequestHash(
    request.method,
    request.url,
    request.rawBody ?? Buffer.alloc(0),
  );
  let claim: Claim;
  try {
    claim = await claimIdempotencyKey(request.server.db, partnerId, key, hash);
  } catch (error) {
    if (error instanceof IdempotencyInProgress) {
      reply.header('retry-after', String(IN_PROGRESS_RETRY_SECONDS));
    }
    throw error;
  }
  if (claim.kind === 'replay') {
    return reply
      .status(claim.statusCode)
      .header('content-type', claim.contentType)
      .header(IDEMPOTENCY_HEADERS.replayed, 'true')
      .send(claim.body);
  }
  request.idempotencyClaim = { partnerId, key };
}

/**
 * Stores or releases the claim of a write once its response is ready: a 2xx to 4xx outcome
 * is stored, and a 5xx releases the key so the partner may retry the write with it. Meant for
 * an onSend hook, where the payload is the serialised body.
 */
export async function settleIdempotencyClaim(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<void> {
  const claim = request.idempotencyClaim;
  if (!claim) return;
  request.idempotencyClaim = undefined;
  const db = request.server.db;
  if (reply.statusCode >= 500 || typeof payload !== 'string') {
    await releaseIdempotencyKey(db, claim);
    return;
  }
  const contentType = reply.getHeader('content-type');
  await storeIdempotentResponse(db, claim, {
    statusCode: reply.statusCode,
    contentType: typeof contentType === 'string' ? contentType : 'application/json',
    body: payload,
  });
}

/**
 * Releases a claim still held when a response ends without passing onSend (a closed
 * connection); logs a failure, since the caller's response is already gone.
 */
export async function releaseUnsettledClaim(request: FastifyRequest, log: FastifyBaseLogger) {
  const claim = request.idempotencyClaim;
  if (!claim) return;
  request.idempotencyClaim = undefined;
  try {
    await releaseIdempotencyKey(request.server.db, claim);
  } catch (error) {
    log.error({ err: error, partnerId: claim.partnerId }, 'releasing an idempotency key failed');
  }
}

/**
 * Purges expired keys every `intervalMs` in the background; returns a function that stops it.
 * Expired keys are already ignored by claims, so the purge only keeps the table small.
 */
export function startIdempotencyKeyPurge(
  db: Db,
  log: FastifyBaseLogger,
  intervalMs = 15 * 60_000,
): () => void {
  const job = startPeriodicJob({
    intervalMs,
    log,
    failureMessage: 'purging partner idempotency keys failed',
    round: async () => {
      const count = await purgeExpiredIdempotencyKeys(db);
      if (count > 0) log.info({ count }, 'purged expired partner idempotency keys');
    },
  });
  return job.stop;
}
