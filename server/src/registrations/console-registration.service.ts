import { Type } from 'typebox';

import type { Principal } from '../accounts/account.repository.js';
import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { Db, Executor } from '../db/database.js';
import type { RegistrationRow } from '../db/schema.js';
import { EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent } from '../events/event.service.js';
import { loadRegistrationForm } from '../forms/form.service.js';
import { InvalidCursor } from '../http/problem.js';
import { Nullable } from '../http/schemas.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { AnswerNotFound, EntryFileNotFound, RegistrationNotFound } from './registration.errors.js';
import { answerViews, AnswerViewSchema, claimedFilesOf, fullAnswerText } from './entry-answers.js';
import * as repository from './registration.repository.js';
import { register, type RegistrationInput } from './registration.service.js';

/**
 * Fields of a registration that its event's organiser may reveal unmasked: the mobile number,
 * and a masked answer to a custom field as `answers.<field key>`.
 */
export const REVEALABLE_FIELD_PATTERN = '^(phone|answers\\.[a-z][a-z0-9_]{0,39})$';
export type RevealableField = 'phone' | `answers.${string}`;

export const RegistrationItemSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  phoneMasked: Type.String(),
  status: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  checkedInAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const RegistrationListItemSchema = Type.Object({
  ...RegistrationItemSchema.properties,
  answers: Type.Array(AnswerViewSchema, { description: "Answers to the form's custom fields" }),
});

export const RegistrationDetailSchema = Type.Object({
  ...RegistrationListItemSchema.properties,
  idMasked: Nullable(Type.String()),
  groupName: Type.String(),
  channel: Type.String(),
  guardianName: Nullable(Type.String()),
  guardianPhoneMasked: Nullable(Type.String()),
  cancelledAt: Nullable(Type.String({ format: 'date-time' })),
  cancelReason: Nullable(Type.String()),
});

export function toRegistrationItem(row: RegistrationRow) {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    phoneMasked: row.phone_masked,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    checkedInAt: row.checked_in_at ? new Date(row.checked_in_at).toISOString() : null,
  };
}

async function ownEvent(db: Db, user: Principal, eventId: string) {
  const event = await getVisibleEvent(db, user, eventId);
  if (event.organisation_id !== user.organisationId) throw new EventNotOwned(eventId);
  return event;
}

/**
 * Lists an event's registrations for its organiser, in registration order, each with its
 * answers to the custom fields, masked by the console's rule.
 */
