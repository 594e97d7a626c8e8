import { checkResidentId, maskMobile } from '@cityleague/domain';

import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import { isUniqueViolation, type Db, type Executor } from '../db/database.js';
import type { RegistrationRow } from '../db/schema.js';
import { EventNotFound } from '../events/event.errors.js';
import type { Actor } from '../events/event.service.js';
import { cancelLocked, type CancellationResult } from '../registrations/cancellation.service.js';
import * as places from '../registrations/places.repository.js';
import {
  AlreadyCancelled,
  AlreadyRegistered,
  CancelReasonRequired,
  EventFull,
  GroupNotFound,
  RegistrationNotFound,
  TeamEntryRequired,
} from '../registrations/registration.errors.js';
import * as registrations from '../registrations/registration.repository.js';
import {
  checkGroupRule,
  checkInput,
  register,
  type RegistrationResult,
} from '../registrations/registration.service.js';
import { emitRegistrationWebhook, promoteWaiting } from '../registrations/waiting-list.service.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import type { PartnerPrincipal } from './partner-auth.js';
import { isHostable } from './hostable-events.service.js';
import { EventNotHostable, PartnerNotFound } from './partner.errors.js';

/**
 * Checks that the partner hosts registration for the event: the event belongs to the
 * partner's organisation, or the operator listed it for the partner. Any other event is
 * EVT_NOT_FOUND, also when it exists. Returns whether the partner owns the event.
 */
export async function requireHostedEvent(
  db: Executor,
  partner: PartnerPrincipal,
  eventId: string,
): Promise<{ owner: boolean }> {
  const event = await db
    .selectFrom('events')
    .leftJoin('partner_hosted_events as hosted', (join) =>
      join.onRef('hosted.event_id', '=', 'events.id').on('hosted.partner_id', '=', partner.id),
    )
    .select(['events.organisation_id', 'hosted.partner_id as host'])
    .where('events.id', '=', eventId)
    .executeTakeFirst();
  const owner = event?.organisation_id === partner.organisationId;
  if (!event || (!owner && event.host === null)) throw new EventNotFound(eventId);
  return { owner };
}

/**
 * Loads an entry that the partner may change: any entry of its own event, or one it pushed
 * to an event it hosts. Others are REG_REGISTRATION_NOT_FOUND.
 */
async function changeableEntry(
  trx: Executor,
  partner: PartnerPrincipal,
  owner: boolean,
  eventId: string,
  registrationId: string,
) {
  const entry = await registrations.findInEvent(trx, eventId, registrationId);
  if (!entry || (!owner && entry.partner_id !== partner.id)) {
    throw new RegistrationNotFound(registrationId, eventId);
  }
  return entry;
}

export interface PartnerEntryInput {
  name: string;
  phone: string;
  idNumber?: string;
  groupId?: string;
}

/**
 * Pushes an entry taken on the partner's platform. It goes through the same path as the
 * league's web registration: the event's lock, the registration window, the group's rule, the
 * conditional capacity update and the waiting list, so it counts against the same places.
 */
export async function pushRegistration(
  db: Db,
  cipher: PersonalDataCipher,
  partner: PartnerPrincipal,
  eventId: string,
  input: PartnerEntryInput,
): Promise<Omit<RegistrationResult, 'eventName'>> {
  await requireHostedEvent(db, partner, eventId);
  // The hosting partner collects the entrant's consent to an ID number on its own form, as the
  // partner guide requires; an ID number it pushes carries that consent.
  return register(db, cipher, eventId, {
    ...input,
    idConsent: input.idNumber !== undefined,
    channel: 'partner',
    partnerId: partner.id,
  });
}

export interface PartnerEntryChange {
  name?: string;
  phone?: string;
  groupId?: string;
}

/**
 * Changes the name, mobile number or group of a live entry of the partner's event, or of an
 * entry it pushed to an event it hosts. A move to
 * another group takes a place there with the conditional update before it gives the old place
 * back, and the old group's waiting list moves up. A waiting entry joins the new group's
 * waiting list when that group is full and has one. A full group without a waiting list is
 * REG_EVENT_FULL, and nothing changes.
 */
export async function changeRegistration(
  db: Db,
  cipher: PersonalDataCipher,
  actor: Actor,
  partner: PartnerPrincipal,
  eventId: string,
  registrationId: string,
  change: PartnerEntryChange,
): Promise<RegistrationRow> {
  const { owner } = await requireHostedEvent(db, partner, eventId);
  try {
    return await db.transaction().execute(async (trx) => {
      const event = await places.lockEventForEntries(trx, eventId);
      if (!event || event.starts_at === null) throw new EventNotFound(eventId);
      const entry = await changeableEntry(trx, partner, owner, eventId, registrationId);
      if (entry.status === 'cancelled') throw new AlreadyCancelled(registrationId);

      const checked = checkInput({
        name: change.name ?? entry.name,
        phone: change.phone ?? cipher.decrypt(entry.phone_ciphertext),
      });
      const moved: GroupMove | undefined =
        change.groupId !== undefined && change.groupId !== entry.group_id
          ? await moveToGroup(trx, cipher, entry, change.groupId, new Date(event.starts_at))
          : undefined;
      const updated = await trx
        .updateTable('registrations')
        .set({
          ...moved,
          name: checked.name,
          ...(change.phone === undefined
            ? {}
            : {
                phone_ciphertext: cipher.encrypt(checked.phone),
                phone_hash: cipher.hash(checked.phone),
                phone_masked: maskMobile(checked.phone),
              }),
        })
        .where('id', '=', registrationId)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (moved) await promoteWaiting(trx, entry.group_id);
      await recordAudit(trx, {
        ...auditActorOf(actor),
        action: 'registration.changed',
        entityType: 'registration',
        entityId: registrationId,
        detail: {
          eventId,
          fields: Object.keys(change).filter(
            (field) => change[field as keyof PartnerEntryChange] !== undefined,
          ),
          ...(moved ? { fromGroup: entry.group_id, toGroup: moved.group_id } : {}),
        },
      });
      await emitRegistrationWebhook(trx, 'registration.changed', updated);
      return updated;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'registrations_one_per_phone')) {
      throw new AlreadyRegistered(eventId);
    }
    throw error;
  }
}

