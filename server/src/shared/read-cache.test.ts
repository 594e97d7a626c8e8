import { describe, expect, it } from 'vitest';

import { ReadCache } from './read-cache.js';

/** Creates a clock that moves only when the test changes its time. */
function manualClock(start = 1000) {
  const clock = { time: start, now: () => clock.time };
  return clock;
}

/** Creates a promise that the test resolves or rejects by hand. */
function gate<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Creates a computation that waits for one gate and counts its runs. */
function gatedComputation<T>() {
  const computation = {
    ...gate<T>(),
    runs: 0,
    compute: () => {
      computation.runs += 1;
      return computation.promise;
    },
  };
  return computation;
}

/** Creates a computation that returns `value` and counts its runs. */
function counted<T>(value: T) {
  const counter = {
    runs: 0,
    compute: async () => {
      counter.runs += 1;
      return value;
    },
  };
  return counter;
}

describe('ReadCache', () => {
  it('returns a stored result while fresh', async () => {
    const clock = manualClock();
    const cache = new ReadCache<string>({ ttlMilliseconds: 1000, maxEntries: 10, now: clock.now });
    const source = counted('figures');

    expect(await cache.get('a', source.compute)).toBe('figures');
    clock.time += 999;
    expect(await cache.get('a', source.compute)).toBe('figures');
    expect(source.runs).toBe(1);
  });

  it('computes again once expired', async () => {
    const clock = manualClock();
    const cache = new ReadCache<number>({ ttlMilliseconds: 1000, maxEntries: 10, now: clock.now });
    let runs = 0;
    const compute = async () => ++runs;

    expect(await cache.get('a', compute)).toBe(1);
    clock.time += 1000;
    expect(await cache.get('a', compute)).toBe(2);
    clock.time += 500;
    expect(await cache.get('a', compute)).toBe(2);
    expect(runs).toBe(2);
  });

  it('keeps keys apart', async () => {
    const cache = new ReadCache<string>({ ttlMilliseconds: 1000, maxEntries: 10 });
    expect(await cache.get('a', async () => 'first')).toBe('first');
    expect(await cache.get('b', async () => 'second')).toBe('second');
    expect(await cache.get('a', async () => 'other')).toBe('first');
  });

  it('counts the TTL from the computation start', async () => {
    const clock = manualClock();
    const cache = new ReadCache<number>({ ttlMilliseconds: 1000, maxEntries: 10, now: clock.now });
    const slow = gate<number>();
    const first = cache.get('a', () => slow.promise);
    clock.time += 600;
    slow.resolve(1);
    expect(await first).toBe(1);

    clock.time += 399;
    expect(await cache.get('a', async () => 2)).toBe(1);
    clock.time += 1;
    expect(await cache.get('a', async () => 3)).toBe(3);
  });

  it('bounds the number of entries', async () => {
    const clock = manualClock();
    const cache = new ReadCache<string>({ ttlMilliseconds: 1000, maxEntries: 3, now: clock.now });
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      await cache.get(key, async () => key);
      clock.time += 1;
    }
    expect(cache.size).toBe(3);

    // The oldest two were evicted; the three newest are still served without computing.
    const source = counted('again');
    expect(await cache.get('c', source.compute)).toBe('c');
    expect(await cache.get('e', source.compute)).toBe('e');
    expect(source.runs).toBe(0);
    expect(await cache.get('a', source.compute)).toBe('again');
    expect(source.runs).toBe(1);
    expect(cache.size).toBe(3);
  });

  it('evicts expired entries first', async () => {
    const clock = manualClock();
    const cache = new ReadCache<string>({ ttlMilliseconds: 100, maxEntries: 10, now: clock.now });
    for (let i = 0; i < 5; i += 1) await cache.get(`old-${i}`, async () => 'old');
    clock.time += 100;
    await cache.get('new', async () => 'new');
    expect(cache.size).toBe(1);
  });

  it('coalesces concurrent misses', async () => {
    const cache = new ReadCache<string>({ ttlMilliseconds: 1000, maxEntries: 10 });
    const slow = gatedComputation<string>();

    const calls = Array.from({ length: 5 }, () => cache.get('a', slow.compute));
    const other = cache.get('b', async () => 'b');
    slow.resolve('shared');
    expect(await Promise.all(calls)).toEqual(['shared', 'shared', 'shared', 'shared', 'shared']);
    expect(await other).toBe('b');
    expect(slow.runs).toBe(1);
  });

  it('stores no failure and rejects every waiter', async () => {
    const cache = new ReadCache<string>({ ttlMilliseconds: 1000, maxEntries: 10 });
    const failing = gatedComputation<string>();

    const calls = Array.from({ length: 3 }, () => cache.get('a', failing.compute));
    failing.reject(new Error('database unreachable'));
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const outcome of outcomes) {
      expect((outcome as PromiseRejectedResult).reason).toEqual(new Error('database unreachable'));
    }
    expect(failing.runs).toBe(1);
    expect(cache.size).toBe(0);

    expect(await cache.get('a', async () => 'recovered')).toBe('recovered');
  });

  it('joins no computation older than the TTL', async () => {
    const clock = manualClock();
    const cache = new ReadCache<string>({ ttlMilliseconds: 1000, maxEntries: 10, now: clock.now });
    const slow = gate<string>();
    const first = cache.get('a', () => slow.promise);
    clock.time += 1000;
    const second = cache.get('a', async () => 'fresh');

    expect(await second).toBe('fresh');
    slow.resolve('stale');
    expect(await first).toBe('stale');
    // The late result is past its TTL, so the fresh one stays stored.
    expect(await cache.get('a', async () => 'recomputed')).toBe('fresh');
  });

  it('computes every call when the TTL is 0', async () => {
    const cache = new ReadCache<number>({ ttlMilliseconds: 0, maxEntries: 10 });
    const slow = gatedComputation<number>();

    const calls = [cache.get('a', slow.compute), cache.get('a', slow.compute)];
    slow.resolve(7);
    expect(await Promise.all(calls)).toEqual([7, 7]);
    expect(slow.runs).toBe(2);
    await cache.get('a', slow.compute);
    expect(slow.runs).toBe(3);
    expect(cache.size).toBe(0);
  });

  it('rejects invalid options', () => {
    expect(() => new ReadCache({ ttlMilliseconds: -1, maxEntries: 10 })).toThrow(RangeError);
    expect(() => new ReadCache({ ttlMilliseconds: 1.5, maxEntries: 10 })).toThrow(RangeError);
    expect(() => new ReadCache({ ttlMilliseconds: 1000, maxEntries: 0 })).toThrow(RangeError);
  });

  it('expires a result the TTL after its oldest read', async () => {
    const clock = manualClock();
    const cache = new ReadCache<string>({ ttlMilliseconds: 1000, maxEntries: 10, now: clock.now });
    const source = counted('page');

    await cache.get('built', source.compute, () => 600);
    clock.time = 1599;
    await cache.get('built', source.compute, () => 600);
    expect(source.runs).toBe(1);
    clock.time = 1600;
    await cache.get('built', source.compute, () => 600);
    expect(source.runs).toBe(2);

    // A read that started after the computation changes nothing.
    await cache.get('later', source.compute, () => 5000);
    clock.time = 2599;
    await cache.get('later', source.compute);
    expect(source.runs).toBe(3);
  });

  describe('refresh ahead', () => {
    /** Creates a cache of 1000 ms whose results are computed again from 500 ms on. */
    function refreshingCache() {
      const clock = manualClock();
      const cache = new ReadCache<string>({
        ttlMilliseconds: 1000,
        maxEntries: 10,
        now: clock.now,
        refreshAfterMilliseconds: 500,
      });
      return { clock, cache };
    }

    it('computes again in the background and returns the stored result', async () => {
      const { clock, cache } = refreshingCache();
      let runs = 0;
      const next = gate<string>();
      const compute = async () => {
        runs += 1;
        return runs === 1 ? 'first' : next.promise;
      };

      expect(await cache.get('a', compute)).toBe('first');
      clock.time += 499;
      expect(await cache.get('a', compute)).toBe('first');
      expect(runs).toBe(1);

      clock.time += 1;
      expect(await cache.get('a', compute)).toBe('first');
      expect(runs).toBe(2);
      clock.time += 100;
      expect(await cache.get('a', compute)).toBe('first');
      expect(runs).toBe(2);

      next.resolve('second');
      await next.promise;
      await Promise.resolve();
      expect(await cache.get('a', compute)).toBe('second');
      // The new result's age counts from its computation's start, at 1500.
      clock.time = 1999;
      expect(await cache.get('a', compute)).toBe('second');
      expect(runs).toBe(2);
    });

    it('keeps the stored result when the background computation fails', async () => {
      const { clock, cache } = refreshingCache();
      let runs = 0;
      const compute = async () => {
        runs += 1;
        if (runs === 2) throw new Error('database down');
        return `result ${runs}`;
      };

      await cache.get('a', compute);
      clock.time += 600;
      expect(await cache.get('a', compute)).toBe('result 1');
      await Promise.resolve();
      expect(await cache.get('a', compute)).toBe('result 1');
      expect(runs).toBe(3);
      clock.time += 400;
      expect(await cache.get('a', compute)).toBe('result 3');
    });

    it('rejects a refresh age outside the TTL', () => {
      for (const refreshAfterMilliseconds of [-1, 1000, 1500, 2.5]) {
        expect(
          () => new ReadCache({ ttlMilliseconds: 1000, maxEntries: 10, refreshAfterMilliseconds }),
        ).toThrow(RangeError);
      }
    });
  });

  describe('getMany', () => {
    /** Computes the missing keys as upper case, leaving out `gone`, and records each call. */
    function upperCase() {
      const source = {
        calls: [] as string[][],
        compute: async (keys: string[]) => {
          source.calls.push(keys);
          return new Map(
            keys.filter((key) => key !== 'gone').map((key) => [key, key.toUpperCase()]),
          );
        },
      };
      return source;
    }

    it('computes only missing keys, in order', async () => {
      const clock = manualClock();
      const cache = new ReadCache<string>({
        ttlMilliseconds: 1000,
        maxEntries: 10,
        now: clock.now,
      });
      const source = upperCase();

      expect(await cache.getMany(['a', 'b'], source.compute)).toEqual(['A', 'B']);
      clock.time += 500;
      expect(await cache.getMany(['c', 'b', 'a', 'd'], source.compute)).toEqual([
        'C',
        'B',
        'A',
        'D',
      ]);
      expect(source.calls).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
      // a and b expire 1000 ms after their computation started; c and d 500 ms later.
      clock.time += 500;
      expect(await cache.getMany(['a', 'c'], source.compute)).toEqual(['A', 'C']);
      expect(source.calls.at(-1)).toEqual(['a']);
    });

    it('leaves out keys not computed', async () => {
      const cache = new ReadCache<string>({ ttlMilliseconds: 1000, maxEntries: 10 });
      const source = upperCase();

      expect(await cache.getMany(['a', 'gone', 'b'], source.compute)).toEqual(['A', 'B']);
      expect(await cache.getMany(['gone', 'a'], source.compute)).toEqual(['A']);
      expect(source.calls).toEqual([['a', 'gone', 'b'], ['gone']]);
      expect(cache.size).toBe(2);
    });

    it('computes every key each call when the TTL is 0', async () => {
      const cache = new ReadCache<string>({ ttlMilliseconds: 0, maxEntries: 10 });
      const source = upperCase();

      await cache.getMany(['a'], source.compute);
      expect(await cache.getMany(['a', 'b'], source.compute)).toEqual(['A', 'B']);
      expect(source.calls).toEqual([['a'], ['a', 'b']]);
      expect(cache.size).toBe(0);
    });

    it('keeps at most maxEntries results', async () => {
      const cache = new ReadCache<string>({ ttlMilliseconds: 1000, maxEntries: 3 });
      const source = upperCase();

      await cache.getMany(['a', 'b', 'c', 'd', 'e'], source.compute);
      expect(cache.size).toBe(3);
      expect(await cache.getMany(['c', 'd', 'e'], source.compute)).toEqual(['C', 'D', 'E']);
      expect(source.calls).toHaveLength(1);
    });

    it('passes the computation error to the caller and stores nothing', async () => {
      const cache = new ReadCache<string>({ ttlMilliseconds: 1000, maxEntries: 10 });
      await expect(
        cache.getMany(['a'], async () => {
          throw new Error('database down');
        }),
      ).rejects.toThrow('database down');
      expect(cache.size).toBe(0);
    });
  });
});
