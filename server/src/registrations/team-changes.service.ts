import type { IdNumberRule } from '@cityleague/domain';

import type { Db } from '../db/database.js';
import type { RegistrationRow } from '../db/schema.js';
import { EventNotFound } from '../events/event.errors.js';
import { loadRegistrationForm } from '../forms/form.service.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { findGroup } from './group.repository.js';
import * as places from './places.repository.js';
import { EventFull, WindowClosed } from './registration.errors.js';
import { MemberNotFound, TeamCancelled } from './team.errors.js';
import {
  checkMemberGuardians,
  checkMembers,
  checkMembersForGroup,
  checkTeamSize,
  insertMembers,
  personKeyOf,
  rejectDuplicates,
  rejectRegisteredPersons,
  rejectSharedPhones,
  type CheckedMember,
  type MemberInput,
} from './team-members.js';
import * as teams from './team.repository.js';
import { announceNewMember, captainTeam } from './team.service.js';
import { promoteWaiting } from './waiting-list.service.js';

/** One entry of a team's new member list: a current member by id, or a person to add. */
export type MemberChange = { id: string } | MemberInput;

/** Outcome of a change of members: the members as they are now and the places moved. */
export interface MemberChangeResult {
  members: RegistrationRow[];
  added: number;
  removed: number;
  /** Places the team took (positive) or released (negative). */
  placesChange: number;
  /** Waiting entries that the released places promoted. */
  promoted: number;
}

interface MemberPlan {
  kept: Set<string>;
  added: CheckedMember[];
  removed: RegistrationRow[];
}

/**
 * Sorts the new list into kept, added and removed members. A listed person who is already a
 * live member of the team (same ID number, else same mobile number) is kept, so sending the
 * same list twice changes nothing the second time.
 */
function planMembers(
  teamId: string,
  current: RegistrationRow[],
  changes: MemberChange[],
  cipher: PersonalDataCipher,
  formIdRule: IdNumberRule,
): MemberPlan {
  const byId = new Map(current.map((row) => [row.id, row]));
  const byPerson = new Map(
    current.map((row) => [personKeyOf({ idHash: row.id_hash, phoneHash: row.phone_hash }), row]),
  );
  const listed: { key: string; field: string; phoneHash: string; idHash: string | null }[] = [];
  const kept = new Set<string>();
  const newPeople: { member: MemberInput; index: number }[] = [];
  changes.forEach((change, index) => {
    if ('id' in change) {
      const row = byId.get(change.id);
      if (!row) throw new MemberNotFound(change.id, teamId);
      kept.add(row.id);
      listed.push({
        key: personKeyOf({ idHash: row.id_hash, phoneHash: row.phone_hash }),
        field: `members.${index}`,
        phoneHash: row.phone_hash,
        idHash: row.id_hash,
      });
    } else newPeople.push({ member: change, index });
  });
  const added: CheckedMember[] = [];
  for (const member of checkMembers(newPeople, cipher, formIdRule)) {
    const key = personKeyOf(member);
    listed.push({ key, field: `members.${member.index}`, ...member });
    const existing = byPerson.get(key);
    if (existing) kept.add(existing.id);
    else added.push(member);
  }
  rejectDuplicates(listed);
  rejectSharedPhones(listed);
  const removed = current.filter((row) => !kept.has(row.id));
  return { kept, added, removed };
}

/**
 * Replaces a team's member list, as its captain may until registration closes: members left
 * out are removed, new people are added, and the size must stay within the group's team_min
 * and team_max. An added member under 14 on the event's start date needs a guardian's consent.
 * For an active team the difference in places is taken with the conditional counter update
 * (REG_EVENT_FULL when it does not fit, and nothing changes) or released, and released places
 * promote the group's waiting list in the same transaction. A waiting team
 * changes without taking places; its new size counts when it is promoted.
 */
export async function changeMembers(
  db: Db,
  cipher: PersonalDataCipher,
  captainId: string,
  eventId: string,
  teamId: string,
  changes: MemberChange[],
): Promise<MemberChangeResult> {
  return db.transaction().execute(async (trx) => {
    const event = await places.lockEventForEntries(trx, eventId);
    if (!event || event.starts_at === null) throw new EventNotFound(eventId);
    const team = await captainTeam(trx, captainId, eventId, teamId);
    if (team.status === 'cancelled') throw new TeamCancelled(teamId);
    if (event.closed) throw new WindowClosed(eventId);
    const group = await findGroup(trx, eventId, team.group_id);
    if (!group) throw new EventNotFound(eventId);

    const current = await teams.liveMembers(trx, teamId);
    // The event's lock also covers the form, whose save locks the event's row.
    const formIdRule = (await loadRegistrationForm(trx, eventId)).form.idNumber;
    const plan = planMembers(teamId, current, changes, cipher, formIdRule);
    checkTeamSize(group, plan.kept.size + plan.added.length);
    const unchanged = { members: current, added: 0, removed: 0, placesChange: 0, promoted: 0 };
    if (plan.added.length === 0 && plan.removed.length === 0) return unchanged;
    checkMembersForGroup(group, plan.added, new Date(event.starts_at), formIdRule);
    const added = checkMemberGuardians(plan.added, new Date(event.starts_at));
    await rejectRegisteredPersons(trx, eventId, plan.added, teamId);

    const removed = await teams.cancelMembers(
      trx,
      teamId,
      plan.removed.map((row) => row.id),
      team.status,
    );
    if (removed.length !== plan.removed.length) {
      throw new Error(`Members of team ${teamId} changed under the event lock`);
    }
    const placesChange = team.status === 'active' ? plan.added.length - removed.length : 0;
    if (placesChange > 0 && !(await places.takePlaces(trx, group.id, placesChange))) {
      throw new EventFull(eventId);
    }
    // NOTE: a member change carries no consents, so added members are stored without the
    // safety notice and ID number consents that team registration records.
    const inserted = await insertMembers(trx, cipher, team, added, team.status);
    for (const row of inserted) await announceNewMember(trx, row);
    let promoted = 0;
    if (placesChange < 0) {
      await places.releasePlaces(trx, group.id, -placesChange);
      promoted = await promoteWaiting(trx, group.id);
    }
    await teams.touchTeam(trx, teamId);
    return {
      members: await teams.liveMembers(trx, teamId),
      added: inserted.length,
      removed: removed.length,
      placesChange,
      promoted,
    };
  });
}
