import { checkMobile, checkPersonName, maskMobile } from '@cityleague/domain';

import type { Db, Executor } from '../db/database.js';
import { emitWebhookEvent } from '../webhooks/webhook.emit.js';
import { isUniqueViolation } from '../db/database.js';
import type { RegistrationRow } from '../db/schema.js';
import { EventNotFound } from '../events/event.errors.js';
import { withFieldErrors } from '../http/problem.js';
import { randomCode, uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import {
  AlreadyRegistered,
  EventFull,
  IdempotencyMismatch,
  InvalidName,
  InvalidPhone,
  WindowClosed,
  WindowNotOpen,
} from './registration.errors.js';
import * as repository from './registration.repository.js';

export interface RegistrationInput {
  name: string;
  phone: string;
  idempotencyKey?: string;
  channel: 'web' | 'console';
}

export interface RegistrationResult {
  registration: RegistrationRow;
  eventName: string;
  /** True when an earlier request with the same Idempotency-Key created the registration. */
  replayed: boolean;
}

function checkInput(input: RegistrationInput): { name: string; phone: string } {
  const checked = checkPersonName(input.name);
  if (!checked.ok) {
    throw withFieldErrors(new InvalidName(), [
      {
        field: 'name',
        code: checked.reason,
        message: 'must be 2 to 30 Chinese characters or letters, with at least one letter',
      },
    ]);
  }
  const name = checked.value;
  const phone = checkMobile(input.phone);
  if (!phone.ok) {
    throw withFieldErrors(new InvalidPhone(), [
      { field: 'phone', code: phone.reason, message: 'is not a valid mainland mobile number' },
    ]);
  }
  return { name, phone: phone.value };
}

/** Returns the error that explains why no place could be taken, read from the event's current row. */
async function rejection(db: Executor, eventId: string): Promise<Error> {
  const gate = await repository.registrationGate(db, eventId);
  if (!gate || gate.state !== 'published') return new EventNotFound(eventId);
  if (gate.not_open) return new WindowNotOpen(eventId);
  if (gate.closed) return new WindowClosed(eventId);
  return new EventFull(eventId);
}

/**
 * Returns the registration an earlier request with this Idempotency-Key created, after
 * checking that the request is the same: same normalised name and mobile number.
 */
async function replay(
  db: Db,
  eventId: string,
  key: string,
  person: { name: string; phoneHash: string },
): Promise<RegistrationRow | undefined> {
  const existing = await repository.findByIdempotencyKey(db, eventId, key);
  if (!existing) return undefined;
  if (existing.phone_hash !== person.phoneHash || existing.name !== person.name) {
    throw new IdempotencyMismatch();
  }
  return existing;
}

/**
 * Registers a person for a published event. The place is taken and the entry written in one
 * transaction, so a full event, a closed window or a second entry for the same mobile number
 * writes nothing. A repeated Idempotency-Key returns the first registration.
 */
export async function register(
  db: Db,
  cipher: PersonalDataCipher,
  eventId: string,
  input: RegistrationInput,
): Promise<Omit<RegistrationResult, 'eventName'>> {
  const { name, phone } = checkInput(input);
  const phoneHash = cipher.hash(phone);
  const key = input.idempotencyKey;

  if (key) {
    const earlier = await replay(db, eventId, key, { name, phoneHash });
    if (earlier) return { registration: earlier, replayed: true };
  }

  const id = uuidv7();
  try {
    const registration = await db.transaction().execute(async (trx) => {
      if (!(await repository.takePlace(trx, eventId))) throw await rejection(trx, eventId);
      const row = {
        id,
        event_id: eventId,
        code: randomCode(),
        name,
        phone_ciphertext: cipher.encrypt(phone),
        phone_hash: phoneHash,
        phone_masked: maskMobile(phone),
        idempotency_key: key ?? null,
        channel: input.channel,
      };
      const inserted = await repository.insertRegistration(trx, row);
      await repository.insertNotification(trx, {
        id: uuidv7(),
        kind: 'registration.confirmed',
        eventId,
        registrationId: id,
        payload: { registrationId: id, eventId },
      });
      await emitWebhookEvent(trx, {
        action: 'registration.created',
        resourceType: 'registration',
        resourceId: id,
        eventId,
      });
      return inserted;
    });
    return { registration, replayed: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    if (key) {
      const earlier = await replay(db, eventId, key, { name, phoneHash });
      if (earlier) return { registration: earlier, replayed: true };
    }
    throw new AlreadyRegistered(eventId);
  }
}

/** Recipient and content of the confirmation SMS of one registration. */
export interface ConfirmationSms {
  phone: string;
  eventName: string;
  code: string;
  status: 'active' | 'cancelled';
}

/** Loads and decrypts what the confirmation SMS of a registration needs; undefined when absent. */
export async function confirmationSmsOf(
  db: Executor,
  cipher: PersonalDataCipher,
  registrationId: string,
): Promise<ConfirmationSms | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(registrationId)) return undefined;
  const row = await repository.findForConfirmation(db, registrationId);
  if (!row) return undefined;
  return {
    phone: cipher.decrypt(row.phone_ciphertext),
    eventName: row.event_name,
    code: row.code,
    status: row.status,
  };
}

/**
 * Tells whether the mobile number with this keyed hash has an active registration for the
 * event. A signed-in citizen's registrations are the ones made with the citizen's number.
 */
export async function hasActiveRegistration(
  db: Executor,
  eventId: string,
  phoneHash: string,
): Promise<boolean> {
  return (await repository.findActiveByPhoneHash(db, eventId, phoneHash)) !== undefined;
}
