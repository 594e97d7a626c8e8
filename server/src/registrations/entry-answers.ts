import { checkResidentId, maskResidentId, type FormField } from '@cityleague/domain';
import { Type } from 'typebox';

import type { Executor } from '../db/database.js';
import { Nullable } from '../http/schemas.js';

/** One stored answer to a custom field as the organiser's console shows it. */
export interface AnswerView {
  key: string;
  label: string;
  type: FormField['type'];
  /** The answer as text: choices by label, dates as 2026年5月1日, several choices joined by 、. */
  text: string;
  /** True when `text` is masked; the full text comes from the audited reveal. */
  masked: boolean;
  /** The uploaded file of a file answer, downloaded through the console's file route. */
  file: { id: string; fileName: string; contentType: string; sizeBytes: number } | null;
}

export const AnswerViewSchema = Type.Object({
  key: Type.String(),
  label: Type.String(),
  type: Type.String(),
  text: Type.String({ description: 'Masked when masked is true' }),
  masked: Type.Boolean(),
  file: Nullable(
    Type.Object({
      id: Type.String(),
      fileName: Type.String(),
      contentType: Type.String(),
      sizeBytes: Type.Integer(),
    }),
  ),
});

/** A file that an entry claimed, as `registration_attachments` stores it. */
export interface ClaimedFile {
  id: string;
  registration_id: string | null;
  field_key: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
}

// Labels that name an identity document, whose answers are masked like the ID number.
const ID_LABEL = /身份证|证件|护照|通行证|军官证|社保卡/;

/**
 * Tells whether the console masks a field's answers: the organiser marked the field as
 * personal data, its label names an identity document, or its answer is a resident ID number.
 */
export function isMaskedAnswer(field: FormField, value: unknown): boolean {
  if (field.type === 'file') return false;
  if (field.sensitive === true || ID_LABEL.test(field.label)) return true;
  return typeof value === 'string' && checkResidentId(value).ok;
}

/** Masks a text answer: a resident ID number as everywhere, else all but its first and last character. */
export function maskAnswerText(text: string): string {
  const resident = checkResidentId(text);
  if (resident.ok) return maskResidentId(resident.value.id);
  const characters = Array.from(text);
  if (characters.length <= 2) return '*'.repeat(characters.length);
  return `${characters[0]}${'*'.repeat(characters.length - 2)}${characters.at(-1)}`;
}

/** Writes a YYYY-MM-DD answer as 2026年5月1日; other text is returned unchanged. */
function dateText(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return value;
  return `${match[1]}年${Number(match[2])}月${Number(match[3])}日`;
}

/** Writes one answer as text in full, the way the console shows an unmasked answer. */
export function fullAnswerText(field: FormField, value: unknown): string {
  const label = (choice: unknown) =>
    field.options?.find((option) => option.value === choice)?.label ?? String(choice);
  if (field.type === 'single_choice') return label(value);
  if (field.type === 'multiple_choice' && Array.isArray(value)) return value.map(label).join('、');
  if (field.type === 'date' && typeof value === 'string') return dateText(value);
  if (field.type === 'file') return '已上传';
  return String(value);
}

/**
 * Builds the console's view of an entry's answers, in the order of the form's fields. Fields
 * without an answer are left out. An answer whose field the form no longer has is shown as
 * text under its key. Masked answers carry the masked text only.
 */
export function answerViews(
  fields: FormField[],
  answers: Record<string, unknown>,
  files: ClaimedFile[],
): AnswerView[] {
  const known = new Set(fields.map((field) => field.key));
  const orphans: FormField[] = Object.keys(answers)
    .filter((key) => !known.has(key))
    .map((key) => ({ key, label: key, type: 'text', required: false }));
  const views: AnswerView[] = [];
  for (const field of [...fields, ...orphans]) {
    const value = answers[field.key];
    if (value === undefined || value === null || value === '') continue;
    const masked = isMaskedAnswer(field, value);
    const text = fullAnswerText(field, value);
    const file =
      field.type === 'file' ? files.find((candidate) => candidate.id === String(value)) : undefined;
    views.push({
      key: field.key,
      label: field.label,
      type: field.type,
      text: masked ? maskAnswerText(text) : text,
      masked,
      file: file
        ? {
            id: file.id,
            fileName: file.file_name,
            contentType: file.content_type,
            sizeBytes: file.size_bytes,
          }
        : null,
    });
  }
  return views;
}

/** Loads the files that the given entries claimed. */
export async function claimedFilesOf(
  db: Executor,
  eventId: string,
  registrationIds: string[],
): Promise<ClaimedFile[]> {
  if (registrationIds.length === 0) return [];
  return db
    .selectFrom('registration_attachments')
    .select(['id', 'registration_id', 'field_key', 'file_name', 'content_type', 'size_bytes'])
    .where('event_id', '=', eventId)
    .where('registration_id', 'in', registrationIds)
    .execute();
}
