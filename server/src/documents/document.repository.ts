import type { Insertable } from 'kysely';

import type { Executor } from '../db/database.js';
import type { EventChatGroupTable, EventDocumentTable } from '../db/schema.js';

export async function listDocuments(db: Executor, eventId: string) {
  return db
    .selectFrom('event_documents')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('id')
    .execute();
}

export async function countDocuments(db: Executor, eventId: string): Promise<number> {
  const row = await db
    .selectFrom('event_documents')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Finds a document by id, only when it belongs to the event. */
export async function findDocument(db: Executor, eventId: string, documentId: string) {
  return db
    .selectFrom('event_documents')
    .selectAll()
    .where('id', '=', documentId)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
}

export async function insertDocument(db: Executor, row: Insertable<EventDocumentTable>) {
  return db.insertInto('event_documents').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Deletes a document of the event; returns the deleted row, or undefined when there was none. */
export async function deleteDocument(db: Executor, eventId: string, documentId: string) {
  return db
    .deleteFrom('event_documents')
    .where('id', '=', documentId)
    .where('event_id', '=', eventId)
    .returningAll()
    .executeTakeFirst();
}

export async function listChatGroups(db: Executor, eventId: string) {
  return db
    .selectFrom('event_chat_groups')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('id')
    .execute();
}

export async function countChatGroups(db: Executor, eventId: string): Promise<number> {
  const row = await db
    .selectFrom('event_chat_groups')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Finds a chat group by id, only when it belongs to the event. */
export async function findChatGroup(db: Executor, eventId: string, chatGroupId: string) {
  return db
    .selectFrom('event_chat_groups')
    .selectAll()
    .where('id', '=', chatGroupId)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
}

export async function insertChatGroup(db: Executor, row: Insertable<EventChatGroupTable>) {
  return db.insertInto('event_chat_groups').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Deletes a chat group of the event; returns the deleted row, or undefined when there was none. */
export async function deleteChatGroup(db: Executor, eventId: string, chatGroupId: string) {
  return db
    .deleteFrom('event_chat_groups')
    .where('id', '=', chatGroupId)
    .where('event_id', '=', eventId)
    .returningAll()
    .executeTakeFirst();
}
