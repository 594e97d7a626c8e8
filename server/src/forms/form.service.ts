import {
  BUILT_IN_FORM_TEMPLATES,
  checkFormDefinition,
  DEFAULT_REGISTRATION_FORM,
  type RegistrationForm,
} from '@cityleague/domain';

import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { Db, Executor } from '../db/database.js';
import { EventNotEditable, EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent, lockOwnEvent, type Actor } from '../events/event.service.js';
import { withFieldErrors } from '../http/problem.js';
import { FormLocked, InvalidForm } from './form.errors.js';
import * as repository from './form.repository.js';
import type { FormAndNoticeRow } from './form.repository.js';

/** The safety and insurance notice an entrant accepts, in its current version. */
export interface SafetyNotice {
  version: number;
  body: string;
}

/** An event's registration form as registration uses it. */
export interface EventRegistrationForm {
  form: RegistrationForm;
  /** Grows with every save; 0 for the built-in default form of an event that never set one. */
  version: number;
  safetyNotice: SafetyNotice | null;
}

/** Reason the form of an event cannot change now, or null when it can. */
export type FormLockReason = 'cancelled' | 'registration_opened' | 'has_entries' | null;

// States in which the organiser prepares the event; a published event only until registration
// opens.
const PREPARING_STATES = new Set(['draft', 'returned', 'submitted', 'approved']);

/**
 * Loads an event's registration form and its current safety notice. An event without a stored
 * form has the built-in default: name and mobile number, the ID number optional.
 */
export async function loadRegistrationForm(
  db: Executor,
  eventId: string,
): Promise<EventRegistrationForm> {
  return (await loadRegistrationForms(db, [eventId])).get(eventId)!;
}

/**
 * Reads the registration forms of several events with one statement. Every event gets a form:
 * the built-in default when it never set one.
 */
export async function loadRegistrationForms(
  db: Executor,
  eventIds: readonly string[],
): Promise<Map<string, EventRegistrationForm>> {
  return registrationFormsOf(await repository.findFormsAndNotices(db, eventIds));
}

/** Turns rows of formsAndNoticesQuery into the forms by event id, as loadRegistrationForms. */
export function registrationFormsOf(
  rows: readonly FormAndNoticeRow[],
): Map<string, EventRegistrationForm> {
  return new Map(
    rows.map((row) => [
      row.event_id,
      {
        form: row.definition ?? DEFAULT_REGISTRATION_FORM,
        version: row.version ?? 0,
        safetyNotice:
          row.notice_version === null
            ? null
            : { version: row.notice_version, body: row.notice_body! },
      },
    ]),
  );
}

async function lockReasonOf(
  db: Executor,
  event: { id: string; state: string },
): Promise<FormLockReason> {
  if (event.state === 'cancelled') return 'cancelled';
  if (await repository.hasEntries(db, event.id)) return 'has_entries';
  if (PREPARING_STATES.has(event.state)) return null;
  if (await repository.registrationOpened(db, event.id)) return 'registration_opened';
  return null;
}

/** Reads an event's form for the console, with whether the signed-in user may change it. */
export async function getConsoleForm(db: Db, actor: Actor, eventId: string) {
  const event = await getVisibleEvent(db, actor.user, eventId);
  const loaded = await loadRegistrationForm(db, eventId);
  const owned = event.organisation_id === actor.user.organisationId;
  const lockReason = await lockReasonOf(db, event);
  return {
    ...loaded,
    canChangeForm: owned && lockReason === null,
    canChangeNotice: owned && event.state !== 'cancelled',
    lockReason,
  };
}

/** Throws FRM_INVALID_FORM listing every problem of a form definition. */
export function requireValidForm(form: RegistrationForm): void {
  const problems = checkFormDefinition(form);
  if (problems.length === 0) return;
  throw withFieldErrors(
    new InvalidForm(),
    problems.map(({ path, problem }) => ({
      field: `form.${path}`,
      code: problem,
      message: FORM_PROBLEM_MESSAGES[problem],
    })),
  );
}

