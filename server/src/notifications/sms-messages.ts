import { ALERT_SMS_KIND, composeAlertSms } from '../alerts/alert.service.js';
import {
  SMS_CODE_KIND,
  SMS_CODE_VALID_MINUTES,
  smsCodeDelivery,
} from '../citizens/sms-code.service.js';
import type { Db } from '../db/database.js';
import * as places from '../registrations/places.repository.js';
import { confirmationSmsOf } from '../registrations/registration.service.js';
import { resultNoticeOf } from '../results/result.service.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { REMINDER_KIND } from './reminder.service.js';
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
  const details = [
    confirmation.startsAt === null ? '' : shanghaiTimeFormat.format(confirmation.startsAt),
    confirmation.venue ?? '',
  ].filter(Boolean);
  const text =
    `${SIGNATURE}您已成功报名「${confirmation.eventName}」` +
    (details.length > 0 ? `（${details.join('，')}）` : '') +
    `，报名码 ${confirmation.code}。请凭报名码或二维码到场签到。`;
  return { send: { to: confirmation.phone, text }, sentPayload: payload };
}

/** Format of the times in SMS texts: month, day and time in Shanghai, such as 12月9日 09:00. */
export const shanghaiTimeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** Reads the entry and the event's current details that a notice about the event needs. */
async function entryNotice(db: Db, cipher: PersonalDataCipher, payload: Record<string, unknown>) {
  const registrationId = String(payload.registrationId ?? '');
  if (!/^[0-9a-f-]{36}$/i.test(registrationId)) return undefined;
  const row = await db
    .selectFrom('registrations')
    .innerJoin('events', 'events.id', 'registrations.event_id')
    .select([
      'registrations.status',
      'registrations.code',
      'registrations.phone_ciphertext',
      'events.name',
      'events.state',
      'events.starts_at',
      'events.venue',
      'events.cancel_reason',
    ])
    .where('registrations.id', '=', registrationId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...row, phone: cipher.decrypt(row.phone_ciphertext) };
}

/** Tells an entrant the event's name, time or place changed, with the details now in force. */
async function composeEventChanged(
  db: Db,
  cipher: PersonalDataCipher,
  payload: Record<string, unknown>,
): Promise<Composed> {
  const notice = await entryNotice(db, cipher, payload);
  if (!notice) return { drop: 'registration not found', sentPayload: payload };
  if (notice.status !== 'active') {
    return { drop: 'registration was cancelled before sending', sentPayload: payload };
  }
  const when =
    notice.starts_at === null ? '' : shanghaiTimeFormat.format(new Date(notice.starts_at));
  const text =
    `${SIGNATURE}您报名的「${notice.name}」信息有变更，现定于${when}在${notice.venue ?? ''}举行。` +
    '详情请在“我的报名”中查看。';
  return { send: { to: notice.phone, text }, sentPayload: payload };
}

/** Tells an entrant the event was cancelled and the place released. */
async function composeEventCancelled(
  db: Db,
  cipher: PersonalDataCipher,
  payload: Record<string, unknown>,
): Promise<Composed> {
  const notice = await entryNotice(db, cipher, payload);
  if (!notice) return { drop: 'registration not found', sentPayload: payload };
  // The reason is the organiser's sentence, which may end in its own full stop.
  const reason =
    notice.cancel_reason === null
      ? ''
      : `，原因：${notice.cancel_reason.replace(/[。.！!]+$/u, '')}`;
  const text = `${SIGNATURE}很抱歉，您报名的「${notice.name}」已取消${reason}。您的报名已自动撤销。`;
  return { send: { to: notice.phone, text }, sentPayload: payload };
}

/** Reads what an SMS about one entry of the waiting list needs. */
async function waitingListNotice(db: Db, cipher: PersonalDataCipher, registrationId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(registrationId)) return undefined;
  const row = await db
    .selectFrom('registrations')
    .innerJoin('events', 'events.id', 'registrations.event_id')
    .select([
      'registrations.status',
      'registrations.code',
      'registrations.offer_expires_at',
      'registrations.cancel_reason',
      'registrations.phone_ciphertext',
      'events.name',
    ])
    .where('registrations.id', '=', registrationId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...row, phone: cipher.decrypt(row.phone_ciphertext) };
}

/**
 * Builds the composer of one waiting-list SMS. `expected` is the status the entry must still
 * have when the SMS is sent, so a message that went stale is dropped.
 */
function waitingListComposer(
  expected: 'active' | 'offered' | 'cancelled',
  text: (notice: NonNullable<Awaited<ReturnType<typeof waitingListNotice>>>) => string,
): Composer {
  return async (db, cipher, payload) => {
    const notice = await waitingListNotice(db, cipher, String(payload.registrationId ?? ''));
    if (!notice) return { drop: 'registration not found', sentPayload: payload };
    if (notice.status !== expected) {
      return { drop: `registration is ${notice.status}, not ${expected}`, sentPayload: payload };
    }
    return { send: { to: notice.phone, text: text(notice) }, sentPayload: payload };
  };
}

