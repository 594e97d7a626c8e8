import {
  SMS_CODE_KIND,
  SMS_CODE_VALID_MINUTES,
  smsCodeDelivery,
} from '../citizens/sms-code.service.js';
import type { Db } from '../db/database.js';
import { confirmationSmsOf } from '../registrations/registration.service.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import type { SmsMessage } from './sms-provider.js';

const SIGNATURE = '【城市业余联赛】';

/** Outcome of composing an outbox row: an SMS to send, or the reason to drop the row. */
export type Composed =
  | { send: SmsMessage; sentPayload: Record<string, unknown> }
  | { drop: string; sentPayload: Record<string, unknown> };

type Composer = (
  db: Db,
  cipher: PersonalDataCipher,
  payload: Record<string, unknown>,
) => Promise<Composed>;

async function composeSmsCode(
  db: Db,
  cipher: PersonalDataCipher,
  payload: Record<string, unknown>,
): Promise<Composed> {
  const delivery = await smsCodeDelivery(db, cipher, payload);
  // The ciphertexts of the number and the code leave the row once it is settled.
  const sentPayload = { smsCodeId: payload.smsCodeId };
  if ('stale' in delivery) return { drop: delivery.stale, sentPayload };
  const text =
    `${SIGNATURE}您的登录验证码为 ${delivery.code}，${SMS_CODE_VALID_MINUTES} 分钟内有效。` +
    '请勿将验证码告诉他人。';
  return { send: { to: delivery.phone, text }, sentPayload };
}

async function composeRegistrationConfirmed(
  db: Db,
  cipher: PersonalDataCipher,
  payload: Record<string, unknown>,
): Promise<Composed> {
  const registrationId = String(payload.registrationId ?? '');
  const confirmation = await confirmationSmsOf(db, cipher, registrationId);
  if (!confirmation) return { drop: 'registration not found', sentPayload: payload };
  if (confirmation.status !== 'active') {
    return { drop: 'registration was cancelled before sending', sentPayload: payload };
  }
  const text =
    `${SIGNATURE}您已成功报名「${confirmation.eventName}」，报名码 ${confirmation.code}。` +
    '请凭报名码或二维码到场签到。';
  return { send: { to: confirmation.phone, text }, sentPayload: payload };
}

/**
 * Composers by outbox kind. The dispatcher claims only these kinds, so rows of other kinds stay
 * pending, untouched, until a composer for them exists.
 */
export const SMS_COMPOSERS: Readonly<Record<string, Composer>> = {
  [SMS_CODE_KIND]: composeSmsCode,
  'registration.confirmed': composeRegistrationConfirmed,
};
