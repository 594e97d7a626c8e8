import { describe, expect, it } from 'vitest';

import { MemoryRateLimiter } from '../shared/rate-limiter.js';
import { SMS_CODE_LIMITS, takeSmsCodeSlot } from './sms-code-limits.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function limiterAt(clock: { now: number }) {
  return new MemoryRateLimiter(MINUTE, () => clock.now);
}

/** Returns the error code of a request, or 'sent' when it is admitted. */
async function outcome(
  limiter: MemoryRateLimiter,
  requester: { phoneHash: string; ip: string | null },
): Promise<string> {
  try {
    await takeSmsCodeSlot(limiter, requester);
    return 'sent';
  } catch (error) {
    const { code, retryAfterSeconds } = error as { code: string; retryAfterSeconds: number };
    return `${code} ${retryAfterSeconds}`;
  }
}

describe('SMS code limits', () => {
  it('waits 60 seconds between two codes for a number', async () => {
    const clock = { now: 0 };
    const limiter = limiterAt(clock);
    expect(await outcome(limiter, { phoneHash: 'a', ip: '192.0.2.1' })).toBe('sent');
    clock.now += 2 * SECOND;
    expect(await outcome(limiter, { phoneHash: 'a', ip: '192.0.2.1' })).toBe(
      'CIT_SMS_CODE_RESEND_WAIT 58',
    );
    clock.now += 58 * SECOND;
    expect(await outcome(limiter, { phoneHash: 'a', ip: '192.0.2.1' })).toBe('sent');
  });

  it('sends at most five codes an hour to a number', async () => {
    const clock = { now: 0 };
    const limiter = limiterAt(clock);
    for (let i = 0; i < 5; i += 1) {
      expect(await outcome(limiter, { phoneHash: 'a', ip: null })).toBe('sent');
      clock.now += MINUTE;
    }
    expect(await outcome(limiter, { phoneHash: 'a', ip: null })).toBe(
      `CIT_SMS_CODE_LIMIT ${(HOUR - 5 * MINUTE) / SECOND}`,
    );
    clock.now = HOUR;
    expect(await outcome(limiter, { phoneHash: 'a', ip: null })).toBe('sent');
  });

  it('sends at most ten codes a day to a number', async () => {
    const clock = { now: 0 };
    const limiter = limiterAt(clock);
    for (let i = 0; i < 10; i += 1) {
      expect(await outcome(limiter, { phoneHash: 'a', ip: null })).toBe('sent');
      clock.now += 20 * MINUTE;
    }
    const result = await outcome(limiter, { phoneHash: 'a', ip: null });
    expect(result).toBe(`CIT_SMS_CODE_LIMIT ${(24 * HOUR - 200 * MINUTE) / SECOND}`);
  });

  it('admits 300 numbers an hour from one address', async () => {
    const clock = { now: 0 };
    const limiter = limiterAt(clock);
    for (let i = 0; i < 300; i += 1) {
      expect(await outcome(limiter, { phoneHash: `phone-${i}`, ip: '192.0.2.1' })).toBe('sent');
    }
    expect(await outcome(limiter, { phoneHash: 'phone-300', ip: '192.0.2.1' })).toBe(
      'CIT_SMS_CODE_LIMIT 3600',
    );
    expect(await outcome(limiter, { phoneHash: 'phone-300', ip: '192.0.2.2' })).toBe('sent');
  });

  it('does not count a resend rejection against the hourly limit', async () => {
    const clock = { now: 0 };
    const limiter = limiterAt(clock);
    expect(await outcome(limiter, { phoneHash: 'a', ip: null })).toBe('sent');
    for (let i = 0; i < 20; i += 1) await outcome(limiter, { phoneHash: 'a', ip: null });
    for (let i = 0; i < 4; i += 1) {
      clock.now += MINUTE;
      expect(await outcome(limiter, { phoneHash: 'a', ip: null })).toBe('sent');
    }
  });

  it('lists the resend wait before the number limits', () => {
    expect(SMS_CODE_LIMITS.map((limit) => limit.name)).toEqual([
      'address-hour',
      'phone-resend',
      'phone-hour',
      'phone-day',
    ]);
  });
});
