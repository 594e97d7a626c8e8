import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import { uuidv7 } from '../shared/ids.js';
import { isEntryAction, type WebhookAction } from './webhook.catalogue.js';

export interface WebhookEventInput {
  action: WebhookAction;
  resourceType: 'event' | 'registration' | 'results';
  resourceId: string;
  /** The league event that the resource is or belongs to. */
  eventId: string;
}

/**
 * Records a webhook event in the caller's transaction, numbered within its resource. It also
 * queues one delivery per active endpoint that subscribes to the action and whose partner may
 * see it. Entry actions reach the partner that owns the event and the partner that pushed the
 * entry, with `registrations:read`.
 * Event actions reach the owning partner, and every partner with `events:read` once the event
 * is published. Returns the webhook event id.
 */
export async function emitWebhookEvent(trx: Executor, input: WebhookEventInput): Promise<string> {
  const id = uuidv7();
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${input.resourceType}:${input.resourceId}`}, 0))`.execute(
    trx,
  );
  const owner = await trx
    .selectFrom('events')
    .select(['organisation_id', 'published_at'])
    .where('id', '=', input.eventId)
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('webhook_events')
    .values(({ selectFrom }) => ({
      id,
      action: input.action,
      resource_type: input.resourceType,
      resource_id: input.resourceId,
      event_id: input.eventId,
      organisation_id: owner.organisation_id,
      sequence: selectFrom('webhook_events')
        .select(sql<number>`coalesce(max(sequence), 0) + 1`.as('next'))
        .where('resource_type', '=', input.resourceType)
        .where('resource_id', '=', input.resourceId),
    }))
    .execute();

  const entry = isEntryAction(input.action);
  const pushedBy =
    input.resourceType === 'registration'
      ? ((
          await trx
            .selectFrom('registrations')
            .select('partner_id')
            .where('id', '=', input.resourceId)
            .executeTakeFirst()
        )?.partner_id ?? null)
      : null;
  await trx
    .insertInto('webhook_deliveries')
    .columns(['id', 'webhook_event_id', 'endpoint_id'])
    .expression((eb) =>
      eb
        .selectFrom('webhook_endpoints')
        .innerJoin('partners', 'partners.id', 'webhook_endpoints.partner_id')
        .select([
          sql<string>`gen_random_uuid()`.as('id'),
          sql<string>`${id}::uuid`.as('webhook_event_id'),
          'webhook_endpoints.id as endpoint_id',
        ])
        .where('webhook_endpoints.status', '=', 'active')
        .where('partners.status', '=', 'active')
        .where(sql<boolean>`${input.action} = any(webhook_endpoints.actions)`)
        .where((where) => {
          const own = where('partners.organisation_id', '=', owner.organisation_id);
          if (entry) {
            const pusher =
              pushedBy === null ? own : where.or([own, where('partners.id', '=', pushedBy)]);
            return where.and([pusher, sql<boolean>`'registrations:read' = any(partners.scopes)`]);
          }
          const readsEvents = sql<boolean>`'events:read' = any(partners.scopes)`;
          return owner.published_at === null ? own : where.or([own, readsEvents]);
        }),
    )
    .execute();
  return id;
}

/**
 * Records `results.published` for an event's results in the caller's transaction, the one that
 * publishes them. The resource is the event's results (type `results`, id the event id), so
 * each publication or correction gets the next sequence number. Every partner that may read
 * the event receives it. Returns the webhook event id.
 */
export async function emitResultsPublished(trx: Executor, eventId: string): Promise<string> {
  return emitWebhookEvent(trx, {
    action: 'results.published',
    resourceType: 'results',
    resourceId: eventId,
    eventId,
  });
}

/**
 * Records `registration.created` for entries that the caller's transaction has just inserted
 * and that no partner pushed, with the deliveries emitWebhookEvent would queue for each, in two
 * statements for the whole list. Each entry is new and not yet committed, so no other
 * transaction can emit for it: its sequence is 1 and the per-resource advisory lock of
 * emitWebhookEvent is not needed.
 */
export async function emitEntriesCreated(
  trx: Executor,
  eventId: string,
  registrationIds: string[],
): Promise<void> {
  if (registrationIds.length === 0) return;
  const action: WebhookAction = 'registration.created';
  const webhookIds = registrationIds.map(() => uuidv7());
  await sql`
    insert into webhook_events
      (id, action, resource_type, resource_id, event_id, organisation_id, sequence)
    select created.id, ${action}, 'registration', created.resource_id, events.id,
      events.organisation_id, 1
    from unnest(${webhookIds}::uuid[], ${registrationIds}::uuid[]) as created (id, resource_id)
    cross join events
    where events.id = ${eventId}`.execute(trx);
  await sql`
    insert into webhook_deliveries (id, webhook_event_id, endpoint_id)
    select gen_random_uuid(), created.id, webhook_endpoints.id
    from unnest(${webhookIds}::uuid[]) as created (id)
    cross join webhook_endpoints
    join partners on partners.id = webhook_endpoints.partner_id
    join events on events.id = ${eventId}
    where webhook_endpoints.status = 'active'
      and partners.status = 'active'
      and ${action} = any(webhook_endpoints.actions)
      and partners.organisation_id = events.organisation_id
      and 'registrations:read' = any(partners.scopes)`.execute(trx);
}
