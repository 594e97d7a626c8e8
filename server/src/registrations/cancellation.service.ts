import { maskName } from '@cityleague/domain';

import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import { phoneHashOfCitizen } from '../citizens/citizen.service.js';
import type { Db, Trx } from '../db/database.js';
import type { RegistrationRow } from '../db/schema.js';
import { EventNotFound, EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent, type Actor } from '../events/event.service.js';
import { uuidv7 } from '../shared/ids.js';
import * as places from './places.repository.js';
import {
  AlreadyCancelled,
  CancelDeadlinePassed,
  CancelReasonRequired,
  OfferNotOpen,
  RegistrationNotFound,
} from './registration.errors.js';
import * as repository from './registration.repository.js';
import { EntryOfTeam } from './team.errors.js';
import { emitRegistrationWebhook, promoteWaiting } from './waiting-list.service.js';

/** SMS kind sent to an entrant whose entry the organiser cancelled. */
export const CANCELLED_BY_ORGANISER_SMS = 'registration.cancelled';

/** Outcome of a cancellation: the entry as it is now and whether this call released a place. */
export interface CancellationResult {
  registration: RegistrationRow;
  released: boolean;
}

/**
 * Cancels an entry under its event's lock. The status change is conditional on the status
 * read, so of two cancellations of one entry only the first changes it and releases its
 * place, and the second gets REG_ALREADY_CANCELLED. A released place goes to the group's
 * waiting list in the same transaction. A team member's entry changes only with its team.
 */
export async function cancelLocked(
  trx: Trx,
  entry: RegistrationRow,
  reason: string,
): Promise<CancellationResult> {
  if (entry.status === 'cancelled') throw new AlreadyCancelled(entry.id);
  if (entry.team_id !== null) throw new EntryOfTeam(entry.id);
  const changed = await places.changeStatus(trx, entry.id, entry.status, {
    status: 'cancelled',
    cancelReason: reason,
  });
  if (!changed) throw new AlreadyCancelled(entry.id);
  await emitRegistrationWebhook(trx, 'registration.cancelled', changed);
  const heldPlace = entry.status === 'active' || entry.status === 'offered';
  if (heldPlace) {
    await places.releasePlaces(trx, entry.group_id);
    await promoteWaiting(trx, entry.group_id);
  }
  return { registration: changed, released: heldPlace };
}

/**
 * Loads an entry of the event that the citizen manages: one made with the citizen's mobile
 * number, or one the citizen submitted for someone else. Others throw not found.
 */
async function ownEntry(
  trx: Trx,
  citizen: { id: string; phoneHash: string },
  eventId: string,
  registrationId: string,
) {
  const entry = await repository.findInEvent(trx, eventId, registrationId);
  const managed =
    entry !== undefined &&
    (entry.phone_hash === citizen.phoneHash || entry.submitted_by_citizen_id === citizen.id);
  if (!entry || !managed) {
    throw new RegistrationNotFound(registrationId, eventId);
  }
  return entry;
}

/**
 * Cancels an entry the citizen manages: one made with the citizen's mobile number or one the
 * citizen submitted for someone else. An active entry
 * may be cancelled until the event's cancellation deadline (or, without one, until
 * registration closes) on the database clock. A waiting or offered entry may always leave.
 */
export async function cancelByCitizen(
  db: Db,
  citizenId: string,
  eventId: string,
  registrationId: string,
): Promise<CancellationResult> {
  const phoneHash = await phoneHashOfCitizen(db, citizenId);
  return db.transaction().execute(async (trx) => {
    const event = await places.lockEventForEntries(trx, eventId);
    if (!event) throw new EventNotFound(eventId);
    const entry = await ownEntry(trx, { id: citizenId, phoneHash }, eventId, registrationId);
    if (entry.status === 'active' && event.cancel_deadline_passed) {
      throw new CancelDeadlinePassed(eventId);
    }
    return cancelLocked(trx, entry, 'citizen');
  });
}

