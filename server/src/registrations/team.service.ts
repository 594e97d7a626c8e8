import { sql } from 'kysely';

import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { Principal } from '../accounts/account.repository.js';
import { isUniqueViolation, type Db, type Executor, type Trx } from '../db/database.js';
import type { RegistrationRow, TeamRow } from '../db/schema.js';
import { EventNotFound, EventNotOwned } from '../events/event.errors.js';
import { loadRegistrationForm } from '../forms/form.service.js';
import { getVisibleEvent, type Actor } from '../events/event.service.js';
import { InvalidCursor } from '../http/problem.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { emitWebhookEvent } from '../webhooks/webhook.emit.js';
import { CANCELLED_BY_ORGANISER_SMS } from './cancellation.service.js';
import { ensureDefaultGroup } from './group.service.js';
import * as places from './places.repository.js';
import {
  CancelDeadlinePassed,
  CancelReasonRequired,
  EventFull,
  IdConsentRequired,
  IdempotencyMismatch,
  WindowClosed,
  WindowNotOpen,
} from './registration.errors.js';
import * as registrations from './registration.repository.js';
import { checkSafetyNoticeAccepted } from './registration-answers.js';
import { chooseGroup, requireSameForm } from './registration.service.js';
import {
  IndividualGroup,
  MemberAlreadyRegistered,
  TeamAlreadyCancelled,
  TeamNameTaken,
  TeamNotFound,
} from './team.errors.js';
import {
  checkMemberGuardians,
  checkMembers,
  checkMembersForGroup,
  checkTeamName,
  checkTeamSize,
  idNumberRuleOf,
  insertMembers,
  personKeyOf,
  rejectDuplicates,
  rejectRegisteredPersons,
  rejectSharedPhones,
  type MemberInput,
} from './team-members.js';
import * as teams from './team.repository.js';
import { promoteWaiting } from './waiting-list.service.js';

export interface TeamInput {
  name: string;
  /** Required when the event has more than one group. */
  groupId?: string;
  members: MemberInput[];
  idempotencyKey?: string;
  /** Must be true whenever a member has an ID number. */
  idConsent?: boolean;
  /** Version of the safety notice the captain accepted for the team; required when the event has one. */
  safetyNoticeVersion?: number;
}

/** Converts a member's entry to what the captain and the organiser see, personal data masked. */
export function toMemberDto(row: RegistrationRow) {
  const holdsPlace = row.status === 'active' || row.status === 'offered';
  return {
    id: row.id,
    name: row.name,
    phoneMasked: row.phone_masked,
    idMasked: row.id_masked,
    status: row.status,
    code: holdsPlace ? row.code : null,
    checkedInAt: row.checked_in_at ? new Date(row.checked_in_at).toISOString() : null,
  };
}

/** Converts a team and its members, in the order they joined, to the API's shape. */
export function toTeamDto(
  team: TeamRow,
  members: RegistrationRow[],
  extra: { queuePosition: number | null; groupName?: string },
) {
  return {
    id: team.id,
    eventId: team.event_id,
    groupId: team.group_id,
    groupName: extra.groupName ?? null,
    name: team.name,
    status: team.status,
    size: members.length,
    queuePosition: extra.queuePosition,
    createdAt: new Date(team.created_at).toISOString(),
    cancelledAt: team.cancelled_at ? new Date(team.cancelled_at).toISOString() : null,
    members: members.map(toMemberDto),
  };
}

/** Returns the 1-based place of a waiting team in its group's queue, else null. */
export async function teamQueuePosition(
  db: Executor,
  team: TeamRow,
  members: RegistrationRow[],
): Promise<number | null> {
  const first = members[0];
  if (team.status !== 'waiting' || !first) return null;
  return places.queuePosition(db, first.id);
}

export interface TeamRegistrationResult {
  team: TeamRow;
  members: RegistrationRow[];
  /** True when an earlier request with the same Idempotency-Key created the team. */
  replayed: boolean;
  queuePosition: number | null;
}

/**
 * Returns the team an earlier request of the captain with this Idempotency-Key created, after
 * checking that the request is the same: same team name and the same people.
 */
