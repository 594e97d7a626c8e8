import type { FastifyBaseLogger } from 'fastify';

import type { Redis } from './redis.js';

/**
 * A fixed-window request counter. `take` counts one request under `key` and returns the
 * seconds to wait when the count is over `limit`, or undefined when the request is admitted.
 * A window starts with the first request under a key and lasts `windowMs`, or the limiter's
 * default window when the caller gives none.
 */
export interface RateLimiter {
  take(key: string, limit: number, windowMs?: number): Promise<number | undefined>;
}

/** Number of keys above which `take` deletes the keys whose window has ended. */
const MEMORY_SWEEP_SIZE = 10_000;

/**
 * Counts requests in this process. Fits a single instance (the embedded default): with
 * several instances each one would enforce the limit on its own share of the traffic.
 */
export class MemoryRateLimiter implements RateLimiter {
  private windows = new Map<string, { count: number; endsAt: number }>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string, limit: number, windowMs = this.windowMs): Promise<number | undefined> {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      if (this.windows.size >= MEMORY_SWEEP_SIZE) this.sweep(now);
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= limit) return Promise.resolve(undefined);
    return Promise.resolve(secondsToWait(window.endsAt - now));
  }

  private sweep(now: number) {
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now) this.windows.delete(key);
    }
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

/** Maximum interval in ms between two logs of a continuing Redis outage. */
const OUTAGE_LOG_INTERVAL_MS = 60_000;

/** Milliseconds of an outage between two requests that try Redis; the rest skip it. */
const RETRY_INTERVAL_MS = 2_000;

export interface RedisRateLimiterOptions {
  prefix: string;
  windowMs?: number;
  log?: FastifyBaseLogger;
  /** Clock of the outage bookkeeping and of the in-process fallback, for tests. */
  now?: () => number;
}

/**
 * Counts requests in Redis, shared by every API instance that uses the same server and key
 * prefix. A window starts with the first request under a key and lasts `windowMs` on the
 * Redis server's clock, so instance clocks do not matter.
 *
 * When a Redis command fails (server down, connection lost, command timed out), the limiter
 * counts in process memory instead, so each instance still enforces the limit on its own
 * traffic. During the outage one request every RETRY_INTERVAL_MS tries Redis again while the
 * rest go straight to memory, so a stalled server delays few requests. The first success
 * ends the outage. The outage is logged when it starts, at most once a minute while it
 * lasts, and when it ends.
 *
 * NOTE: during an outage a partner may get up to the limit once per instance per window,
 * and the counts in memory start from zero, so the first window of an outage may admit up to
 * twice the limit on one instance.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #fallback: MemoryRateLimiter;
  readonly #now: () => number;
  #outage: { since: number; retryAt: number; lastLog: number; failures: number } | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisRateLimiterOptions,
  ) {
    this.#now = options.now ?? Date.now;
    this.#fallback = new MemoryRateLimiter(options.windowMs ?? 60_000, this.#now);
  }

  /** Whether requests are counted in process memory because Redis failed. */
  get inOutage(): boolean {
    return this.#outage !== undefined;
  }

  async take(
    key: string,
    limit: number,
    windowMs = this.options.windowMs ?? 60_000,
  ): Promise<number | undefined> {
    const outage = this.#outage;
    if (outage !== undefined) {
      const now = this.#now();
      if (now < outage.retryAt) return this.#fallback.take(key, limit, windowMs);
      // This request tries Redis, and the ones arriving before it completes keep to memory.
      outage.retryAt = now + RETRY_INTERVAL_MS;
    }

    let reply: [number, number];
    try {
      reply = (await this.redis.eval(TAKE_SCRIPT, 1, `${this.options.prefix}${key}`, windowMs)) as [
        number,
        number,
      ];
    } catch (error) {
      this.#recordFailure(error, key);
      return this.#fallback.take(key, limit, windowMs);
    }
    this.#recordSuccess();
    const [count, remainingMs] = reply;
    if (count <= limit) return undefined;
    return secondsToWait(remainingMs > 0 ? remainingMs : windowMs);
  }

  #recordFailure(error: unknown, key: string) {
    const now = this.#now();
    const outage = this.#outage;
    if (outage === undefined) {
      this.#outage = { since: now, retryAt: now + RETRY_INTERVAL_MS, lastLog: now, failures: 1 };
      this.options.log?.error(
        { err: error, component: 'rate-limit', key },
        'rate limit store failed; counting requests in this process until Redis answers',
      );
      return;
    }
    outage.failures += 1;
    if (now - outage.lastLog < OUTAGE_LOG_INTERVAL_MS) return;
    outage.lastLog = now;
    this.options.log?.error(
      {
        err: error,
        component: 'rate-limit',
        outageMs: now - outage.since,
        failures: outage.failures,
      },
      'rate limit store still failing; counting requests in this process',
    );
  }

  #recordSuccess() {
    const outage = this.#outage;
    if (outage === undefined) return;
    this.#outage = undefined;
    this.options.log?.info(
      {
        component: 'rate-limit',
        outageMs: this.#now() - outage.since,
        failures: outage.failures,
      },
      'rate limit store answers again; counting requests in Redis',
    );
  }
}

function secondsToWait(remainingMs: number): number {
  return Math.max(1, Math.ceil(remainingMs / 1000));
}
