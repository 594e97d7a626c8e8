import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { createTestContext, type TestContext } from '../test/harness.js';
import { requestCode } from './citizen-test-support.js';

// Widens the window between counting a number's codes and inserting a new one, and lets a test
// switch the advisory lock off, to show that the limit holds because of the lock.
const control = vi.hoisted(() => ({ lock: true }));

vi.mock('./sms-code.repository.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./sms-code.repository.js')>();
  return {
    ...original,
    lockRequester: async (...args: Parameters<typeof original.lockRequester>) => {
      if (control.lock) await original.lockRequester(...args);
    },
    recentCodes: async (...args: Parameters<typeof original.recentCodes>) => {
      const recent = await original.recentCodes(...args);
      await new Promise((resolve) => setTimeout(resolve, 150));
      return recent;
    },
  };
});

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});

afterAll(async () => {
  await ctx.close();
});

async function acceptedOfTen(phone: string): Promise<number> {
  const responses = await Promise.all(
    Array.from({ length: 10 }, (_, i) => requestCode(ctx.app, phone, `203.0.113.${i + 1}`)),
  );
  return responses.filter((response) => response.statusCode === 202).length;
}

describe('code limit under a slow count', () => {
  it('accepts five of ten with the lock', async () => {
    control.lock = true;
    expect(await acceptedOfTen('13800138401')).toBe(5);
  });

  // PGlite runs one transaction at a time, so only PostgreSQL can show the race.
  it.skipIf(!process.env.DATABASE_URL)('accepts more than five without the lock', async () => {
    control.lock = false;
    try {
      expect(await acceptedOfTen('13800138402')).toBeGreaterThan(5);
    } finally {
      control.lock = true;
    }
  });
});
