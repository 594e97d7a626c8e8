import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MemoryRateLimiter, RedisRateLimiter } from './rate-limiter.js';
import { Redis } from 'ioredis';

const MINUTE = 60_000;
const START = 1_000 * MINUTE + 15_000;

function memoryLimiterAt(clock: { now: number }) {
  return new MemoryRateLimiter(MINUTE, () => clock.now);
}

describe('MemoryRateLimiter', () => {
  it('admits the limit and rejects the next request until the minute ends', async () => {
    const clock = { now: START };
    const limiter = memoryLimiterAt(clock);
    for (let i = 0; i < 3; i++) expect(await limiter.take('p1', 3)).toBeUndefined();
    expect(await limiter.take('p1', 3)).toBe(45);
    clock.now = START + 44_500;
    expect(await limiter.take('p1', 3)).toBe(1);
  });

  it('counts keys apart', async () => {
    const limiter = memoryLimiterAt({ now: START });
    await limiter.take('p1', 1);
    expect(await limiter.take('p1', 1)).toBe(45);
    expect(await limiter.take('p2', 1)).toBeUndefined();
  });

  it('starts afresh in the next minute', async () => {
    const clock = { now: START };
    const limiter = memoryLimiterAt(clock);
    await limiter.take('p1', 1);
    expect(await limiter.take('p1', 1)).toBeDefined();
    clock.now = START + MINUTE;
    expect(await limiter.take('p1', 1)).toBeUndefined();
  });
});

const redisUrl = process.env.REDIS_URL;

// These tests need a real Redis server; CI exports REDIS_URL, so they run there.
describe.skipIf(!redisUrl)('RedisRateLimiter', () => {
  // A prefix of this run alone, so parallel runs never share counters and cleanup removes only ours.
  const prefix = `cityleague-test:${randomBytes(6).toString('hex')}:`;
  const clients: Redis[] = [];

  function connect(): Redis {
    const client = new Redis(redisUrl!, { lazyConnect: false, maxRetriesPerRequest: 1 });
    clients.push(client);
    return client;
  }

  // Two clients stand for two API processes: they share nothing but the Redis server.
  let first: RedisRateLimiter;
  let second: RedisRateLimiter;

  beforeAll(() => {
    first = new RedisRateLimiter(connect(), { prefix });
    second = new RedisRateLimiter(connect(), { prefix });
  });

  afterAll(async () => {
    const cleaner = clients[0]!;
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    for (const client of clients) client.disconnect();
  });

  it('shares one budget between two instances', async () => {
    expect(await first.take('partner:a', 3)).toBeUndefined();
    expect(await second.take('partner:a', 3)).toBeUndefined();
    expect(await first.take('partner:a', 3)).toBeUndefined();
    const wait = await second.take('partner:a', 3);
    expect(wait).toBeGreaterThanOrEqual(59);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await first.take('partner:a', 3)).toBeDefined();
  });

  it('counts keys apart', async () => {
    expect(await first.take('partner:b', 1)).toBeUndefined();
    expect(await second.take('partner:b', 1)).toBeDefined();
    expect(await second.take('partner:c', 1)).toBeUndefined();
  });

  it('admits exactly the limit under concurrent requests', async () => {
    const limit = 25;
    const waits = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? first : second).take('partner:d', limit)),
    );
    expect(waits.filter((wait) => wait === undefined)).toHaveLength(limit);
    expect(waits.filter((wait) => wait !== undefined)).toHaveLength(200 - limit);
  });

  it('over-admits without the atomic script (control)', async () => {
    // A read-then-write counter, as a limiter without the Lua script would be: the same load
    // as above must get more than the limit through, or the test above proves nothing.
    const naive = async (client: Redis, key: string, limit: number) => {
      const count = Number((await client.get(key)) ?? 0) + 1;
      await client.set(key, count, 'PX', MINUTE);
      return count <= limit ? undefined : 1;
    };
    const [a, b] = [connect(), connect()];
    const key = `${prefix}partner:control`;
    const waits = await Promise.all(
      Array.from({ length: 200 }, (_, i) => naive(i % 2 ? a : b, key, 25)),
    );
    expect(waits.filter((wait) => wait === undefined).length).toBeGreaterThan(25);
  });

  it('starts a new window when the old one expires', async () => {
    const shortFirst = new RedisRateLimiter(connect(), { prefix, windowMs: 300 });
    const shortSecond = new RedisRateLimiter(connect(), { prefix, windowMs: 300 });
    expect(await shortFirst.take('partner:e', 2)).toBeUndefined();
    expect(await shortSecond.take('partner:e', 2)).toBeUndefined();
    expect(await shortFirst.take('partner:e', 2)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await shortSecond.take('partner:e', 2)).toBeUndefined();
    expect(await shortFirst.take('partner:e', 2)).toBeUndefined();
    expect(await shortSecond.take('partner:e', 2)).toBe(1);
  });

  it('leaves no counter without an expiry', async () => {
    await first.take('partner:f', 1);
    const ttl = await clients[0]!.pttl(`${prefix}partner:f`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(MINUTE);
  });

  it('admits requests while Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    const limiter = new RedisRateLimiter(down, { prefix });
    expect(await limiter.take('partner:g', 1)).toBeUndefined();
    expect(await limiter.take('partner:g', 1)).toBeUndefined();
    down.disconnect();
  });
});
