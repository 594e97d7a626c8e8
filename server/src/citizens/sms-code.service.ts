import { randomInt } from 'node:crypto';

import { checkMobile, toHalfWidth } from '@cityleague/domain';

import type { Db, Executor } from '../db/database.js';
import { withFieldErrors } from '../http/problem.js';
import { uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import type { RateLimiter } from '../shared/rate-limiter.js';
import { CitizenInvalidPhone } from './citizen.errors.js';
import { SMS_CODE_RESEND_SECONDS, takeSmsCodeSlot } from './sms-code-limits.js';
import * as repository from './sms-code.repository.js';

/** Outbox kind of a sign-in code SMS. */
export const SMS_CODE_KIND = 'citizen.sms_code';
export const SMS_CODE_VALID_MINUTES = 5;
/** Wrong tries that burn a code. */
export const SMS_CODE_MAX_FAILURES = 5;

/** Normalises a mainland mobile number or throws CIT_INVALID_PHONE naming the reason. */
export function normalisePhone(input: string): string {
  const checked = checkMobile(input);
  if (checked.ok) return checked.value;
  throw withFieldErrors(new CitizenInvalidPhone(), [
    {
      field: 'phone',
      code: checked.reason,
      message: `is not a valid mainland mobile number (${checked.reason})`,
    },
  ]);
}

/** Normalises a typed code (full-width digits, spaces); undefined unless it is 6 digits. */
export function normaliseCode(input: string): string | undefined {
  const code = toHalfWidth(input).replace(/\s/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

/** Computes the stored keyed hash of a code, bound to the number it was sent to. */
export function codeHashOf(cipher: PersonalDataCipher, phoneHash: string, code: string): string {
  return cipher.hash(`sms-code:${phoneHash}:${code}`);
}

export interface IssuedCode {
  expiresInSeconds: number;
  resendAfterSeconds: number;
}

/**
 * Issues a 6-digit sign-in code for a number and queues its SMS in the outbox, in one
 * transaction, once the request is within the limits of SMS_CODE_LIMITS.
 */
export async function requestSmsCode(
  db: Db,
  cipher: PersonalDataCipher,
  limiter: RateLimiter,
  input: { phone: string; ip: string | null },
): Promise<IssuedCode> {
  const phone = normalisePhone(input.phone);
  const phoneHash = cipher.hash(phone);
  await takeSmsCodeSlot(limiter, { phoneHash, ip: input.ip });

  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = uuidv7();
  await db.transaction().execute(async (trx) => {
    await repository.insertCode(
      trx,
      {
        id,
        phone_hash: phoneHash,
        code_hash: codeHashOf(cipher, phoneHash, code),
        ip: input.ip,
      },
      SMS_CODE_VALID_MINUTES,
    );
    await trx
      .insertInto('notification_outbox')
      .values({
        id: uuidv7(),
        kind: SMS_CODE_KIND,
        event_id: null,
        registration_id: null,
        payload: JSON.stringify({
          smsCodeId: id,
          phone: cipher.encrypt(phone),
          code: cipher.encrypt(code),
        }),
      })
      .execute();
  });
  return {
    expiresInSeconds: SMS_CODE_VALID_MINUTES * 60,
    resendAfterSeconds: SMS_CODE_RESEND_SECONDS,
  };
}

/**
 * Decrypts the number and code of a queued code SMS, or returns why it is no longer worth
 * sending (expired, used or burnt).
 */
export async function smsCodeDelivery(
  db: Executor,
  cipher: PersonalDataCipher,
  payload: Record<string, unknown>,
): Promise<{ phone: string; code: string } | { stale: string }> {
  const { smsCodeId, phone, code } = payload;
  if (typeof smsCodeId !== 'string' || typeof phone !== 'string' || typeof code !== 'string') {
    return { stale: 'payload lacks the code' };
  }
  if (!(await repository.isCodeLive(db, smsCodeId, SMS_CODE_MAX_FAILURES))) {
    return { stale: 'code expired or used before sending' };
  }
  return { phone: cipher.decrypt(phone), code: cipher.decrypt(code) };
}
