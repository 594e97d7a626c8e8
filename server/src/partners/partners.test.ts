import { randomBytes } from 'node:crypto';

import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { encodeCursor } from '../shared/cursor.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  publishNewEvent,
  signIn,
  testCreditCode,
  type TestContext,
} from '../test/harness.js';
import { signRequest } from './signature.js';

let ctx: TestContext;
let operator: string;
let bureau: string;
let partnerCount = 0;

interface Credential {
  keyId: string;
  secret: string;
}

/** Sends a signed partner request; `overrides` replaces headers after signing. */
async function signed(
  app: FastifyInstance,
  credential: Credential,
  options: {
    method?: 'GET' | 'POST';
    url: string;
    /** Where to send the request when it differs from the signed path. */
    sendTo?: string;
    body?: string;
    at?: number;
    nonce?: string;
  },
  overrides: Record<string, string | undefined> = {},
): Promise<LightMyRequestResponse> {
  const method = options.method ?? 'GET';
  const timestamp = String(Math.floor((options.at ?? Date.now()) / 1000));
  const nonce = options.nonce ?? randomBytes(12).toString('base64url');
  const body = options.body ?? '';
  const signature = signRequest(credential.secret, {
    method,
    path: options.url,
    timestamp,
    nonce,
    body,
  });
  const headers: Record<string, string> = {
    'x-cl-key-id': credential.keyId,
    'x-cl-timestamp': timestamp,
    'x-cl-nonce': nonce,
    'x-cl-signature': signature,
  };
  if (body !== '') headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  const url = options.sendTo ?? options.url;
  return app.inject({ method, url, headers, ...(body ? { payload: body } : {}) });
}

async function createPartner(overrides: Record<string, unknown> = {}) {
  partnerCount += 1;
  const response = await as(
    ctx.app,
    operator,
  )({
    method: 'POST',
    url: '/api/operator/partners',
    payload: {
      name: `测试合作平台${partnerCount}`,
      creditCode: testCreditCode(),
      contactName: '测试联系人',
      contactPhone: '13800138123',
      scopes: ['events:read'],
      rateLimitPerMinute: 1000,
      ...overrides,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{
    partner: { id: string; organisationId: string };
    credential: Credential;
  }>();
}

const EVENTS = '/api/partner/v1/events';

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'pt.operator',
    accountType: 'operator',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'pt.bureau',
    accountType: 'district_bureau',
    divisionCode: '310104',
  });
  operator = await signIn(ctx.app, 'pt.operator');
  bureau = await signIn(ctx.app, 'pt.bureau');
});

afterAll(async () => {
  await ctx?.close();
});

