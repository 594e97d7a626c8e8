import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  publishNewEvent,
  signIn,
  type TestContext,
  testCreditCode,
  whileCheckInOpen,
} from '../test/harness.js';
import {
  MAX_ATTEMPTS,
  RETRY_DELAYS_MS,
  WEBHOOK_ACTIONS,
  type WebhookAction,
} from './webhook.catalogue.js';
import { deliverDue, signWebhook } from './webhook.delivery.js';
import { emitWebhookEvent } from './webhook.emit.js';
import { InvalidEndpointUrl } from './webhook.errors.js';
import { checkEndpointUrl } from './webhook.service.js';

/** Response the receiver sends next, per path. */
type Behaviour = 'ok' | 'fail' | 'gone' | 'slow';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let ctx: TestContext;
let operator: string;
let bureau: string;
let receiver: Server;
let receiverUrl: string;
const behaviours = new Map<string, Behaviour>();
let received: Received[] = [];
let partnerCount = 0;

async function startReceiver(): Promise<void> {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body });
      const behaviour = behaviours.get(path) ?? 'ok';
      if (behaviour === 'slow') {
        setTimeout(() => response.writeHead(200).end('late'), 400).unref();
        return;
      }
      const status = { ok: 200, fail: 500, gone: 410 }[behaviour];
      response.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status}`);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}

async function createPartner(scopes: string[]) {
  partnerCount += 1;
  const response = await as(
    ctx.app,
    operator,
  )({
    method: 'POST',
    url: '/api/operator/partners',
    payload: {
      name: `回调测试平台${partnerCount}`,
      creditCode: testCreditCode(),
      contactName: '测试联系人',
      contactPhone: '13800138124',
      scopes,
      rateLimitPerMinute: 100,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ partner: { id: string; organisationId: string } }>().partner;
}

/**
 * Creates a partner that reads events and entries, and moves it to the organisation that owns
 * `eventId`. An organisation has room for one partner.
 */
async function createOwnerPartner(eventId: string) {
  const { organisation_id: ownerOrganisation } = await ctx.db
    .selectFrom('events')
    .select('organisation_id')
    .where('id', '=', eventId)
    .executeTakeFirstOrThrow();
  const owner = await createPartner(['events:read', 'registrations:read']);
  await ctx.db
    .updateTable('partners')
    .set({ organisation_id: ownerOrganisation })
    .where('id', '=', owner.id)
    .execute();
  return owner;
}

async function addEndpoint(partnerId: string, path: string, actions: WebhookAction[]) {
  const response = await as(
    ctx.app,
    operator,
  )({
    method: 'POST',
    url: `/api/operator/partners/${partnerId}/webhooks`,
    payload: { url: `${receiverUrl}${path}`, actions },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ endpoint: { id: string }; secret: string }>();
}

/**
 * Files and publishes a district brand event as the bureau. Its approval and publication
 * queue webhooks of their own (sequences 1 and 2). Unless `keepDeliveries` is set, their
 * deliveries are removed, so a test delivers only the webhooks it emits itself.
 */
async function publishEvent(name: string, keepDeliveries = false): Promise<string> {
  const event = await publishNewEvent(ctx.app, bureau, undefined, {
    name,
    level: 'district',
    section: 'brand_event',
    divisionCode: '310104',
  });
  const id = event.id as string;
  if (!keepDeliveries) {
    await ctx.db
      .deleteFrom('webhook_deliveries')
      .where('webhook_event_id', 'in', (eb) =>
        eb.selectFrom('webhook_events').select('id').where('event_id', '=', id),
      )
      .execute();
  }
  return id;
}

function emit(action: WebhookAction, eventId: string, resourceId = eventId) {
  const resourceType =
    action.startsWith('event.') || action === 'results.published' ? 'event' : 'registration';
  return ctx.db
    .transaction()
    .execute((trx) => emitWebhookEvent(trx, { action, resourceType, resourceId, eventId }));
}

async function deliveriesOf(endpointId: string) {
  return ctx.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('created_at')
    .execute();
}

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'wh.operator',
    accountType: 'operator',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'wh.bureau',
    accountType: 'district_bureau',
    divisionCode: '310104',
  });
  operator = await signIn(ctx.app, 'wh.operator');
  bureau = await signIn(ctx.app, 'wh.bureau');
  await startReceiver();
});

afterAll(async () => {
  receiver?.close();
  await ctx?.close();
});

beforeEach(async () => {
  received = [];
  behaviours.clear();
  // Endpoints and deliveries of earlier tests must not take part in this one.
  await ctx.db.updateTable('webhook_deliveries').set({ status: 'abandoned' }).execute();
  await ctx.db.updateTable('webhook_endpoints').set({ status: 'disabled' }).execute();
});

describe('delivery', () => {
  it('posts a thin payload signed with the endpoint secret', async () => {
    const partner = await createPartner(['events:read']);
    const { endpoint, secret } = await addEndpoint(partner.id, '/signed', ['event.approved']);
    const eventId = await publishEvent('回调签名赛事');
    const webhookId = await emit('event.approved', eventId);

    const now = new Date();
    expect(await deliverDue(ctx.db, ctx.app.cipher, { now })).toBe(1);
    expect(received).toHaveLength(1);
    const hit = received[0]!;
    expect(JSON.parse(hit.body)).toEqual({
      id: webhookId,
      action: 'event.approved',
      resource: { type: 'event', id: eventId },
      eventId,
      // Approval and publication were 1 and 2.
      sequence: 3,
      occurredAt: expect.any(String),
    });
    expect(hit.headers['x-cl-webhook-id']).toBe(webhookId);
    const timestamp = String(hit.headers['x-cl-timestamp']);
    expect(timestamp).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(hit.headers['x-cl-signature']).toBe(signWebhook(secret, timestamp, hit.body));
    expect(hit.headers['x-cl-signature']).not.toBe(signWebhook('another', timestamp, hit.body));

    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(await deliverDue(ctx.db, ctx.app.cipher, { now })).toBe(0);
  });

  it('skips a stored link-local endpoint', async () => {
    const partner = await createPartner(['events:read']);
    const { endpoint } = await addEndpoint(partner.id, '/moved', ['event.changed']);
    // Port 1 of the unspecified address has no listener, so a post would fail to connect.
    await ctx.db
      .updateTable('webhook_endpoints')
      .set({ url: 'http://0.0.0.0:1/hook' })
      .where('id', '=', endpoint.id)
      .execute();
    await emit('event.changed', await publishEvent('回调地址赛事'));

    expect(await deliverDue(ctx.db, ctx.app.cipher, { now: new Date() })).toBe(1);
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
    const attempts = await ctx.db
      .selectFrom('webhook_attempts')
      .select(['status_code', 'error'])
      .where('delivery_id', '=', delivery!.id)
      .execute();
    expect(attempts).toEqual([{ status_code: null, error: 'address not allowed' }]);
  });

  it('numbers the webhook events of each resource from 1', async () => {
    const first = await publishEvent('回调序号赛事一');
    const second = await publishEvent('回调序号赛事二');
    await emit('event.changed', first);
    await emit('event.changed', first);
    await emit('event.changed', second);
    await emit('event.cancelled', first);
    const rows = await ctx.db
      .selectFrom('webhook_events')
      .select(['resource_id', 'sequence', 'action'])
      .where('resource_id', 'in', [first, second])
      .orderBy('sequence')
      .execute();
    // Approval and publication of each event were 1 and 2.
    expect(rows.filter((row) => row.resource_id === first).map((row) => row.sequence)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(rows.filter((row) => row.resource_id === second).map((row) => row.sequence)).toEqual([
      1, 2, 3,
    ]);
  });

  it('numbers parallel webhook events of one resource without gaps', async () => {
    const eventId = await publishEvent('回调并发序号赛事');
    await Promise.all(Array.from({ length: 10 }, () => emit('event.changed', eventId)));
    const rows = await ctx.db
      .selectFrom('webhook_events')
      .select('sequence')
      .where('resource_id', '=', eventId)
      .orderBy('sequence')
      .execute();
    expect(rows.map((row) => row.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('writes nothing when the causing transaction rolls back', async () => {
    const partner = await createPartner(['events:read']);
    const { endpoint } = await addEndpoint(partner.id, '/rollback', ['event.changed']);
    const eventId = await publishEvent('回调回滚赛事');
    await expect(
      ctx.db.transaction().execute(async (trx) => {
        await emitWebhookEvent(trx, {
          action: 'event.changed',
          resourceType: 'event',
          resourceId: eventId,
          eventId,
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await deliveriesOf(endpoint.id)).toEqual([]);
  });

  it('retries on the schedule for about three days, then abandons', async () => {
    const partner = await createPartner(['events:read']);
    const { endpoint } = await addEndpoint(partner.id, '/failing', ['event.changed']);
    behaviours.set('/failing', 'fail');
    await emit('event.changed', await publishEvent('回调重试赛事'));

    const start = Date.now() + 1000;
    let clock = start;
    const attemptTimes: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Just before the due time nothing is sent.
      if (attempt > 1) {
        expect(await deliverDue(ctx.db, ctx.app.cipher, { now: new Date(clock - 1000) })).toBe(0);
      }
      expect(await deliverDue(ctx.db, ctx.app.cipher, { now: new Date(clock) })).toBe(1);
      attemptTimes.push(clock);
      clock += RETRY_DELAYS_MS[attempt - 1] ?? 0;
    }
    expect(await deliverDue(ctx.db, ctx.app.cipher, { now: new Date(clock + 86_400_000) })).toBe(0);

    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'abandoned', attempts: 12 });
    const hours = (attemptTimes.at(-1)! - start) / 3_600_000;
    expect(hours).toBeGreaterThan(66);
    expect(hours).toBeLessThan(78);
    const attempts = await ctx.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', '=', delivery!.id)
      .execute();
    expect(attempts).toHaveLength(12);
    expect(attempts.every((attempt) => attempt.status_code === 500)).toBe(true);
    expect(attempts[0]?.response_excerpt).toBe('answer 500');
  });

  it('counts a timeout as a failed attempt', async () => {
    const partner = await createPartner(['events:read']);
    const { endpoint } = await addEndpoint(partner.id, '/slow', ['event.changed']);
    behaviours.set('/slow', 'slow');
    await emit('event.changed', await publishEvent('回调超时赛事'));
    const now = new Date();
    await deliverDue(ctx.db, ctx.app.cipher, { now, timeoutMs: 100 });
    const [delivery] = await deliverDue(ctx.db, ctx.app.cipher, { now }).then(() =>
      deliveriesOf(endpoint.id),
    );
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
    expect(new Date(delivery!.next_attempt_at).getTime()).toBe(now.getTime() + RETRY_DELAYS_MS[0]!);
    const [attempt] = await ctx.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', '=', delivery!.id)
      .execute();
    expect(attempt).toMatchObject({ status_code: null, error: 'timed out after 100 ms' });
  });

  it('disables an endpoint that answers 410 until the operator enables it', async () => {
    const partner = await createPartner(['events:read']);
    const { endpoint } = await addEndpoint(partner.id, '/gone', ['event.changed']);
    behaviours.set('/gone', 'gone');
    const eventId = await publishEvent('回调失效赛事');
    await emit('event.changed', eventId);
    await deliverDue(ctx.db, ctx.app.cipher);
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'abandoned', attempts: 1 });

    const list = await as(
      ctx.app,
      operator,
    )({
      method: 'GET',
      url: `/api/operator/partners/${partner.id}/webhooks`,
    });
    expect(list.json().items[0]).toMatchObject({ status: 'disabled', disabledReason: 'gone' });
    await emit('event.changed', eventId);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);

    behaviours.set('/gone', 'ok');
    const enable = await as(
      ctx.app,
      operator,
    )({
      method: 'PATCH',
      url: `/api/operator/partners/${partner.id}/webhooks/${endpoint.id}`,
      payload: { status: 'active' },
    });
    expect(enable.json()).toMatchObject({ status: 'active', disabledReason: null });
    const redeliver = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/operator/partners/${partner.id}/webhook-deliveries/${delivery!.id}/redeliver`,
    });
    expect(redeliver.statusCode, redeliver.body).toBe(204);
    expect(await deliverDue(ctx.db, ctx.app.cipher)).toBe(1);
    const log = await as(
      ctx.app,
      operator,
    )({
      method: 'GET',
      url: `/api/operator/partners/${partner.id}/webhook-deliveries`,
    });
    const [entry] = log.json<{ items: { status: string; log: { statusCode: number }[] }[] }>()
      .items;
    expect(entry?.status).toBe('delivered');
    expect(entry?.log.map((attempt) => attempt.statusCode)).toEqual([410, 200]);
  });

  it('sends each delivery once when two workers run at the same time', async () => {
    const partner = await createPartner(['events:read']);
    const { endpoint } = await addEndpoint(partner.id, '/parallel', ['event.changed']);
    for (let i = 0; i < 6; i++) await emit('event.changed', await publishEvent(`回调并发赛事${i}`));
    const now = new Date();
    const counts = await Promise.all([
      deliverDue(ctx.db, ctx.app.cipher, { now, limit: 4 }),
      deliverDue(ctx.db, ctx.app.cipher, { now, limit: 4 }),
      deliverDue(ctx.db, ctx.app.cipher, { now, limit: 4 }),
    ]);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(6);
    const paths = received.filter((hit) => hit.path === '/parallel');
    expect(paths).toHaveLength(6);
    const ids = new Set(paths.map((hit) => hit.headers['x-cl-delivery-id']));
    expect(ids.size).toBe(6);
    const deliveries = await deliveriesOf(endpoint.id);
    expect(deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
  });
});

