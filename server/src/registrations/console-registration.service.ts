import { Type } from 'typebox';

import type { Principal } from '../accounts/account.repository.js';
import type { Db } from '../db/database.js';
import type { RegistrationRow } from '../db/schema.js';
import { EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent } from '../events/event.service.js';
import { InvalidCursor } from '../http/problem.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import * as repository from './registration.repository.js';

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
