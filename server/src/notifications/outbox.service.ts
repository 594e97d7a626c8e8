import type { FastifyBaseLogger } from 'fastify';

import type { Db } from '../db/database.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import * as repository from './outbox.repository.js';
import { SMS_COMPOSERS, type Composed } from './sms-messages.js';
import type { SmsProvider } from './sms-provider.js';

/** Attempts after which a failing row is abandoned. */
export const OUTBOX_MAX_ATTEMPTS = 8;
/** Delay before the first retry. Each further retry doubles it, up to OUTBOX_MAX_RETRY_SECONDS. */
export const OUTBOX_FIRST_RETRY_SECONDS = 30;
export const OUTBOX_MAX_RETRY_SECONDS = 3600;
/** How long a claimed row stays hidden from other dispatchers while it is being sent. */
const LEASE_SECONDS = 120;
const BATCH_SIZE = 20;

export interface DispatchDependencies {
  db: Db;
  cipher: PersonalDataCipher;
  provider: SmsProvider;
  log: FastifyBaseLogger;
}

export interface DispatchResult {
  sent: number;
  failed: number;
  abandoned: number;
}

/** Seconds to wait before retrying a row whose `attempts`-th delivery failed. */
export function retryDelaySeconds(attempts: number): number {
  const delay = OUTBOX_FIRST_RETRY_SECONDS * 2 ** Math.max(0, attempts - 1);
  return Math.min(delay, OUTBOX_MAX_RETRY_SECONDS);
}

/**
 * Claims one batch of due outbox rows and sends each through the SMS provider. A failed send is
 * retried with exponential backoff and abandoned after OUTBOX_MAX_ATTEMPTS attempts. Logs carry
 * the row id, kind and attempt count, never the number or the text.
 */
export async function dispatchOutbox(deps: DispatchDependencies): Promise<DispatchResult> {
  const { db, cipher, provider, log } = deps;
  const result: DispatchResult = { sent: 0, failed: 0, abandoned: 0 };
  const claimed = await repository.claimDue(
    db,
    Object.keys(SMS_COMPOSERS),
    BATCH_SIZE,
    LEASE_SECONDS,
  );

  for (const row of claimed) {
    const fields = { outboxId: row.id, kind: row.kind, attempts: row.attempts };
    let composed: Composed | undefined;
    try {
      composed = await SMS_COMPOSERS[row.kind]?.(db, cipher, row.payload);
      if (!composed) continue;
      if ('drop' in composed) {
        await repository.markAbandoned(db, row.id, composed.drop, composed.sentPayload);
        log.info({ ...fields, reason: composed.drop }, 'outbox notification dropped');
        result.abandoned += 1;
        continue;
      }
      await provider.send(composed.send);
      await repository.markSent(db, row.id, composed.sentPayload);
      log.debug({ ...fields, provider: provider.name }, 'outbox notification sent');
      result.sent += 1;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (row.attempts >= OUTBOX_MAX_ATTEMPTS) {
        const payload = composed?.sentPayload ?? row.payload;
        await repository.markAbandoned(db, row.id, message, payload);
        log.error({ ...fields, error: message }, 'outbox notification abandoned after retries');
        result.abandoned += 1;
      } else {
        const retryIn = retryDelaySeconds(row.attempts);
        await repository.markFailed(db, row.id, message, retryIn);
        log.warn({ ...fields, error: message, retryIn }, 'outbox notification failed');
        result.failed += 1;
      }
    }
  }
  return result;
}

/**
 * Sends batches until no row is due, and returns the totals. A failed row waits for its retry
 * time, so the loop ends even when the provider keeps failing.
 */
export async function drainOutbox(deps: DispatchDependencies): Promise<DispatchResult> {
  const total: DispatchResult = { sent: 0, failed: 0, abandoned: 0 };
  for (;;) {
    const batch = await dispatchOutbox(deps);
    total.sent += batch.sent;
    total.failed += batch.failed;
    total.abandoned += batch.abandoned;
    if (batch.sent + batch.failed + batch.abandoned === 0) return total;
  }
}

/** A running dispatcher; `stop` waits for the batch in progress. */
export interface OutboxDispatcher {
  stop(): Promise<void>;
}

/** Runs `dispatchOutbox` every `intervalSeconds`, one batch at a time, until stopped. */
export function startOutboxDispatcher(
  deps: DispatchDependencies,
  intervalSeconds: number,
): OutboxDispatcher {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = dispatchOutbox(deps).then(
      (result) => {
        if (result.sent + result.failed + result.abandoned > 0) {
          deps.log.info({ ...result }, 'outbox batch done');
        }
      },
      (error: unknown) => deps.log.error({ err: error }, 'outbox batch failed'),
    );
    void running.then(() => {
      if (!stopped) timer = setTimeout(tick, intervalSeconds * 1000);
    });
  };
  let timer = setTimeout(tick, intervalSeconds * 1000);
  deps.log.info({ provider: deps.provider.name, intervalSeconds }, 'outbox dispatcher started');
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      deps.log.info('outbox dispatcher stopped');
    },
  };
}
