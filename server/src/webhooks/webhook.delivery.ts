import { createHmac } from 'node:crypto';

import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';

import type { Db } from '../db/database.js';
import { uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { startPeriodicJob } from '../shared/periodic-job.js';
import { isAllowedEndpointHost } from './endpoint-address.js';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from './webhook.catalogue.js';

/** Time a partner's endpoint has to respond to a delivery. */
export const DELIVERY_TIMEOUT_MS = 30_000;

/** Time a claimed delivery stays with its worker before another worker may take it over. */
const CLAIM_LEASE_MS = 2 * DELIVERY_TIMEOUT_MS;

const EXCERPT_LENGTH = 500;

/** Signs a webhook body: base64 HMAC-SHA256 with the endpoint secret over `timestamp.body`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('base64');
}

export interface DeliveryOptions {
  now?: Date;
  /** Deliveries taken per call. */
  limit?: number;
  timeoutMs?: number;
  log?: FastifyBaseLogger;
}

interface Outcome {
  statusCode: number | null;
  error: string | null;
  excerpt: string | null;
  durationMs: number;
}

async function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<Outcome> {
  const started = performance.now();
  // Endpoints stored before the address rule, or changed in the database, are checked again.
  if (!isAllowedEndpointHost(new URL(url), false)) {
    return { statusCode: null, error: 'address not allowed', excerpt: null, durationMs: 0 };
  }
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text().catch(() => '');
    return {
      statusCode: response.status,
      error: null,
      excerpt: text.slice(0, EXCERPT_LENGTH),
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return {
      statusCode: null,
      error: timedOut ? `timed out after ${timeoutMs} ms` : 'connection failed',
      excerpt: null,
      durationMs: Math.round(performance.now() - started),
    };
  }
}

/**
 * Sends the deliveries that are due, oldest first, and records every attempt. A 2xx response
 * delivers, and 410 Gone disables the endpoint. Any other response, a timeout or a refused
 * connection schedules the next attempt by RETRY_DELAYS_MS, and the last failure abandons
 * the delivery. Claims use SKIP LOCKED and a lease, so several workers never send one delivery
 * at the same time. Returns the number of attempts made.
 */
export async function deliverDue(
  db: Db,
  cipher: PersonalDataCipher,
  options: DeliveryOptions = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const claimed = await db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('webhook_deliveries')
      .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
      .innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.webhook_event_id')
      .select([
        'webhook_deliveries.id',
        'webhook_deliveries.attempts',
        'webhook_endpoints.id as endpoint_id',
        'webhook_endpoints.url',
        'webhook_endpoints.secret_ciphertext',
        'webhook_events.id as webhook_event_id',
        'webhook_events.action',
        'webhook_events.resource_type',
        'webhook_events.resource_id',
        'webhook_events.sequence',
        'webhook_events.event_id',
        'webhook_events.occurred_at',
      ])
      .where('webhook_deliveries.status', '=', 'pending')
      .where('webhook_deliveries.next_attempt_at', '<=', now)
      .where('webhook_endpoints.status', '=', 'active')
      .orderBy('webhook_deliveries.next_attempt_at')
      .orderBy('webhook_deliveries.id')
      .limit(options.limit ?? 50)
      .forUpdate('webhook_deliveries')
      .skipLocked()
      .execute();
    if (due.length > 0) {
      await trx
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: new Date(now.getTime() + CLAIM_LEASE_MS) })
        .where(
          'id',
          'in',
          due.map((row) => row.id),
        )
        .execute();
    }
    return due;
  });

  for (const delivery of claimed) {
    const body = JSON.stringify({
      id: delivery.webhook_event_id,
      action: delivery.action,
      resource: { type: delivery.resource_type, id: delivery.resource_id },
      eventId: delivery.event_id,
      sequence: delivery.sequence,
      occurredAt: new Date(delivery.occurred_at).toISOString(),
    });
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const secret = cipher.decrypt(delivery.secret_ciphertext);
    const outcome = await post(
      delivery.url,
      {
        'content-type': 'application/json',
        'user-agent': 'cityleague-webhooks/1',
        'x-cl-webhook-id': delivery.webhook_event_id,
        'x-cl-delivery-id': delivery.id,
        'x-cl-timestamp': timestamp,
        'x-cl-signature': signWebhook(secret, timestamp, body),
      },
      body,
      timeoutMs,
    );
    await record(db, delivery, outcome, now);
    if (outcome.statusCode === null || outcome.statusCode >= 300) {
      options.log?.warn(
        {
          deliveryId: delivery.id,
          endpointId: delivery.endpoint_id,
          statusCode: outcome.statusCode,
          error: outcome.error,
        },
        'webhook delivery failed',
      );
    }
  }
  return claimed.length;
}

async function record(
  db: Db,
  delivery: { id: string; attempts: number; endpoint_id: string },
  outcome: Outcome,
  now: Date,
): Promise<void> {
  const attempts = delivery.attempts + 1;
  const delivered =
    outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
  const endpointGone = outcome.statusCode === 410;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_attempts')
      .values({
        id: uuidv7(),
        delivery_id: delivery.id,
        at: now,
        status_code: outcome.statusCode,
        duration_ms: outcome.durationMs,
        error: outcome.error,
        response_excerpt: outcome.excerpt,
      })
      .execute();
    let status: 'pending' | 'delivered' | 'abandoned' = 'pending';
    let next = now;
    if (delivered) status = 'delivered';
    else if (endpointGone || attempts >= MAX_ATTEMPTS) status = 'abandoned';
    else next = new Date(now.getTime() + (RETRY_DELAYS_MS[attempts - 1] ?? 0));
    await trx
      .updateTable('webhook_deliveries')
      .set({ status, attempts, next_attempt_at: next, last_attempt_at: now })
      .where('id', '=', delivery.id)
      .execute();
    if (endpointGone) {
      await trx
        .updateTable('webhook_endpoints')
        .set({
          status: 'disabled',
          disabled_reason: 'gone',
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', delivery.endpoint_id)
        .execute();
    }
  });
}

/**
 * Starts delivering in the background every `intervalMs`; returns a function that stops it.
 * One round runs at a time.
 */
export function startWebhookWorker(
  db: Db,
  cipher: PersonalDataCipher,
  log: FastifyBaseLogger,
  intervalMs = 5_000,
): () => void {
  const job = startPeriodicJob({
    intervalMs,
    log,
    failureMessage: 'webhook delivery round failed',
    round: () => deliverDue(db, cipher, { log }),
  });
  return job.stop;
}