async function replayTeam(
  db: Executor,
  eventId: string,
  captainId: string,
  key: string | undefined,
  request: { name: string; personKeys: string[] },
): Promise<TeamRegistrationResult | undefined> {
  if (!key) return undefined;
  const team = await teams.findTeamByIdempotencyKey(db, eventId, captainId, key);
  if (!team) return undefined;
  // NOTE: after the captain changed the members, the first request no longer matches them, so
  // a late retry of it gets REG_IDEMPOTENCY_MISMATCH instead of the team.
  const members = await teams.membersOfTeams(db, [team.id]);
  const stored = members.map((row) =>
    personKeyOf({ idHash: row.id_hash, phoneHash: row.phone_hash }),
  );
  const same =
    team.name === request.name &&
    [...stored].sort().join() === [...request.personKeys].sort().join();
  if (!same) throw new IdempotencyMismatch();
  const queuePosition = await teamQueuePosition(db, team, members);
  return { team, members, replayed: true, queuePosition };
}

/**
 * Registers a team for a team group of a published event, with the signed-in citizen as its
 * captain. One transaction under the event's lock checks the window, the team size, each
 * member's identifiers, the group's rule and the guardian's consent for members under 14, and
 * rejects members who already hold a live entry in the event. It then takes one place per member with a single conditional update, so the
 * team gets all its places or none. A team that does not fit goes to the waiting list when the group has
 * one (every member 'waiting' under one sequence number), else nothing is written and the
 * request gets REG_EVENT_FULL. A repeated Idempotency-Key returns the first team.
 */
