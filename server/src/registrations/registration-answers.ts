import {
  checkAnswers,
  checkEntrant,
  checkMobile,
  checkPersonName,
  MAX_AGE_YEARS,
  needsGuardianConsent,
  shanghaiDate,
  type AnswerValue,
  type Entrant,
} from '@cityleague/domain';

import type { EventRegistrationForm } from '../forms/form.service.js';
import { throwIfFieldErrors, withFieldErrors, type FieldError } from '../http/problem.js';
import {
  GuardianConsentRequired,
  IdConsentRequired,
  SafetyNoticeOutdated,
  SafetyNoticeRequired,
} from './registration.errors.js';

/** What an entrant sends besides the group: identity, answers and consents. */
export interface RegistrationAnswersInput {
  name: string;
  phone: string;
  idNumber?: string;
  /** YYYY-MM-DD; gives the age when no ID number is given. */
  birthDate?: string;
  /** Answers to the custom fields, by field key. */
  answers?: Record<string, unknown>;
  /** Must be true whenever an ID number is sent. */
  idConsent?: boolean;
  /** Version of the safety notice the entrant accepted; required when the event has one. */
  safetyNoticeVersion?: number;
  /** Required for an entrant under 14 on the event's start date. */
  guardian?: { name: string; phone: string; consent: boolean };
}

/** The checked and normalised content of a registration, ready to store. */
export interface ValidatedRegistration {
  entrant: Entrant;
  answers: Record<string, AnswerValue>;
  /** File answers, which the entry must claim from the event's attachments. */
  files: { id: string; fieldKey: string }[];
  formVersion: number;
  safetyNoticeVersion: number | null;
  guardian: CheckedGuardian | null;
}

const ANSWER_MESSAGES: Record<string, string> = {
  required: 'is required',
  invalid_type: 'has the wrong type or format',
  too_short: 'is shorter than the minimum',
  too_long: 'is longer than the maximum',
  below_min: 'is below the minimum',
  above_max: 'is above the maximum',
  invalid_date: 'is not a real date written YYYY-MM-DD',
  birth_date_future: 'must not be later than today (Shanghai time)',
  birth_date_too_early: `is more than ${MAX_AGE_YEARS} years ago: check it for a typing mistake`,
  not_an_option: 'is not one of the options, or contradicts the ID number',
  too_few: 'has fewer choices than the minimum',
  too_many: 'has more choices than the maximum',
};

function fieldErrorsOf(errors: { field: string; problem: string }[], prefix = ''): FieldError[] {
  return errors.map(({ field, problem }) => ({
    field: `${prefix}${field}`,
    code: problem,
    message: ANSWER_MESSAGES[problem] ?? 'is invalid',
  }));
}

/** A guardian's checked real name and normalised mainland mobile number. */
export interface CheckedGuardian {
  name: string;
  phone: string;
}

/**
 * Checks a guardian's real name, mobile number and consent. Returns the normalised guardian, or
 * one field error per problem at `<fieldPrefix>guardian.<field>`, so that a team can list the
 * problems of all its members at once. `fieldPrefix` names the entrant in a list, as in
 * `members.2.`.
 */
export function checkGuardianFields(
  input: RegistrationAnswersInput['guardian'],
  fieldPrefix = '',
): { ok: true; guardian: CheckedGuardian } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const name = input ? checkPersonName(input.name) : undefined;
  const phone = input ? checkMobile(input.phone) : undefined;
  if (!name?.ok) {
    errors.push({
      field: `${fieldPrefix}guardian.name`,
      code: name?.reason ?? 'required',
      message: "is required: the guardian's real name",
    });
  }
  if (!phone?.ok) {
    errors.push({
      field: `${fieldPrefix}guardian.phone`,
      code: phone?.reason ?? 'required',
      message: "is required: the guardian's mainland mobile number",
    });
  }
  if (input?.consent !== true) {
    errors.push({
      field: `${fieldPrefix}guardian.consent`,
      code: 'required',
      message: 'must be true',
    });
  }
  if (errors.length > 0 || !name?.ok || !phone?.ok) return { ok: false, errors };
  return { ok: true, guardian: { name: name.value, phone: phone.value } };
}

function checkGuardian(input: RegistrationAnswersInput['guardian']): CheckedGuardian {
  const checked = checkGuardianFields(input);
  if (!checked.ok) throw withFieldErrors(new GuardianConsentRequired(), checked.errors);
  return checked.guardian;
}

/**
 * Throws REG_SAFETY_NOTICE_REQUIRED when the event has a safety notice and no version was
 * accepted, and REG_SAFETY_NOTICE_OUTDATED when the accepted version is not the current one.
 */
export function checkSafetyNoticeAccepted(
  loaded: Pick<EventRegistrationForm, 'safetyNotice'>,
  acceptedVersion: number | undefined,
): void {
  const notice = loaded.safetyNotice;
  if (notice === null) return;
  if (acceptedVersion === undefined) throw new SafetyNoticeRequired(notice.version);
  if (acceptedVersion !== notice.version) {
    throw new SafetyNoticeOutdated(acceptedVersion, notice.version);
  }
}

/**
 * Checks a registration against the event's form with the same domain rules as the app. It
 * checks the entrant (name, mobile, and the ID number by the form's rule) and the custom answers
 * with their conditions on other answers and on the age at the event's start date. It also
 * checks the ID number consent, the safety notice's current version and, under 14, the
 * guardian's consent. Throws VALIDATION_FAILED with one error per field (`answers.<key>` for
 * custom fields), or the consent's own code. Every registration channel calls it before storing
 * an entry.
 */
export function validateRegistrationAnswers(
  loaded: EventRegistrationForm,
  input: RegistrationAnswersInput,
  eventStartsAt: Date,
  today: Date = new Date(),
): ValidatedRegistration {
  const eventDate = shanghaiDate(eventStartsAt);
  const checkedEntrant = checkEntrant(
    loaded.form.idNumber,
    { name: input.name, phone: input.phone, idNumber: input.idNumber, birthDate: input.birthDate },
    eventDate,
    today,
  );
  const errors: FieldError[] = [];
  if (!checkedEntrant.ok) errors.push(...fieldErrorsOf(checkedEntrant.errors));
  const entrant = checkedEntrant.ok ? checkedEntrant.entrant : undefined;

  const checkedAnswers = checkAnswers(loaded.form.fields, input.answers ?? {}, entrant?.age);
  if (!checkedAnswers.ok) errors.push(...fieldErrorsOf(checkedAnswers.errors, 'answers.'));
  throwIfFieldErrors(errors);
  if (!entrant || !checkedAnswers.ok) throw new Error('unreachable: errors were thrown');

  if (entrant.idNumber !== undefined && input.idConsent !== true) throw new IdConsentRequired();

  const notice = loaded.safetyNotice;
  checkSafetyNoticeAccepted(loaded, input.safetyNoticeVersion);

  const guardian = needsGuardianConsent(entrant.age) ? checkGuardian(input.guardian) : null;
  const files = loaded.form.fields
    .filter((field) => field.type === 'file' && checkedAnswers.values[field.key] !== undefined)
    .map((field) => ({ id: String(checkedAnswers.values[field.key]), fieldKey: field.key }));

  return {
    entrant,
    answers: checkedAnswers.values,
    files,
    formVersion: loaded.version,
    safetyNoticeVersion: notice?.version ?? null,
    guardian,
  };
}
