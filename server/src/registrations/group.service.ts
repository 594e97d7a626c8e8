import type { Principal } from '../accounts/account.repository.js';
import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import { isUniqueViolation, type Db, type Executor, type Trx } from '../db/database.js';
import type { EventGroupRow, WaitingListMode } from '../db/schema.js';
import { getVisibleEvent, lockOwnEvent, type Actor } from '../events/event.service.js';
import { withFieldErrors, type FieldError } from '../http/problem.js';
import { uuidv7 } from '../shared/ids.js';
import {
  CapacityBelowTaken,
  EventGroupNotFound,
  GroupHasEntries,
  GroupNameTaken,
  GroupsOfCancelledEvent,
  InvalidGroupRule,
  OverEventCapacity,
} from './group.errors.js';
import * as repository from './group.repository.js';
import { InvalidCancelDeadline } from './registration.errors.js';
import { promoteWaiting } from './waiting-list.service.js';

/** A group's settings as the console sends them; every field is optional in an update. */
export interface GroupInput {
  name: string;
  capacity: number;
  feeCents?: number;
  gender?: 'any' | 'male' | 'female';
  minAge?: number | null;
  maxAge?: number | null;
  entryType?: 'individual' | 'team';
  teamMin?: number | null;
  teamMax?: number | null;
  waitingList?: WaitingListMode;
  offerHours?: number | null;
  sortOrder?: number;
}

/** A group as the console and the public listing show it. */
export function toGroupDto(row: EventGroupRow) {
  return {
    id: row.id,
    name: row.name,
    capacity: row.capacity,
    taken: row.taken,
    placesLeft: row.capacity - row.taken,
    feeCents: row.fee_cents,
    gender: row.gender,
    minAge: row.min_age,
    maxAge: row.max_age,
    entryType: row.entry_type,
    teamMin: row.team_min,
    teamMax: row.team_max,
    waitingList: row.waiting_list,
    offerHours: row.offer_hours,
    sortOrder: row.sort_order,
    isDefault: row.is_default,
  };
}

/**
 * Creates the default group of an event that has none, with the event's capacity and fee,
 * and returns the event's groups. The caller holds the event's lock, so two callers never
 * both create one.
 */
export async function ensureDefaultGroup(
  trx: Executor,
  event: { id: string; capacity: number | null; fee_cents?: number | null },
): Promise<EventGroupRow[]> {
  return (await ensureDefaultGroups(trx, [event])).get(event.id)!;
}

/**
 * Does what ensureDefaultGroup does for several events, listing their groups with one
 * statement. A caller that read the groups under the events' locks already passes them as
 * `listed`, in listGroupsOfEvents order. Returns the groups by event id.
 */
export async function ensureDefaultGroups(
  trx: Executor,
  events: readonly { id: string; capacity: number | null; fee_cents?: number | null }[],
  listed?: readonly EventGroupRow[],
): Promise<Map<string, EventGroupRow[]>> {
  const groups = new Map<string, EventGroupRow[]>(events.map((event) => [event.id, []]));
  listed ??= await repository.listGroupsOfEvents(
    trx,
    events.map((event) => event.id),
  );
  for (const group of listed) groups.get(group.event_id)?.push(group);
  for (const event of events) {
    if (groups.get(event.id)!.length > 0 || event.capacity === null) continue;
    const group = await repository.insertGroup(trx, {
      id: uuidv7(),
      event_id: event.id,
      name: repository.DEFAULT_GROUP_NAME,
      capacity: event.capacity,
      fee_cents: event.fee_cents ?? 0,
      is_default: true,
    });
    groups.set(event.id, [group]);
  }
  return groups;
}

/**
 * Rejects an event capacity below the sum of its groups' capacities, and carries a new
 * capacity over to the default group when that is the event's only group. Called under the
 * event's lock when the event's capacity changes or the event is published.
 */
export async function applyEventCapacity(
  trx: Trx,
  eventId: string,
  capacity: number,
): Promise<void> {
  const groups = await repository.listGroups(trx, eventId);
  const only = groups.length === 1 ? groups[0] : undefined;
  if (only?.is_default) {
    if (only.capacity === capacity) return;
    const updated = await repository.updateGroup(trx, only.id, { capacity });
    if (!updated) throw new CapacityBelowTaken(capacity, only.taken, only.id);
    if (capacity > only.capacity) await promoteWaiting(trx, only.id);
    return;
  }
  const total = groups.reduce((sum, group) => sum + group.capacity, 0);
  if (total > capacity) throw new OverEventCapacity(total, capacity);
}