/**
 * Cancels any entry of an event of the actor's organisation, at any time, with a reason. The
 * cancellation is audited and the entrant gets one SMS.
 */
export async function cancelByOrganiser(
  db: Db,
  actor: Actor,
  eventId: string,
  registrationId: string,
  input: { reason: string },
): Promise<CancellationResult> {
  const reason = input.reason.trim();
  if (reason === '') throw new CancelReasonRequired();
  const event = await getVisibleEvent(db, actor.user, eventId);
  if (event.organisation_id !== actor.user.organisationId) throw new EventNotOwned(eventId);
  return db.transaction().execute(async (trx) => {
    await places.lockEventForEntries(trx, eventId);
    const entry = await repository.findInEvent(trx, eventId, registrationId);
    if (!entry) throw new RegistrationNotFound(registrationId, eventId);
    const result = await cancelLocked(trx, entry, `organiser: ${reason}`);
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'registration.cancelled',
      entityType: 'registration',
      entityId: registrationId,
      detail: { eventId, reason, fromStatus: entry.status, released: result.released },
    });
    await places.queueEntrySms(trx, CANCELLED_BY_ORGANISER_SMS, entry);
    return result;
  });
}

/** Accepts the place offered to a citizen's waiting entry while the offer is open. */
export async function acceptOffer(
  db: Db,
  citizenId: string,
  eventId: string,
  registrationId: string,
): Promise<RegistrationRow> {
  const phoneHash = await phoneHashOfCitizen(db, citizenId);
  return db.transaction().execute(async (trx) => {
    const event = await places.lockEventForEntries(trx, eventId);
    if (!event) throw new EventNotFound(eventId);
    await ownEntry(trx, { id: citizenId, phoneHash }, eventId, registrationId);
    const accepted = await places.acceptOpenOffer(trx, registrationId);
    if (!accepted) throw new OfferNotOpen(registrationId);
    await emitRegistrationWebhook(trx, 'registration.changed', accepted);
    await repository.insertNotification(trx, {
      id: uuidv7(),
      kind: 'registration.confirmed',
      eventId,
      registrationId,
      payload: { registrationId, eventId },
    });
    return accepted;
  });
}

/** Maximum number of entries `listCitizenEntries` returns. */
const CITIZEN_ENTRY_LIMIT = 100;

/**
 * Lists the entries a citizen manages, newest first: those made with the citizen's mobile
 * number and those the citizen submitted for someone else (forOther, with the entrant's masked
 * name and number). Each comes with its event, group, team, status, place in the waiting list,
 * open offer and check-in time. The registration code is the one on the entry's ticket page,
 * which shows a waiting or cancelled entry as such.
 */
export async function listCitizenEntries(db: Db, citizenId: string) {
  const phoneHash = await phoneHashOfCitizen(db, citizenId);
  const rows = await places.entriesOfCitizen(db, { id: citizenId, phoneHash }, CITIZEN_ENTRY_LIMIT);
  const items = [];
  for (const row of rows) {
    items.push({
      id: row.id,
      eventId: row.event_id,
      eventName: row.event_name,
      startsAt: row.starts_at ? new Date(row.starts_at).toISOString() : null,
      groupId: row.group_id,
      groupName: row.group_name,
      showGroupName: !row.group_is_placeholder,
      teamId: row.team_id,
      teamCaptain: row.team_id !== null && row.captain_citizen_id === citizenId,
      forOther: row.phone_hash !== phoneHash,
      entrantNameMasked: maskName(row.name),
      entrantPhoneMasked: row.phone_masked,
      status: row.status,
      code: row.code,
      queuePosition: row.status === 'waiting' ? await places.queuePosition(db, row.id) : null,
      offerExpiresAt: row.offer_expires_at ? new Date(row.offer_expires_at).toISOString() : null,
      checkedInAt: row.checked_in_at ? new Date(row.checked_in_at).toISOString() : null,
      createdAt: new Date(row.created_at).toISOString(),
    });
  }
  return items;
}
