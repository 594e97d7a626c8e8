import { createHash, randomBytes } from 'node:crypto';

import {
  checkPersonName,
  checkResidentId,
  earliestBirthDate,
  maskMobile,
  maskName,
  maskResidentId,
  MAX_AGE_YEARS,
  sportName,
} from '@cityleague/domain';

import { sql } from 'kysely';

import { recordAudit } from '../audit/audit.repository.js';
import type { Db } from '../db/database.js';
import { findDivision } from '../divisions/division.service.js';
import { throwIfFieldErrors, withFieldErrors, type FieldError } from '../http/problem.js';
import { uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import {
  CitizenInvalidName,
  CitizenSessionRequired,
  IdConsentRequired,
  InvalidPreferences,
  InvalidIdNumber,
  InvalidSmsCode,
  SmsCodeBurnt,
} from './citizen.errors.js';
import * as repository from './citizen.repository.js';
import * as codes from './sms-code.repository.js';
import {
  codeHashOf,
  normaliseCode,
  normalisePhone,
  SMS_CODE_MAX_FAILURES,
} from './sms-code.service.js';

/** Lifetime of a citizen session from sign-in; the app keeps the sign-in this long. */
export const CITIZEN_SESSION_DAYS = 30;

export type Gender = 'male' | 'female';

/** Derives the stored session id from the cookie token, so a leaked table grants nothing. */
export function citizenSessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface CitizenSession {
  token: string;
  expiresAt: Date;
  citizenId: string;
  created: boolean;
}

/**
 * Signs a citizen in with the newest SMS code of the number, creating the citizen on first
 * sign-in. A wrong code counts a failure against the newest code, which the fifth failure
 * burns. From then on any code gets CIT_SMS_CODE_BURNT, which asks the citizen to request a new
 * one. A wrong, expired or used code gets CIT_INVALID_SMS_CODE.
 */
export async function signInWithCode(
  db: Db,
  cipher: PersonalDataCipher,
  input: { phone: string; code: string; ip: string | null },
): Promise<CitizenSession> {
  const phone = normalisePhone(input.phone);
  const phoneHash = cipher.hash(phone);
  const code = normaliseCode(input.code);

  const session = await db.transaction().execute(async (trx) => {
    const codeHash = code === undefined ? '' : codeHashOf(cipher, phoneHash, code);
    const consumed =
      code !== undefined &&
      (await codes.consumeCode(trx, phoneHash, codeHash, SMS_CODE_MAX_FAILURES));
    if (!consumed) {
      // Committed with the transaction, because the caller's error must not undo the count.
      await codes.countFailure(trx, phoneHash, SMS_CODE_MAX_FAILURES);
      return (await codes.isLatestCodeBurnt(trx, phoneHash, SMS_CODE_MAX_FAILURES))
        ? 'burnt'
        : undefined;
    }

    const citizen = await repository.findOrInsertCitizen(trx, {
      id: uuidv7(),
      phone_ciphertext: cipher.encrypt(phone),
      phone_hash: phoneHash,
      phone_masked: maskMobile(phone),
    });
    const token = randomBytes(32).toString('base64url');
    const { expires_at } = await repository.insertSession(trx, {
      id: citizenSessionIdOf(token),
      citizenId: citizen.id,
      ip: input.ip,
      days: CITIZEN_SESSION_DAYS,
    });
    await recordAudit(trx, {
      actorUserId: null,
      actorIp: input.ip,
      action: 'citizen.signed_in',
      entityType: 'citizen',
      entityId: citizen.id,
      detail: { created: citizen.created },
    });
    return { token, expiresAt: expires_at, citizenId: citizen.id, created: citizen.created };
  });
  if (session === 'burnt') throw new SmsCodeBurnt();
  if (!session) throw new InvalidSmsCode();
  return session;
}

/** Returns the citizen id of a live session token, or throws CIT_SESSION_REQUIRED. */
export async function citizenOfToken(db: Db, token: string | undefined): Promise<string> {
  const row = token
    ? await repository.findSessionCitizen(db, citizenSessionIdOf(token))
    : undefined;
  if (!row) throw new CitizenSessionRequired();
  return row.citizen_id;
}

/**
 * Returns the keyed hash of a citizen's mobile number, which links the citizen to the
 * registrations made with that number. Throws CIT_SESSION_REQUIRED for an unknown citizen.
 */
export async function phoneHashOfCitizen(db: Db, citizenId: string): Promise<string> {
  const row = await repository.findPhoneHash(db, citizenId);
  if (!row) throw new CitizenSessionRequired();
  return row.phone_hash;
}

/** Revokes the session of a token; does nothing when the token names no live session. */
export async function signOut(db: Db, token: string | undefined, ip: string | null) {
  if (!token) return;
  await db.transaction().execute(async (trx) => {
    const revoked = await repository.revokeSession(trx, citizenSessionIdOf(token));
    if (!revoked) return;
    await recordAudit(trx, {
      actorUserId: null,
      actorIp: ip,
      action: 'citizen.signed_out',
      entityType: 'citizen',
      entityId: revoked.citizen_id,
    });
  });
}

/**
 * A citizen's own profile. Only the owner receives it, so the mobile number and the real name
 * are in full.
 */
export interface CitizenProfile {
  id: string;
  phone: string;
  phoneMasked: string;
  realName: string | null;
  realNameMasked: string | null;
  idNumberMasked: string | null;
  idConsentAt: string | null;
  gender: Gender | null;
  birthDate: string | null;
  /** Sport codes chosen for recommendations. */
  favouriteSports: string[];
  /** District chosen for recommendations, or null for the whole city. */
  districtCode: string | null;
}

/** Loads the profile of a signed-in citizen. */
export async function profileOf(
  db: Db,
  cipher: PersonalDataCipher,
  citizenId: string,
): Promise<CitizenProfile> {
  const row = await repository.findCitizen(db, citizenId);
  if (!row) throw new CitizenSessionRequired();
  return {
    id: row.id,
    phone: cipher.decrypt(row.phone_ciphertext),
    phoneMasked: row.phone_masked,
    realName: row.real_name_ciphertext ? cipher.decrypt(row.real_name_ciphertext) : null,
    realNameMasked: row.real_name_masked,
    idNumberMasked: row.id_number_masked,
    idConsentAt: row.id_consent_at ? new Date(row.id_consent_at).toISOString() : null,
    gender: row.gender,
    birthDate: row.birth_date,
    favouriteSports: row.favourite_sports,
    districtCode: row.district_code,
  };
}

/** The decrypted identity of a citizen, for registering with one click; never sent out. */
export interface RegistrationIdentity {
  phone: string;
  realName: string | null;
  /** The ID number, only when the citizen gave it with consent. */
  idNumber: string | null;
  birthDate: string | null;
}

/** Loads and decrypts what a one-click registration fills the form with. */
export async function registrationIdentityOf(
  db: Db,
  cipher: PersonalDataCipher,
  citizenId: string,
): Promise<RegistrationIdentity> {
  const row = await repository.findCitizen(db, citizenId);
  if (!row) throw new CitizenSessionRequired();
  const consented = row.id_consent_at !== null && row.id_number_ciphertext !== null;
  return {
    phone: cipher.decrypt(row.phone_ciphertext),
    realName: row.real_name_ciphertext ? cipher.decrypt(row.real_name_ciphertext) : null,
    idNumber:
      consented && row.id_number_ciphertext ? cipher.decrypt(row.id_number_ciphertext) : null,
    birthDate: row.birth_date,
  };
}

/**
 * Profile input. `idNumber` absent keeps the stored ID number, null removes it, and a string
 * replaces it, which needs `idConsent: true`. Gender and birth date follow from an ID number,
 * so while one is stored they may only repeat what it encodes.
 */
export interface ProfileInput {
  realName: string;
  idNumber?: string | null;
  idConsent?: boolean;
  gender?: Gender | null;
  birthDate?: string | null;
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

function checkBirthDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (date.toISOString().slice(0, 10) !== value) return false;
  const today = new Date(Date.now() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  // The same range as a birth date typed into a registration form, so a one-click entry can
  // use the profile's date.
  return value >= earliestBirthDate(today) && value <= today;
}

function idNumberMessage(reason: string, position: number | undefined): string {
  const where = position === undefined ? '' : ` at character ${position}`;
  return `is not a valid resident ID number (${reason}${where})`;
}

interface IdentityFields {
  idNumber: { id: string; birthDate: string; sex: Gender } | null | undefined;
  gender: Gender | null;
  birthDate: string | null;
}

/** Works out the ID number, gender and birth date to store, or throws naming each problem. */
function resolveIdentity(
  input: ProfileInput,
  stored: { gender: Gender | null; birthDate: string | null; hasIdNumber: boolean },
): IdentityFields {
  let idNumber: IdentityFields['idNumber'];
  if (typeof input.idNumber === 'string') {
    const checked = checkResidentId(input.idNumber);
    if (!checked.ok) {
      throw withFieldErrors(new InvalidIdNumber(), [
        {
          field: 'idNumber',
          code: checked.reason,
          message: idNumberMessage(checked.reason, checked.position),
        },
      ]);
    }
    if (input.idConsent !== true) throw new IdConsentRequired();
    idNumber = checked.value;
  } else {
    idNumber = input.idNumber;
  }

  // Gender and birth date that the new or the kept ID number fixes, if there is one.
  let fromId: { gender: Gender | null; birthDate: string | null } | undefined;
  if (idNumber) fromId = { gender: idNumber.sex, birthDate: idNumber.birthDate };
  else if (idNumber === undefined && stored.hasIdNumber) {
    fromId = { gender: stored.gender, birthDate: stored.birthDate };
  }

  const errors: FieldError[] = [];
  if (typeof input.birthDate === 'string' && !checkBirthDate(input.birthDate)) {
    errors.push({
      field: 'birthDate',
      code: 'birth_date',
      message: `must be a real date from ${MAX_AGE_YEARS} years ago to today, as YYYY-MM-DD`,
    });
  }
  if (fromId && input.gender && input.gender !== fromId.gender) {
    errors.push({
      field: 'gender',
      code: 'id_number_mismatch',
      message: 'differs from the gender that the ID number encodes',
    });
  }
  if (fromId && input.birthDate && input.birthDate !== fromId.birthDate) {
    errors.push({
      field: 'birthDate',
      code: 'id_number_mismatch',
      message: 'differs from the birth date that the ID number encodes',
    });
  }
  throwIfFieldErrors(errors);

  if (fromId) return { idNumber, gender: fromId.gender, birthDate: fromId.birthDate };
  return { idNumber, gender: input.gender ?? null, birthDate: input.birthDate ?? null };
}

function idNumberChange(idNumber: IdentityFields['idNumber']): 'kept' | 'stored' | 'removed' {
  if (idNumber === undefined) return 'kept';
  return idNumber === null ? 'removed' : 'stored';
}

/** Returns the ID number columns to write: none to keep it, nulls to remove it, or a new one. */
function idNumberColumns(cipher: PersonalDataCipher, idNumber: IdentityFields['idNumber']) {
  if (idNumber === undefined) return {};
  if (idNumber === null) {
    return {
      id_number_ciphertext: null,
      id_number_hash: null,
      id_number_masked: null,
      id_consent_at: null,
    };
  }
  return {
    id_number_ciphertext: cipher.encrypt(idNumber.id),
    id_number_hash: cipher.hash(idNumber.id),
    id_number_masked: maskResidentId(idNumber.id),
    id_consent_at: sql<Date>`now()`,
  };
}

/**
 * Replaces a signed-in citizen's profile. The name and ID number are stored encrypted beside
 * their masked forms, and the ID number beside its hash too.
 */
export async function updateProfile(
  db: Db,
  cipher: PersonalDataCipher,
  citizenId: string,
  input: ProfileInput & { ip: string | null },
): Promise<CitizenProfile> {
  const name = checkPersonName(input.realName);
  if (!name.ok) {
    throw withFieldErrors(new CitizenInvalidName(), [
      { field: 'realName', code: name.reason, message: `is invalid (${name.reason})` },
    ]);
  }

  await db.transaction().execute(async (trx) => {
    const current = await repository.findCitizen(trx, citizenId);
    if (!current) throw new CitizenSessionRequired();
    const identity = resolveIdentity(input, {
      gender: current.gender,
      birthDate: current.birth_date,
      hasIdNumber: current.id_number_ciphertext !== null,
    });

    const idChanges = idNumberColumns(cipher, identity.idNumber);
    await repository.updateCitizen(trx, citizenId, {
      real_name_ciphertext: cipher.encrypt(name.value),
      real_name_masked: maskName(name.value),
      gender: identity.gender,
      birth_date: identity.birthDate,
      ...idChanges,
    });
    await recordAudit(trx, {
      actorUserId: null,
      actorIp: input.ip,
      action: 'citizen.profile_updated',
      entityType: 'citizen',
      entityId: citizenId,
      detail: { idNumber: idNumberChange(identity.idNumber) },
    });
  });
  return profileOf(db, cipher, citizenId);
}

/** Most favourite sports a citizen may choose; more would recommend nearly everything. */
export const FAVOURITE_SPORTS_MAX = 10;

/**
 * Replaces the sports and district a signed-in citizen chose for recommendations. Unknown
 * sports, repeated sports and a code that is not a district are rejected with field errors.
 */
export async function updatePreferences(
  db: Db,
  cipher: PersonalDataCipher,
  citizenId: string,
  input: { favouriteSports: string[]; districtCode: string | null; ip: string | null },
): Promise<CitizenProfile> {
  const errors: FieldError[] = [];
  input.favouriteSports.forEach((code, index) => {
    if (sportName(code) === undefined) {
      errors.push({
        field: `favouriteSports/${index}`,
        code: 'unknown',
        message: `${code} is not a sport in the catalogue`,
      });
    } else if (input.favouriteSports.indexOf(code) !== index) {
      errors.push({
        field: `favouriteSports/${index}`,
        code: 'repeated',
        message: `${code} is listed twice`,
      });
    }
  });
  if (input.favouriteSports.length > FAVOURITE_SPORTS_MAX) {
    errors.push({
      field: 'favouriteSports',
      code: 'too_many',
      message: `must list at most ${FAVOURITE_SPORTS_MAX} sports`,
    });
  }
  if (input.districtCode !== null) {
    const district = await findDivision(db, input.districtCode);
    if (!district || district.level !== 'district') {
      errors.push({
        field: 'districtCode',
        code: 'unknown',
        message: `${input.districtCode} is not a district of the city`,
      });
    }
  }
  if (errors.length > 0) throw withFieldErrors(new InvalidPreferences(), errors);

  await db.transaction().execute(async (trx) => {
    const current = await repository.findCitizen(trx, citizenId);
    if (!current) throw new CitizenSessionRequired();
    await repository.updateCitizen(trx, citizenId, {
      favourite_sports: input.favouriteSports,
      district_code: input.districtCode,
    });
    await recordAudit(trx, {
      actorUserId: null,
      actorIp: input.ip,
      action: 'citizen.preferences_updated',
      entityType: 'citizen',
      entityId: citizenId,
      detail: { favouriteSports: input.favouriteSports, districtCode: input.districtCode },
    });
  });
  return profileOf(db, cipher, citizenId);
}
