import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

import type { FastifyBaseLogger } from 'fastify';

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
    expect(await limiter.take('p1', 3)).toBe(60);
    clock.now = START + 59_500;
    expect(await limiter.take('p1', 3)).toBe(1);
  });

  it('starts the window at the first request, not at a clock minute', async () => {
    const clock = { now: 1_000 * MINUTE + 59_000 };
    const limiter = memoryLimiterAt(clock);
    expect(await limiter.take('p1', 1)).toBeUndefined();
    clock.now += 2_000;
    expect(await limiter.take('p1', 1)).toBe(58);
  });

  it('takes the window length of each call', async () => {
    const clock = { now: START };
    const limiter = memoryLimiterAt(clock);
    expect(await limiter.take('day', 1, 24 * 60 * MINUTE)).toBeUndefined();
    clock.now += 2 * MINUTE;
    expect(await limiter.take('day', 1, 24 * 60 * MINUTE)).toBe(24 * 60 * 60 - 120);
  });

  it('counts keys apart', async () => {
    const limiter = memoryLimiterAt({ now: START });
    await limiter.take('p1', 1);
    expect(await limiter.take('p1', 1)).toBe(60);
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

  it('takes the window length of each call', async () => {
    expect(await first.take('sms:day', 1, 24 * 60 * MINUTE)).toBeUndefined();
    const wait = await second.take('sms:day', 1, 24 * 60 * MINUTE);
    expect(wait).toBeGreaterThan(24 * 60 * 60 - 5);
    expect(wait).toBeLessThanOrEqual(24 * 60 * 60);
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

  /** Builds a logger that keeps each line the limiter logs, with its level. */
  function recordingLog() {
    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
    const record = (level: string) => (fields: Record<string, unknown>, message: string) => {
      lines.push({ level, message, fields });
    };
    const log = {
      error: record('error'),
      info: record('info'),
      warn: record('warn'),
    } as unknown as FastifyBaseLogger;
    return { log, lines };
  }

  it('limits in process while Redis is unreachable', async () => {
    // Nothing listens on port 1 of the loopback, so every connection attempt is refused.
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const clock = { now: START };
    const { log, lines } = recordingLog();
    const limiter = new RedisRateLimiter(down, { prefix, log, now: () => clock.now });

    expect(await limiter.take('partner:g', 2)).toBeUndefined();
    expect(limiter.inOutage).toBe(true);
    expect(await limiter.take('partner:g', 2)).toBeUndefined();
    expect(await limiter.take('partner:g', 2)).toBe(60);
    expect(await limiter.take('partner:h', 2)).toBeUndefined();
    for (let i = 0; i < 50; i++) {
      clock.now += 500;
      await limiter.take('partner:i', 1_000);
    }
    // One line when the outage starts, none for the next 25 seconds of failures.
    expect(lines.filter((line) => line.level === 'error')).toHaveLength(1);
    expect(lines[0]!.message).toMatch(/counting requests in this process/);

    clock.now += MINUTE;
    await limiter.take('partner:i', 1_000);
    const errors = lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(2);
    expect(errors[1]!.fields.outageMs).toBe(25_000 + MINUTE);
    // Requests between two retries do not reach Redis, so fewer failures than requests.
    expect(errors[1]!.fields.failures).toBeGreaterThan(1);
    expect(errors[1]!.fields.failures).toBeLessThan(50);
    down.disconnect();
  });

  it('returns to Redis when it answers again', async () => {
    const client = connect();
    await client.ping();
    const clock = { now: START };
    const { log, lines } = recordingLog();
    const limiter = new RedisRateLimiter(client, { prefix, log, now: () => clock.now });
    const peer = new RedisRateLimiter(connect(), { prefix });
    const counter = () => clients[0]!.get(`${prefix}partner:j`);

    expect(await limiter.take('partner:j', 3)).toBeUndefined();
    expect(await counter()).toBe('1');

    // Cut the connection: the limiter counts in memory and still rejects over the limit.
    client.disconnect();
    expect(await limiter.take('partner:j', 3)).toBeUndefined();
    expect(limiter.inOutage).toBe(true);
    expect(await limiter.take('partner:j', 3)).toBeUndefined();
    expect(await limiter.take('partner:j', 3)).toBeUndefined();
    expect(await limiter.take('partner:j', 3)).toBe(60);
    expect(await counter()).toBe('1');

    await client.connect();
    // Within the retry interval the limiter stays in memory, even with Redis back.
    clock.now += 1_000;
    expect(await limiter.take('partner:j', 3)).toBe(59);
    expect(await counter()).toBe('1');

    clock.now += 1_500;
    expect(await limiter.take('partner:j', 3)).toBeUndefined();
    expect(limiter.inOutage).toBe(false);
    expect(await counter()).toBe('2');
    // The budget in Redis is shared again with the other instance.
    expect(await peer.take('partner:j', 3)).toBeUndefined();
    expect(await limiter.take('partner:j', 3)).toBeGreaterThanOrEqual(59);
    expect(await counter()).toBe('4');

    const recovered = lines.filter((line) => line.level === 'info');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.message).toMatch(/answers again/);
    expect(recovered[0]!.fields.outageMs).toBe(2_500);
  });

  it('waits for a stalled Redis on one request per retry', async () => {
    // A server of this test on the loopback that accepts connections and never replies.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const stalled = new Redis(port, '127.0.0.1', {
      commandTimeout: 200,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 0,
    });
    const clock = { now: START };
    const limiter = new RedisRateLimiter(stalled, { prefix, now: () => clock.now });
    try {
      const started = performance.now();
      expect(await limiter.take('partner:k', 1)).toBeUndefined();
      expect(performance.now() - started).toBeGreaterThanOrEqual(150);

      const quick = performance.now();
      expect(await limiter.take('partner:k', 1)).toBe(60);
      for (let i = 0; i < 20; i++) await limiter.take('partner:l', 100);
      expect(performance.now() - quick).toBeLessThan(150);
      expect(limiter.inOutage).toBe(true);
    } finally {
      stalled.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
