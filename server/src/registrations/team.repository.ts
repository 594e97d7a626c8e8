import { sql, type Insertable } from 'kysely';

import type { Executor } from '../db/database.js';
import type { RegistrationStatus, TeamStatus, TeamTable } from '../db/schema.js';

export async function insertTeam(db: Executor, row: Insertable<TeamTable>) {
  return db.insertInto('teams').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Finds a team by id, only when it belongs to the event. */
export async function findTeam(db: Executor, eventId: string, teamId: string) {
  return db
    .selectFrom('teams')
    .selectAll()
    .where('id', '=', teamId)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
}

export async function findTeamByIdempotencyKey(
  db: Executor,
  eventId: string,
  captainId: string,
  key: string,
) {
  return db
    .selectFrom('teams')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('captain_citizen_id', '=', captainId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** Tells whether another live team of the event has the name. */
export async function isTeamNameTaken(
  db: Executor,
  eventId: string,
  name: string,
  exceptTeamId?: string,
): Promise<boolean> {
  let query = db
    .selectFrom('teams')
    .select('id')
    .where('event_id', '=', eventId)
    .where('name', '=', name)
    .where('status', '<>', 'cancelled');
  if (exceptTeamId) query = query.where('id', '<>', exceptTeamId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** Lists the live (not cancelled) members of a team in the order they joined. */
export async function liveMembers(db: Executor, teamId: string) {
  return db
    .selectFrom('registrations')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('status', '<>', 'cancelled')
    .orderBy('id')
    .execute();
}

/** Cancel reason of a member whom the captain removed from a live team. */
export const REMOVED_FROM_TEAM = 'removed_from_team';

/**
 * Lists the members of several teams in the order they joined: the live members of a live team,
 * and the members cancelled with a cancelled team, leaving out members the captain removed.
 */
export async function membersOfTeams(db: Executor, teamIds: string[]) {
  if (teamIds.length === 0) return [];
  return db
    .selectFrom('registrations')
    .selectAll()
    .where('team_id', 'in', teamIds)
    .where((eb) =>
      eb.or([eb('status', '<>', 'cancelled'), eb('cancel_reason', '<>', REMOVED_FROM_TEAM)]),
    )
    .orderBy('id')
    .execute();
}

/** A person as the one-live-entry-per-person indexes identify them. */
export interface PersonKey {
  idHash: string | null;
  phoneHash: string;
}

/**
 * Returns the keys of the live entries of the event that may conflict with these people: those
 * with one of their ID numbers, and those with one of their mobile numbers, with or without an
 * ID number. The caller decides which of them block whom. Members of `exceptTeamId` are left
 * out.
 */
export async function livePersonsAmong(
  db: Executor,
  eventId: string,
  persons: PersonKey[],
  exceptTeamId?: string,
): Promise<PersonKey[]> {
  const idHashes = persons.flatMap((person) => (person.idHash ? [person.idHash] : []));
  const phoneHashes = persons.map((person) => person.phoneHash);
  if (idHashes.length + phoneHashes.length === 0) return [];
  let query = db
    .selectFrom('registrations')
    .select(['id_hash', 'phone_hash'])
    .where('event_id', '=', eventId)
    .where('status', '<>', 'cancelled')
    .where((eb) =>
      eb.or([
        ...(idHashes.length > 0 ? [eb('id_hash', 'in', idHashes)] : []),
        ...(phoneHashes.length > 0 ? [eb('phone_hash', 'in', phoneHashes)] : []),
      ]),
    );
  if (exceptTeamId) {
    query = query.where((eb) =>
      eb.or([eb('team_id', 'is', null), eb('team_id', '<>', exceptTeamId)]),
    );
  }
  const rows = await query.execute();
  return rows.map((row) => ({ idHash: row.id_hash, phoneHash: row.phone_hash }));
}

/**
 * Changes a team's status only when it still has the status the caller read, so of two
 * cancellations only the first changes it. Returns the row when it changed.
 */
export async function changeTeamStatus(
  db: Executor,
  teamId: string,
  from: TeamStatus,
  to: { status: TeamStatus; cancelReason?: string },
) {
  return db
    .updateTable('teams')
    .set({
      status: to.status,
      updated_at: sql<Date>`now()`,
      cancelled_at: to.status === 'cancelled' ? sql<Date>`now()` : null,
      cancel_reason: to.status === 'cancelled' ? (to.cancelReason ?? null) : null,
      waiting_seq: to.status === 'waiting' ? sql<string>`waiting_seq` : null,
      ...(from === 'waiting' && to.status === 'active' ? { promoted_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', teamId)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst();
}

/** Moves a team's members from one status to another and returns the rows changed. */
export async function changeMembersStatus(
  db: Executor,
  teamId: string,
  from: RegistrationStatus,
  to: { status: RegistrationStatus; cancelReason?: string },
) {
  return db
    .updateTable('registrations')
    .set({
      status: to.status,
      cancelled_at: to.status === 'cancelled' ? sql<Date>`now()` : null,
      cancel_reason: to.status === 'cancelled' ? (to.cancelReason ?? null) : null,
      waiting_seq: to.status === 'waiting' ? sql<string>`waiting_seq` : null,
      ...(from === 'waiting' && to.status === 'active' ? { promoted_at: sql<Date>`now()` } : {}),
    })
    .where('team_id', '=', teamId)
    .where('status', '=', from)
    .returningAll()
    .execute();
}

/** Cancels the named members of a team, removed by the captain, that still have the team's status. */
export async function cancelMembers(
  db: Executor,
  teamId: string,
  memberIds: string[],
  from: RegistrationStatus,
) {
  if (memberIds.length === 0) return [];
  return db
    .updateTable('registrations')
    .set({
      status: 'cancelled',
      cancelled_at: sql<Date>`now()`,
      cancel_reason: REMOVED_FROM_TEAM,
    })
    .where('team_id', '=', teamId)
    .where('id', 'in', memberIds)
    .where('status', '=', from)
    .returningAll()
    .execute();
}

export async function touchTeam(db: Executor, teamId: string): Promise<void> {
  await db
    .updateTable('teams')
    .set({ updated_at: sql<Date>`now()` })
    .where('id', '=', teamId)
    .execute();
}

/** Lists a captain's teams, newest first, with their event and group. */
export async function teamsOfCaptain(db: Executor, captainId: string, limit: number) {
  return db
    .selectFrom('teams')
    .innerJoin('events', 'events.id', 'teams.event_id')
    .innerJoin('event_groups', 'event_groups.id', 'teams.group_id')
    .selectAll('teams')
    .select(['events.name as event_name', 'event_groups.name as group_name'])
    .where('teams.captain_citizen_id', '=', captainId)
    .orderBy('teams.id', 'desc')
    .limit(limit)
    .execute();
}

/** Lists an event's teams in registration order, one page after `afterId`. */
export async function teamsOfEvent(
  db: Executor,
  eventId: string,
  page: { afterId?: string; limit: number },
) {
  let query = db
    .selectFrom('teams')
    .innerJoin('event_groups', 'event_groups.id', 'teams.group_id')
    .selectAll('teams')
    .select('event_groups.name as group_name')
    .where('teams.event_id', '=', eventId)
    .orderBy('teams.id')
    .limit(page.limit + 1);
  if (page.afterId) query = query.where('teams.id', '>', page.afterId);
  return query.execute();
}

/** Reads the registration deadlines of an event on the database clock, without a lock. */
export async function eventDeadlines(db: Executor, eventId: string) {
  return db
    .selectFrom('events')
    .select([
      'id',
      'name',
      'starts_at',
      sql<boolean>`now() >= registration_closes_at`.as('closed'),
      sql<boolean>`now() >= coalesce(cancel_deadline, registration_closes_at)`.as(
        'cancel_deadline_passed',
      ),
    ])
    .where('id', '=', eventId)
    .executeTakeFirst();
}
