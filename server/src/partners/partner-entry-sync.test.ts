import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deliverDue, signWebhook } from '../webhooks/webhook.delivery.js';
import { emitResultsPublished } from '../webhooks/webhook.emit.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  signIn,
  type TestContext,
} from '../test/harness.js';
import {
  createTestPartner,
  publishPartnerEvent,
  signedRequest,
  type TestPartner,
} from '../test/partners.js';

let ctx: TestContext;
let operator: string;
let committee: string;
let receiver: Server;
let receiverUrl: string;
let received: { path: string; headers: IncomingMessage['headers']; body: string }[] = [];

const ALL_SCOPES = ['events:read', 'events:write', 'registrations:read', 'registrations:write'];

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'ps.operator',
    accountType: 'operator',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'ps.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'ps.bureau',
    accountType: 'sports_bureau',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'ps.district',
    accountType: 'district_bureau',
    divisionCode: '310104',
  });
  operator = await signIn(ctx.app, 'ps.operator');
  committee = await signIn(ctx.app, 'ps.committee');

  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ path: request.url ?? '/', headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  await ctx?.close();
});

let phoneSerial = 0;
function nextPhone(): string {
  phoneSerial += 1;
  return `137${String(20_000_000 + phoneSerial).slice(-8)}`;
}

async function push(partner: TestPartner, eventId: string, name = '同步选手') {
  const response = await signedRequest(ctx.app, partner, {
    method: 'POST',
    url: `/api/partner/v1/events/${eventId}/registrations`,
    body: { name, phone: nextPhone() },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

interface SyncItem {
  id: string;
  name: string;
  status: string;
  updatedAt: string;
}

async function page(partner: TestPartner, query: string) {
  const response = await signedRequest(ctx.app, partner, {
    method: 'GET',
    url: `/api/partner/v1/registrations?${query}`,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: SyncItem[]; nextCursor: string; hasMore: boolean }>();
}

describe('entry sync cursor', () => {
  it('skips and repeats no row while rows change between pages', async () => {
    const partner = await createTestPartner(ctx.app, operator, ALL_SCOPES, '同步平台');
    const eventId = await publishPartnerEvent(ctx.app, partner, committee, { capacity: 100 });
    const initial: string[] = [];
    for (let i = 0; i < 7; i += 1) initial.push(await push(partner, eventId));

    const seen: SyncItem[] = [];
    let cursor: string | undefined;
    let changedAfterSeen = '';
    // Polls until every entry has come in its latest form. A page stops before the oldest
    // transaction still running anywhere on the PostgreSQL server, so a poll may come back
    // short while another database's transaction is open.
    const complete = () =>
      initial.every((id) => seen.some((item) => item.id === id)) &&
      seen.filter((item) => item.id === changedAfterSeen).length === 2 &&
      seen.some((item) => item.id === initial[6] && item.name === '改名二');
    for (let round = 0; round < 400 && !complete(); round += 1) {
      const result = await page(
        partner,
        `limit=3&event_id=${eventId}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...result.items);
      cursor = result.nextCursor;
      if (changedAfterSeen === '' && result.items.length > 0) {
        // One entry already seen changes, one not yet seen changes, and a new one arrives.
        changedAfterSeen = result.items[0]!.id;
        await ctx.db
          .updateTable('registrations')
          .set({ name: '改名一' })
          .where('id', '=', changedAfterSeen)
          .execute();
        await ctx.db
          .updateTable('registrations')
          .set({ name: '改名二' })
          .where('id', '=', initial[6]!)
          .execute();
        initial.push(await push(partner, eventId, '新到选手'));
      }
      if (!result.hasMore) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(changedAfterSeen).not.toBe('');

    const ids = seen.map((item) => item.id);
    expect(new Set(ids)).toEqual(new Set(initial));
    // Only the entry that changed after it was seen comes twice, in its new form.
    expect(ids.filter((id) => id === changedAfterSeen)).toHaveLength(2);
    expect(ids).toHaveLength(initial.length + 1);
    expect(seen.filter((item) => item.id === changedAfterSeen).at(-1)!.name).toBe('改名一');
    expect(seen.find((item) => item.id === initial[6])!.name).toBe('改名二');

    const later = await page(partner, `limit=3&cursor=${cursor}`);
    expect(later.items).toEqual([]);
    expect(later.nextCursor).toBe(cursor);
  });

  // A write whose transaction started before a page was read and commits after it must come
  // in a later poll. Needs PostgreSQL, because PGlite serves one connection at a time.
  it.runIf(process.env.DATABASE_URL)('returns a slow write after the cursor', async () => {
    const partner = await createTestPartner(ctx.app, operator, ALL_SCOPES, '慢写平台');
    const eventId = await publishPartnerEvent(ctx.app, partner, committee, { capacity: 100 });
    const first = await push(partner, eventId);

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const writing = new Promise<void>((resolve) => (written = resolve));
    const slow = ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('registrations')
        .set({ name: '慢写选手' })
        .where('id', '=', first)
        .execute();
      written();
      await held;
    });
    await writing;
    const second = await push(partner, eventId);

    const during = await page(partner, `limit=50&event_id=${eventId}`);
    // The open transaction holds back every later change, so the page stops before it.
    expect(during.items.map((item) => item.id)).not.toContain(second);
    release();
    await slow;

    // Polls, because another database's open transaction may hold the horizon back too.
    const after: SyncItem[] = [];
    let cursor = during.nextCursor;
    for (let round = 0; round < 400; round += 1) {
      const result = await page(partner, `limit=50&cursor=${cursor}`);
      after.push(...result.items);
      cursor = result.nextCursor;
      const caughtUp =
        after.some((item) => item.id === second) && after.some((item) => item.id === first);
      if (caughtUp && !result.hasMore) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ids = [...during.items, ...after].map((item) => item.id);
    expect(ids.filter((id) => id === second)).toHaveLength(1);
    expect(after.find((item) => item.id === first)?.name).toBe('慢写选手');
  });

  it('rejects a malformed cursor', async () => {
    const partner = await createTestPartner(ctx.app, operator, ALL_SCOPES, '坏游标平台');
    const response = await signedRequest(ctx.app, partner, {
      method: 'GET',
      url: '/api/partner/v1/registrations?cursor=bm90LWEtY3Vyc29y',
    });
    expectProblem(response, 400, 'INVALID_CURSOR');
  });

  it('lists only the entries of the partner', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES, '甲方平台');
    const stranger = await createTestPartner(ctx.app, operator, ALL_SCOPES, '旁观平台');
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);
    const id = await push(owner, eventId);
    const result = await page(stranger, 'limit=200');
    expect(result.items.map((item) => item.id)).not.toContain(id);
  });
});

describe('entry webhooks', () => {
  it('delivers created, cancelled and results, signed', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES, '回调平台');
    const created = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/operator/partners/${owner.id}/webhooks`,
      payload: {
        url: `${receiverUrl}/owner`,
        actions: [
          'registration.created',
          'registration.cancelled',
          'check_in.recorded',
          'results.published',
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { secret } = created.json<{ secret: string }>();
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);
    const entryId = await push(owner, eventId);
    const cancelled = await signedRequest(ctx.app, owner, {
      method: 'POST',
      url: `/api/partner/v1/events/${eventId}/registrations/${entryId}/cancel`,
      body: { reason: '测试取消' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    await ctx.db.transaction().execute((trx) => emitResultsPublished(trx, eventId));

    received = [];
    await deliverDue(ctx.db, ctx.app.cipher, { now: new Date(Date.now() + 1000) });
    const bodies = received
      .filter((hit) => hit.path === '/owner')
      .map((hit) => {
        const timestamp = String(hit.headers['x-cl-timestamp']);
        expect(hit.headers['x-cl-signature']).toBe(signWebhook(secret, timestamp, hit.body));
        return JSON.parse(hit.body) as {
          action: string;
          resource: { type: string; id: string };
          sequence: number;
          eventId: string;
        };
      });
    expect(bodies.map((body) => [body.action, body.resource.type, body.sequence]).sort()).toEqual(
      [
        ['registration.created', 'registration', 1],
        ['registration.cancelled', 'registration', 2],
        ['results.published', 'results', 1],
      ].sort(),
    );
    expect(bodies.every((body) => body.eventId === eventId)).toBe(true);
  });

  it('reaches the hosting partner for the entries it pushed', async () => {
    const owner = await createTestPartner(ctx.app, operator, ALL_SCOPES, '主办回调平台');
    const host = await createTestPartner(
      ctx.app,
      operator,
      ['registrations:read', 'registrations:write'],
      '代收回调平台',
    );
    const endpoint = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/operator/partners/${host.id}/webhooks`,
      payload: { url: `${receiverUrl}/host`, actions: ['registration.created'] },
    });
    expect(endpoint.statusCode, endpoint.body).toBe(201);
    const eventId = await publishPartnerEvent(ctx.app, owner, committee);
    const granted = await as(
      ctx.app,
      operator,
    )({
      method: 'PUT',
      url: `/api/operator/partners/${host.id}/hosted-events/${eventId}`,
    });
    expect(granted.statusCode).toBe(204);
    const ownersEntry = await push(owner, eventId);
    const hostsEntry = await push(host, eventId);

    received = [];
    await deliverDue(ctx.db, ctx.app.cipher, { now: new Date(Date.now() + 1000) });
    const ids = received
      .filter((hit) => hit.path === '/host')
      .map((hit) => (JSON.parse(hit.body) as { resource: { id: string } }).resource.id);
    expect(ids).toEqual([hostsEntry]);
    expect(ids).not.toContain(ownersEntry);
  });
});

describe('reconciliation', () => {
  it('lists the differences between the two sides of a day', async () => {
    const partner = await createTestPartner(ctx.app, operator, ALL_SCOPES, '对账平台');
    const eventId = await publishPartnerEvent(ctx.app, partner, committee);
    const kept = await push(partner, eventId);
    const unknownToPartner = await push(partner, eventId);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const missingHere = '01900000-0000-7000-8000-000000000001';

    const response = await signedRequest(ctx.app, partner, {
      method: 'POST',
      url: `/api/partner/v1/reconciliation/${day}`,
      body: {
        eventIds: [eventId],
        registrations: [
          { id: kept, status: 'cancelled' },
          { id: missingHere, status: 'active' },
        ],
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json<{
      league: { events: { id: string }[]; registrations: { id: string }[] };
      differences: Record<string, unknown>;
    }>();
    expect(report.league.events.map((event) => event.id)).toEqual([eventId]);
    expect(report.differences).toEqual({
      eventsMissingAtPartner: [],
      eventsMissingHere: [],
      registrationsMissingAtPartner: [unknownToPartner],
      registrationsMissingHere: [missingHere],
      statusMismatches: [{ id: kept, league: 'active', partner: 'cancelled' }],
    });

    const consoleReport = await as(
      ctx.app,
      operator,
    )({
      method: 'GET',
      url: `/api/operator/partners/${partner.id}/reconciliation/${day}`,
    });
    expect(consoleReport.statusCode, consoleReport.body).toBe(200);
    expect(consoleReport.json<{ differences: unknown }>().differences).toEqual(report.differences);
  });

  it('rejects a day that is not a date', async () => {
    const partner = await createTestPartner(ctx.app, operator, ALL_SCOPES, '坏日期平台');
    const response = await signedRequest(ctx.app, partner, {
      method: 'GET',
      url: '/api/partner/v1/reconciliation/2027-13-01',
    });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    // PostgreSQL has neither the year 0000 nor a 30 February.
    for (const day of ['0000-01-01', '2026-02-30']) {
      const partnerSide = await signedRequest(ctx.app, partner, {
        method: 'GET',
        url: `/api/partner/v1/reconciliation/${day}`,
      });
      expectProblem(partnerSide, 400, 'VALIDATION_FAILED');
      const operatorSide = await as(
        ctx.app,
        operator,
      )({ method: 'GET', url: `/api/operator/partners/${partner.id}/reconciliation/${day}` });
      expectProblem(operatorSide, 400, 'VALIDATION_FAILED');
    }
  });
});

describe('regulator view', () => {
  it('shows every partner to the city accounts and no one else', async () => {
    const partner = await createTestPartner(ctx.app, operator, ALL_SCOPES, '监管平台');
    const eventId = await publishPartnerEvent(ctx.app, partner, committee);
    await push(partner, eventId);

    for (const username of ['ps.operator', 'ps.committee', 'ps.bureau']) {
      const response = await as(
        ctx.app,
        await signIn(ctx.app, username),
      )({
        method: 'GET',
        url: '/api/oversight/partners',
      });
      expect(response.statusCode, `${username}: ${response.body}`).toBe(200);
      const row = response
        .json<{
          items: {
            id: string;
            events: { published: number };
            registrations: { live: number; pushed: number };
          }[];
        }>()
        .items.find((item) => item.id === partner.id);
      expect(row).toMatchObject({
        events: { published: 1 },
        registrations: { live: 1, pushed: 1 },
      });
    }
    const district = await as(
      ctx.app,
      await signIn(ctx.app, 'ps.district'),
    )({
      method: 'GET',
      url: '/api/oversight/partners',
    });
    expectProblem(district, 403, 'ACC_ROLE_FORBIDDEN');
  });
});

describe('partner OpenAPI', () => {
  it('documents every partner operation with errors and examples', async () => {
    const spec = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, Record<string, Record<string, unknown>>>;
    }>();
    const operations = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/api/partner/v1/'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ path, method, op })),
      );
    expect(operations.length).toBeGreaterThanOrEqual(11);
    const problems: string[] = [];
    for (const { path, method, op } of operations) {
      const name = `${method.toUpperCase()} ${path}`;
      if (!/[A-Z]{3,}_[A-Z_]+/.test(String(op.description ?? '')))
        problems.push(`${name}: no error code`);
      if (JSON.stringify(op.security) !== JSON.stringify([{ partnerSignature: [] }])) {
        problems.push(`${name}: no partnerSignature`);
      }
      const body = (
        op.requestBody as
          { content?: Record<string, { example?: unknown; examples?: unknown }> } | undefined
      )?.content?.['application/json'];
      if (body && body.example === undefined && body.examples === undefined) {
        problems.push(`${name}: body without example`);
      }
    }
    expect(problems).toEqual([]);
  });
});
