import { sql } from 'kysely';

import type { Db } from '../db/database.js';
import type { DocumentStore } from '../documents/document-store.js';
import { KIND_FORMATS, type FileKind } from '../documents/file-kind.js';
import { cleanFileName } from '../documents/file-name.js';
import type { Upload } from '../documents/upload.js';
import { EventNotFound } from '../events/event.errors.js';
import { uuidv7 } from '../shared/ids.js';
import { NoFileField } from './form.errors.js';
import * as repository from './form.repository.js';
import { loadRegistrationForm } from './form.service.js';

/** Largest file an entrant may attach to a registration: 5 MiB. */
export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
/** Kinds of file a registration takes, recognised by content: PDF, JPEG and PNG. */
export const ATTACHMENT_KINDS: readonly FileKind[] = ['pdf', 'jpeg', 'png'];

/**
 * Throws unless the event is published, takes registrations now (on the database clock) and
 * its form has a file field with this key.
 */
export async function checkAttachmentTarget(db: Db, eventId: string, fieldKey: string) {
  const event = await db
    .selectFrom('events')
    .select([
      'state',
      sql<boolean>`coalesce(now() >= registration_opens_at, true)
        and coalesce(now() < registration_closes_at, true)`.as('open'),
    ])
    .where('id', '=', eventId)
    .executeTakeFirst();
  if (!event || event.state !== 'published') throw new EventNotFound(eventId);
  const { form } = await loadRegistrationForm(db, eventId);
  const field = form.fields.find((candidate) => candidate.key === fieldKey);
  if (!event.open || field?.type !== 'file') throw new NoFileField(eventId, fieldKey);
}

/**
 * Stores an uploaded file as an unclaimed attachment of the event. Its id is the answer to the
 * file field, and the registration that names it claims it.
 */
export async function addAttachment(db: Db, store: DocumentStore, eventId: string, upload: Upload) {
  const fieldKey = upload.fields.fieldKey ?? '';
  await checkAttachmentTarget(db, eventId, fieldKey);
  const id = uuidv7();
  const format = KIND_FORMATS[upload.kind];
  const fileName = cleanFileName(upload.fileName, upload.kind);
  return db.transaction().execute(async (trx) => {
    const row = await repository.insertAttachment(trx, {
      id,
      event_id: eventId,
      field_key: fieldKey,
      file_name: fileName,
      content_type: format.contentType,
      size_bytes: upload.sizeBytes,
      sha256: upload.sha256,
    });
    await store.commit(upload, eventId, id);
    return row;
  });
}