export async function registerTeam(
  db: Db,
  cipher: PersonalDataCipher,
  captainId: string,
  eventId: string,
  input: TeamInput,
): Promise<TeamRegistrationResult> {
  const name = checkTeamName(input.name);
  const form = await loadRegistrationForm(db, eventId);
  const formIdRule = form.form.idNumber;
  const members = checkMembers(
    input.members.map((member, index) => ({ member, index })),
    cipher,
    formIdRule,
  );
  const listed = members.map((m) => ({ ...m, key: personKeyOf(m), field: `members.${m.index}` }));
  rejectDuplicates(listed);
  rejectSharedPhones(listed);
  if (members.some((member) => member.id !== undefined) && input.idConsent !== true) {
    throw new IdConsentRequired();
  }
  checkSafetyNoticeAccepted(form, input.safetyNoticeVersion);
  const consents = { safetyNoticeVersion: form.safetyNotice?.version ?? null };
  const request = { name, personKeys: members.map(personKeyOf) };
  const key = input.idempotencyKey;

  const earlier = await replayTeam(db, eventId, captainId, key, request);
  if (earlier) return earlier;

  try {
    return await db.transaction().execute(async (trx) => {
      const event = await places.lockEventForEntries(trx, eventId);
      if (!event || event.state !== 'published' || event.starts_at === null) {
        throw new EventNotFound(eventId);
      }
      const again = await replayTeam(trx, eventId, captainId, key, request);
      if (again) return again;
      if (event.not_open) throw new WindowNotOpen(eventId);
      if (event.closed) throw new WindowClosed(eventId);
      const groups = await ensureDefaultGroup(trx, event);
      const group = chooseGroup(eventId, groups, input.groupId);
      if (group.entry_type !== 'team') throw new IndividualGroup(group.id);
      checkTeamSize(group, members.length);
      await requireSameForm(trx, eventId, form);
      checkMembersForGroup(group, members, new Date(event.starts_at), formIdRule);
      const admitted = checkMemberGuardians(members, new Date(event.starts_at));
      if (await teams.isTeamNameTaken(trx, eventId, name)) throw new TeamNameTaken(eventId, name);
      await rejectRegisteredPersons(trx, eventId, members);

      const placed = await places.takePlaces(trx, group.id, members.length);
      if (!placed && group.waiting_list === 'off') throw new EventFull(eventId);
      const team = await teams.insertTeam(trx, {
        id: uuidv7(),
        event_id: eventId,
        group_id: group.id,
        name,
        captain_citizen_id: captainId,
        status: placed ? 'active' : 'waiting',
        waiting_seq: placed ? null : await places.nextWaitingSeq(trx),
        idempotency_key: key ?? null,
      });
      const rows = await insertMembers(trx, cipher, team, admitted, team.status, consents);
      for (const row of rows) await announceNewMember(trx, row);
      const queuePosition = await teamQueuePosition(trx, team, rows);
      return { team, members: rows, replayed: false, queuePosition };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const again = await replayTeam(db, eventId, captainId, key, request);
    if (again) return again;
    if (isUniqueViolation(error, 'teams_one_name')) throw new TeamNameTaken(eventId, name);
    throw new MemberAlreadyRegistered(eventId);
  }
}

/**
 * Queues the confirmation SMS of a member with a place or the waiting-list SMS of a member of
 * a waiting team, and the partners' webhook event.
 */
export async function announceNewMember(trx: Trx, row: RegistrationRow): Promise<void> {
  if (row.status === 'active' || row.status === 'waiting') {
    await registrations.insertNotification(trx, {
      id: uuidv7(),
      kind: row.status === 'active' ? 'registration.confirmed' : 'registration.waiting',
      eventId: row.event_id,
      registrationId: row.id,
      payload: { registrationId: row.id, eventId: row.event_id },
    });
  }
  await emitWebhookEvent(trx, {
    action: 'registration.created',
    resourceType: 'registration',
    resourceId: row.id,
    eventId: row.event_id,
  });
}

/** Loads a team of the event that the citizen captains, or throws TEAM_NOT_FOUND. */
export async function captainTeam(
  db: Executor,
  captainId: string,
  eventId: string,
  teamId: string,
): Promise<TeamRow> {
  const team = await teams.findTeam(db, eventId, teamId);
  if (!team || team.captain_citizen_id !== captainId) throw new TeamNotFound(teamId, eventId);
  return team;
}

/** Maximum number of teams `listCaptainTeams` returns. */
const CAPTAIN_TEAM_LIMIT = 50;

/** Lists the teams a citizen captains, newest first, with their members and deadlines. */
export async function listCaptainTeams(db: Db, captainId: string) {
  const rows = await teams.teamsOfCaptain(db, captainId, CAPTAIN_TEAM_LIMIT);
  const members = await teams.membersOfTeams(
    db,
    rows.map((row) => row.id),
  );
  const items = [];
  for (const row of rows) {
    const own = members.filter((member) => member.team_id === row.id);
    items.push({
      ...toTeamDto(row, own, {
        queuePosition: await teamQueuePosition(db, row, own),
        groupName: row.group_name,
      }),
      eventName: row.event_name,
    });
  }
  return items;
}

/**
 * Returns one team of the captain with its group's size limits and whether members may still
 * change (until registration closes) and the team may still be cancelled by the captain.
 */
export async function getCaptainTeam(db: Db, captainId: string, eventId: string, teamId: string) {
  const team = await captainTeam(db, captainId, eventId, teamId);
  const deadlines = await teams.eventDeadlines(db, eventId);
  if (!deadlines) throw new EventNotFound(eventId);
  const group = await db
    .selectFrom('event_groups')
    .selectAll()
    .where('id', '=', team.group_id)
    .executeTakeFirstOrThrow();
  const members = await teams.membersOfTeams(db, [team.id]);
  const { form } = await loadRegistrationForm(db, eventId);
  const live = team.status !== 'cancelled';
  return {
    ...toTeamDto(team, members, {
      queuePosition: await teamQueuePosition(db, team, members),
      groupName: group.name,
    }),
    eventName: deadlines.name,
    eventStartsAt: deadlines.starts_at ? new Date(deadlines.starts_at).toISOString() : null,
    teamMin: group.team_min ?? 1,
    teamMax: group.team_max ?? group.team_min ?? 1,
    placesLeft: group.capacity - group.taken,
    idNumberRequired: idNumberRuleOf(group, form.idNumber) === 'required',
    idNumberHidden: form.idNumber === 'hidden',
    membersChangeable: live && !deadlines.closed,
    cancellable: team.status === 'waiting' || (live && !deadlines.cancel_deadline_passed),
  };
}

/** Outcome of a team's cancellation: the team as it is now and the places it released. */
export interface TeamCancellation {
  team: TeamRow;
  released: number;
}

/**
 * Cancels a team and all its live members under the event's lock. The team's status change is
 * conditional on the status read, so of two cancellations only the first releases the places,
 * and the second gets TEAM_ALREADY_CANCELLED. Released places go to the group's waiting list
 * in the same transaction.
 */
async function cancelTeamLocked(
  trx: Trx,
  team: TeamRow,
  reason: string,
): Promise<TeamCancellation & { members: RegistrationRow[] }> {
  if (team.status === 'cancelled') throw new TeamAlreadyCancelled(team.id);
  const changed = await teams.changeTeamStatus(trx, team.id, team.status, {
    status: 'cancelled',
    cancelReason: reason,
  });
  if (!changed) throw new TeamAlreadyCancelled(team.id);
  const members = await teams.changeMembersStatus(trx, team.id, team.status, {
    status: 'cancelled',
    cancelReason: reason,
  });
  let released = 0;
  if (team.status === 'active' && members.length > 0) {
    released = members.length;
    await places.releasePlaces(trx, team.group_id, released);
    await promoteWaiting(trx, team.group_id);
  }
  return { team: changed, released, members };
}

/**
 * Cancels the captain's team. An active team may be cancelled until the event's cancellation
 * deadline (or, without one, until registration closes) on the database clock. A waiting team
 * may always leave.
 */
export async function cancelTeamByCaptain(
  db: Db,
  captainId: string,
  eventId: string,
  teamId: string,
): Promise<TeamCancellation> {
  return db.transaction().execute(async (trx) => {
    const event = await places.lockEventForEntries(trx, eventId);
    if (!event) throw new EventNotFound(eventId);
    const team = await captainTeam(trx, captainId, eventId, teamId);
    if (team.status === 'active' && event.cancel_deadline_passed) {
      throw new CancelDeadlinePassed(eventId);
    }
    const result = await cancelTeamLocked(trx, team, 'captain');
    return { team: result.team, released: result.released };
  });
}

/**
 * Cancels a team of an event of the actor's organisation, at any time, with a reason. The
 * cancellation is audited and every member gets one SMS.
 */
export async function cancelTeamByOrganiser(
  db: Db,
  actor: Actor,
  eventId: string,
  teamId: string,
  input: { reason: string },
): Promise<TeamCancellation> {
  const reason = input.reason.trim();
  if (reason === '') throw new CancelReasonRequired();
  const event = await getVisibleEvent(db, actor.user, eventId);
  if (event.organisation_id !== actor.user.organisationId) throw new EventNotOwned(eventId);
  return db.transaction().execute(async (trx) => {
    await places.lockEventForEntries(trx, eventId);
    const team = await teams.findTeam(trx, eventId, teamId);
    if (!team) throw new TeamNotFound(teamId, eventId);
    const { members, ...result } = await cancelTeamLocked(trx, team, `organiser: ${reason}`);
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'team.cancelled',
      entityType: 'team',
      entityId: teamId,
      detail: {
        eventId,
        reason,
        fromStatus: team.status,
        members: members.length,
        released: result.released,
      },
    });
    for (const member of members) {
      await places.queueEntrySms(trx, CANCELLED_BY_ORGANISER_SMS, member);
    }
    return result;
  });
}

/**
 * Marks every live team of an event cancelled, as part of cancelling the event. The caller
 * holds the event's lock and cancels the member entries and resets the counters itself.
 */
export async function cancelTeamsOfCancelledEvent(trx: Trx, eventId: string): Promise<number> {
  const result = await trx
    .updateTable('teams')
    .set({
      status: 'cancelled',
      cancelled_at: sql<Date>`now()`,
      cancel_reason: 'event_cancelled',
      waiting_seq: null,
      updated_at: sql<Date>`now()`,
    })
    .where('event_id', '=', eventId)
    .where('status', '<>', 'cancelled')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Lists an event's teams with their members for its organiser, in registration order. */
export async function listEventTeams(
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
  const rows = await teams.teamsOfEvent(db, eventId, { afterId, limit });
  const pageRows = rows.slice(0, limit);
  const members = await teams.membersOfTeams(
    db,
    pageRows.map((row) => row.id),
  );
  const items = [];
  for (const row of pageRows) {
    const own = members.filter((member) => member.team_id === row.id);
    items.push(
      toTeamDto(row, own, {
        queuePosition: await teamQueuePosition(db, row, own),
        groupName: row.group_name,
      }),
    );
  }
  const last = pageRows.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor({ id: last.id }) : null,
  };
}