export async function listEventRegistrations(
  db: Db,
  user: Principal,
  eventId: string,
  page: { cursor?: string; limit?: number },
) {
  await ownEvent(db, user, eventId);

  const limit = page.limit ?? 20;
  let afterId: string | undefined;
  if (page.cursor) {
    afterId = decodeCursor(page.cursor, ['id'] as const)?.id;
    if (!afterId) throw new InvalidCursor();
  }
  const rows = await repository.listForEvent(db, eventId, { afterId, limit });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const counts = await repository.countForEvent(db, eventId);
  const { fields } = (await loadRegistrationForm(db, eventId)).form;
  const files = await claimedFilesOf(
    db,
    eventId,
    items.map((row) => row.id),
  );
  return {
    items: items.map((row) => ({
      ...toRegistrationItem(row),
      answers: answerViews(
        fields,
        row.answers,
        files.filter((file) => file.registration_id === row.id),
      ),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ id: last.id }) : null,
    total: counts.total,
    checkedIn: counts.checkedIn,
    waiting: counts.waiting,
    offered: counts.offered,
  };
}

/**
 * Returns one entry of the organiser's event with its group, channel, masked identifiers and
 * answers. A registration of another event is REG_REGISTRATION_NOT_FOUND.
 */
export async function getEntryDetail(
  db: Db,
  user: Principal,
  eventId: string,
  registrationId: string,
) {
  await ownEvent(db, user, eventId);
  const row = await repository.findInEvent(db, eventId, registrationId);
  if (!row) throw new RegistrationNotFound(registrationId, eventId);
  const group = await db
    .selectFrom('event_groups')
    .select('name')
    .where('id', '=', row.group_id)
    .executeTakeFirst();
  const { fields } = (await loadRegistrationForm(db, eventId)).form;
  const files = await claimedFilesOf(db, eventId, [row.id]);
  return {
    ...toRegistrationItem(row),
    answers: answerViews(fields, row.answers, files),
    idMasked: row.id_masked,
    groupName: group?.name ?? '',
    channel: row.channel,
    guardianName: row.guardian_name,
    guardianPhoneMasked: row.guardian_phone_masked,
    cancelledAt: row.cancelled_at ? new Date(row.cancelled_at).toISOString() : null,
    cancelReason: row.cancel_reason,
  };
}

/**
 * Returns a file answer of an entry for download, to the event's organiser and to officials
 * whose scope covers the event, and records the download (`registration.file_downloaded`,
 * with the field and file ids) in the audit log. Other callers get EVT_NOT_FOUND, and a file
 * that is not a claimed answer of this entry is REG_FILE_NOT_FOUND.
 */
export async function downloadEntryFile(
  db: Db,
  actor: { user: Principal; ip: string; userAgent?: string | null },
  target: { eventId: string; registrationId: string; fileId: string },
) {
  const { eventId, registrationId, fileId } = target;
  await getVisibleEvent(db, actor.user, eventId);
  const file = await db
    .selectFrom('registration_attachments')
    .selectAll()
    .where('id', '=', fileId)
    .where('event_id', '=', eventId)
    .where('registration_id', '=', registrationId)
    .executeTakeFirst();
  if (!file) throw new EntryFileNotFound(fileId, registrationId);
  await recordAudit(db, {
    ...auditActorOf(actor),
    action: 'registration.file_downloaded',
    entityType: 'registration',
    entityId: registrationId,
    detail: { eventId, fieldKey: file.field_key, fileId },
  });
  return file;
}

/** Decrypts or reads in full the value of a revealable field of a registration row. */
async function revealedValue(
  db: Executor,
  cipher: PersonalDataCipher,
  row: RegistrationRow,
  field: RevealableField,
): Promise<string> {
  if (field === 'phone') return cipher.decrypt(row.phone_ciphertext);
  const key = field.slice('answers.'.length);
  const value = row.answers[key];
  const { fields } = (await loadRegistrationForm(db, row.event_id)).form;
  const formField = fields.find((candidate) => candidate.key === key);
  if (value === undefined || value === null || value === '' || formField?.type === 'file') {
    throw new AnswerNotFound(row.id, key);
  }
  return formField ? fullAnswerText(formField, value) : String(value);
}

/**
 * Decrypts one field of a registration for the organisation that owns its event, and records
 * the reveal (`personal_data.reveal`, with the field name but never the value) in the audit
 * log in the same transaction. Other callers get EVT_NOT_FOUND or EVT_NOT_OWNED, as on the
 * registration list, and nothing is written.
 */
export async function revealRegistrationField(
  db: Db,
  cipher: PersonalDataCipher,
  actor: { user: Principal; ip: string },
  target: { eventId: string; registrationId: string; field: RevealableField },
): Promise<string> {
  const { eventId, registrationId, field } = target;
  const event = await getVisibleEvent(db, actor.user, eventId);
  if (event.organisation_id !== actor.user.organisationId) throw new EventNotOwned(eventId);

  return db.transaction().execute(async (trx) => {
    const row = await repository.findInEvent(trx, eventId, registrationId);
    if (!row) throw new RegistrationNotFound(registrationId, eventId);
    const value = await revealedValue(trx, cipher, row, field);
    await recordAudit(trx, {
      actorUserId: actor.user.id,
      actorIp: actor.ip,
      action: 'personal_data.reveal',
      entityType: 'registration',
      entityId: row.id,
      detail: { eventId, field },
    });
    return value;
  });
}

/** Body of an entry an organiser adds: the public route's body without the channel. */
export type OrganiserEntryInput = Omit<
  RegistrationInput,
  'channel' | 'partnerId' | 'afterInsert' | 'idempotencyKey'
>;

/**
 * Adds one entry to the organiser's own event, as when a person registers at the organiser's
 * desk or by telephone. The entry goes through `register` with channel 'console', so the
 * window, capacity, same-person rules and the form's answers (required fields, types,
 * conditions, the ID number rule, consents) are checked exactly as on the public route. A
 * `registration.added` audit entry is written in the entry's transaction.
 */
export async function addEntryByOrganiser(
  db: Db,
  cipher: PersonalDataCipher,
  actor: { user: Principal; ip: string },
  eventId: string,
  input: OrganiserEntryInput & { idempotencyKey?: string },
) {
  const event = await getVisibleEvent(db, actor.user, eventId);
  if (event.organisation_id !== actor.user.organisationId) throw new EventNotOwned(eventId);

  const result = await register(db, cipher, eventId, {
    ...input,
    channel: 'console',
    afterInsert: async (trx, registration) => {
      await recordAudit(trx, {
        actorUserId: actor.user.id,
        actorIp: actor.ip,
        action: 'registration.added',
        entityType: 'registration',
        entityId: registration.id,
        detail: { eventId, status: registration.status },
      });
      return registration;
    },
  });
  return { ...result, event: { id: event.id, name: event.name } };
}
