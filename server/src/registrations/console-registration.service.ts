import { Type } from 'typebox';

import type { Principal } from '../accounts/account.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { Db } from '../db/database.js';
import type { RegistrationRow } from '../db/schema.js';
import { EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent } from '../events/event.service.js';
import { InvalidCursor } from '../http/problem.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { RegistrationNotFound } from './registration.errors.js';
import * as repository from './registration.repository.js';
import { register, type RegistrationInput } from './registration.service.js';

/** Fields of a registration that its event's organiser may reveal unmasked. */
export const REVEALABLE_FIELDS = ['phone'] as const;
export type RevealableField = (typeof REVEALABLE_FIELDS)[number];

export const RegistrationItemSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  phoneMasked: Type.String(),
  status: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  checkedInAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
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

/** Lists an event's registrations for its organiser, in registration order. */
export async function listEventRegistrations(
  db: Db,
  user: Principal,
  eventId: string,
  page: { cursor?: string; limit?: number },
) {
  const event = await getVisibleEvent(db, user, eventId);
  if (event.organisation_id !== user.organisationId) throw new EventNotOwned(eventId);

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
  return {
    items: items.map(toRegistrationItem),
    nextCursor: rows.length > limit && last ? encodeCursor({ id: last.id }) : null,
    total: counts.total,
    checkedIn: counts.checkedIn,
  };
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
    const value = cipher.decrypt(row.phone_ciphertext);
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
