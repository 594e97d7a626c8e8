import type { FastifyBaseLogger } from 'fastify';

import type { Db, Executor, Trx } from '../db/database.js';
import type { WebhookAction } from '../webhooks/webhook.catalogue.js';
import { emitWebhookEvent } from '../webhooks/webhook.emit.js';
import * as places from './places.repository.js';
import * as teams from './team.repository.js';
import { startPeriodicJob } from '../shared/periodic-job.js';

/** SMS kinds of the waiting list, each queued at most once per entry. */
export const WAITING_LIST_SMS = {
  promoted: 'registration.promoted',
  offered: 'registration.offered',
  offerExpired: 'registration.offer_expired',
} as const;

/**
 * Records a webhook event about an entry in the caller's transaction, so partners hear of
 * every status change (promotion, offer, cancellation) that commits with it.
 */
export async function emitRegistrationWebhook(
  trx: Executor,
  action: Extract<WebhookAction, `registration.${string}`>,
  entry: { id: string; event_id: string },
): Promise<void> {
  await emitWebhookEvent(trx, {
    action,
    resourceType: 'registration',
    resourceId: entry.id,
    eventId: entry.event_id,
  });
}

/**
 * Moves waiting entries of a group into its free places, first come first served by sequence
 * number. In 'auto' mode (and for entries left waiting after the list was switched off) an
 * entry becomes active; in 'offer' mode it is offered the place, which it holds until the offer
 * expires. Each promotion takes its place with the same conditional update as a registration
 * and queues one SMS and one webhook event. A waiting team at the head of the queue is promoted whole, with one
 * conditional update for all its members, or not at all. While it does not fit, the entries
 * behind it wait too, so the queue keeps its order. The caller holds the event's lock. Returns
 * the number of entries promoted.
 */
export async function promoteWaiting(trx: Trx, groupId: string): Promise<number> {
  const group = await trx
    .selectFrom('event_groups')
    .select(['waiting_list', 'offer_hours'])
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow();
  let promoted = 0;
  for (;;) {
    const next = await places.nextWaiting(trx, groupId);
    if (!next) break;
    if (next.team_id !== null) {
      const members = await promoteWaitingTeam(trx, groupId, next.team_id);
      if (members === 0) break;
      promoted += members;
      continue;
    }
    if (!(await places.takePlaces(trx, groupId))) break;
    const offer = group.waiting_list === 'offer' && group.offer_hours !== null;
    const changed = await places.changeStatus(trx, next.id, 'waiting', {
      status: offer ? 'offered' : 'active',
      offerHours: group.offer_hours ?? undefined,
    });
    // The event's lock keeps the entry waiting between the read and this update.
    if (!changed) throw new Error(`Waiting entry ${next.id} changed under the event lock`);
    await emitRegistrationWebhook(trx, 'registration.changed', changed);
    await places.queueEntrySms(
      trx,
      offer ? WAITING_LIST_SMS.offered : WAITING_LIST_SMS.promoted,
      changed,
    );
    promoted += 1;
  }
  return promoted;
}

/**
 * Makes a waiting team and all its waiting members active when the group has a place for each
 * of them, and queues one SMS per member. Returns the number of members promoted, 0 when the
 * team does not fit. Teams are always made active: an offer to a whole team is not supported.
 */
async function promoteWaitingTeam(trx: Trx, groupId: string, teamId: string): Promise<number> {
  const waiting = await trx
    .selectFrom('registrations')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('team_id', '=', teamId)
    .where('status', '=', 'waiting')
    .executeTakeFirstOrThrow();
  const size = Number(waiting.count);
  if (!(await places.takePlaces(trx, groupId, size))) return 0;
  const team = await teams.changeTeamStatus(trx, teamId, 'waiting', { status: 'active' });
  if (!team) throw new Error(`Waiting team ${teamId} changed under the event lock`);
  const members = await teams.changeMembersStatus(trx, teamId, 'waiting', { status: 'active' });
  if (members.length !== size) throw new Error(`Members of team ${teamId} changed under the lock`);
  for (const member of members) {
    await places.queueEntrySms(trx, WAITING_LIST_SMS.promoted, member);
  }
  return size;
}

const EXPIRY_EVENTS_PER_ROUND = 50;

/**
 * Cancels every offer whose deadline has passed on the database clock, gives its place to
 * the next waiting entry and queues one SMS per expired offer. Each event is handled in its
 * own transaction under the event's lock, so an offer accepted at the same moment is either
 * accepted or expired, never both. Returns the number of offers expired.
 */
export async function expireOffers(db: Db): Promise<number> {
  let expired = 0;
  for (;;) {
    const eventIds = await places.eventsWithExpiredOffers(db, EXPIRY_EVENTS_PER_ROUND);
    for (const eventId of eventIds) {
      expired += await db.transaction().execute(async (trx) => {
        await places.lockEventForEntries(trx, eventId);
        const offers = await places.expiredOffers(trx, eventId);
        const groups = new Set<string>();
        let count = 0;
        for (const offer of offers) {
          const changed = await places.changeStatus(trx, offer.id, 'offered', {
            status: 'cancelled',
            cancelReason: 'offer_expired',
          });
          if (!changed) continue;
          await emitRegistrationWebhook(trx, 'registration.cancelled', changed);
          await places.releasePlaces(trx, offer.group_id);
          await places.queueEntrySms(trx, WAITING_LIST_SMS.offerExpired, changed);
          groups.add(offer.group_id);
          count += 1;
        }
        for (const groupId of groups) await promoteWaiting(trx, groupId);
        return count;
      });
    }
    if (eventIds.length < EXPIRY_EVENTS_PER_ROUND) return expired;
  }
}

/** Runs `expireOffers` every `intervalMs` until the returned function is called. */
export function startOfferExpiry(db: Db, log: FastifyBaseLogger, intervalMs = 60_000): () => void {
  const job = startPeriodicJob({
    intervalMs,
    log,
    failureMessage: 'offer expiry round failed',
    round: async () => {
      const count = await expireOffers(db);
      if (count > 0) log.info({ expired: count }, 'waiting-list offers expired');
    },
  });
  return job.stop;
}