function checkRule(input: Required<Omit<GroupInput, 'sortOrder' | 'feeCents'>>): void {
  const errors: FieldError[] = [];
  const problem = (field: string, message: string) =>
    errors.push({ field, code: 'invalid', message });
  if (input.name.trim() === '') problem('name', 'must not be empty');
  if (input.minAge !== null && input.maxAge !== null && input.minAge > input.maxAge) {
    problem('minAge', 'must not be above maxAge');
  }
  if (input.entryType === 'team') {
    if (input.teamMin === null || input.teamMax === null) {
      problem('teamMin', 'teamMin and teamMax are required for team entries');
    } else if (input.teamMin > input.teamMax) problem('teamMin', 'must not be above teamMax');
    if (input.waitingList === 'offer') {
      problem('waitingList', "must be 'off' or 'auto' for team entries: a team is promoted whole");
    }
  } else if (input.teamMin !== null || input.teamMax !== null) {
    problem('teamMin', 'is only allowed for team entries');
  }
  if (input.waitingList === 'offer' && input.offerHours === null) {
    problem('offerHours', "is required when the waiting list is in 'offer' mode");
  }
  if (errors.length > 0) throw withFieldErrors(new InvalidGroupRule(), errors);
}

function columnsOf(input: Required<GroupInput>) {
  return {
    name: input.name.trim(),
    capacity: input.capacity,
    fee_cents: input.feeCents,
    gender: input.gender,
    min_age: input.minAge,
    max_age: input.maxAge,
    entry_type: input.entryType,
    team_min: input.entryType === 'team' ? input.teamMin : null,
    team_max: input.entryType === 'team' ? input.teamMax : null,
    waiting_list: input.waitingList,
    offer_hours: input.waitingList === 'offer' ? input.offerHours : null,
    sort_order: input.sortOrder,
  };
}

function inputOf(row: EventGroupRow): Required<GroupInput> {
  const dto = toGroupDto(row);
  return {
    name: dto.name,
    capacity: dto.capacity,
    feeCents: dto.feeCents,
    gender: dto.gender,
    minAge: dto.minAge,
    maxAge: dto.maxAge,
    entryType: dto.entryType,
    teamMin: dto.teamMin,
    teamMax: dto.teamMax,
    waitingList: dto.waitingList,
    offerHours: dto.offerHours,
    sortOrder: dto.sortOrder,
  };
}

const DEFAULTS: Omit<Required<GroupInput>, 'name' | 'capacity'> = {
  feeCents: 0,
  gender: 'any',
  minAge: null,
  maxAge: null,
  entryType: 'individual',
  teamMin: null,
  teamMax: null,
  waitingList: 'off',
  offerHours: null,
  sortOrder: 0,
};

async function lockEditable(trx: Trx, actor: Actor, eventId: string) {
  const event = await lockOwnEvent(trx, actor, eventId);
  if (event.state === 'cancelled') throw new GroupsOfCancelledEvent(eventId);
  return event;
}

async function checkTotal(
  trx: Trx,
  event: { id: string; capacity: number | null },
  capacity: number,
  exceptGroupId?: string,
) {
  if (event.capacity === null) return;
  const total = (await repository.capacityOfOtherGroups(trx, event.id, exceptGroupId)) + capacity;
  if (total > event.capacity) throw new OverEventCapacity(total, event.capacity);
}

function changesBetween(before: Required<GroupInput>, after: Required<GroupInput>) {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(after) as (keyof GroupInput)[]) {
    if (before[key] !== after[key]) changes[key] = { before: before[key], after: after[key] };
  }
  return changes;
}

/** Lists an event's groups in display order, for anyone who may see the event in the console. */
export async function listEventGroups(db: Db, user: Principal, eventId: string) {
  await getVisibleEvent(db, user, eventId);
  const groups = await repository.listGroups(db, eventId);
  return groups.map(toGroupDto);
}

/**
 * Adds a group to an event of the actor's organisation that is not cancelled. The groups'
 * capacities together may not exceed the event's capacity.
 */
