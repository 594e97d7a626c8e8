import { describe, expect, it } from 'vitest';

import { PartnerRateLimiter } from './partner-auth.js';

const MINUTE = 60_000;
const START = 1_000 * MINUTE + 15_000;

describe('PartnerRateLimiter', () => {
  it('admits the limit and rejects the next request until the minute ends', () => {
    const limiter = new PartnerRateLimiter();
    expect([1, 2, 3].map(() => limiter.take('p1', 3, START))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(limiter.take('p1', 3, START)).toBe(45);
    expect(limiter.take('p1', 3, START + 44_500)).toBe(1);
  });

  it('counts partners apart', () => {
    const limiter = new PartnerRateLimiter();
    limiter.take('p1', 1, START);
    expect(limiter.take('p1', 1, START)).toBe(45);
    expect(limiter.take('p2', 1, START)).toBeUndefined();
  });

  it('starts afresh in the next minute', () => {
    const limiter = new PartnerRateLimiter();
    limiter.take('p1', 1, START);
    expect(limiter.take('p1', 1, START)).toBeDefined();
    expect(limiter.take('p1', 1, START + MINUTE)).toBeUndefined();
  });
});