describe('fan-out', () => {
  it('sends entry changes only to the partner that owns the event', async () => {
    const owner = await createPartner(['events:read', 'registrations:read']);
    const other = await createPartner(['events:read', 'registrations:read']);
    const blind = await createPartner(['events:read']);
    const ownerHook = await addEndpoint(owner.id, '/owner', [
      'registration.created',
      'event.changed',
    ]);
    const otherHook = await addEndpoint(other.id, '/other', [
      'registration.created',
      'event.changed',
    ]);
    const blindHook = await addEndpoint(blind.id, '/blind', ['registration.created']);
    const eventId = await publishEvent('回调归属赛事');
    await ctx.db
      .updateTable('events')
      .set({ organisation_id: owner.organisationId })
      .where('id', '=', eventId)
      .execute();

    await emit('registration.created', eventId, '0190f5c2-0000-7000-8000-000000000001');
    await emit('event.changed', eventId);
    expect((await deliveriesOf(ownerHook.endpoint.id)).length).toBe(2);
    expect((await deliveriesOf(otherHook.endpoint.id)).length).toBe(1);
    expect(await deliveriesOf(blindHook.endpoint.id)).toEqual([]);
  });

  it('keeps an unpublished event from other partners', async () => {
    const owner = await createPartner(['events:read']);
    const other = await createPartner(['events:read']);
    const ownerHook = await addEndpoint(owner.id, '/draft-owner', ['event.approved']);
    const otherHook = await addEndpoint(other.id, '/draft-other', ['event.approved']);
    const eventId = await publishEvent('回调未发布赛事');
    await ctx.db
      .updateTable('events')
      .set({ organisation_id: owner.organisationId, published_at: null, state: 'approved' })
      .where('id', '=', eventId)
      .execute();
    await emit('event.approved', eventId);
    expect(await deliveriesOf(ownerHook.endpoint.id)).toHaveLength(1);
    expect(await deliveriesOf(otherHook.endpoint.id)).toEqual([]);
  });

  it('skips endpoints that do not subscribe and suspended partners', async () => {
    const partner = await createPartner(['events:read']);
    const hook = await addEndpoint(partner.id, '/subscribed', ['event.cancelled']);
    const eventId = await publishEvent('回调订阅赛事');
    await emit('event.changed', eventId);
    expect(await deliveriesOf(hook.endpoint.id)).toEqual([]);
    await as(
      ctx.app,
      operator,
    )({
      method: 'PATCH',
      url: `/api/operator/partners/${partner.id}`,
      payload: { status: 'suspended' },
    });
    await emit('event.cancelled', eventId);
    expect(await deliveriesOf(hook.endpoint.id)).toEqual([]);
  });
});