/** Tells an entrant that the group was full and the entry joined its waiting list. */
async function composeWaiting(
  db: Db,
  cipher: PersonalDataCipher,
  payload: Record<string, unknown>,
): Promise<Composed> {
  const registrationId = String(payload.registrationId ?? '');
  const notice = await waitingListNotice(db, cipher, registrationId);
  if (!notice) return { drop: 'registration not found', sentPayload: payload };
  // An entry that moved up or left before sending gets its own SMS, or needs none.
  const position = await places.queuePosition(db, registrationId);
  if (notice.status !== 'waiting' || position === null) {
    return { drop: `registration is ${notice.status}, not waiting`, sentPayload: payload };
  }
  const text =
    `${SIGNATURE}「${notice.name}」名额已满，您已进入候补名单，当前排第 ${position} 位，` +
    `报名码 ${notice.code}。有名额空出时将短信通知您。`;
  return { send: { to: notice.phone, text }, sentPayload: payload };
}

const composePromoted = waitingListComposer(
  'active',
  (notice) =>
    `${SIGNATURE}您在「${notice.name}」的候补已转为正式报名，报名码 ${notice.code}。` +
    '请凭报名码或二维码到场签到。',
);

const composeOffered = waitingListComposer('offered', (notice) => {
  const until =
    notice.offer_expires_at === null
      ? ''
      : `请在${shanghaiTimeFormat.format(new Date(notice.offer_expires_at))}前`;
  return (
    `${SIGNATURE}「${notice.name}」有名额空出，您的候补已获得递补资格，` +
    `${until}在“我的报名”中确认，逾期名额将顺延给下一位。`
  );
});

const composeOfferExpired = waitingListComposer(
  'cancelled',
  (notice) => `${SIGNATURE}您在「${notice.name}」的递补资格已过期未确认，名额已顺延给下一位候补。`,
);

const composeCancelledByOrganiser = waitingListComposer('cancelled', (notice) => {
  const reason = notice.cancel_reason?.replace(/^organiser: /, '') ?? '';
  return `${SIGNATURE}您在「${notice.name}」的报名已被主办方取消${reason ? `，原因：${reason}` : ''}。`;
});

/** Tells an entrant that the event's results are out, with the entrant's own result. */
async function composeResultsPublished(
  db: Db,
  cipher: PersonalDataCipher,
  payload: Record<string, unknown>,
): Promise<Composed> {
  const notice = await resultNoticeOf(db, cipher, String(payload.registrationId ?? ''));
  if (!notice) return { drop: 'result not found', sentPayload: payload };
  const certificate = notice.certificate
    ? '电子证书可在“我的报名”中下载。'
    : '详情请在“我的报名”中查看。';
  const text = `${SIGNATURE}「${notice.eventName}」成绩已发布，您的成绩：${notice.result}。${certificate}`;
  return { send: { to: notice.phone, text }, sentPayload: payload };
}

const shanghaiDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });

/**
 * Reminds an entrant of tomorrow's event, with the ticket code. The reminder is dropped when
 * the entry is no longer active, or the event was cancelled or moved off the date it was
 * queued for, because a moved event gets its own reminder for the new date.
 */
async function composeReminder(
  db: Db,
  cipher: PersonalDataCipher,
  payload: Record<string, unknown>,
): Promise<Composed> {
  const notice = await entryNotice(db, cipher, payload);
  if (!notice) return { drop: 'registration not found', sentPayload: payload };
  if (notice.status !== 'active') {
    return { drop: `registration is ${notice.status}, not active`, sentPayload: payload };
  }
  if (notice.state !== 'published' || notice.starts_at === null) {
    return { drop: `event is ${notice.state}`, sentPayload: payload };
  }
  const startsAt = new Date(notice.starts_at);
  if (shanghaiDay.format(startsAt) !== payload.eventDate) {
    return { drop: 'event moved to another date', sentPayload: payload };
  }
  const text =
    `${SIGNATURE}提醒：您报名的「${notice.name}」将于${shanghaiTimeFormat.format(startsAt)}` +
    `在${notice.venue ?? ''}举行，请凭报名码 ${notice.code} 或二维码按时签到。`;
  return { send: { to: notice.phone, text }, sentPayload: payload };
}

async function composeAlertOpened(
  db: Db,
  cipher: PersonalDataCipher,
  payload: Record<string, unknown>,
): Promise<Composed> {
  const composed = await composeAlertSms(db, cipher, payload);
  if ('drop' in composed) return { drop: composed.drop, sentPayload: payload };
  return { send: { to: composed.to, text: SIGNATURE + composed.text }, sentPayload: payload };
}

/**
 * Composers by outbox kind. The dispatcher claims only these kinds, so rows of other kinds stay
 * pending, untouched, until a composer for them exists.
 */
export const SMS_COMPOSERS: Readonly<Record<string, Composer>> = {
  [SMS_CODE_KIND]: composeSmsCode,
  'registration.confirmed': composeRegistrationConfirmed,
  'event.changed': composeEventChanged,
  'event.cancelled': composeEventCancelled,
  'registration.waiting': composeWaiting,
  'registration.promoted': composePromoted,
  'registration.offered': composeOffered,
  'registration.offer_expired': composeOfferExpired,
  'registration.cancelled': composeCancelledByOrganiser,
  'results.published': composeResultsPublished,
  [REMINDER_KIND]: composeReminder,
  [ALERT_SMS_KIND]: composeAlertOpened,
};