/** The columns an entry's move to another group changes. */
interface GroupMove {
  group_id: string;
  status?: 'active';
  waiting_seq?: string | null;
}

/** Takes a place in the new group, or its waiting list, and gives the old place back. */
async function moveToGroup(
  trx: Executor,
  cipher: PersonalDataCipher,
  entry: RegistrationRow,
  groupId: string,
  startsAt: Date,
): Promise<GroupMove> {
  const group = await trx
    .selectFrom('event_groups')
    .selectAll()
    .where('id', '=', groupId)
    .where('event_id', '=', entry.event_id)
    .executeTakeFirst();
  if (!group) throw new GroupNotFound(groupId, entry.event_id);
  if (group.entry_type === 'team') throw new TeamEntryRequired(group.id);
  const resident = entry.id_ciphertext
    ? checkResidentId(cipher.decrypt(entry.id_ciphertext))
    : undefined;
  checkGroupRule(group, resident?.ok ? resident.value : undefined, startsAt);

  const holdsPlace = entry.status === 'active' || entry.status === 'offered';
  const placed = await places.takePlaces(trx, group.id);
  if (!placed && (holdsPlace || group.waiting_list === 'off')) throw new EventFull(entry.event_id);
  if (holdsPlace) await places.releasePlaces(trx, entry.group_id);
  if (placed && entry.status === 'waiting') {
    return { group_id: group.id, status: 'active', waiting_seq: null };
  }
  if (!placed) return { group_id: group.id, waiting_seq: await places.nextWaitingSeq(trx) };
  return { group_id: group.id };
}

/**
 * Cancels an entry of the partner's event at any time, with a reason. Under the event's lock
 * it frees the place for the waiting list, records an audit entry and queues an SMS to the
 * entrant.
 */
export async function cancelRegistration(
  db: Db,
  actor: Actor,
  partner: PartnerPrincipal,
  eventId: string,
  registrationId: string,
  input: { reason: string },
): Promise<CancellationResult> {
  const reason = input.reason.trim();
  if (reason === '') throw new CancelReasonRequired();
  const { owner } = await requireHostedEvent(db, partner, eventId);
  return db.transaction().execute(async (trx) => {
    await places.lockEventForEntries(trx, eventId);
    const entry = await changeableEntry(trx, partner, owner, eventId, registrationId);
    const result = await cancelLocked(trx, entry, `partner: ${reason}`);
    await recordAudit(trx, {
      ...auditActorOf(actor),
      action: 'registration.cancelled',
      entityType: 'registration',
      entityId: registrationId,
      detail: { eventId, reason, fromStatus: entry.status, released: result.released },
    });
    await places.queueEntrySms(trx, 'registration.cancelled', entry);
    return result;
  });
}

/** Lists the events of other organisations for which the operator let the partner push entries. */
export async function listHostedEvents(db: Executor, partnerId: string) {
  const rows = await db
    .selectFrom('partner_hosted_events as hosted')
    .innerJoin('events', 'events.id', 'hosted.event_id')
    .select(['events.id', 'events.name', 'events.state', 'hosted.created_at'])
    .where('hosted.partner_id', '=', partnerId)
    .orderBy('hosted.created_at', 'desc')
    .execute();
  return rows.map((row) => ({
    eventId: row.id,
    name: row.name,
    state: row.state,
    since: new Date(row.created_at).toISOString(),
  }));
}

/**
 * Lets a partner push entries for an event of another organisation, or stops it
 * (`hosted` false). Entries it already pushed stay. Audited; returns nothing.
 */
export async function setHostedEvent(
  db: Db,
  partnerId: string,
  eventId: string,
  hosted: boolean,
  actor: { userId: string; ip: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const partner = await trx
      .selectFrom('partners')
      .select(['id', 'organisation_id'])
      .where('id', '=', partnerId)
      .executeTakeFirst();
    if (!partner) throw new PartnerNotFound(partnerId);
    const event = await trx
      .selectFrom('events')
      .select(['id', 'state', 'organisation_id'])
      .where('id', '=', eventId)
      .executeTakeFirst();
    if (!event) throw new EventNotFound(eventId);
    // Revoking works in any state, so the operator can still remove a grant after a cancellation.
    if (hosted && !isHostable(event, partner.organisation_id)) throw new EventNotHostable(eventId);
    const changed = hosted
      ? await trx
          .insertInto('partner_hosted_events')
          .values({ partner_id: partnerId, event_id: eventId })
          .onConflict((conflict) => conflict.doNothing())
          .executeTakeFirst()
      : await trx
          .deleteFrom('partner_hosted_events')
          .where('partner_id', '=', partnerId)
          .where('event_id', '=', eventId)
          .executeTakeFirst();
    const count =
      'numInsertedOrUpdatedRows' in changed
        ? changed.numInsertedOrUpdatedRows
        : changed.numDeletedRows;
    if (Number(count ?? 0) === 0) return;
    await recordAudit(trx, {
      actorUserId: actor.userId,
      actorIp: actor.ip,
      action: hosted ? 'partner.event_hosting_granted' : 'partner.event_hosting_revoked',
      entityType: 'partner',
      entityId: partnerId,
      detail: { eventId },
    });
  });
}
