import type { RegistrationForm } from '@cityleague/domain';
import { sql } from 'kysely';
import type { Insertable } from 'kysely';

import type { Executor } from '../db/database.js';
import type { FormTemplateTable, RegistrationAttachmentTable } from '../db/schema.js';

/** A row of formsAndNoticesQuery: the columns are null where the event has no form or notice. */
export interface FormAndNoticeRow {
  event_id: string;
  definition: RegistrationForm | null;
  version: number | null;
  notice_version: number | null;
  notice_body: string | null;
}

/**
 * The query of the stored form and the latest safety notice of each event, a row per event,
 * for findFormsAndNotices and for statements that read it with other rows.
 */
export function formsAndNoticesQuery(eventIds: readonly string[]) {
  return sql<FormAndNoticeRow>`
    select e.event_id, f.definition, f.version, n.version as notice_version,
      n.body as notice_body
    from unnest(${[...eventIds]}::uuid[]) as e (event_id)
    left join event_registration_forms f on f.event_id = e.event_id
    left join lateral (
      select s.version, s.body from event_safety_notices s
      where s.event_id = e.event_id
      order by s.version desc
      limit 1
    ) n on true`;
}

/**
 * Reads the stored form and the latest safety notice of each event with one statement. Every
 * event gets a row; the columns are null where it has no form or no notice.
 */
export async function findFormsAndNotices(
  db: Executor,
  eventIds: readonly string[],
): Promise<FormAndNoticeRow[]> {
  if (eventIds.length === 0) return [];
  const { rows } = await formsAndNoticesQuery(eventIds).execute(db);
  return rows;
}

/** Inserts or replaces an event's form and sets its version. */
export async function upsertForm(
  db: Executor,
  row: { eventId: string; definition: object; version: number; updatedBy: string },
) {
  await db
    .insertInto('event_registration_forms')
    .values({
      event_id: row.eventId,
      definition: JSON.stringify(row.definition),
      version: row.version,
      updated_by: row.updatedBy,
    })
    .onConflict((conflict) =>
      conflict.column('event_id').doUpdateSet({
        definition: JSON.stringify(row.definition),
        version: row.version,
        updated_by: row.updatedBy,
        updated_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

export async function insertNotice(
  db: Executor,
  row: { eventId: string; version: number; body: string; createdBy: string },
) {
  await db
    .insertInto('event_safety_notices')
    .values({
      event_id: row.eventId,
      version: row.version,
      body: row.body,
      created_by: row.createdBy,
    })
    .execute();
}

/** Tells whether an event has any entry, cancelled ones included. */
export async function hasEntries(db: Executor, eventId: string): Promise<boolean> {
  const row = await db
    .selectFrom('registrations')
    .select('id')
    .where('event_id', '=', eventId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Reads whether registration of an event has opened, on the database clock. */
export async function registrationOpened(db: Executor, eventId: string): Promise<boolean> {
  const row = await db
    .selectFrom('events')
    .select(sql<boolean>`coalesce(now() >= registration_opens_at, false)`.as('opened'))
    .where('id', '=', eventId)
    .executeTakeFirstOrThrow();
  return row.opened;
}

export async function listTemplates(db: Executor, organisationId: string) {
  return db
    .selectFrom('form_templates')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('name')
    .execute();
}

export async function findTemplate(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('form_templates')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertTemplate(db: Executor, row: Insertable<FormTemplateTable>) {
  return db.insertInto('form_templates').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function deleteTemplate(db: Executor, organisationId: string, id: string) {
  const result = await db
    .deleteFrom('form_templates')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function insertAttachment(db: Executor, row: Insertable<RegistrationAttachmentTable>) {
  return db
    .insertInto('registration_attachments')
    .values(row)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Gives unclaimed attachments of an event to a registration, each only for the field it was
 * uploaded for. Returns the ids claimed.
 */
export async function claimAttachments(
  db: Executor,
  eventId: string,
  registrationId: string,
  files: { id: string; fieldKey: string }[],
): Promise<string[]> {
  const claimed: string[] = [];
  for (const file of files) {
    const row = await db
      .updateTable('registration_attachments')
      .set({ registration_id: registrationId })
      .where('id', '=', file.id)
      .where('event_id', '=', eventId)
      .where('field_key', '=', file.fieldKey)
      .where('registration_id', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (row) claimed.push(row.id);
  }
  return claimed;
}
