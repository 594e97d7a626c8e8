import {
  MAX_CHAT_GROUP_IMAGE_BYTES,
  MAX_CHAT_GROUP_LABEL_LENGTH,
  MAX_CHAT_GROUPS_PER_EVENT,
} from '@cityleague/domain';

import type { Principal } from '../accounts/account.repository.js';
import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import { phoneHashOfCitizen } from '../citizens/citizen.service.js';
import type { Db } from '../db/database.js';
import type { EventChatGroupRow } from '../db/schema.js';
import { EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent, lockOwnEvent, type Actor } from '../events/event.service.js';
import { ValidationFailed, withFieldErrors } from '../http/problem.js';
import { hasActiveRegistration } from '../registrations/registration.service.js';
import { uuidv7 } from '../shared/ids.js';
import type { DocumentStore } from './document-store.js';
import {
  ChatGroupLimitReached,
  ChatGroupNotFound,
  EventCancelled,
  NotRegistered,
} from './document.errors.js';
import * as repository from './document.repository.js';
import { KIND_FORMATS } from './file-kind.js';
import { hasUnsafeCharacters } from './file-name.js';
import type { Upload } from './upload.js';

function toChatGroupItem(row: EventChatGroupRow, audience: 'console' | 'citizen') {
  return {
    id: row.id,
    label: row.label,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    uploadedAt: new Date(row.uploaded_at).toISOString(),
    imageUrl: `/api/${audience}/events/${row.event_id}/chat-groups/${row.id}/image`,
  };
}

/** Throws unless the user's organisation owns the event and the event is not cancelled. */
function requireChatGroupChange(
  user: Principal,
  event: { id: string; organisation_id: string; state: string },
) {
  if (event.organisation_id !== user.organisationId) throw new EventNotOwned(event.id);
  if (event.state === 'cancelled') throw new EventCancelled(event.id);
}

/** Reads the label field of an upload: 1 to 20 characters after trimming, or VALIDATION_FAILED. */
export function labelOf(upload: Upload): string {
  const label = (upload.fields.label ?? '').normalize('NFC').trim();
  const length = Array.from(label).length;
  if (length >= 1 && length <= MAX_CHAT_GROUP_LABEL_LENGTH && !hasUnsafeCharacters(label)) {
    return label;
  }
  throw withFieldErrors(new ValidationFailed(), [
    {
      field: 'label',
      code: length === 0 ? 'required' : 'invalid',
      message: `must be 1 to ${MAX_CHAT_GROUP_LABEL_LENGTH} characters without control characters`,
    },
  ]);
}

/** Lists the chat-group QR codes of an event the console user may see, oldest first. */
export async function listChatGroups(db: Db, user: Principal, eventId: string) {
  const event = await getVisibleEvent(db, user, eventId);
  const rows = await repository.listChatGroups(db, eventId);
  return {
    items: rows.map((row) => toChatGroupItem(row, 'console')),
    canChange: event.organisation_id === user.organisationId && event.state !== 'cancelled',
    maxCount: MAX_CHAT_GROUPS_PER_EVENT,
    maxBytes: MAX_CHAT_GROUP_IMAGE_BYTES,
  };
}

/** Checks, before the upload is read, that the user may add a chat-group QR code. */
export async function checkChatGroupUpload(db: Db, user: Principal, eventId: string) {
  requireChatGroupChange(user, await getVisibleEvent(db, user, eventId));
}

/**
 * Adds a chat-group QR image to an event that is not cancelled, at most five per event. Like
 * a document, the file is moved into place inside the transaction that inserts its row.
 */
export async function addChatGroup(
  db: Db,
  store: DocumentStore,
  actor: Actor,
  eventId: string,
  upload: Upload,
) {
  const id = uuidv7();
  try {
    const label = labelOf(upload);
    const row = await db.transaction().execute(async (trx) => {
      const event = await lockOwnEvent(trx, actor, eventId);
      requireChatGroupChange(actor.user, event);
      const count = await repository.countChatGroups(trx, eventId);
      if (count >= MAX_CHAT_GROUPS_PER_EVENT) {
        throw new ChatGroupLimitReached(eventId, MAX_CHAT_GROUPS_PER_EVENT);
      }

      const inserted = await repository.insertChatGroup(trx, {
        id,
        event_id: eventId,
        label,
        content_type: KIND_FORMATS[upload.kind].contentType,
        size_bytes: upload.sizeBytes,
        sha256: upload.sha256,
        uploaded_by: actor.user.id,
      });
      await store.commit(upload, eventId, id);
      await recordAudit(trx, {
        ...auditActorOf(actor),
        action: 'chat_group.uploaded',
        entityType: 'event',
        entityId: eventId,
        detail: { chatGroupId: id, label, sizeBytes: upload.sizeBytes, sha256: upload.sha256 },
      });
      return inserted;
    });
    return toChatGroupItem(row, 'console');
  } catch (error) {
    await Promise.allSettled([store.discard(upload), store.remove(eventId, id)]);
    throw error;
  }
}

/**
 * Deletes a chat-group QR code of an event that is not cancelled. The file is removed after
 * the commit, and the error of that removal is returned for the caller to log.
 */
export async function deleteChatGroup(
  db: Db,
  store: DocumentStore,
  actor: Actor,
  eventId: string,
  chatGroupId: string,
) {
  const deleted = await db.transaction().execute(async (trx) => {
    const event = await lockOwnEvent(trx, actor, eventId);
    requireChatGroupChange(actor.user, event);
    const row = await repository.deleteChatGroup(trx, eventId, chatGroupId);
    if (!row) throw new ChatGroupNotFound(chatGroupId, eventId);
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'chat_group.deleted',
      entityType: 'event',
      entityId: eventId,
      detail: { chatGroupId: row.id, label: row.label },
    });
    return row;
  });
  return store.removeCommitted(deleted.event_id, deleted.id);
}

/** Returns a chat group of an event the console user may see. */
export async function getChatGroup(db: Db, user: Principal, eventId: string, chatGroupId: string) {
  await getVisibleEvent(db, user, eventId);
  const row = await repository.findChatGroup(db, eventId, chatGroupId);
  if (!row) throw new ChatGroupNotFound(chatGroupId, eventId);
  return row;
}

/**
 * Throws DOC_NOT_REGISTERED unless the citizen has an active registration for the event.
 * Registrations are not linked to citizen accounts: a registration belongs to the citizen
 * whose mobile number it was made with, matched by the numbers' keyed hashes.
 */
async function requireRegisteredCitizen(db: Db, citizenId: string, eventId: string) {
  const phoneHash = await phoneHashOfCitizen(db, citizenId);
  if (!(await hasActiveRegistration(db, eventId, phoneHash))) throw new NotRegistered(eventId);
}

/** Lists an event's chat-group QR codes for a citizen registered for it. */
export async function listChatGroupsForCitizen(db: Db, citizenId: string, eventId: string) {
  await requireRegisteredCitizen(db, citizenId, eventId);
  const rows = await repository.listChatGroups(db, eventId);
  return { items: rows.map((row) => toChatGroupItem(row, 'citizen')) };
}

/** Returns one chat group of an event for a citizen registered for it. */
export async function getChatGroupForCitizen(
  db: Db,
  citizenId: string,
  eventId: string,
  chatGroupId: string,
) {
  await requireRegisteredCitizen(db, citizenId, eventId);
  const row = await repository.findChatGroup(db, eventId, chatGroupId);
  if (!row) throw new ChatGroupNotFound(chatGroupId, eventId);
  return row;
}
