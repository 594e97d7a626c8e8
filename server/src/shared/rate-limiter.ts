import type { FastifyBaseLogger } from 'fastify';

import type { Redis } from './redis.js';

/**
 * A fixed-window request counter. `take` counts one request under `key` and returns the
 * seconds to wait when the count is over `limit`, or undefined when the request is admitted.
 */
export interface RateLimiter {
  take(key: string, limit: number): Promise<number | undefined>;
}

/**
 * Counts requests in this process, in windows aligned to multiples of `windowMs` since the
 * epoch. Fits a single instance (the embedded default): with several instances each one
 * would enforce the limit on its own share of the traffic.
 */
export class MemoryRateLimiter implements RateLimiter {
  private window = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string, limit: number): Promise<number | undefined> {
    const now = this.now();
    const window = Math.floor(now / this.windowMs);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count <= limit) return Promise.resolve(undefined);
    return Promise.resolve(secondsToWait((window + 1) * this.windowMs - now));
  }
}

// Counts one request and starts the window's expiry on the first one, in one atomic step, so
// concurrent requests from any instance share one count and a window never outlives windowMs.
// Returns the new count and the milliseconds left in the window.
const TAKE_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {count, redis.call('PTTL', KEYS[1])}
`;

const ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * Counts requests in Redis, shared by every API instance that uses the same server and key
 * prefix. A window starts with the first request under a key and lasts `windowMs` on the
 * Redis server's clock, so instance clocks do not matter.
 *
 * NOTE: when Redis fails (down, timed out), requests are admitted and the failure is logged
 * at most once a minute: an outage of the limiter store does not take the partner API down.
 */
export class RedisRateLimiter implements RateLimiter {
  private lastErrorLog = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: { prefix: string; windowMs?: number; log?: FastifyBaseLogger },
  ) {}

  async take(key: string, limit: number): Promise<number | undefined> {
    const windowMs = this.options.windowMs ?? 60_000;
    let reply: [number, number];
    try {
      reply = (await this.redis.eval(TAKE_SCRIPT, 1, `${this.options.prefix}${key}`, windowMs)) as [
        number,
        number,
      ];
    } catch (error) {
      this.logFailure(error, key);
      return undefined;
    }
    const [count, remainingMs] = reply;
    if (count <= limit) return undefined;
    return secondsToWait(remainingMs > 0 ? remainingMs : windowMs);
  }

  private logFailure(error: unknown, key: string) {
    const now = Date.now();
    if (now - this.lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLog = now;
    this.options.log?.error(
      { err: error, component: 'rate-limit', key },
      'rate limit check failed; request admitted',
    );
  }
}

function secondsToWait(remainingMs: number): number {
  return Math.max(1, Math.ceil(remainingMs / 1000));
}
