import { performance } from 'node:perf_hooks';

export interface ReadCacheOptions {
  /**
   * Time to live of a result in milliseconds, counted from the start of its computation.
   * 0 turns the cache off: every call computes, and concurrent calls are not coalesced.
   */
  ttlMilliseconds: number;
  /** Maximum number of stored results. Storing one more evicts the oldest. */
  maxEntries: number;
  /** Monotonic clock in milliseconds; tests inject their own. */
  now?: () => number;
  /**
   * Age in milliseconds after which `get` computes a stored result again in the background,
   * while it still returns the stored one. Callers then wait only when a computation takes
   * longer than the TTL minus this age. Unset, a result is computed again once expired.
   */
  refreshAfterMilliseconds?: number;
}

/**
 * Builds a cache key from a validated request query: the named parameters that are set, in
 * sorted order, so that URLs listing the same parameters in another order share a key and
 * parameters outside `names` cannot make new keys.
 */
export function queryCacheKey(
  prefix: string,
  query: Record<string, unknown>,
  names: readonly string[],
): string {
  const set = [...names].sort().filter((name) => query[name] !== undefined);
  return `${prefix}:${JSON.stringify(set.map((name) => [name, query[name]]))}`;
}

interface StoredResult<T> {
  value: T;
  expiresAt: number;
}

interface Computation<T> {
  promise: Promise<T>;
  startedAt: number;
}

/**
 * A short-lived in-process cache of read results, keyed by string, with single-flight
 * coalescing: concurrent misses for one key share one computation.
 *
 * A caller never receives a result whose computation started more than the TTL before the
 * call, so the TTL bounds how stale a result can be. A computation that outlives the TTL is
 * therefore neither stored nor joined by later calls. A failed computation is not stored, and
 * every caller that shares it receives its error. Callers share the result object, so none
 * may change it.
 */
export class ReadCache<T> {
  private readonly stored = new Map<string, StoredResult<T>>();
  private readonly running = new Map<string, Computation<T>>();
  private readonly ttlMilliseconds: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly refreshAfterMilliseconds: number | undefined;

  constructor(options: ReadCacheOptions) {
    if (!Number.isInteger(options.ttlMilliseconds) || options.ttlMilliseconds < 0) {
      throw new RangeError(
        `ttlMilliseconds must be an integer >= 0, got ${options.ttlMilliseconds}`,
      );
    }
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError(`maxEntries must be an integer >= 1, got ${options.maxEntries}`);
    }
    this.ttlMilliseconds = options.ttlMilliseconds;
    this.maxEntries = options.maxEntries;
    this.now = options.now ?? (() => performance.now());
    const refreshAfter = options.refreshAfterMilliseconds;
    if (
      refreshAfter !== undefined &&
      (!Number.isInteger(refreshAfter) || refreshAfter < 0 || refreshAfter >= this.ttlMilliseconds)
    ) {
      throw new RangeError(
        `refreshAfterMilliseconds must be an integer from 0 to below the TTL, got ${refreshAfter}`,
      );
    }
    this.refreshAfterMilliseconds = refreshAfter;
  }

  /** Number of stored results, expired ones included until they are evicted. */
  get size(): number {
    return this.stored.size;
  }

  /**
   * Returns the stored result for `key` while it is fresh, else joins a running computation of
   * the key that started less than the TTL ago, else runs `compute` and stores its result.
   * `readSince`, called after `compute`, gives the start (on this cache's clock) of the oldest
   * read that the result was made from, when that is earlier. The result then expires the TTL
   * after that read, so a result built from other cached reads is no staler than the TTL.
   */
  async get(
    key: string,
    compute: () => Promise<T>,
    readSince?: () => number | undefined,
  ): Promise<T> {
    if (this.ttlMilliseconds === 0) return compute();
    const now = this.now();

    const hit = this.stored.get(key);
    const running = this.running.get(key);
    if (hit && hit.expiresAt > now) {
      // A failed background computation leaves the stored result until it expires.
      if (this.isDue(hit, now) && !running) {
        this.compute(key, compute, now, readSince).catch(() => undefined);
      }
      return hit.value;
    }
    if (hit) this.stored.delete(key);

    if (running && now - running.startedAt < this.ttlMilliseconds) return running.promise;
    return this.compute(key, compute, now, readSince);
  }

  /** Checks whether a fresh stored result is old enough to be computed again in the background. */
  private isDue(hit: StoredResult<T>, now: number): boolean {
    const refreshAfter = this.refreshAfterMilliseconds;
    return (
      refreshAfter !== undefined && now - (hit.expiresAt - this.ttlMilliseconds) >= refreshAfter
    );
  }

  /** Runs `compute` as the key's running computation and stores its result. */
  private async compute(
    key: string,
    compute: () => Promise<T>,
    now: number,
    readSince?: () => number | undefined,
  ): Promise<T> {
    const computation: Computation<T> = { promise: compute(), startedAt: now };
    this.running.set(key, computation);
    try {
      const value = await computation.promise;
      this.store(key, value, Math.min(now, readSince?.() ?? now) + this.ttlMilliseconds);
      return value;
    } finally {
      if (this.running.get(key) === computation) this.running.delete(key);
    }
  }

  /**
   * Returns the results of `keys` in their order: fresh stored ones, and the others from one
   * call of `computeMissing`, whose results are stored. A key missing from its map is left out
   * of the result. Unlike `get`, concurrent calls do not share computations, and
   * `refreshAfterMilliseconds` does not apply.
   */
  async getMany(
    keys: readonly string[],
    computeMissing: (keys: string[]) => Promise<Map<string, T>>,
  ): Promise<T[]> {
    const now = this.now();
    const found = new Map<string, T>();
    const missing: string[] = [];
    for (const key of keys) {
      const hit = this.ttlMilliseconds === 0 ? undefined : this.stored.get(key);
      if (hit && hit.expiresAt > now) found.set(key, hit.value);
      else missing.push(key);
    }
    if (missing.length > 0) {
      const computed = await computeMissing(missing);
      for (const [key, value] of computed) {
        found.set(key, value);
        if (this.ttlMilliseconds > 0) this.store(key, value, now + this.ttlMilliseconds);
      }
    }
    return keys.flatMap((key) => (found.has(key) ? [found.get(key)!] : []));
  }

  /** Drops every stored result; running computations are left to finish. */
  clear(): void {
    this.stored.clear();
  }

  private store(key: string, value: T, expiresAt: number): void {
    const now = this.now();
    if (expiresAt <= now) return;
    // A computation that started earlier must not replace a fresher result of the same key.
    const current = this.stored.get(key);
    if (current && current.expiresAt >= expiresAt) return;
    this.stored.delete(key);

    // Map iteration follows insertion order, so the first entries are the oldest stored.
    for (const [oldKey, old] of this.stored) {
      if (old.expiresAt > now && this.stored.size < this.maxEntries) break;
      this.stored.delete(oldKey);
    }
    this.stored.set(key, { value, expiresAt });
  }
}
