import {
  DOCUMENT_CATEGORIES,
  isEditable,
  MAX_DOCUMENTS_PER_EVENT,
  type DocumentCategory,
  type EventState,
} from '@cityleague/domain';

import type { Principal } from '../accounts/account.repository.js';
import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { Db } from '../db/database.js';
import type { EventDocumentRow } from '../db/schema.js';
import { EventNotEditable, EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent, lockOwnEvent, type Actor } from '../events/event.service.js';
import { withFieldErrors, ValidationFailed } from '../http/problem.js';
import { uuidv7 } from '../shared/ids.js';
import type { DocumentStore } from './document-store.js';
import { DocumentLimitReached, DocumentNotFound } from './document.errors.js';
import * as repository from './document.repository.js';
import { KIND_FORMATS } from './file-kind.js';
import { cleanFileName } from './file-name.js';
import type { Upload } from './upload.js';

export function toDocumentItem(row: EventDocumentRow) {
  return {
    id: row.id,
    category: row.category,
    fileName: row.file_name,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    uploadedAt: new Date(row.uploaded_at).toISOString(),
    downloadUrl: `/api/console/events/${row.event_id}/documents/${row.id}`,
  };
}

/** Tells whether the user's organisation may add or delete documents of the event now. */
function maySetDocuments(user: Principal, event: { organisation_id: string; state: string }) {
  return event.organisation_id === user.organisationId && isEditable(event.state as EventState);
}

/** Throws unless the user's organisation owns the event and its filing is still editable. */
function requireDocumentChange(
  user: Principal,
  event: { organisation_id: string; state: string; id: string },
) {
  if (event.organisation_id !== user.organisationId) throw new EventNotOwned(event.id);
  if (!isEditable(event.state as EventState)) throw new EventNotEditable(event.state);
}

/** Lists the documents of an event the user may see, oldest first, with the upload limits. */
export async function listDocuments(db: Db, user: Principal, eventId: string, maxBytes: number) {
  const event = await getVisibleEvent(db, user, eventId);
  const rows = await repository.listDocuments(db, eventId);
  return {
    items: rows.map(toDocumentItem),
    canChange: maySetDocuments(user, event),
    maxCount: MAX_DOCUMENTS_PER_EVENT,
    maxBytes,
  };
}

/**
 * Checks, before the upload is read, that the user may add a document to the event, so that
 * a caller without the right is rejected before the file is read.
 */
export async function checkDocumentUpload(db: Db, user: Principal, eventId: string) {
  requireDocumentChange(user, await getVisibleEvent(db, user, eventId));
}

/** Reads the category field of an upload, or throws VALIDATION_FAILED. */
export function categoryOf(upload: Upload): DocumentCategory {
  const category = upload.fields.category;
  if ((DOCUMENT_CATEGORIES as readonly string[]).includes(category ?? '')) {
    return category as DocumentCategory;
  }
  throw withFieldErrors(new ValidationFailed(), [
    {
      field: 'category',
      code: category === undefined ? 'required' : 'enum',
      message: `must be one of ${DOCUMENT_CATEGORIES.join(', ')}`,
    },
  ]);
}

/**
 * Attaches an uploaded document to an event whose filing is editable. The event row is
 * locked, so concurrent uploads count against the limit one at a time. The file is moved into
 * place inside the transaction and removed again when the transaction fails.
 */
export async function addDocument(
  db: Db,
  store: DocumentStore,
  actor: Actor,
  eventId: string,
  upload: Upload,
) {
  const id = uuidv7();
  try {
    const category = categoryOf(upload);
    const fileName = cleanFileName(upload.fileName, upload.kind);
    const row = await db.transaction().execute(async (trx) => {
      const event = await lockOwnEvent(trx, actor, eventId);
      requireDocumentChange(actor.user, event);
      const count = await repository.countDocuments(trx, eventId);
      if (count >= MAX_DOCUMENTS_PER_EVENT) {
        throw new DocumentLimitReached(eventId, MAX_DOCUMENTS_PER_EVENT);
      }

      const inserted = await repository.insertDocument(trx, {
        id,
        event_id: eventId,
        category,
        file_name: fileName,
        content_type: KIND_FORMATS[upload.kind].contentType,
        size_bytes: upload.sizeBytes,
        sha256: upload.sha256,
        uploaded_by: actor.user.id,
      });
      await store.commit(upload, eventId, id);
      await recordAudit(trx, {
        ...auditActorOf(actor),
        action: 'document.uploaded',
        entityType: 'event',
        entityId: eventId,
        detail: {
          documentId: id,
          category,
          fileName,
          sizeBytes: upload.sizeBytes,
          sha256: upload.sha256,
        },
      });
      return inserted;
    });
    return toDocumentItem(row);
  } catch (error) {
    // Either the temporary file or, when the commit failed after the move, the stored one.
    await Promise.allSettled([store.discard(upload), store.remove(eventId, id)]);
    throw error;
  }
}

/**
 * Deletes a document of an event whose filing is editable. The row and the audit entry
 * commit first and the file is removed after, so a failed removal leaves an unreferenced
 * file, never a row without its file. Returns that removal's error for the caller to log.
 */
export async function deleteDocument(
  db: Db,
  store: DocumentStore,
  actor: Actor,
  eventId: string,
  documentId: string,
) {
  const deleted = await db.transaction().execute(async (trx) => {
    const event = await lockOwnEvent(trx, actor, eventId);
    requireDocumentChange(actor.user, event);
    const row = await repository.deleteDocument(trx, eventId, documentId);
    if (!row) throw new DocumentNotFound(documentId, eventId);
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'document.deleted',
      entityType: 'event',
      entityId: eventId,
      detail: { documentId: row.id, category: row.category, fileName: row.file_name },
    });
    return row;
  });
  return store.removeCommitted(deleted.event_id, deleted.id);
}

/** Returns a document of an event the user may see, or throws EVT_NOT_FOUND or DOC_NOT_FOUND. */
export async function getDocument(db: Db, user: Principal, eventId: string, documentId: string) {
  await getVisibleEvent(db, user, eventId);
  const row = await repository.findDocument(db, eventId, documentId);
  if (!row) throw new DocumentNotFound(documentId, eventId);
  return row;
}