export async function createGroup(db: Db, actor: Actor, eventId: string, input: GroupInput) {
  const settings = { ...DEFAULTS, ...input };
  checkRule(settings);
  try {
    return await db.transaction().execute(async (trx) => {
      const event = await lockEditable(trx, actor, eventId);
      await checkTotal(trx, event, settings.capacity);
      const row = await repository.insertGroup(trx, {
        id: uuidv7(),
        event_id: eventId,
        ...columnsOf(settings),
      });
      await recordAudit(trx, {
        ...auditActorOf(actor),
        action: 'event_group.created',
        entityType: 'event',
        entityId: eventId,
        detail: { groupId: row.id, ...settings },
      });
      return toGroupDto(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new GroupNameTaken(eventId, settings.name.trim());
    throw error;
  }
}

/**
 * Changes a group's settings. The capacity may not drop below the places taken; a raised
 * capacity promotes waiting entries in the same transaction.
 */
export async function updateGroup(
  db: Db,
  actor: Actor,
  eventId: string,
  groupId: string,
  patch: Partial<GroupInput>,
) {
  try {
    return await db.transaction().execute(async (trx) => {
      const event = await lockEditable(trx, actor, eventId);
      const current = await repository.findGroup(trx, eventId, groupId);
      if (!current) throw new EventGroupNotFound(groupId, eventId);
      const before = inputOf(current);
      const defined = Object.fromEntries(
        Object.entries(patch).filter(([, value]) => value !== undefined),
      );
      const after: Required<GroupInput> = { ...before, ...defined };
      checkRule(after);
      if (after.capacity < current.taken) {
        throw new CapacityBelowTaken(after.capacity, current.taken, groupId);
      }
      await checkTotal(trx, event, after.capacity, groupId);
      const updated = await repository.updateGroup(trx, groupId, columnsOf(after));
      if (!updated) throw new CapacityBelowTaken(after.capacity, current.taken, groupId);
      const promoted = after.capacity > before.capacity ? await promoteWaiting(trx, groupId) : 0;
      const changes = changesBetween(before, after);
      await recordAudit(trx, {
        ...auditActorOf(actor),
        action: 'event_group.updated',
        entityType: 'event',
        entityId: eventId,
        detail: { groupId, promoted },
        changes,
      });
      const reread = await repository.findGroup(trx, eventId, groupId);
      return toGroupDto(reread ?? updated);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new GroupNameTaken(eventId, String(patch.name).trim());
    throw error;
  }
}

/** Deletes a group that has never had an entry, in any status. */
export async function deleteGroup(db: Db, actor: Actor, eventId: string, groupId: string) {
  await db.transaction().execute(async (trx) => {
    await lockEditable(trx, actor, eventId);
    const group = await repository.findGroup(trx, eventId, groupId);
    if (!group) throw new EventGroupNotFound(groupId, eventId);
    if ((await repository.countEntries(trx, groupId)) > 0) throw new GroupHasEntries(groupId);
    await repository.deleteGroup(trx, groupId);
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'event_group.deleted',
      entityType: 'event',
      entityId: eventId,
      detail: { groupId, name: group.name },
    });
  });
}

/**
 * Sets the last moment at which citizens may cancel an active entry, or clears it so that
 * they may cancel until registration closes. The deadline must lie before the event starts.
 */
export async function setCancelDeadline(
  db: Db,
  actor: Actor,
  eventId: string,
  deadline: Date | null,
): Promise<{ cancelDeadline: string | null }> {
  return db.transaction().execute(async (trx) => {
    const event = await lockEditable(trx, actor, eventId);
    if (deadline !== null && event.starts_at !== null && deadline >= new Date(event.starts_at)) {
      throw new InvalidCancelDeadline(new Date(event.starts_at).toISOString());
    }
    const before = event.cancel_deadline ? new Date(event.cancel_deadline).toISOString() : null;
    const after = deadline ? deadline.toISOString() : null;
    await trx
      .updateTable('events')
      .set({ cancel_deadline: deadline })
      .where('id', '=', eventId)
      .execute();
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'event.cancel_deadline_set',
      entityType: 'event',
      entityId: eventId,
      changes: { cancelDeadline: { before, after } },
    });
    return { cancelDeadline: after };
  });
}
