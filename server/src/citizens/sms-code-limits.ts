import type { RateLimiter } from '../shared/rate-limiter.js';
import { SmsCodeLimitReached, SmsCodeResendWait } from './citizen.errors.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Seconds between two codes for one number, enforced by the server and counted down in the app. */
export const SMS_CODE_RESEND_SECONDS = 60;

/**
 * A limit on code requests, counted in a window that starts with the first request, either
 * per mobile number or per client address (`scope`).
 */
export interface SmsCodeLimit {
  name: string;
  scope: 'phone' | 'address';
  limit: number;
  windowMs: number;
  /** Words for the error detail, e.g. "mobile number within an hour". */
  label: string;
}

/**
 * The limits, checked in this order. The address limit only guards against floods: carrier
 * NAT and shared Wi-Fi put many citizens behind one address, so it is far above what one
 * person needs. A request rejected by one limit does not count against the limits after it.
 */
export const SMS_CODE_LIMITS: readonly SmsCodeLimit[] = [
  {
    name: 'address-hour',
    scope: 'address',
    limit: 300,
    windowMs: HOUR_MS,
    label: 'address within an hour',
  },
  {
    name: 'phone-resend',
    scope: 'phone',
    limit: 1,
    windowMs: SMS_CODE_RESEND_SECONDS * 1000,
    label: 'mobile number within a minute',
  },
  {
    name: 'phone-hour',
    scope: 'phone',
    limit: 5,
    windowMs: HOUR_MS,
    label: 'mobile number within an hour',
  },
  {
    name: 'phone-day',
    scope: 'phone',
    limit: 10,
    windowMs: DAY_MS,
    label: 'mobile number within a day',
  },
];

/**
 * Counts one code request against every limit, in Redis when REDIS_URL is set so that all
 * API instances share the counts. Throws CIT_SMS_CODE_RESEND_WAIT within a minute of the
 * number's last code and CIT_SMS_CODE_LIMIT over any other limit, each with the seconds to
 * wait in `retryAfterSeconds`.
 */
export async function takeSmsCodeSlot(
  limiter: RateLimiter,
  requester: { phoneHash: string; ip: string | null },
  limits: readonly SmsCodeLimit[] = SMS_CODE_LIMITS,
): Promise<void> {
  for (const limit of limits) {
    const subject = limit.scope === 'phone' ? requester.phoneHash : requester.ip;
    if (subject === null) continue;
    const wait = await limiter.take(
      `sms-code:${limit.name}:${subject}`,
      limit.limit,
      limit.windowMs,
    );
    if (wait === undefined) continue;
    const error =
      limit.name === 'phone-resend'
        ? new SmsCodeResendWait(wait)
        : new SmsCodeLimitReached(limit.label, wait);
    throw Object.assign(error, { retryAfterSeconds: wait });
  }
}
