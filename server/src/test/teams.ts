import type { FastifyInstance } from 'fastify';

import type { Db } from '../db/database.js';

/** A team member as a captain enters them. */
export interface TestMember {
  name: string;
  phone: string;
  idNumber?: string;
  guardian?: { name: string; phone: string; consent: boolean };
}

/** Posts a team registration as the signed-in captain. */
export function postTeam(
  app: FastifyInstance,
  captain: string,
  eventId: string,
  body: {
    name: string;
    members: TestMember[];
    groupId?: string;
    idConsent?: boolean;
    safetyNoticeVersion?: number;
  },
  idempotencyKey?: string,
) {
  // Members with ID numbers need the consent, which tests give unless they set it themselves.
  const withId = body.members.some((member) => member.idNumber);
  return app.inject({
    method: 'POST',
    url: `/api/citizen/events/${eventId}/teams`,
    payload: withId && body.idConsent === undefined ? { ...body, idConsent: true } : body,
    headers: { cookie: captain, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
  });
}

/** Replaces a team's member list as its captain. */
export function putMembers(
  app: FastifyInstance,
  captain: string,
  eventId: string,
  teamId: string,
  members: ({ id: string } | TestMember)[],
) {
  return app.inject({
    method: 'PUT',
    url: `/api/citizen/events/${eventId}/teams/${teamId}/members`,
    payload: { members },
    headers: { cookie: captain },
  });
}

/** Counts a team's entries by status. */
export async function memberStatuses(db: Db, teamId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('registrations')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('team_id', '=', teamId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

/** Reads a team's status. */
export async function teamStatus(db: Db, teamId: string): Promise<string> {
  const row = await db
    .selectFrom('teams')
    .select('status')
    .where('id', '=', teamId)
    .executeTakeFirstOrThrow();
  return row.status;
}
