import { describe, expect, it } from 'vitest';

import { pooledRandomBytes, randomCode, uuidv7 } from './ids.js';

describe('pooledRandomBytes', () => {
  it('returns the requested length', () => {
    for (const length of [1, 12, 16, 1024]) {
      expect(pooledRandomBytes(length)).toHaveLength(length);
    }
  });

  it('never repeats across pool refills', () => {
    // 3,000 draws of 16 bytes span about 12 refills of the 4 KiB pool.
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) seen.add(pooledRandomBytes(16).toString('hex'));
    expect(seen.size).toBe(3000);
  });

  it('gives each caller its own copy', () => {
    const first = pooledRandomBytes(16);
    const copy = Buffer.from(first);
    pooledRandomBytes(16).fill(0);
    expect(first.equals(copy)).toBe(true);
  });

  it('rejects lengths outside the pool', () => {
    expect(() => pooledRandomBytes(0)).toThrow(RangeError);
    expect(() => pooledRandomBytes(1025)).toThrow(RangeError);
    expect(() => pooledRandomBytes(1.5)).toThrow(RangeError);
  });
});

describe('uuidv7', () => {
  it('sets the version and variant', () => {
    const id = uuidv7();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('encodes the creation time', () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();
    const ms = parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    // More than 4,096 ids in one millisecond move the time ahead of the clock by a little.
    expect(ms).toBeLessThanOrEqual(after + 10);
  });

  it('keeps ids in creation order', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('randomCode', () => {
  it('uses only the unambiguous alphabet', () => {
    for (let i = 0; i < 200; i++) expect(randomCode()).toMatch(/^[2-9A-HJ-NP-TV-Z]{10}$/);
  });
});