describe('partner registry', () => {
  it('issues a credential once and stores the secret encrypted', async () => {
    const { partner, credential } = await createPartner();
    expect(credential.keyId).toMatch(/^pk_[0-9a-f]{16}$/);
    expect(credential.secret.length).toBeGreaterThanOrEqual(43);
    const row = await ctx.db
      .selectFrom('partner_credentials')
      .selectAll()
      .where('key_id', '=', credential.keyId)
      .executeTakeFirstOrThrow();
    expect(row.secret_ciphertext).not.toContain(credential.secret);

    const detail = await as(
      ctx.app,
      operator,
    )({ method: 'GET', url: `/api/operator/partners/${partner.id}` });
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain(credential.secret);
    expect(detail.body).not.toContain('13800138123');
    expect(detail.json()).toMatchObject({
      contactPhoneMasked: '138****8123',
      credentials: [{ keyId: credential.keyId, expiresAt: null }],
    });
  });

  it('audits creation without the phone number or secret', async () => {
    const { partner, credential } = await createPartner();
    const entries = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', partner.id)
      .execute();
    expect(entries.map((entry) => entry.action)).toEqual(['partner.created']);
    const detail = JSON.stringify(entries[0]?.detail);
    expect(detail).not.toContain('13800138123');
    expect(detail).not.toContain(credential.secret);
  });

  it('rejects a bad credit code naming the position', async () => {
    const response = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: '/api/operator/partners',
      payload: {
        name: '坏信用代码平台',
        creditCode: testCreditCode().slice(0, 17) + 'I',
        contactName: '测试联系人',
        contactPhone: '13800138123',
        scopes: ['events:read'],
        rateLimitPerMinute: 10,
      },
    });
    const problem = expectProblem(response, 400, 'ORG_INVALID_CREDIT_CODE');
    expect(problem.errors?.[0]?.message).toContain('position 18');
  });

  it('rejects a bad phone, an unknown scope and a zero rate limit', async () => {
    const base = {
      name: '校验平台',
      creditCode: testCreditCode(),
      contactName: '测试联系人',
      contactPhone: '13800138123',
      scopes: ['events:read'],
      rateLimitPerMinute: 10,
    };
    const post = (payload: object) =>
      as(ctx.app, operator)({ method: 'POST', url: '/api/operator/partners', payload });
    const phone = expectProblem(
      await post({ ...base, contactPhone: '12345' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(phone.errors?.[0]?.field).toBe('contactPhone');
    expectProblem(await post({ ...base, scopes: ['events:delete'] }), 400, 'VALIDATION_FAILED');
    expectProblem(await post({ ...base, rateLimitPerMinute: 0 }), 400, 'VALIDATION_FAILED');
    const count = await ctx.db
      .selectFrom('partners')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('name', '=', '校验平台')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('rejects emoji in the partner name', async () => {
    const response = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: '/api/operator/partners',
      payload: {
        name: '表情平台😀',
        creditCode: testCreditCode(),
        contactName: '测试联系人',
        contactPhone: '13800138123',
        scopes: ['events:read'],
        rateLimitPerMinute: 10,
      },
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toContainEqual({
      field: 'name',
      code: 'noEmoji',
      message: 'must not contain emoji',
    });
  });

  it('rejects a second partner with the same name', async () => {
    await createPartner({ name: '重名平台' });
    const response = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: '/api/operator/partners',
      payload: {
        name: '重名平台',
        creditCode: testCreditCode(),
        contactName: '测试联系人',
        contactPhone: '13800138123',
        scopes: ['events:read'],
        rateLimitPerMinute: 10,
      },
    });
    expectProblem(response, 409, 'PTN_NAME_TAKEN');
  });

  it('audits a change of scopes with before and after', async () => {
    const { partner } = await createPartner();
    const response = await as(
      ctx.app,
      operator,
    )({
      method: 'PATCH',
      url: `/api/operator/partners/${partner.id}`,
      payload: { scopes: ['events:read', 'registrations:write'], status: 'suspended' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const entry = await ctx.db
      .selectFrom('audit_log')
      .select('detail')
      .where('entity_id', '=', partner.id)
      .where('action', '=', 'partner.updated')
      .executeTakeFirstOrThrow();
    expect(entry.detail).toMatchObject({
      before: { scopes: ['events:read'], status: 'active' },
      after: { scopes: ['events:read', 'registrations:write'], status: 'suspended' },
    });
  });

  it('rejects an unknown partner with 404', async () => {
    const response = await as(
      ctx.app,
      operator,
    )({
      method: 'GET',
      url: '/api/operator/partners/0190f5c2-0000-7000-8000-000000000000',
    });
    expectProblem(response, 404, 'PTN_NOT_FOUND');
  });
});

describe('signed requests', () => {
  let credential: Credential;

  beforeAll(async () => {
    ({ credential } = await createPartner({ rateLimitPerMinute: 100000 }));
  });

  it('accepts a signed request', async () => {
    const response = await signed(ctx.app, credential, { url: EVENTS });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('rejects a request without signing headers', async () => {
    expectProblem(
      await ctx.app.inject({ method: 'GET', url: EVENTS }),
      401,
      'PTN_SIGNATURE_MISSING',
    );
    const response = await signed(
      ctx.app,
      credential,
      { url: EVENTS },
      { 'x-cl-nonce': undefined },
    );
    expectProblem(response, 401, 'PTN_SIGNATURE_MISSING');
  });

  it('checks the signature before the body types', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: `${EVENTS}/0190f5c2-0000-7000-8000-000000000001/registrations`,
      payload: { name: 12, phone: 13800138000 },
    });
    expectProblem(response, 401, 'PTN_SIGNATURE_MISSING');
  });

  it('accepts 299 seconds of skew and rejects 301', async () => {
    const ok = await signed(ctx.app, credential, { url: EVENTS, at: Date.now() - 299_000 });
    expect(ok.statusCode, ok.body).toBe(200);
    const old = await signed(ctx.app, credential, { url: EVENTS, at: Date.now() - 301_000 });
    expectProblem(old, 401, 'PTN_REQUEST_EXPIRED');
    const future = await signed(ctx.app, credential, { url: EVENTS, at: Date.now() + 301_000 });
    expectProblem(future, 401, 'PTN_REQUEST_EXPIRED');
  });

  it('rejects a wrong secret, an unknown key and a changed query', async () => {
    const wrong = await signed(
      ctx.app,
      { ...credential, secret: 'not-the-secret' },
      { url: EVENTS },
    );
    expectProblem(wrong, 401, 'PTN_SIGNATURE_INVALID');
    const unknown = await signed(
      ctx.app,
      { ...credential, keyId: 'pk_0000000000000000' },
      { url: EVENTS },
    );
    expectProblem(unknown, 401, 'PTN_SIGNATURE_INVALID');
    const tampered = await signed(ctx.app, credential, {
      url: `${EVENTS}?limit=1`,
      sendTo: `${EVENTS}?limit=2`,
    });
    expectProblem(tampered, 401, 'PTN_SIGNATURE_INVALID');
  });

  it('rejects a replayed nonce', async () => {
    const nonce = randomBytes(12).toString('base64url');
    const first = await signed(ctx.app, credential, { url: EVENTS, nonce });
    expect(first.statusCode).toBe(200);
    const replay = await signed(ctx.app, credential, { url: EVENTS, nonce });
    expectProblem(replay, 401, 'PTN_NONCE_REPLAYED');
  });

  it('admits one of ten parallel requests with the same nonce', async () => {
    const nonce = randomBytes(12).toString('base64url');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => signed(ctx.app, credential, { url: EVENTS, nonce })),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 401, 401, 401, 401]);
  });

  it('rejects a partner without the scope and a suspended partner', async () => {
    const { partner, credential: other } = await createPartner({ scopes: ['registrations:write'] });
    expectProblem(await signed(ctx.app, other, { url: EVENTS }), 403, 'PTN_SCOPE_MISSING');
    await as(
      ctx.app,
      operator,
    )({
      method: 'PATCH',
      url: `/api/operator/partners/${partner.id}`,
      payload: { status: 'suspended', scopes: ['events:read'] },
    });
    expectProblem(await signed(ctx.app, other, { url: EVENTS }), 403, 'PTN_SUSPENDED');
  });

  it('limits requests per minute with Retry-After', async () => {
    const { credential: limited } = await createPartner({ rateLimitPerMinute: 3 });
    const responses: LightMyRequestResponse[] = [];
    for (let i = 0; i < 7; i++) responses.push(await signed(ctx.app, limited, { url: EVENTS }));
    // Seven requests span at most one minute boundary, so at least one of them is over 3.
    const rejected = responses.find((response) => response.statusCode === 429);
    expect(rejected).toBeDefined();
    expectProblem(rejected!, 429, 'RATE_LIMITED');
    expect(Number(rejected!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(rejected!.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it.skipIf(!process.env.REDIS_URL)('shares the rate limit between two instances', async () => {
    // A second app on the same database and Redis prefix stands for a second API process.
    const other = await ctx.buildApp();
    const { credential: limited } = await createPartner({ rateLimitPerMinute: 4 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const app = i % 2 === 0 ? ctx.app : other;
      statuses.push((await signed(app, limited, { url: EVENTS })).statusCode);
    }
    // Each process alone saw three requests, under the limit; together they saw six.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('keeps the old credential through the overlap and ends it on revocation', async () => {
    const { partner, credential: old } = await createPartner();
    const rotate = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/operator/partners/${partner.id}/credentials`,
      payload: { overlapHours: 24 },
    });
    expect(rotate.statusCode, rotate.body).toBe(201);
    const fresh = rotate.json<{ credential: Credential }>().credential;
    expect(fresh.keyId).not.toBe(old.keyId);
    expect((await signed(ctx.app, old, { url: EVENTS })).statusCode).toBe(200);
    expect((await signed(ctx.app, fresh, { url: EVENTS })).statusCode).toBe(200);

    const revoke = await as(
      ctx.app,
      operator,
    )({
      method: 'DELETE',
      url: `/api/operator/partners/${partner.id}/credentials/${old.keyId}`,
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    expectProblem(await signed(ctx.app, old, { url: EVENTS }), 401, 'PTN_SIGNATURE_INVALID');
    expect((await signed(ctx.app, fresh, { url: EVENTS })).statusCode).toBe(200);
  });

  it('ends the old credential at once with no overlap', async () => {
    const { partner, credential: old } = await createPartner();
    await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/operator/partners/${partner.id}/credentials`,
      payload: { overlapHours: 0 },
    });
    expectProblem(await signed(ctx.app, old, { url: EVENTS }), 401, 'PTN_SIGNATURE_INVALID');
  });

  it.each([[99999], [-1], [1.5], ['１２'], ['']])(
    'rejects an overlap of %j hours',
    async (overlapHours) => {
      const { partner } = await createPartner();
      const response = await as(
        ctx.app,
        operator,
      )({
        method: 'POST',
        url: `/api/operator/partners/${partner.id}/credentials`,
        payload: { overlapHours },
      });
      const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(problem.errors?.map((e) => e.field)).toEqual(['overlapHours']);
    },
  );
});

describe('event sync', () => {
  let credential: Credential;
  let partnerOrganisation: string;

  beforeAll(async () => {
    const created = await createPartner({ rateLimitPerMinute: 100000 });
    credential = created.credential;
    partnerOrganisation = created.partner.organisationId;
  });

  interface Page {
    items: { id: string; name: string; state: string; organisationId: string }[];
    nextCursor: string;
    hasMore: boolean;
  }

  async function page(cursor?: string, limit = 3, extra = ''): Promise<Page> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    const response = await signed(ctx.app, credential, { url: `${EVENTS}?${query}${extra}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Page>();
  }

  /** Follows cursors until no more rows are ready; returns the ids seen and the last cursor. */
  async function drain(cursor?: string, limit = 3) {
    const seen: string[] = [];
    let next = cursor;
    for (;;) {
      const result = await page(next, limit);
      seen.push(...result.items.map((item) => item.id));
      next = result.nextCursor;
      if (!result.hasMore) return { seen, cursor: next };
    }
  }

  /**
   * Drains until the ids seen include `expected`, polling for up to 10 seconds. The sync
   * horizon is the oldest transaction of the whole database cluster, so test files running
   * at the same time on the same PostgreSQL can delay rows that are already committed.
   */
  async function drainUntil(cursor: string | undefined, expected: string[]) {
    const seen: string[] = [];
    let next = cursor;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const result = await drain(next);
      seen.push(...result.seen);
      next = result.cursor;
      if (expected.every((id) => seen.includes(id)) || Date.now() > deadline) {
        return { seen, cursor: next };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function publish(name: string): Promise<string> {
    const event = await publishNewEvent(ctx.app, bureau, undefined, {
      name,
      level: 'district',
      section: 'brand_event',
      divisionCode: '310104',
    });
    return event.id as string;
  }

  it('pages through published events without repeats and resumes after changes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await publish(`同步测试赛事${i}`));
    const first = await drainUntil(undefined, ids);
    expect(new Set(first.seen).size).toBe(first.seen.length);
    expect(ids.filter((id) => !first.seen.includes(id))).toEqual([]);

    // Nothing changed: the stored cursor yields nothing.
    expect((await drain(first.cursor)).seen).toEqual([]);

    // One event changes and one is added: exactly those two come next, in change order.
    await ctx.db
      .updateTable('events')
      .set({ name: '同步测试改名' })
      .where('id', '=', ids[2]!)
      .execute();
    const added = await publish('同步测试新增');
    const second = await drainUntil(first.cursor, [ids[2]!, added]);
    expect(second.seen).toEqual([ids[2], added]);
  });

  // PGlite serves one connection, so a transaction held open would block the poll itself.
  it.runIf(process.env.DATABASE_URL)('hides a transaction until it commits', async () => {
    const before = await drain();
    const target = await publish('同步测试事务');
    const mid = await drainUntil(before.cursor, [target]);
    expect(mid.seen).toEqual([target]);

    // A writer keeps an update open while the partner polls, and a later write commits first.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const writer = ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('events')
        .set({ name: '慢事务改名' })
        .where('id', '=', target)
        .execute();
      started();
      await held;
    });
    await running;
    const later = await publish('同步测试后提交');
    const whileOpen = await drain(mid.cursor);
    // The later write is newer than the open transaction, so it waits behind it too.
    expect(whileOpen.seen).toEqual([]);
    release();
    await writer;
    const afterCommit = await drainUntil(mid.cursor, [target, later]);
    expect(afterCommit.seen).toEqual([target, later]);
  });

  it("shows the partner's own unpublished events but not others' drafts", async () => {
    await ctx.db
      .updateTable('events')
      .set({ organisation_id: partnerOrganisation, state: 'draft', published_at: null })
      .where('name', '=', '同步测试改名')
      .execute();
    const draft = await ctx.db
      .selectFrom('events')
      .select(['id'])
      .where('name', '=', '同步测试改名')
      .executeTakeFirstOrThrow();
    const bureauDraft = await as(
      ctx.app,
      bureau,
    )({
      method: 'POST',
      url: '/api/console/events',
      payload: {
        name: '别人的草稿',
        sport: 'running',
        level: 'district',
        section: 'brand_event',
        divisionCode: '310104',
        venue: '徐汇区 测试场地',
        startsAt: new Date(Date.now() + 72 * 3600_000).toISOString(),
        endsAt: new Date(Date.now() + 76 * 3600_000).toISOString(),
        capacity: 10,
        registrationOpensAt: new Date(Date.now() - 3600_000).toISOString(),
        registrationClosesAt: new Date(Date.now() + 48 * 3600_000).toISOString(),
      },
    });
    expect(bureauDraft.statusCode, bureauDraft.body).toBe(201);
    const all = await drainUntil(undefined, [draft.id]);
    expect(all.seen).toContain(draft.id);
    expect(all.seen).not.toContain(bureauDraft.json<{ id: string }>().id);
  });

  it('starts at modified_since without a cursor', async () => {
    const since = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const id = await publish('同步测试起点');
    const query = `&modified_since=${encodeURIComponent(since.toISOString())}`;
    let response = await page(undefined, 50, query);
    for (let tries = 0; response.items.length === 0 && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      response = await page(undefined, 50, query);
    }
    expect(response.items.map((item) => item.id)).toEqual([id]);
  });

  it.each(['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+01:00', '9999-12-31T23:59:59-14:00'])(
    'rejects modified_since %s outside the stored years',
    async (since) => {
      const query = `?modified_since=${encodeURIComponent(since)}`;
      for (const url of [EVENTS, '/api/partner/v1/registrations']) {
        const response = await signed(ctx.app, credential, { url: `${url}${query}` });
        expectProblem(response, 400, 'VALIDATION_FAILED');
      }
    },
  );

  it('rejects a malformed cursor', async () => {
    const response = await signed(ctx.app, credential, { url: `${EVENTS}?cursor=bm90LWpzb24` });
    expectProblem(response, 400, 'INVALID_CURSOR');
    const forged = Buffer.from(JSON.stringify({ txid: '1; drop', id: 'x' })).toString('base64url');
    const injected = await signed(ctx.app, credential, { url: `${EVENTS}?cursor=${forged}` });
    expectProblem(injected, 400, 'INVALID_CURSOR');
  });

  // A txid is an xid8, an unsigned 64-bit integer, and the list writes it in plain decimal.
  it.each(['18446744073709551616', '99999999999999999999', '08', '007', '-1', '1e3'])(
    'rejects the cursor txid %s',
    async (txid) => {
      const cursor = encodeCursor({ txid, id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' });
      const response = await signed(ctx.app, credential, { url: `${EVENTS}?cursor=${cursor}` });
      expectProblem(response, 400, 'INVALID_CURSOR');
    },
  );

  it('accepts the largest cursor txid', async () => {
    const cursor = encodeCursor({
      txid: '18446744073709551615',
      id: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    });
    const response = await signed(ctx.app, credential, { url: `${EVENTS}?cursor=${cursor}` });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('moves an event on filling, not on entries', async () => {
    const target = await publish('同步测试名额');
    const other = await publish('同步测试对照');
    await ctx.db
      .updateTable('events')
      .set({ capacity: 3, registered_count: 0 })
      .where('id', '=', target)
      .execute();
    let cursor = (await drainUntil(undefined, [target, other])).cursor;

    /** Sets the count, renames the other event, and returns what moved up to that rename. */
    async function countTo(count: number) {
      await ctx.db
        .updateTable('events')
        .set({ registered_count: count })
        .where('id', '=', target)
        .execute();
      await ctx.db
        .updateTable('events')
        .set({ name: `同步测试对照${count}` })
        .where('id', '=', other)
        .execute();
      const moved = await drainUntil(cursor, [other]);
      cursor = moved.cursor;
      return moved.seen;
    }

    expect(await countTo(1)).toEqual([other]);
    expect(await countTo(2)).toEqual([other]);
    expect(await countTo(3)).toEqual([target, other]);
    expect(await countTo(2)).toEqual([target, other]);
    expect(await countTo(1)).toEqual([other]);

    // A change of the count together with another column moves the event as before.
    await ctx.db
      .updateTable('events')
      .set({ registered_count: 2, name: '同步测试名额改名' })
      .where('id', '=', target)
      .execute();
    expect((await drainUntil(cursor, [target])).seen).toEqual([target]);
  });

  it('keeps the change position of an event that is only read', async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from events`.execute(
      ctx.db,
    );
    expect(rows[0]!.n).toBeGreaterThan(0);
    const before = await drain();
    await page(undefined, 100);
    expect((await drain(before.cursor)).seen).toEqual([]);
  });
});
