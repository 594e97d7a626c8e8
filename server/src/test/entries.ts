import { residentIdCheckCharacter } from '@cityleague/domain';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';

import type { Db } from '../db/database.js';
import { as, fileEvent, postOk } from './harness.js';

/**
 * Builds a valid resident ID number of a Xuhui resident born on `birthDate` (YYYY-MM-DD).
 * `serial` (0 to 99) distinguishes people born on one day, and the sex digit follows `sex`.
 */
export function residentId(birthDate: string, sex: 'male' | 'female', serial = 0): string {
  const sexDigit = sex === 'male' ? 1 : 2;
  const first17 = `310104${birthDate.replaceAll('-', '')}${String(serial).padStart(2, '0')}${sexDigit}`;
  return first17 + residentIdCheckCharacter(first17);
}

/** Files an event, adds the groups while it is a draft, then has it approved and published. */
export async function publishWithGroups(
  app: FastifyInstance,
  organiser: string,
  reviewer: string,
  groups: Record<string, unknown>[],
  overrides: Record<string, unknown> = {},
): Promise<{ eventId: string; groupIds: string[] }> {
  const event = await fileEvent(app, organiser, { capacity: 1000, ...overrides });
  const groupIds: string[] = [];
  for (const group of groups) {
    const response = await as(
      app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${event.id}/groups`,
      payload: group,
    });
    if (response.statusCode !== 201) throw new Error(`Group: ${response.body}`);
    groupIds.push(response.json<{ id: string }>().id);
  }
  const submitted = await postOk(app, organiser, `/api/console/events/${event.id}/submit`);
  if (submitted.state === 'submitted') {
    await postOk(app, reviewer, `/api/reviews/${event.id}/approve`);
  }
  await postOk(app, organiser, `/api/console/events/${event.id}/publish`);
  return { eventId: event.id, groupIds };
}

/** Returns the id of an event's only group. */
export async function onlyGroupOf(db: Db, eventId: string): Promise<string> {
  const rows = await db
    .selectFrom('event_groups')
    .select('id')
    .where('event_id', '=', eventId)
    .execute();
  if (rows.length !== 1) throw new Error(`Event ${eventId} has ${rows.length} groups`);
  return rows[0]!.id;
}

/** Counts an event's entries by status. */
export async function statusCounts(db: Db, eventId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('registrations')
    .select(['status', sql<number>`count(*)::int`.as('count')])
    .where('event_id', '=', eventId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}

/** Reads a group's counter and the event's registered_count. */
export async function countersOf(db: Db, eventId: string, groupId: string) {
  const group = await db
    .selectFrom('event_groups')
    .select(['taken', 'capacity'])
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow();
  const event = await db
    .selectFrom('events')
    .select('registered_count')
    .where('id', '=', eventId)
    .executeTakeFirstOrThrow();
  return { taken: group.taken, capacity: group.capacity, registered: event.registered_count };
}

/** Lists the outbox rows of an event with one of the kinds, oldest first. */
export async function outboxKinds(db: Db, eventId: string, kinds: string[]) {
  return db
    .selectFrom('notification_outbox')
    .select(['kind', 'registration_id', 'dedup_key'])
    .where('event_id', '=', eventId)
    .where('kind', 'in', kinds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
