import {
  checkMobile,
  checkPersonName,
  checkResidentId,
  maskMobile,
  maskResidentId,
  needsGuardianConsent,
  shanghaiDate,
  ageOn,
  type IdNumberRule,
  type ResidentId,
} from '@cityleague/domain';

import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import type { EventGroupRow, RegistrationRow, RegistrationStatus } from '../db/schema.js';
import { withFieldErrors, type FieldError } from '../http/problem.js';
import { randomCode, uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { GuardianConsentRequired, NotEligible } from './registration.errors.js';
import { checkGuardianFields, type CheckedGuardian } from './registration-answers.js';
import { eligibilityErrors, guardianColumns } from './registration.service.js';
import {
  DuplicateMember,
  InvalidMember,
  InvalidTeamName,
  MemberAlreadyRegistered,
  TeamSizeOutOfRange,
} from './team.errors.js';
import * as teams from './team.repository.js';

/** A team member as the captain enters them. */
export interface MemberInput {
  name: string;
  phone: string;
  idNumber?: string;
  /** Required for a member under 14 on the event's start date. */
  guardian?: { name: string; phone: string; consent: boolean };
}

/** A member whose fields passed the identifier rules, with the keyed hashes that identify them. */
export interface CheckedMember {
  name: string;
  phone: string;
  id: ResidentId | undefined;
  phoneHash: string;
  idHash: string | null;
  /** Position in the request's member list, for field errors. */
  index: number;
  /** The guardian as the captain sent it, checked by `checkMemberGuardians`. */
  guardianInput: MemberInput['guardian'];
  /** The checked guardian of a member under 14; null until `checkMemberGuardians` ran. */
  guardian: CheckedGuardian | null;
}

export const TEAM_NAME_MAX_LENGTH = 30;

/** Returns a team name trimmed with runs of spaces collapsed, or throws TEAM_INVALID_NAME. */
export function checkTeamName(input: string): string {
  const name = input.normalize('NFC').trim().replace(/\s+/g, ' ');
  const length = Array.from(name).length;
  if (length < 1 || length > TEAM_NAME_MAX_LENGTH) {
    throw withFieldErrors(new InvalidTeamName(), [
      { field: 'name', code: 'length', message: 'must be 1 to 30 characters' },
    ]);
  }
  return name;
}

/** Returns the key under which the one-live-entry-per-person rule identifies a member. */
export function personKeyOf(person: { idHash: string | null; phoneHash: string }): string {
  return person.idHash ? `id:${person.idHash}` : `phone:${person.phoneHash}`;
}

/**
 * Checks and normalises the members' names, mobile numbers and ID numbers with the domain rules
 * and lists every problem at once, each at `members.<index>.<field>`. When the event's form
 * hides the ID number (`formIdRule` 'hidden'), an ID number sent anyway is dropped, as for an
 * individual entry, so it is neither stored nor used.
 */
export function checkMembers(
  inputs: { member: MemberInput; index: number }[],
  cipher: PersonalDataCipher,
  formIdRule: IdNumberRule = 'optional',
): CheckedMember[] {
  const errors: FieldError[] = [];
  const checked: CheckedMember[] = [];
  for (const { member, index } of inputs) {
    const at = `members.${index}.`;
    const name = checkPersonName(member.name);
    if (!name.ok) {
      errors.push({
        field: `${at}name`,
        code: name.reason,
        message: 'must be 2 to 30 Chinese characters or letters, with at least one letter',
      });
    }
    const phone = checkMobile(member.phone);
    if (!phone.ok) {
      errors.push({
        field: `${at}phone`,
        code: phone.reason,
        message: 'is not a valid mainland mobile number',
      });
    }
    let id: ResidentId | undefined;
    if (formIdRule !== 'hidden' && member.idNumber !== undefined && member.idNumber.trim() !== '') {
      const checkedId = checkResidentId(member.idNumber);
      if (checkedId.ok) id = checkedId.value;
      else {
        errors.push({
          field: `${at}idNumber`,
          code: checkedId.reason,
          message: 'is not a valid 18-character resident ID number',
        });
      }
    }
    if (name.ok && phone.ok) {
      checked.push({
        name: name.value,
        phone: phone.value,
        id,
        phoneHash: cipher.hash(phone.value),
        idHash: id ? cipher.hash(id.id) : null,
        index,
        guardianInput: member.guardian,
        guardian: null,
      });
    }
  }
  if (errors.length > 0) throw withFieldErrors(new InvalidMember(), errors);
  return checked;
}

/** Rejects a list in which one person (by ID number, else mobile number) appears twice. */
export function rejectDuplicates(members: { key: string; field: string }[]): void {
  const seen = new Map<string, string>();
  const errors: FieldError[] = [];
  for (const member of members) {
    const first = seen.get(member.key);
    if (first === undefined) seen.set(member.key, member.field);
    else {
      errors.push({
        field: member.field,
        code: 'duplicate',
        message: `is the same person as ${first}`,
      });
    }
  }
  if (errors.length > 0) throw withFieldErrors(new DuplicateMember(), errors);
}

/** Rejects a team size outside the group's team_min to team_max. */
export function checkTeamSize(group: EventGroupRow, size: number): void {
  const min = group.team_min ?? 1;
  const max = group.team_max ?? min;
  if (size < min || size > max) {
    throw withFieldErrors(new TeamSizeOutOfRange(size, `${min} to ${max}`), [
      { field: 'members', code: 'size', message: `must list ${min} to ${max} members` },
    ]);
  }
}

/**
 * Returns the rule for members' ID numbers in a group: the rule of the event's registration
 * form, raised from optional to required when the group has a gender or age rule, because
 * those are read from the ID number. A hidden ID number stays hidden, and then members cannot
 * pass such a group rule, as with individual entries.
 */
export function idNumberRuleOf(group: EventGroupRow, formIdRule: IdNumberRule): IdNumberRule {
  if (formIdRule !== 'optional') return formIdRule;
  const hasRule = group.gender !== 'any' || group.min_age !== null || group.max_age !== null;
  return hasRule ? 'required' : 'optional';
}

/**
 * Checks new members against the group: an ID number where the form or the group's rule
 * requires one, then the gender and age rule on the event's start date. Lists every problem at
 * once.
 */
export function checkMembersForGroup(
  group: EventGroupRow,
  members: CheckedMember[],
  startsAt: Date,
  formIdRule: IdNumberRule,
): void {
  const rule = idNumberRuleOf(group, formIdRule);
  const missingIds: FieldError[] = members
    .filter((member) => rule === 'required' && member.id === undefined)
    .map((member) => ({
      field: `members.${member.index}.idNumber`,
      code: 'required',
      message:
        formIdRule === 'required'
          ? "is required by the event's registration form"
          : "is required by the group's gender or age rule",
    }));
  if (missingIds.length > 0) throw withFieldErrors(new InvalidMember(), missingIds);
  const problems = members.flatMap((member) =>
    eligibilityErrors(group, member.id, startsAt, `members.${member.index}.`),
  );
  if (problems.length > 0) throw withFieldErrors(new NotEligible(group.id), problems);
}

/**
 * Checks the guardian of every member who is under 14 on the event's start date, by the birth
 * date in their ID number, with the same rules as an individual entry. Returns the members with
 * their checked guardians, or throws REG_GUARDIAN_CONSENT_REQUIRED listing every problem at
 * `members.<index>.guardian.<field>`. A member without an ID number has no known age and needs
 * no guardian, as an individual entrant without an ID number or birth date. Members of 14 or
 * older keep no guardian, even when one was sent.
 */
export function checkMemberGuardians(members: CheckedMember[], startsAt: Date): CheckedMember[] {
  const eventDate = shanghaiDate(startsAt);
  const errors: FieldError[] = [];
  const checked = members.map((member) => {
    const age = member.id ? ageOn(member.id.birthDate, eventDate) : undefined;
    if (!needsGuardianConsent(age)) return { ...member, guardian: null };
    const result = checkGuardianFields(member.guardianInput, `members.${member.index}.`);
    if (!result.ok) {
      errors.push(...result.errors);
      return member;
    }
    return { ...member, guardian: result.guardian };
  });
  if (errors.length > 0) throw withFieldErrors(new GuardianConsentRequired(), errors);
  return checked;
}

/** Tells whether a live entry takes this person's place under the one-entry rules. */
function blocks(entry: teams.PersonKey, member: teams.PersonKey): boolean {
  if (member.idHash !== null && entry.idHash === member.idHash) return true;
  if (entry.phoneHash !== member.phoneHash) return false;
  // The same-phone rule: a mobile number used without an ID number identifies one person.
  return member.idHash === null || entry.idHash === null;
}

/**
 * Rejects members who already hold a live entry in the event, individual or in another team,
 * naming each of them. A member is registered when a live entry has their ID number, or shares
 * their mobile number while one of the two has no ID number (the same-phone rule). The caller
 * holds the event's lock, so no entry can appear between this check and the insert; the unique
 * indexes stay the last guard.
 */
export async function rejectRegisteredPersons(
  trx: Executor,
  eventId: string,
  members: CheckedMember[],
  exceptTeamId?: string,
): Promise<void> {
  const live = await teams.livePersonsAmong(trx, eventId, members, exceptTeamId);
  const errors = members
    .map((member) => ({ member, entry: live.find((entry) => blocks(entry, member)) }))
    .filter(({ entry }) => entry !== undefined)
    .map(({ member, entry }) => ({
      field: `members.${member.index}.${member.idHash && entry?.idHash === member.idHash ? 'idNumber' : 'phone'}`,
      code: 'already_registered',
      message: 'already holds an entry in this event',
    }));
  if (errors.length > 0) throw withFieldErrors(new MemberAlreadyRegistered(eventId), errors);
}

/**
 * Rejects a member list in which a member without an ID number shares a mobile number with
 * another member, because without an ID number the mobile number identifies the person.
 * `field` names each member in the request, as in `members.2`.
 */
export function rejectSharedPhones(
  members: { phoneHash: string; idHash: string | null; field: string }[],
): void {
  const errors: FieldError[] = [];
  members.forEach((member, position) => {
    if (member.idHash !== null) return;
    const other = members.find(
      (candidate, index) => index !== position && candidate.phoneHash === member.phoneHash,
    );
    if (other) {
      errors.push({
        field: `${member.field}.phone`,
        code: 'same_phone',
        message: `is also the mobile number of ${other.field}; a member without an ID number needs a mobile number of their own`,
      });
    }
  });
  if (errors.length > 0) throw withFieldErrors(new DuplicateMember(), errors);
}

/**
 * Inserts members of a team as entries with the team's status and waiting-list number. Each
 * entry stores the member's checked guardian, if any. With `consents`, each entry also records
 * the accepted safety notice version and, for a member with an ID number, the ID number
 * consent, both stamped with the database's time.
 */
export async function insertMembers(
  trx: Executor,
  cipher: PersonalDataCipher,
  team: { id: string; event_id: string; group_id: string; waiting_seq: string | null },
  members: CheckedMember[],
  status: RegistrationStatus,
  consents?: { safetyNoticeVersion: number | null },
): Promise<RegistrationRow[]> {
  const rows: RegistrationRow[] = [];
  const now = sql<Date>`now()`;
  const noticeVersion = consents?.safetyNoticeVersion ?? null;
  for (const member of members) {
    const row = await trx
      .insertInto('registrations')
      .values({
        id: uuidv7(),
        event_id: team.event_id,
        group_id: team.group_id,
        team_id: team.id,
        code: randomCode(),
        name: member.name,
        phone_ciphertext: cipher.encrypt(member.phone),
        phone_hash: member.phoneHash,
        phone_masked: maskMobile(member.phone),
        id_ciphertext: member.id ? cipher.encrypt(member.id.id) : null,
        id_hash: member.idHash,
        id_masked: member.id ? maskResidentId(member.id.id) : null,
        status,
        waiting_seq: status === 'waiting' ? team.waiting_seq : null,
        channel: 'web',
        safety_notice_version: noticeVersion,
        safety_accepted_at: noticeVersion === null ? null : now,
        id_consent_at: consents && member.id ? now : null,
        ...guardianColumns(cipher, member.guardian),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    rows.push(row);
  }
  return rows;
}
