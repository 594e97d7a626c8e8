import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';

export type { Redis } from 'ioredis';

/** Milliseconds a Redis command may take before it fails, so a stalled server cannot hang requests. */
const COMMAND_TIMEOUT_MS = 1_000;

/**
 * Opens a Redis client for REDIS_URL. Commands fail after one second and are not queued while
 * the connection is down, so callers see the outage at once; the client keeps reconnecting in
 * the background and logs each lost connection.
 */
export function connectRedis(url: string, log: FastifyBaseLogger): Redis {
  const client = new Redis(url, {
    commandTimeout: COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  let failing = false;
  client.on('ready', () => {
    failing = false;
    log.info({ component: 'redis' }, 'redis connected');
  });
  client.on('error', (error: Error) => {
    // ioredis emits an error on every failed reconnect; log only the first of each outage.
    if (failing) return;
    failing = true;
    log.error({ component: 'redis', err: error }, 'redis connection failed');
  });
  return client;
}

/** Resolves once the client is ready, or rejects after `timeoutMs`. */
export async function waitForRedis(client: Redis, timeoutMs = 5_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`redis not ready after ${timeoutMs} ms (status ${client.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}
