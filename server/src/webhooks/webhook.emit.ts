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
 * The common table expressions that record `registration.created` for entries that the same
 * statement inserts, with the recipients of `emitEntryWebhookEvents`. `source` names an earlier
 * expression with a row per entry: webhook_id, entry_id, event_id, organisation_id and
 * partner_id (the partner that pushed the entry, or null).
 */
export function createdEntryWebhookSteps(source: string) {
  const entries = sql.table(source);
  // Other transactions cannot read these entries before the commit, so none can record a
  // webhook for them. Each sequence is therefore 1, and no per-entry lock is needed.
  return sql`
    recorded as (
      insert into webhook_events
        (id, action, resource_type, resource_id, event_id, organisation_id, sequence)
      select webhook_id, 'registration.created', 'registration', entry_id, event_id,
        organisation_id, 1
      from ${entries}
      returning id, resource_id
    ),
    delivered as (
      insert into webhook_deliveries (id, webhook_event_id, endpoint_id)
      select gen_random_uuid(), recorded.id, endpoint.id
      from recorded
      join ${entries} entry on entry.entry_id = recorded.resource_id
      join webhook_endpoints endpoint
        on endpoint.status = 'active' and 'registration.created' = any(endpoint.actions)
      join partners partner on partner.id = endpoint.partner_id and partner.status = 'active'
      where 'registrations:read' = any(partner.scopes)
        and (partner.organisation_id = entry.organisation_id or partner.id = entry.partner_id)
    )`;
}

/**
 * Records one entry webhook event per registration of one league event in the caller's
 * transaction, each numbered within its registration, with the same recipients as
 * `emitWebhookEvent`: the partner that owns the event and the partner that pushed the entry,
 * each with `registrations:read`. Three statements serve any number of entries, so cancelling
 * a large event stays one short transaction. Returns the number of webhook events recorded.
 */
export async function emitEntryWebhookEvents(
  trx: Executor,
  action: Extract<WebhookAction, `registration.${string}`>,
  eventId: string,
  registrationIds: readonly string[],
): Promise<number> {
  if (registrationIds.length === 0) return 0;
  const entryIds = [...registrationIds].sort();
  const webhookIds = entryIds.map(() => uuidv7());
  // The same per-resource locks as emitWebhookEvent, taken in id order, so two bulk emitters
  // wait for each other instead of deadlocking.
  await sql`
    select pg_advisory_xact_lock(hashtextextended('registration:' || entry_id::text, 0))
    from (select unnest(${entryIds}::uuid[]) as entry_id order by 1) as ordered`.execute(trx);
  const owner = await trx
    .selectFrom('events')
    .select('organisation_id')
    .where('id', '=', eventId)
    .executeTakeFirstOrThrow();
  await sql`
    insert into webhook_events
      (id, action, resource_type, resource_id, event_id, organisation_id, sequence)
    select pair.webhook_id, ${action}, 'registration', pair.entry_id, ${eventId}::uuid,
      ${owner.organisation_id}::uuid,
      (select coalesce(max(w.sequence), 0) + 1 from webhook_events w
       where w.resource_type = 'registration' and w.resource_id = pair.entry_id)
    from unnest(${webhookIds}::uuid[], ${entryIds}::uuid[]) as pair(webhook_id, entry_id)`.execute(
    trx,
  );
  await sql`
    insert into webhook_deliveries (id, webhook_event_id, endpoint_id)
    select gen_random_uuid(), pair.webhook_id, endpoint.id
    from unnest(${webhookIds}::uuid[], ${entryIds}::uuid[]) as pair(webhook_id, entry_id)
    join registrations entry on entry.id = pair.entry_id
    join webhook_endpoints endpoint
      on endpoint.status = 'active' and ${action} = any(endpoint.actions)
    join partners partner on partner.id = endpoint.partner_id and partner.status = 'active'
    where 'registrations:read' = any(partner.scopes)
      and (partner.organisation_id = ${owner.organisation_id}::uuid
        or partner.id = entry.partner_id)`.execute(trx);
  return entryIds.length;
}
