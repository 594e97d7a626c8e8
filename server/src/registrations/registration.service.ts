import {
  ageOn,
  checkEligibility,
  checkMobile,
  checkPersonName,
  checkResidentId,
  maskMobile,
  maskResidentId,
  shanghaiDate,
  type Entrant,
  type GroupRule,
  type ResidentId,
} from '@cityleague/domain';

import { sql } from 'kysely';

import type { Db, Executor } from '../db/database.js';
import { emitWebhookEvent } from '../webhooks/webhook.emit.js';
import { isUniqueViolation } from '../db/database.js';
import type { EventGroupRow, RegistrationRow, RegistrationStatus } from '../db/schema.js';
import { EventNotFound } from '../events/event.errors.js';
import { throwIfFieldErrors, withFieldErrors, type FieldError } from '../http/problem.js';
import { randomCode, uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { loadRegistrationForm, type EventRegistrationForm } from '../forms/form.service.js';
import { claimAttachments } from '../forms/form.repository.js';
import { ensureDefaultGroup } from './group.service.js';
import { recordCrossChannelDuplicate, type EntryChannel } from './duplicates.repository.js';
import * as places from './places.repository.js';
import {
  AlreadyRegistered,
  EventFull,
  FormChanged,
  GroupNotFound,
  GroupRequired,
  IdAlreadyRegistered,
  IdempotencyMismatch,
  InvalidIdNumber,
  InvalidName,
  InvalidPhone,
  NotEligible,
  RegisteredThroughOtherChannel,
  TeamEntryRequired,
  WindowClosed,
  WindowNotOpen,
} from './registration.errors.js';
import * as repository from './registration.repository.js';
import {
  validateRegistrationAnswers,
  type CheckedGuardian,
  type RegistrationAnswersInput,
  type ValidatedRegistration,
} from './registration-answers.js';

export interface RegistrationInput extends RegistrationAnswersInput {
  /** Resident ID number; identifies the person and gives gender and age for group rules. */
  idNumber?: string;
  /** Required when the event has more than one group. */
  groupId?: string;
  idempotencyKey?: string;
  /** Channel the entry came through; dashboards count online against on-site entries by it. */
  channel: 'web' | 'console' | 'partner' | 'on_site';
  /** The partner that pushes the entry; required with the 'partner' channel. */
  partnerId?: string;
  /** The signed-in citizen who submits the entry, who may then list and cancel it. */
  submittedByCitizenId?: string;
  /**
   * Runs in the entry's transaction after the insert, and may return the entry as it changed it.
   * On-site registration checks in here.
   */
  afterInsert?: (trx: Executor, registration: RegistrationRow) => Promise<RegistrationRow>;
}

export interface RegistrationResult {
  registration: RegistrationRow;
  eventName: string;
  /** True when an earlier request with the same Idempotency-Key created the registration. */
  replayed: boolean;
  /** 1-based place in the group's waiting list while the entry is waiting, else null. */
  queuePosition: number | null;
}

export interface CheckedInput {
  name: string;
  phone: string;
  id: ResidentId | undefined;
}

export function checkInput(
  input: Pick<RegistrationInput, 'name' | 'phone' | 'idNumber'>,
): CheckedInput {
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
  let id: ResidentId | undefined;
  if (input.idNumber !== undefined && input.idNumber.trim() !== '') {
    const checkedId = checkResidentId(input.idNumber);
    if (!checkedId.ok) {
      throw withFieldErrors(new InvalidIdNumber(), [
        {
          field: 'idNumber',
          code: checkedId.reason,
          message: 'is not a valid 18-character resident ID number',
        },
      ]);
    }
    id = checkedId.value;
  }
  return { name, phone: phone.value, id };
}

/** The person of a request as stored: the keys that identify them and the group asked for. */
interface RequestIdentity {
  name: string;
  phoneHash: string;
  idHash: string | null;
  groupId: string | undefined;
}

/**
 * Returns the registration an earlier request with this Idempotency-Key created, after
 * checking that the request is the same: same normalised name, mobile number, ID number and,
 * when the request names one, group.
 */
async function replay(
  db: Db,
  eventId: string,
  key: string,
  person: RequestIdentity,
): Promise<RegistrationRow | undefined> {
  const existing = await repository.findByIdempotencyKey(db, eventId, key);
  if (!existing) return undefined;
  if (
    existing.phone_hash !== person.phoneHash ||
    existing.name !== person.name ||
    existing.id_hash !== person.idHash ||
    (person.groupId !== undefined && existing.group_id !== person.groupId)
  ) {
    throw new IdempotencyMismatch();
  }
  return existing;
}

/** Picks the group of a request: the one named, or the event's only group. */
export function chooseGroup(eventId: string, groups: EventGroupRow[], groupId: string | undefined) {
  if (groupId === undefined) {
    const [only, ...others] = groups;
    if (!only || others.length > 0) throw new GroupRequired(eventId);
    return only;
  }
  const group = groups.find((candidate) => candidate.id === groupId);
  if (!group) throw new GroupNotFound(groupId, eventId);
  return group;
}

/**
 * Checks the group's gender and age rule with the domain rules and returns the problems as field
 * errors, none when the entrant is eligible. Gender and birth date come from the ID number, and
 * the age is taken on the event's start date in Asia/Shanghai, so an entrant without an ID
 * number cannot enter a group that has a rule. `fieldPrefix` names the entrant in a list, as
 * in `members.2.`.
 */
export function eligibilityErrors(
  group: EventGroupRow,
  id: ResidentId | undefined,
  startsAt: Date,
  fieldPrefix = '',
): FieldError[] {
  const rule: GroupRule = {
    gender: group.gender,
    ...(group.min_age === null ? {} : { minAge: group.min_age }),
    ...(group.max_age === null ? {} : { maxAge: group.max_age }),
  };
  const entrant: Entrant = {
    name: '',
    phone: '',
    ...(id
      ? {
          idNumber: id.id,
          birthDate: id.birthDate,
          gender: id.sex,
          age: ageOn(id.birthDate, shanghaiDate(startsAt)),
        }
      : {}),
  };
  return checkEligibility(rule, entrant).map((problem) => ({
    field: `${fieldPrefix}${problem === 'gender' ? 'gender' : 'age'}`,
    code: problem,
    message: ELIGIBILITY_MESSAGES[problem],
  }));
}

export function checkGroupRule(group: EventGroupRow, id: ResidentId | undefined, startsAt: Date) {
  const errors = eligibilityErrors(group, id, startsAt);
  if (errors.length > 0) throw withFieldErrors(new NotEligible(group.id), errors);
}

const ELIGIBILITY_MESSAGES = {
  gender: "does not match the group's gender rule, or no ID number was given",
  age_unknown: 'is unknown: give an ID number to enter a group with an age range',
  too_young: "is below the group's minimum age on the event's start date",
  too_old: "is above the group's maximum age on the event's start date",
} as const;

/** Error raised inside the entry's transaction when the mobile number already has a live entry. */
class SamePhoneRegistered extends Error {
  constructor(eventId: string) {
    super(`This mobile number already holds a live entry in event ${eventId}`);
    this.name = 'SamePhoneRegistered';
  }
}

/** Error raised inside the entry's transaction when the ID number already has a live entry. */
class SameIdRegistered extends Error {
  constructor(eventId: string) {
    super(`This ID number already holds a live entry in event ${eventId}`);
    this.name = 'SameIdRegistered';
  }
}

/**
 * Throws SamePhoneRegistered when the same-phone rule forbids the entry. Without an ID number
 * the mobile number identifies the person, so it may have no other live entry, not even one
 * made with an ID number. An entry with an ID number may share a mobile number with other
 * entries that have ID numbers, but not with a live entry without one. The unique index covers
 * only two entries without ID numbers, so the caller must hold the event's lock: then this read
 * finds every entry committed before.
 */
export async function rejectPhoneInUse(
  trx: Executor,
  eventId: string,
  person: { phoneHash: string; idHash: string | null },
): Promise<void> {
  const taken =
    person.idHash === null
      ? await repository.findLiveByPhoneHash(trx, eventId, person.phoneHash)
      : await repository.findLiveWithoutIdByPhoneHash(trx, eventId, person.phoneHash);
  if (taken) throw new SamePhoneRegistered(eventId);
}

/**
 * Registers a person for a published event. In one transaction that holds the event's lock it
 * checks the window on the database clock, takes a place of the group with a conditional
 * update and inserts the entry. A full group puts the entry on the waiting list when the
 * organiser enabled one (status 'waiting'), else nothing is written. A second live entry for
 * the same person (ID number, or mobile number without one) is rejected by a unique index. A
 * repeated Idempotency-Key returns the first registration.
 */
export async function register(
  db: Db,
  cipher: PersonalDataCipher,
  eventId: string,
  input: RegistrationInput,
): Promise<Omit<RegistrationResult, 'eventName'>> {
  const checked = checkInput(input);
  const startsAt = await repository.findEventStart(db, eventId);
  if (!startsAt) throw new EventNotFound(eventId);
  const form = await loadRegistrationForm(db, eventId);
  const validated = validateRegistrationAnswers(
    form,
    { ...input, name: checked.name, phone: checked.phone },
    startsAt,
  );
  const { name, phone } = checked;
  // A form that hides the ID number drops one sent anyway, so it is neither stored nor used.
  const residentId = validated.entrant.idNumber === undefined ? undefined : checked.id;
  const identity: RequestIdentity = {
    name,
    phoneHash: cipher.hash(phone),
    idHash: residentId ? cipher.hash(residentId.id) : null,
    groupId: input.groupId,
  };
  const key = input.idempotencyKey;
  const replayed = async () => {
    const earlier = key ? await replay(db, eventId, key, identity) : undefined;
    if (!earlier) return undefined;
    const queuePosition = await places.queuePosition(db, earlier.id);
    return { registration: earlier, replayed: true, queuePosition };
  };

  const earlier = await replayed();
  if (earlier) return earlier;

  const id = uuidv7();
  try {
    return await db.transaction().execute(async (trx) => {
      const event = await places.lockEventForEntries(trx, eventId);
      if (!event || event.state !== 'published' || event.starts_at === null) {
        throw new EventNotFound(eventId);
      }
      if (event.not_open) throw new WindowNotOpen(eventId);
      // On-site registration runs on the event's day, after the online window has closed.
      if (event.closed && input.channel !== 'on_site') throw new WindowClosed(eventId);
      await requireSameForm(trx, eventId, form);
      const groups = await ensureDefaultGroup(trx, event);
      const group = chooseGroup(eventId, groups, input.groupId);
      if (group.entry_type === 'team') throw new TeamEntryRequired(group.id);
      checkGroupRule(group, residentId, new Date(event.starts_at));
      await rejectPhoneInUse(trx, eventId, identity);
      // The unique index would reject a second entry of the ID number too, but only after the
      // places: a full event would return REG_EVENT_FULL to a person who is already entered.
      if (
        identity.idHash !== null &&
        (await repository.findLiveByIdHash(trx, eventId, identity.idHash))
      ) {
        throw new SameIdRegistered(eventId);
      }

      const placed = await places.takePlaces(trx, group.id);
      if (!placed && group.waiting_list === 'off') throw new EventFull(eventId);
      const inserted = await repository.insertRegistration(trx, {
        id,
        event_id: eventId,
        group_id: group.id,
        code: randomCode(),
        name,
        phone_ciphertext: cipher.encrypt(phone),
        phone_hash: identity.phoneHash,
        phone_masked: maskMobile(phone),
        id_ciphertext: residentId ? cipher.encrypt(residentId.id) : null,
        id_hash: identity.idHash,
        id_masked: residentId ? maskResidentId(residentId.id) : null,
        status: placed ? 'active' : 'waiting',
        waiting_seq: placed ? null : await places.nextWaitingSeq(trx),
        idempotency_key: key ?? null,
        channel: input.channel,
        partner_id: input.partnerId ?? null,
        submitted_by_citizen_id: input.submittedByCitizenId ?? null,
        ...answerColumns(cipher, validated, residentId !== undefined),
      });
      await claimFiles(trx, eventId, id, validated);
      await repository.insertNotification(trx, {
        id: uuidv7(),
        kind: placed ? 'registration.confirmed' : 'registration.waiting',
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
      const registration = input.afterInsert ? await input.afterInsert(trx, inserted) : inserted;
      const queuePosition = placed ? null : await places.queuePosition(trx, id);
      return { registration, replayed: false, queuePosition };
    });
  } catch (error) {
    if (error instanceof SamePhoneRegistered) {
      const again = await replayed();
      if (again) return again;
      throw new AlreadyRegistered(eventId);
    }
    const sameId =
      error instanceof SameIdRegistered || isUniqueViolation(error, 'registrations_one_per_id');
    if (!sameId && !isUniqueViolation(error)) throw error;
    const again = await replayed();
    if (again) return again;
    if (sameId) {
      const other = await recordCrossChannelDuplicate(db, eventId, identity.idHash!, {
        channel: input.channel,
        partnerId: input.partnerId ?? null,
      });
      if (other) throw new RegisteredThroughOtherChannel(eventId, describeChannel(other));
      throw new IdAlreadyRegistered(eventId);
    }
    throw new AlreadyRegistered(eventId);
  }
}

/** Names a channel for an error message without naming the partner: `partner`, `web`, `console`. */
function describeChannel(channel: EntryChannel): string {
  return channel.channel === 'partner'
    ? 'another partner platform'
    : `the league's ${channel.channel}`;
}

/**
 * Throws REG_FORM_CHANGED when the form or the notice changed after the answers were checked.
 * The form's save locks the event's row, so under the entry's lock the versions are final.
 */
export async function requireSameForm(
  trx: Executor,
  eventId: string,
  checked: EventRegistrationForm,
) {
  const current = await loadRegistrationForm(trx, eventId);
  if (
    current.version !== checked.version ||
    current.safetyNotice?.version !== checked.safetyNotice?.version
  ) {
    throw new FormChanged(eventId);
  }
}

/** Builds the entry's columns for its answers and consents, stamped with the database's time. */
export function answerColumns(
  cipher: PersonalDataCipher,
  validated: ValidatedRegistration,
  withId: boolean,
) {
  const now = sql<Date>`now()`;
  return {
    answers: JSON.stringify(validated.answers),
    form_version: validated.formVersion === 0 ? null : validated.formVersion,
    safety_notice_version: validated.safetyNoticeVersion,
    safety_accepted_at: validated.safetyNoticeVersion === null ? null : now,
    id_consent_at: withId ? now : null,
    ...guardianColumns(cipher, validated.guardian),
  };
}

/**
 * Builds an entry's guardian columns: the name, the mobile number encrypted and masked, and the
 * consent stamped with the database's time. All four are null for an entrant without a guardian.
 */
export function guardianColumns(cipher: PersonalDataCipher, guardian: CheckedGuardian | null) {
  return {
    guardian_name: guardian?.name ?? null,
    guardian_phone_ciphertext: guardian ? cipher.encrypt(guardian.phone) : null,
    guardian_phone_masked: guardian ? maskMobile(guardian.phone) : null,
    guardian_consent_at: guardian ? sql<Date>`now()` : null,
  };
}

/** Claims the entry's uploaded files; a file that is unknown or already claimed is invalid. */
async function claimFiles(
  trx: Executor,
  eventId: string,
  registrationId: string,
  validated: ValidatedRegistration,
) {
  if (validated.files.length === 0) return;
  const claimed = new Set(await claimAttachments(trx, eventId, registrationId, validated.files));
  throwIfFieldErrors(
    validated.files
      .filter((file) => !claimed.has(file.id))
      .map((file) => ({
        field: `answers.${file.fieldKey}`,
        code: 'unknown_file',
        message: 'names no unused file uploaded for this field of the event',
      })),
  );
}

/** Recipient and content of the confirmation SMS of one registration. */
export interface ConfirmationSms {
  phone: string;
  eventName: string;
  /** Start and venue of the event as they are when the SMS is sent. */
  startsAt: Date | null;
  venue: string | null;
  code: string;
  status: RegistrationStatus;
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
    startsAt: row.starts_at === null ? null : new Date(row.starts_at),
    venue: row.venue,
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
