import { randomBytes } from 'node:crypto';

import { recordAudit } from '../audit/audit.repository.js';
import type { Db, Executor } from '../db/database.js';
import { PartnerNotFound } from '../partners/partner.errors.js';
import type { Actor } from '../partners/partner.service.js';
import { uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import type { WebhookAction } from './webhook.catalogue.js';
import { isAllowedEndpointHost } from './endpoint-address.js';
import { DeliveryNotFound, EndpointNotFound, InvalidEndpointUrl } from './webhook.errors.js';

/**
 * Checks a webhook URL: absolute http or https, no user name or password, a host that
 * isAllowedEndpointHost accepts, https in production. Returns it normalised.
 */
export function checkEndpointUrl(input: string, production: boolean): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InvalidEndpointUrl();
  }
  const scheme = production ? ['https:'] : ['https:', 'http:'];
  if (!scheme.includes(url.protocol) || url.username || url.password || url.hash) {
    throw new InvalidEndpointUrl();
  }
  if (!isAllowedEndpointHost(url, production)) throw new InvalidEndpointUrl();
  return url.toString();
}

async function assertPartner(db: Executor, partnerId: string): Promise<void> {
  const partner = await db
    .selectFrom('partners')
    .select('id')
    .where('id', '=', partnerId)
    .executeTakeFirst();
  if (!partner) throw new PartnerNotFound(partnerId);
}

function toEndpointView(row: {
  id: string;
  url: string;
  actions: string[];
  status: 'active' | 'disabled';
  disabled_reason: string | null;
  created_at: Date;
}) {
  return {
    id: row.id,
    url: row.url,
    actions: row.actions as WebhookAction[],
    status: row.status,
    disabledReason: row.disabled_reason,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export type EndpointView = ReturnType<typeof toEndpointView>;

/** Lists a partner's webhook endpoints. */
export async function listEndpoints(db: Executor, partnerId: string): Promise<EndpointView[]> {
  await assertPartner(db, partnerId);
  const rows = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .orderBy('created_at')
    .execute();
  return rows.map(toEndpointView);
}

/** Adds an endpoint and returns it with its signing secret, which is shown only this once. */
export async function createEndpoint(
  db: Db,
  cipher: PersonalDataCipher,
  partnerId: string,
  input: { url: string; actions: WebhookAction[]; production: boolean },
  actor: Actor,
): Promise<{ endpoint: EndpointView; secret: string }> {
  const url = checkEndpointUrl(input.url, input.production);
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const id = uuidv7();
  await db.transaction().execute(async (trx) => {
    await assertPartner(trx, partnerId);
    await trx
      .insertInto('webhook_endpoints')
      .values({
        id,
        partner_id: partnerId,
        url,
        secret_ciphertext: cipher.encrypt(secret),
        actions: [...new Set(input.actions)],
      })
      .execute();
    await recordAudit(trx, {
      actorUserId: actor.userId,
      actorIp: actor.ip,
      action: 'partner.webhook_added',
      entityType: 'partner',
      entityId: partnerId,
      detail: { endpointId: id, url, actions: input.actions },
    });
  });
  const row = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { endpoint: toEndpointView(row), secret };
}

/** Changes an endpoint's actions or status; enabling it again clears the reason it stopped. */
export async function updateEndpoint(
  db: Db,
  partnerId: string,
  endpointId: string,
  changes: { actions?: WebhookAction[]; status?: 'active' | 'disabled' },
  actor: Actor,
): Promise<EndpointView> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', endpointId)
      .where('partner_id', '=', partnerId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new EndpointNotFound(endpointId);
    const status = changes.status ?? before.status;
    let reason: string | null = null;
    if (status === 'disabled') reason = changes.status ? 'operator' : before.disabled_reason;
    const after = await trx
      .updateTable('webhook_endpoints')
      .set({
        actions: changes.actions ? [...new Set(changes.actions)] : before.actions,
        status,
        disabled_reason: reason,
        updated_at: new Date(),
      })
      .where('id', '=', endpointId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorUserId: actor.userId,
      actorIp: actor.ip,
      action: 'partner.webhook_updated',
      entityType: 'partner',
      entityId: partnerId,
      detail: {
        endpointId,
        before: { actions: before.actions, status: before.status },
        after: { actions: after.actions, status: after.status },
      },
    });
    return toEndpointView(after);
  });
}

/**
 * Lists a partner's latest deliveries with their attempts, newest first; `endpointId` limits
 * the list to one of the partner's endpoints.
 */
export async function listDeliveries(
  db: Executor,
  partnerId: string,
  limit: number,
  endpointId?: string,
) {
  await assertPartner(db, partnerId);
  let query = db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
    .innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.webhook_event_id')
    .select([
      'webhook_deliveries.id',
      'webhook_deliveries.status',
      'webhook_deliveries.attempts',
      'webhook_deliveries.next_attempt_at',
      'webhook_deliveries.created_at',
      'webhook_endpoints.id as endpoint_id',
      'webhook_endpoints.url',
      'webhook_events.id as webhook_event_id',
      'webhook_events.action',
      'webhook_events.resource_type',
      'webhook_events.resource_id',
      'webhook_events.sequence',
    ])
    .where('webhook_endpoints.partner_id', '=', partnerId);
  if (endpointId !== undefined) query = query.where('webhook_endpoints.id', '=', endpointId);
  const deliveries = await query
    .orderBy('webhook_deliveries.created_at', 'desc')
    .orderBy('webhook_deliveries.id', 'desc')
    .limit(limit)
    .execute();
  const attempts =
    deliveries.length === 0
      ? []
      : await db
          .selectFrom('webhook_attempts')
          .selectAll()
          .where(
            'delivery_id',
            'in',
            deliveries.map((delivery) => delivery.id),
          )
          .orderBy('at')
          .orderBy('id')
          .execute();
  return deliveries.map((delivery) => ({
    id: delivery.id,
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt:
      delivery.status === 'pending' ? new Date(delivery.next_attempt_at).toISOString() : null,
    createdAt: new Date(delivery.created_at).toISOString(),
    endpoint: { id: delivery.endpoint_id, url: delivery.url },
    webhook: {
      id: delivery.webhook_event_id,
      action: delivery.action,
      resourceType: delivery.resource_type,
      resourceId: delivery.resource_id,
      sequence: delivery.sequence,
    },
    log: attempts
      .filter((attempt) => attempt.delivery_id === delivery.id)
      .map((attempt) => ({
        at: new Date(attempt.at).toISOString(),
        statusCode: attempt.status_code,
        durationMs: attempt.duration_ms,
        error: attempt.error,
        responseExcerpt: attempt.response_excerpt,
      })),
  }));
}

/** Queues a delivery again at once with a fresh retry schedule, whatever its state. */
export async function redeliver(
  db: Db,
  partnerId: string,
  deliveryId: string,
  actor: Actor,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: new Date() })
      .where('id', '=', deliveryId)
      .where('endpoint_id', 'in', (eb) =>
        eb.selectFrom('webhook_endpoints').select('id').where('partner_id', '=', partnerId),
      )
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw new DeliveryNotFound(deliveryId);
    await recordAudit(trx, {
      actorUserId: actor.userId,
      actorIp: actor.ip,
      action: 'partner.webhook_redelivered',
      entityType: 'partner',
      entityId: partnerId,
      detail: { deliveryId },
    });
  });
}