describe('endpoint registry', () => {
  it.each([
    ['ftp://127.0.0.1/hook'],
    ['http://user:secret@127.0.0.1/hook'],
    ['/relative/hook'],
    ['http://127.0.0.1/hook#fragment'],
    ['http://169.254.169.254/latest/meta-data'],
    ['http://[fe80::1]/hook'],
    ['http://[::ffff:169.254.169.254]/hook'],
    ['http://0.0.0.0:8080/hook'],
  ])('rejects %s', async (url) => {
    const partner = await createPartner(['events:read']);
    const response = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/operator/partners/${partner.id}/webhooks`,
      payload: { url, actions: ['event.changed'] },
    });
    expectProblem(response, 400, 'WHK_INVALID_URL');
  });

  it.each([
    ['https://partner.example.com/hook', false, true],
    ['https://partner.example.com/hook', true, true],
    ['https://203.0.113.10/hook', true, true],
    ['http://127.0.0.1:8080/hook', false, true],
    ['https://127.0.0.1/hook', true, false],
    ['https://localhost/hook', true, false],
    ['https://10.1.2.3/hook', true, false],
    ['https://172.20.0.1/hook', true, false],
    ['https://192.168.1.5/hook', true, false],
    ['https://[::1]/hook', true, false],
    ['https://[fd00::5]/hook', true, false],
    ['https://169.254.10.1/hook', false, false],
  ])('checks %s (production %s): allowed %s', (url, production, allowed) => {
    const check = () => checkEndpointUrl(url, production);
    if (allowed) expect(check()).toBe(url);
    else expect(check).toThrow(InvalidEndpointUrl);
  });

  it('rejects an unknown action and an unknown partner', async () => {
    const partner = await createPartner(['events:read']);
    const bad = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/operator/partners/${partner.id}/webhooks`,
      payload: { url: `${receiverUrl}/x`, actions: ['event.deleted'] },
    });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    const missing = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: '/api/operator/partners/0190f5c2-0000-7000-8000-000000000000/webhooks',
      payload: { url: `${receiverUrl}/x`, actions: ['event.changed'] },
    });
    expectProblem(missing, 404, 'PTN_NOT_FOUND');
  });

  it("rejects redelivering another partner's delivery", async () => {
    const partner = await createPartner(['events:read']);
    const other = await createPartner(['events:read']);
    const { endpoint } = await addEndpoint(partner.id, '/mine', ['event.changed']);
    await emit('event.changed', await publishEvent('回调越权赛事'));
    const [delivery] = await deliveriesOf(endpoint.id);
    const response = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/operator/partners/${other.id}/webhook-deliveries/${delivery!.id}/redeliver`,
    });
    expectProblem(response, 404, 'WHK_DELIVERY_NOT_FOUND');
  });

  it('stores the secret encrypted and shows it once', async () => {
    const partner = await createPartner(['events:read']);
    const { endpoint, secret } = await addEndpoint(partner.id, '/secret', ['event.changed']);
    expect(secret).toMatch(/^whsec_/);
    const row = await ctx.db
      .selectFrom('webhook_endpoints')
      .select('secret_ciphertext')
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_ciphertext).not.toContain(secret);
    const list = await as(
      ctx.app,
      operator,
    )({
      method: 'GET',
      url: `/api/operator/partners/${partner.id}/webhooks`,
    });
    expect(list.body).not.toContain(secret);
  });
});

describe('changes that announce themselves', () => {
  it('queues webhooks for approval, publication, registration and check-in', async () => {
    const reader = await createPartner(['events:read', 'registrations:read']);
    const readerHook = await addEndpoint(reader.id, '/flow-reader', [
      'event.approved',
      'event.changed',
      'registration.created',
      'check_in.recorded',
    ]);

    // A district bureau's own brand event passes on submit, then the bureau publishes it,
    // a citizen registers and the bureau checks the citizen in.
    const eventId = await publishEvent('回调流程赛事', true);
    const registered = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: '测试用户', phone: '13800138155' },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const checkIn = await whileCheckInOpen(ctx.db, eventId, () =>
      as(
        ctx.app,
        bureau,
      )({
        method: 'POST',
        url: `/api/console/events/${eventId}/check-ins`,
        payload: { code: registered.json<{ code: string }>().code },
      }),
    );
    expect(checkIn.statusCode, checkIn.body).toBe(200);

    const events = await ctx.db
      .selectFrom('webhook_events')
      .select(['action', 'resource_type'])
      .where('event_id', '=', eventId)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
    expect(events).toEqual([
      { action: 'event.approved', resource_type: 'event' },
      { action: 'event.changed', resource_type: 'event' },
      { action: 'registration.created', resource_type: 'registration' },
      { action: 'check_in.recorded', resource_type: 'registration' },
    ]);
    // Another partner hears of the publication only: the approval came before it, and the
    // entries belong to the bureau's event.
    const readerActions = await ctx.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.webhook_event_id')
      .select('webhook_events.action')
      .where('webhook_deliveries.endpoint_id', '=', readerHook.endpoint.id)
      .execute();
    expect(readerActions.map((row) => row.action)).toEqual(['event.changed']);
  });

  it('sends web entries to the owner only', async () => {
    const eventId = await publishEvent('回调网上报名赛事');
    const owner = await createOwnerPartner(eventId);
    const bystander = await createPartner(['events:read', 'registrations:read']);
    const ownerHook = await addEndpoint(owner.id, '/web-owner', ['registration.created']);
    const bystanderHook = await addEndpoint(bystander.id, '/web-bystander', [
      'registration.created',
    ]);

    const entryIds: string[] = [];
    for (const phone of ['13800138171', '13800138172']) {
      const registered = await ctx.app.inject({
        method: 'POST',
        url: `/api/events/${eventId}/registrations`,
        payload: { name: '测试用户', phone },
      });
      expect(registered.statusCode, registered.body).toBe(201);
      entryIds.push(registered.json<{ id: string }>().id);
    }

    const delivered = await ctx.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.webhook_event_id')
      .select(['webhook_events.resource_id', 'webhook_events.sequence'])
      .where('webhook_deliveries.endpoint_id', '=', ownerHook.endpoint.id)
      .orderBy('webhook_events.resource_id')
      .execute();
    expect(delivered).toEqual([...entryIds].sort().map((id) => ({ resource_id: id, sequence: 1 })));
    expect(await deliveriesOf(bystanderHook.endpoint.id)).toEqual([]);
    // Frees the bureau's organisation for the partner of a later test.
    await ctx.db
      .updateTable('partners')
      .set({ organisation_id: owner.organisationId })
      .where('id', '=', owner.id)
      .execute();
  });

  it('sends registration.cancelled for each entry an event cancellation ends', async () => {
    const eventId = await publishEvent('回调取消赛事');
    // The owner is a partner of the bureau's own organisation, and the pusher pushed one entry.
    // The bystander reads events and entries but has no tie to these entries.
    const owner = await createOwnerPartner(eventId);
    const pusher = await createPartner(['registrations:read']);
    const bystander = await createPartner(['events:read', 'registrations:read']);
    const actions: WebhookAction[] = ['event.cancelled', 'registration.cancelled'];
    const ownerHook = await addEndpoint(owner.id, '/cancel-owner', actions);
    await addEndpoint(pusher.id, '/cancel-pusher', actions);
    await addEndpoint(bystander.id, '/cancel-bystander', actions);

    const entryIds: string[] = [];
    for (const phone of ['13800138161', '13800138162', '13800138163']) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: `/api/events/${eventId}/registrations`,
        payload: { name: '测试用户', phone },
      });
      expect(response.statusCode, response.body).toBe(201);
      entryIds.push(response.json<{ id: string }>().id);
    }
    const [first, pushed, alreadyCancelled] = entryIds as [string, string, string];
    await ctx.db
      .updateTable('registrations')
      .set({ channel: 'partner', partner_id: pusher.id })
      .where('id', '=', pushed)
      .execute();
    await ctx.db
      .updateTable('registrations')
      .set({ status: 'cancelled', cancelled_at: new Date(), cancel_reason: 'citizen' })
      .where('id', '=', alreadyCancelled)
      .execute();

    const cancelled = await as(
      ctx.app,
      bureau,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/cancel`,
      payload: { reason: '场馆检修' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(await deliverDue(ctx.db, ctx.app.cipher)).toBe(5);

    const payloadsOf = (path: string) =>
      received
        .filter((hit) => hit.path === path)
        .map((hit) => JSON.parse(hit.body) as { action: string; resource: { id: string } });
    const entryPayload = (id: string) => ({
      id: expect.any(String),
      action: 'registration.cancelled',
      resource: { type: 'registration', id },
      eventId,
      // registration.created was 1.
      sequence: 2,
      occurredAt: expect.any(String),
    });
    const ownerPayloads = payloadsOf('/cancel-owner');
    const ownerEntries = ownerPayloads
      .filter((payload) => payload.action === 'registration.cancelled')
      .sort((a, b) => (a.resource.id < b.resource.id ? -1 : 1));
    expect(ownerPayloads.filter((payload) => payload.action === 'event.cancelled')).toHaveLength(1);
    expect(ownerEntries).toEqual([first, pushed].sort().map(entryPayload));
    expect(payloadsOf('/cancel-pusher')).toEqual([entryPayload(pushed)]);
    const bystanderPayloads = payloadsOf('/cancel-bystander');
    expect(bystanderPayloads.map((payload) => payload.action)).toEqual(['event.cancelled']);

    const ownerHit = received.find((hit) => hit.path === '/cancel-owner')!;
    const timestamp = String(ownerHit.headers['x-cl-timestamp']);
    expect(ownerHit.headers['x-cl-signature']).toBe(
      signWebhook(ownerHook.secret, timestamp, ownerHit.body),
    );

    const sequences = await ctx.db
      .selectFrom('webhook_events')
      .select(['resource_id', 'sequence'])
      .where('action', '=', 'registration.cancelled')
      .where('event_id', '=', eventId)
      .orderBy('resource_id')
      .execute();
    expect(sequences).toEqual(
      [first, pushed].sort().map((id) => ({ resource_id: id, sequence: 2 })),
    );
  });

  it('delivers every action of an event with its sequence', async () => {
    // The partner belongs to the bureau's organisation, so it owns the bureau's events.
    const { organisation_id: ownerOrganisation } = await ctx.db
      .selectFrom('users')
      .select('organisation_id')
      .where('username', '=', 'wh.bureau')
      .executeTakeFirstOrThrow();
    // An organisation has at most one partner, and another test may have moved one there.
    const ownerId =
      (
        await ctx.db
          .selectFrom('partners')
          .select('id')
          .where('organisation_id', '=', ownerOrganisation)
          .executeTakeFirst()
      )?.id ?? (await createPartner([])).id;
    await ctx.db
      .updateTable('partners')
      .set({
        organisation_id: ownerOrganisation,
        scopes: ['events:read', 'registrations:read'],
        status: 'active',
      })
      .where('id', '=', ownerId)
      .execute();
    const hook = await addEndpoint(ownerId, '/life', [...WEBHOOK_ACTIONS]);
    // The brand event passes on submit (event.approved, 1) and is published (event.changed, 2).
    const eventId = await publishEvent('回调全程赛事', true);
    // Two places and an automatic waiting list, so the third entry waits for a place.
    await ctx.db
      .updateTable('event_groups')
      .set({ capacity: 2, waiting_list: 'auto' })
      .where('event_id', '=', eventId)
      .execute();
    await ctx.db.updateTable('events').set({ capacity: 2 }).where('id', '=', eventId).execute();

    const entries: { id: string; code: string; status: string }[] = [];
    for (const phone of ['13800138171', '13800138172', '13800138173']) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: `/api/events/${eventId}/registrations`,
        payload: { name: '测试用户', phone },
      });
      // A waiting entry is accepted with 202.
      expect([201, 202], response.body).toContain(response.statusCode);
      entries.push(response.json<{ id: string; code: string; status: string }>());
    }
    const [kept, dropped, waiting] = entries as [
      (typeof entries)[0],
      (typeof entries)[0],
      (typeof entries)[0],
    ];
    expect(waiting.status).toBe('waiting');
    const asBureau = as(ctx.app, bureau);

    // The organiser cancels an entry, and the waiting entry takes its place.
    const cancelled = await asBureau({
      method: 'POST',
      url: `/api/console/events/${eventId}/registrations/${dropped.id}/cancel`,
      payload: { reason: '重复报名' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const checkedIn = await whileCheckInOpen(ctx.db, eventId, () =>
      asBureau({
        method: 'POST',
        url: `/api/console/events/${eventId}/check-ins`,
        payload: { code: kept.code },
      }),
    );
    expect(checkedIn.statusCode, checkedIn.body).toBe(200);
    const renamed = await asBureau({
      method: 'POST',
      url: `/api/console/events/${eventId}/changes`,
      payload: { patch: { name: '回调全程赛事（更名）' }, reason: '名称调整' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const result = await asBureau({
      method: 'PUT',
      url: `/api/console/events/${eventId}/results/${kept.id}`,
      payload: { status: 'finished', rank: 1, time: '00:40:00', score: null },
    });
    expect(result.statusCode, result.body).toBe(200);
    const published = await asBureau({
      method: 'POST',
      url: `/api/console/events/${eventId}/results/publish`,
    });
    expect(published.statusCode, published.body).toBe(200);
    const ended = await asBureau({
      method: 'POST',
      url: `/api/console/events/${eventId}/cancel`,
      payload: { reason: '场馆检修' },
    });
    expect(ended.statusCode, ended.body).toBe(200);

    const delivered = await deliverDue(ctx.db, ctx.app.cipher);
    const hits = received.filter((hit) => hit.path === '/life');
    for (const hit of hits) {
      const timestamp = String(hit.headers['x-cl-timestamp']);
      expect(hit.headers['x-cl-signature']).toBe(signWebhook(hook.secret, timestamp, hit.body));
    }
    const payloads = hits.map(
      (hit) =>
        JSON.parse(hit.body) as {
          id: string;
          action: string;
          resource: { type: string; id: string };
          eventId: string;
          sequence: number;
          occurredAt: string;
        },
    );
    for (const payload of payloads) {
      expect(payload.eventId).toBe(eventId);
      expect(hits.find((hit) => hit.body.includes(payload.id))?.headers['x-cl-webhook-id']).toBe(
        payload.id,
      );
      expect(Number.isNaN(Date.parse(payload.occurredAt))).toBe(false);
    }
    const resourceName = new Map([
      [eventId, 'event'],
      [kept.id, 'kept'],
      [dropped.id, 'dropped'],
      [waiting.id, 'waiting'],
    ]);
    const summary = payloads
      .map((payload) => [
        resourceName.get(payload.resource.id),
        payload.resource.type,
        payload.sequence,
        payload.action,
      ])
      .sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
    expect(summary).toEqual([
      ['dropped', 'registration', 1, 'registration.created'],
      ['dropped', 'registration', 2, 'registration.cancelled'],
      ['event', 'event', 1, 'event.approved'],
      ['event', 'event', 2, 'event.changed'],
      ['event', 'event', 3, 'event.changed'],
      ['event', 'event', 4, 'event.cancelled'],
      // The results resource has the event's id and a sequence of its own.
      ['event', 'results', 1, 'results.published'],
      ['kept', 'registration', 1, 'registration.created'],
      ['kept', 'registration', 2, 'check_in.recorded'],
      ['kept', 'registration', 3, 'registration.cancelled'],
      ['waiting', 'registration', 1, 'registration.created'],
      ['waiting', 'registration', 2, 'registration.changed'],
      ['waiting', 'registration', 3, 'registration.cancelled'],
    ]);
    expect(delivered).toBe(13);
  });

  it('queues nothing when a registration is rejected', async () => {
    const partner = await createPartner(['events:read', 'registrations:read']);
    const hook = await addEndpoint(partner.id, '/flow-full', ['registration.created']);
    const eventId = await publishEvent('回调满员赛事');
    await ctx.db
      .updateTable('events')
      .set({ organisation_id: partner.organisationId, registered_count: sql`capacity` })
      .where('id', '=', eventId)
      .execute();
    // The group's counter decides; registered_count follows the sum of the groups.
    await ctx.db
      .updateTable('event_groups')
      .set({ taken: sql`capacity` })
      .where('event_id', '=', eventId)
      .execute();
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: '测试用户', phone: '13800138156' },
    });
    expectProblem(response, 409, 'REG_EVENT_FULL');
    expect(await deliveriesOf(hook.endpoint.id)).toEqual([]);
  });
});