const FORM_PROBLEM_MESSAGES = {
  too_many_fields: 'has more than 40 fields',
  invalid_key: 'must be a lower-case letter then up to 39 letters, digits or underscores',
  duplicate_key: 'is used by an earlier field',
  empty_label: 'must not be empty',
  too_long: 'is too long: labels take 50 characters, help texts 200',
  missing_options: 'needs at least one option for a choice field',
  duplicate_option: 'lists an option value twice',
  too_many_options: 'has more than 50 options',
  options_not_allowed: 'is allowed on choice fields only',
  invalid_range: 'must have min <= max, and no negative lengths or counts',
  unknown_condition_field: 'names a field the form does not have',
  condition_field_after: 'names a field that comes later in the form',
  condition_not_applicable: "cannot test that field's type this way",
} as const;

/** Orders object keys by their UTF-16 code units, as a plain string comparison does. */
function compareKeys(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Serialises a value with object keys sorted, because jsonb does not keep the key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => compareKeys(a, b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sameForm(a: RegistrationForm, b: RegistrationForm): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Saves an event's form and safety notice for the owning organisation. The form may change
 * while the event is prepared (draft, returned, in review, approved) or published before
 * registration opens, and only while the event has no entry, so stored answers always match
 * the form version they name. The notice may change until the event is cancelled: each change
 * is a new version, and entrants accept the version current when they register.
 */
export async function saveEventForm(
  db: Db,
  actor: Actor,
  eventId: string,
  input: { form: RegistrationForm; safetyNotice?: string | null },
): Promise<EventRegistrationForm> {
  requireValidForm(input.form);
  return db.transaction().execute(async (trx) => {
    const event = await lockOwnEvent(trx, actor, eventId);
    if (event.state === 'cancelled') throw new EventNotEditable(event.state);
    const current = await loadRegistrationForm(trx, eventId);
    const changes: Record<string, { before: unknown; after: unknown }> = {};

    if (!sameForm(current.form, input.form)) {
      const reason = await lockReasonOf(trx, event);
      if (reason !== null) throw new FormLocked(eventId, reason);
      const version = current.version + 1;
      await repository.upsertForm(trx, {
        eventId,
        definition: input.form,
        version,
        updatedBy: actor.user.id,
      });
      changes.formVersion = { before: current.version, after: version };
    }

    const notice = input.safetyNotice?.trim();
    if (notice && notice !== current.safetyNotice?.body) {
      const version = (current.safetyNotice?.version ?? 0) + 1;
      await repository.insertNotice(trx, {
        eventId,
        version,
        body: notice,
        createdBy: actor.user.id,
      });
      changes.safetyNoticeVersion = {
        before: current.safetyNotice?.version ?? null,
        after: version,
      };
    }

    if (Object.keys(changes).length > 0) {
      await recordAudit(trx, {
        ...auditActorOf(actor),
        action: 'registration_form.updated',
        entityType: 'event',
        entityId: eventId,
        detail: { fieldCount: input.form.fields.length, idNumber: input.form.idNumber },
        changes,
      });
    }
    return loadRegistrationForm(trx, eventId);
  });
}

/** Loads a form for the public registration page; the event's visibility is the caller's. */
export async function publicRegistrationForm(db: Executor, eventId: string) {
  return loadRegistrationForm(db, eventId);
}

/** Looks up a built-in template by id. */
export function builtInTemplate(id: string) {
  return BUILT_IN_FORM_TEMPLATES.find((template) => template.id === id);
}

/** Throws EVT_NOT_OWNED unless the actor's organisation owns the event. */
export async function requireOwnedEvent(db: Db, actor: Actor, eventId: string) {
  const event = await getVisibleEvent(db, actor.user, eventId);
  if (event.organisation_id !== actor.user.organisationId) throw new EventNotOwned(eventId);
  return event;
}
