import { ageOn, checkOneClick, shanghaiDate, type OneClickProblem } from '@cityleague/domain';

import { registrationIdentityOf } from '../citizens/citizen.service.js';
import type { Db } from '../db/database.js';
import { EventNotFound } from '../events/event.errors.js';
import { loadRegistrationForm, type SafetyNotice } from '../forms/form.service.js';
import { withFieldErrors } from '../http/problem.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { OneClickUnavailable } from './registration.errors.js';
import { findEventStart } from './registration.repository.js';
import { register } from './registration.service.js';

/** Whether a signed-in citizen can register for an event with the profile alone. */
export interface OneClickStatus {
  available: boolean;
  problems: OneClickProblem[];
  safetyNotice: SafetyNotice | null;
}

async function assess(db: Db, cipher: PersonalDataCipher, citizenId: string, eventId: string) {
  const startsAt = await findEventStart(db, eventId);
  if (!startsAt) throw new EventNotFound(eventId);
  const identity = await registrationIdentityOf(db, cipher, citizenId);
  const loaded = await loadRegistrationForm(db, eventId);
  const age = identity.birthDate ? ageOn(identity.birthDate, shanghaiDate(startsAt)) : undefined;
  const problems = checkOneClick(loaded.form, {
    hasRealName: identity.realName !== null,
    hasIdNumber: identity.idNumber !== null,
    ...(age === undefined ? {} : { age }),
  });
  return { identity, loaded, problems };
}

/**
 * Tells the app whether the citizen's profile fills the event's form: the real name, the ID
 * number when the form requires it, no guardian needed and no required custom field shown.
 */
export async function oneClickStatus(
  db: Db,
  cipher: PersonalDataCipher,
  citizenId: string,
  eventId: string,
): Promise<OneClickStatus> {
  const { loaded, problems } = await assess(db, cipher, citizenId, eventId);
  return { available: problems.length === 0, problems, safetyNotice: loaded.safetyNotice };
}

/**
 * Registers a signed-in citizen with the profile's real name, mobile number and, when the form
 * asks for it, the ID number the citizen consented to store. It runs the same checks and
 * transaction as the form (`register`), so an entry made twice is still one entry.
 */
export async function registerWithOneClick(
  db: Db,
  cipher: PersonalDataCipher,
  citizenId: string,
  eventId: string,
  input: { safetyNoticeVersion?: number; groupId?: string; idempotencyKey?: string },
) {
  const { identity, loaded, problems } = await assess(db, cipher, citizenId, eventId);
  if (problems.length > 0 || identity.realName === null) {
    throw withFieldErrors(
      new OneClickUnavailable(eventId),
      problems.map((problem) => ({ field: 'profile', code: problem, message: 'is missing' })),
    );
  }
  const idNumber = loaded.form.idNumber === 'hidden' ? undefined : (identity.idNumber ?? undefined);
  return register(db, cipher, eventId, {
    name: identity.realName,
    phone: identity.phone,
    ...(idNumber === undefined ? {} : { idNumber, idConsent: true }),
    ...(identity.birthDate === null || idNumber !== undefined
      ? {}
      : { birthDate: identity.birthDate }),
    answers: {},
    ...(input.safetyNoticeVersion === undefined
      ? {}
      : { safetyNoticeVersion: input.safetyNoticeVersion }),
    ...(input.groupId === undefined ? {} : { groupId: input.groupId }),
    ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
    channel: 'web',
    submittedByCitizenId: citizenId,
  });
}
