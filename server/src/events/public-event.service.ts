import type { Db } from '../db/database.js';
import { DivisionUnknownInInput } from '../divisions/division.errors.js';
import { findDivision } from '../divisions/division.service.js';
import { InvalidCursor } from '../http/problem.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { toPublicEvent } from './event.dto.js';
import { EventNotFound } from './event.errors.js';
import * as repository from './event.repository.js';

const PUBLIC_CURSOR = ['publishedAt', 'id'] as const;

/** Lists published events for the public, newest published first, by district and section. */
export async function listPublishedEvents(
  db: Db,
  filter: { district?: string; section?: string; cursor?: string; limit?: number },
) {
  const limit = filter.limit ?? 20;
  if (filter.district) {
    const district = await findDivision(db, filter.district);
    if (!district || district.level !== 'district') {
      throw new DivisionUnknownInInput(filter.district);
    }
  }

  let query = repository
    .eventViewQuery(db)
    .where('events.state', '=', 'published')
    .orderBy('events.published_at', 'desc')
    .orderBy('events.id', 'desc')
    .limit(limit + 1);
  if (filter.district) query = query.where('events.district_code', '=', filter.district);
  if (filter.section) query = query.where('events.section', '=', filter.section);
  if (filter.cursor) {
    const position = decodeCursor(filter.cursor, PUBLIC_CURSOR);
    const publishedAt = position ? new Date(position.publishedAt) : undefined;
    if (!position || !publishedAt || Number.isNaN(publishedAt.getTime())) {
      throw new InvalidCursor();
    }
    // published_at is stored at millisecond precision, so the cursor's value compares exactly.
    query = query.where((eb) =>
      eb.or([
        eb('events.published_at', '<', publishedAt),
        eb.and([eb('events.published_at', '=', publishedAt), eb('events.id', '<', position.id)]),
      ]),
    );
  }

  const rows = await query.execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last?.published_at
      ? encodeCursor({ publishedAt: new Date(last.published_at).toISOString(), id: last.id })
      : null;
  return { items: page.map(toPublicEvent), nextCursor };
}

/** Returns one published event, or EVT_NOT_FOUND for anything unpublished. */
export async function getPublishedEvent(db: Db, id: string) {
  const view = await repository.findEventView(db, id);
  if (!view || view.state !== 'published') throw new EventNotFound(id);
  return toPublicEvent(view);
}

/**
 * Returns an event in the public shape whatever its state, for the holder of one of its
 * tickets: a ticket stays readable after its event is cancelled.
 */
export async function getTicketEvent(db: Db, id: string) {
  const view = await repository.findEventView(db, id);
  if (!view) throw new EventNotFound(id);
  return toPublicEvent(view);
}
