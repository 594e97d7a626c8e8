import { randomBytes } from 'node:crypto';

import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { lockAuditChain } from '../audit/audit.repository.js';
import { entryHash } from '../audit/audit-hash.js';
import { storedEntryOf, verifyAuditChain } from '../audit/audit-verify.js';
import {
  as,
  createAccount,
  createTestContext,
  eventInput,
  expectProblem,
  fileEvent,
  signIn,
  testCreditCode,
  type TestContext,
} from '../test/harness.js';
import {
  claimIdempotencyKey,
  idempotencyRequestHash,
  purgeExpiredIdempotencyKeys,
} from './partner-idempotency.js';
import { signRequest } from './signature.js';

let ctx: TestContext;
let operator: string;
let committee: string;
let contractor: string;
let securityOfficer: string;
let partnerCount = 0;

interface Partner {
  id: string;
  organisationId: string;
  name: string;
  keyId: string;
  secret: string;
}

const EVENTS = '/api/partner/v1/events';

/** The class of the audit chain's two-key advisory lock (audit.repository.ts). */
const AUDIT_LOCK_CLASS = 0x61756474;

/** Sends a signed partner request with a fresh nonce and an optional Idempotency-Key. */
async function signed(
  partner: Partner,
  options: {
    method: 'GET' | 'POST' | 'PATCH';
    url: string;
    body?: unknown;
    key?: string | null;
    app?: FastifyInstance;
  },
): Promise<LightMyRequestResponse> {
  const body = options.body === undefined ? '' : JSON.stringify(options.body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(12).toString('base64url');
  const signature = signRequest(partner.secret, {
    method: options.method,
    path: options.url,
    timestamp,
    nonce,
    body,
  });
  const headers: Record<string, string> = {
    'x-cl-key-id': partner.keyId,
    'x-cl-timestamp': timestamp,
    'x-cl-nonce': nonce,
    'x-cl-signature': signature,
  };
  if (body !== '') headers['content-type'] = 'application/json';
  if (options.key !== null && options.method !== 'GET') {
    headers['idempotency-key'] = options.key ?? randomBytes(9).toString('base64url');
  }
  return (options.app ?? ctx.app).inject({
    method: options.method,
    url: options.url,
    headers,
    ...(body ? { payload: body } : {}),
  });
}

async function createPartner(scopes: string[] = ['events:read', 'events:write']) {
  partnerCount += 1;
  const name = `写入测试平台${partnerCount}`;
  const response = await as(
    ctx.app,
    operator,
  )({
    method: 'POST',
    url: '/api/operator/partners',
    payload: {
      name,
      creditCode: testCreditCode(),
      contactName: '测试联系人',
      contactPhone: '13800138123',
      scopes,
      rateLimitPerMinute: 1000,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  const issued = response.json<{
    partner: { id: string; organisationId: string };
    credential: { keyId: string; secret: string };
  }>();
  return { ...issued.partner, ...issued.credential, name };
}

/** Builds a complete city event for a partner, which needs no contract and goes to the committee. */
function partnerInput(overrides: Record<string, unknown> = {}) {
  return eventInput({ name: `合作平台赛事${randomBytes(3).toString('hex')}`, ...overrides });
}

async function countEventsNamed(name: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'pw.operator',
    accountType: 'operator',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'pw.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'pw.association',
    accountType: 'community_association',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'pw.security',
    accountType: 'security_officer',
    divisionCode: '3101',
  });
  securityOfficer = await signIn(ctx.app, 'pw.security');
  operator = await signIn(ctx.app, 'pw.operator');
  committee = await signIn(ctx.app, 'pw.committee');
  contractor = await signIn(ctx.app, 'pw.association');
});

afterAll(async () => {
  await ctx?.close();
});

describe('partner event filing', () => {
  it('files and submits into the committee queue', async () => {
    const partner = await createPartner();
    const input = partnerInput();
    const response = await signed(partner, { method: 'POST', url: EVENTS, body: input });
    expect(response.statusCode, response.body).toBe(201);
    const event = response.json<{
      id: string;
      state: string;
      organisationId: string;
      reviewerAccountType: string | null;
      missingFields: string[];
    }>();
    expect(event.state).toBe('submitted');
    expect(event.organisationId).toBe(partner.organisationId);
    expect(event.reviewerAccountType).toBe('committee');
    expect(event.missingFields).toEqual([]);
    expect(response.json()).not.toHaveProperty('actions');

    const queue = await as(ctx.app, committee)({ method: 'GET', url: '/api/reviews' });
    expect(queue.statusCode).toBe(200);
    const ids = queue.json<{ items: { id: string }[] }>().items.map((item) => item.id);
    expect(ids).toContain(event.id);

    const row = await ctx.db
      .selectFrom('events')
      .select(['created_by', 'created_by_partner_id'])
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    expect(row.created_by).toBeNull();
    expect(row.created_by_partner_id).toBe(partner.id);
  });

  it('names the partner in the audit entries', async () => {
    const partner = await createPartner();
    const response = await signed(partner, {
      method: 'POST',
      url: EVENTS,
      body: partnerInput(),
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json<{ id: string }>().id;

    const entries = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id', 'actor_partner_id', 'organisation_id'])
      .where('entity_type', '=', 'event')
      .where('entity_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(entries.map((entry) => entry.action)).toEqual(['event.created', 'event.submitted']);
    for (const entry of entries) {
      expect(entry.actor_user_id).toBeNull();
      expect(entry.actor_partner_id).toBe(partner.id);
      expect(entry.organisation_id).toBe(partner.organisationId);
    }

    const detail = await as(
      ctx.app,
      committee,
    )({ method: 'GET', url: `/api/console/events/${id}` });
    expect(detail.statusCode, detail.body).toBe(200);
    const timeline = detail.json<{ timeline: { actorName: string | null }[] }>().timeline;
    expect(timeline.map((entry) => entry.actorName)).toEqual([partner.name, partner.name]);

    const viewer = await as(
      ctx.app,
      securityOfficer,
    )({
      method: 'GET',
      url: `/api/audit/entries?entityType=event&entityId=${id}`,
    });
    expect(viewer.statusCode, viewer.body).toBe(200);
    const viewed = viewer.json<{
      items: { actor: unknown; partner: { id: string; name: string } | null }[];
    }>().items;
    expect(viewed).toHaveLength(2);
    for (const entry of viewed) {
      expect(entry.actor).toBeNull();
      expect(entry.partner).toEqual({ id: partner.id, name: partner.name });
    }

    const chain = await verifyAuditChain(ctx.db);
    expect(chain.ok).toBe(true);

    // The hash covers the partner: the same entry without it hashes differently.
    const stored = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', id)
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    const entry = storedEntryOf(stored);
    expect(entryHash(entry)).toBe(stored.hash);
    expect(entryHash({ ...entry, actorPartnerId: null })).not.toBe(stored.hash);
  });

  it('rejects an incomplete filing with every missing field', async () => {
    const partner = await createPartner();
    const name = `缺项赛事${randomBytes(3).toString('hex')}`;
    const response = await signed(partner, {
      method: 'POST',
      url: EVENTS,
      body: { name, level: 'city', section: 'league_event', sport: 'basketball_3x3' },
    });
    const problem = expectProblem(response, 422, 'EVT_INCOMPLETE');
    const fields = (problem.errors ?? []).map((error) => error.field).sort();
    expect(fields).toEqual(
      [
        'divisionCode',
        'venue',
        'address',
        'startsAt',
        'endsAt',
        'capacity',
        'registrationOpensAt',
        'registrationClosesAt',
        'host',
        'organiser',
        'expectedParticipants',
        'feeCents',
        'rules',
        'safetyPlan',
        'medicalCover',
        'insurance',
        'contactName',
        'contactPhone',
      ].sort(),
    );
    expect(await countEventsNamed(name)).toBe(0);
  });

  it('files a draft, then changes and submits it', async () => {
    const partner = await createPartner();
    const name = `草稿赛事${randomBytes(3).toString('hex')}`;
    const draft = await signed(partner, {
      method: 'POST',
      url: EVENTS,
      body: { name, level: 'district', section: 'series', submit: false },
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const created = draft.json<{ id: string; state: string; missingFields: string[] }>();
    expect(created.state).toBe('draft');
    expect(created.missingFields).toContain('venue');

    const sync = await signed(partner, { method: 'GET', url: EVENTS });
    expect(sync.statusCode, sync.body).toBe(200);
    expect(sync.json<{ items: unknown[] }>().items).toEqual([]);

    const details: Record<string, unknown> = partnerInput();
    for (const fixed of ['name', 'level', 'section']) delete details[fixed];
    const changed = await signed(partner, {
      method: 'PATCH',
      url: `${EVENTS}/${created.id}`,
      body: { patch: details, submit: true },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const submitted = changed.json<{
      state: string;
      reviewerAccountType: string | null;
      registrationStatus: string | null;
    }>();
    expect(submitted.state).toBe('submitted');
    expect(submitted.reviewerAccountType).toBe('district_bureau');
    // Its registration window is open now, but registration opens only once it is published.
    expect(submitted.registrationStatus).toBeNull();

    // The feed holds back rows newer than the oldest open transaction of the cluster, and
    // other test files write to the same PostgreSQL, so the submitted draft may show up late.
    const deadline = Date.now() + 10_000;
    let synced: { id: string; state: string; registrationStatus: string | null }[] = [];
    while (synced.length === 0 && Date.now() < deadline) {
      const later = await signed(partner, { method: 'GET', url: EVENTS });
      expect(later.statusCode, later.body).toBe(200);
      synced = later.json<{ items: typeof synced }>().items;
      if (synced.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(synced).toEqual([
      expect.objectContaining({ id: created.id, state: 'submitted', registrationStatus: null }),
    ]);
  });

  it('rejects sections a partner may not file', async () => {
    const partner = await createPartner();
    const response = await signed(partner, {
      method: 'POST',
      url: EVENTS,
      body: partnerInput({
        level: 'street',
        section: 'community_games',
        divisionCode: '310104003',
      }),
    });
    expectProblem(response, 403, 'EVT_FILING_NOT_ALLOWED');
  });

  it('changes an approved event through a change request', async () => {
    const partner = await createPartner();
    const filed = await signed(partner, { method: 'POST', url: EVENTS, body: partnerInput() });
    const id = filed.json<{ id: string }>().id;
    const approval = await as(
      ctx.app,
      committee,
    )({
      method: 'POST',
      url: `/api/reviews/${id}/approve`,
    });
    expect(approval.statusCode, approval.body).toBe(200);

    const noReason = await signed(partner, {
      method: 'PATCH',
      url: `${EVENTS}/${id}`,
      body: { patch: { venue: '徐汇区 新测试体育馆' } },
    });
    expectProblem(noReason, 400, 'EVT_REASON_REQUIRED');

    const change = await signed(partner, {
      method: 'PATCH',
      url: `${EVENTS}/${id}`,
      body: { patch: { venue: '徐汇区 新测试体育馆' }, reason: '原场地检修' },
    });
    expect(change.statusCode, change.body).toBe(200);
    const event = change.json<{
      state: string;
      venue: string;
      pendingChange: { fields: string[]; state: string } | null;
    }>();
    expect(event.state).toBe('approved');
    expect(event.venue).toBe('徐汇区 测试体育馆');
    expect(event.pendingChange?.fields).toEqual(['venue']);
    expect(event.pendingChange?.state).toBe('pending');

    const stored = await ctx.db
      .selectFrom('event_changes')
      .select(['submitted_by', 'submitted_by_partner_id'])
      .where('event_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.submitted_by).toBeNull();
    expect(stored.submitted_by_partner_id).toBe(partner.id);

    const submit = await signed(partner, {
      method: 'PATCH',
      url: `${EVENTS}/${id}`,
      body: { patch: {}, submit: true },
    });
    expectProblem(submit, 409, 'EVT_NOT_EDITABLE');
  });

  it('cancels its event with a reason', async () => {
    const partner = await createPartner();
    const filed = await signed(partner, { method: 'POST', url: EVENTS, body: partnerInput() });
    const id = filed.json<{ id: string }>().id;

    const blank = await signed(partner, {
      method: 'POST',
      url: `${EVENTS}/${id}/cancel`,
      body: { reason: '  ' },
    });
    expectProblem(blank, 400, 'EVT_REASON_REQUIRED');

    const cancelled = await signed(partner, {
      method: 'POST',
      url: `${EVENTS}/${id}/cancel`,
      body: { reason: '场地不可用' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json<{ state: string; cancelReason: string }>()).toMatchObject({
      state: 'cancelled',
      cancelReason: '场地不可用',
    });
  });

  it("hides other organisations' events", async () => {
    const owner = await createPartner();
    const other = await createPartner();
    const filed = await signed(owner, { method: 'POST', url: EVENTS, body: partnerInput() });
    const partnerEvent = filed.json<{ id: string }>().id;
    const consoleEvent = (await fileEvent(ctx.app, contractor)) as { id: string };

    for (const id of [partnerEvent, consoleEvent.id]) {
      const patch = await signed(other, {
        method: 'PATCH',
        url: `${EVENTS}/${id}`,
        body: { patch: { venue: '别人的场地' } },
      });
      expectProblem(patch, 404, 'EVT_NOT_FOUND');
      const cancel = await signed(other, {
        method: 'POST',
        url: `${EVENTS}/${id}/cancel`,
        body: { reason: '试图取消' },
      });
      expectProblem(cancel, 404, 'EVT_NOT_FOUND');
    }
  });

  it('requires the events:write scope', async () => {
    const partner = await createPartner(['events:read']);
    const input = partnerInput();
    const response = await signed(partner, { method: 'POST', url: EVENTS, body: input });
    const problem = expectProblem(response, 403, 'PTN_SCOPE_MISSING');
    expect(problem.detail).toContain('events:write');
    expect(await countEventsNamed(input.name)).toBe(0);
  });
});

describe('partner idempotency keys', () => {
  it.each([
    ['missing', null],
    ['empty', ''],
    ['too long', 'k'.repeat(65)],
    ['with a space', 'two words'],
    ['not ASCII', '键一'],
  ])('rejects a key that is %s', async (_case, key) => {
    const partner = await createPartner();
    const input = partnerInput();
    const response = await signed(partner, { method: 'POST', url: EVENTS, body: input, key });
    expectProblem(response, 400, 'PTN_IDEMPOTENCY_KEY_REQUIRED');
    expect(await countEventsNamed(input.name)).toBe(0);
  });

  it('accepts a 64-character key of visible ASCII', async () => {
    const partner = await createPartner();
    const key = `!~${'a'.repeat(62)}`;
    const response = await signed(partner, {
      method: 'POST',
      url: EVENTS,
      body: partnerInput(),
      key,
    });
    expect(response.statusCode, response.body).toBe(201);
  });

  it('replays the stored response for a repeat', async () => {
    const partner = await createPartner();
    const input = partnerInput();
    const key = 'order-2026-0001';
    const first = await signed(partner, { method: 'POST', url: EVENTS, body: input, key });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const second = await signed(partner, { method: 'POST', url: EVENTS, body: input, key });
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.body).toBe(first.body);
    expect(await countEventsNamed(input.name)).toBe(1);
  });

  it('keeps keys apart per partner', async () => {
    const one = await createPartner();
    const two = await createPartner();
    const key = 'shared-key-1';
    const first = await signed(one, { method: 'POST', url: EVENTS, body: partnerInput(), key });
    const second = await signed(two, { method: 'POST', url: EVENTS, body: partnerInput(), key });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
  });

  it('replays a stored 4xx outcome', async () => {
    const partner = await createPartner();
    const body = { name: '缺项重放赛事', level: 'city', section: 'league_event' };
    const first = await signed(partner, { method: 'POST', url: EVENTS, body, key: 'incomplete-1' });
    expectProblem(first, 422, 'EVT_INCOMPLETE');
    const second = await signed(partner, {
      method: 'POST',
      url: EVENTS,
      body,
      key: 'incomplete-1',
    });
    expect(second.statusCode).toBe(422);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['content-type']).toContain('application/problem+json');
    expect(second.body).toBe(first.body);
  });

  it('rejects a key reused for another request', async () => {
    const partner = await createPartner();
    const key = 'reused-key';
    const first = await signed(partner, { method: 'POST', url: EVENTS, body: partnerInput(), key });
    expect(first.statusCode).toBe(201);
    const other = partnerInput();
    const second = await signed(partner, { method: 'POST', url: EVENTS, body: other, key });
    const problem = expectProblem(second, 422, 'PTN_IDEMPOTENCY_MISMATCH');
    expect(problem.detail).toContain(key);
    expect(await countEventsNamed(other.name)).toBe(0);

    const id = first.json<{ id: string }>().id;
    const otherPath = await signed(partner, {
      method: 'POST',
      url: `${EVENTS}/${id}/cancel`,
      body: { reason: '测试' },
      key,
    });
    expectProblem(otherPath, 422, 'PTN_IDEMPOTENCY_MISMATCH');
  });

  it('takes a key anew after 24 hours and purges it', async () => {
    const partner = await createPartner();
    const input = partnerInput();
    const key = 'expiring-key';
    const first = await signed(partner, { method: 'POST', url: EVENTS, body: input, key });
    expect(first.statusCode).toBe(201);

    const age = async (hours: number) =>
      sql`
        update partner_idempotency_keys
        set created_at = now() - make_interval(hours => ${hours})
        where partner_id = ${partner.id} and key = ${key}`.execute(ctx.db);

    await age(23);
    expect(await purgeExpiredIdempotencyKeys(ctx.db)).toBe(0);
    const within = await signed(partner, { method: 'POST', url: EVENTS, body: input, key });
    expect(within.headers['idempotent-replayed']).toBe('true');

    await age(25);
    const after = await signed(partner, { method: 'POST', url: EVENTS, body: input, key });
    expect(after.statusCode, after.body).toBe(201);
    expect(after.headers['idempotent-replayed']).toBeUndefined();
    expect(after.json<{ id: string }>().id).not.toBe(first.json<{ id: string }>().id);
    expect(await countEventsNamed(input.name)).toBe(2);

    await age(25);
    expect(await purgeExpiredIdempotencyKeys(ctx.db)).toBeGreaterThanOrEqual(1);
    const left = await ctx.db
      .selectFrom('partner_idempotency_keys')
      .select('key')
      .where('partner_id', '=', partner.id)
      .execute();
    expect(left).toEqual([]);
  });

  it('releases a key after a 5xx outcome', async () => {
    const partner = await createPartner();
    // A draft without contact details, because the 500's log line carries the failed
    // query's parameters.
    const input = {
      name: `失败赛事${randomBytes(3).toString('hex')}`,
      level: 'city',
      section: 'league_event',
      submit: false,
    };
    const key = 'failing-key';
    // A trigger fails the insert of this one event, so the write ends in 500.
    await sql`
      create function fail_partner_write() returns trigger language plpgsql as $$
      begin
        raise exception 'failed on purpose';
      end $$`.execute(ctx.db);
    await sql`
      create trigger fail_partner_write before insert on events for each row
      when (new.name = ${sql.lit(input.name)}) execute function fail_partner_write()`.execute(
      ctx.db,
    );
    try {
      const failed = await signed(partner, { method: 'POST', url: EVENTS, body: input, key });
      expectProblem(failed, 500, 'INTERNAL_ERROR');
      const rows = await ctx.db
        .selectFrom('partner_idempotency_keys')
        .select('key')
        .where('partner_id', '=', partner.id)
        .execute();
      expect(rows).toEqual([]);
    } finally {
      await sql`drop trigger fail_partner_write on events`.execute(ctx.db);
      await sql`drop function fail_partner_write()`.execute(ctx.db);
    }

    const retried = await signed(partner, { method: 'POST', url: EVENTS, body: input, key });
    expect(retried.statusCode, retried.body).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await countEventsNamed(input.name)).toBe(1);
  });

  it('reports a claim in progress with Retry-After', async () => {
    const partner = await createPartner();
    const input = partnerInput();
    const key = 'in-progress-key';
    const hash = idempotencyRequestHash('POST', EVENTS, Buffer.from(JSON.stringify(input)));
    await claimIdempotencyKey(ctx.db, partner.id, key, hash);

    const response = await signed(partner, { method: 'POST', url: EVENTS, body: input, key });
    expectProblem(response, 409, 'PTN_IDEMPOTENCY_IN_PROGRESS');
    expect(response.headers['retry-after']).toBe('1');
    expect(await countEventsNamed(input.name)).toBe(0);
  });

  // Holds the audit chain's lock in a transaction of the test, so the first request stops
  // inside its write while its key is claimed. The second request must then get 409 at
  // once, without waiting on the lock. Needs PostgreSQL, because PGlite serves one
  // connection at a time.
  it.runIf(process.env.DATABASE_URL)('lets one of two concurrent duplicates write', async () => {
    const partner = await createPartner();
    const input = partnerInput();
    const key = 'concurrent-key';
    const lockWaiters = async () => {
      const { rows } = await sql<{ count: string }>`
        select count(*) as count from pg_locks
        where locktype = 'advisory' and not granted
          and classid = ${AUDIT_LOCK_CLASS} and objid = 1`.execute(ctx.db);
      return Number(rows[0]?.count ?? 0);
    };
    const waitForWaiters = async (count: number) => {
      for (let tries = 0; tries < 200 && (await lockWaiters()) < count; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return lockWaiters();
    };

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const blocker = ctx.db.transaction().execute(async (trx) => {
      await lockAuditChain(trx);
      locked();
      await held;
    });
    await holding;

    const first = signed(partner, { method: 'POST', url: EVENTS, body: input, key });
    expect(await waitForWaiters(1)).toBe(1);
    const second = signed(partner, { method: 'POST', url: EVENTS, body: input, key });
    // Without the key-first claim the second request would wait on the lock as well. The race
    // lets the test go on in that case, so it fails on the statuses below.
    const secondAnsweredFirst = await Promise.race([
      second.then(() => true),
      waitForWaiters(2).then(() => false),
    ]);
    release();
    await blocker;
    const responses = [await first, await second];

    expect(responses.map((response) => response.statusCode)).toEqual([201, 409]);
    expect(secondAnsweredFirst).toBe(true);
    expectProblem(responses[1]!, 409, 'PTN_IDEMPOTENCY_IN_PROGRESS');
    expect(responses[1]!.headers['retry-after']).toBe('1');
    expect(await countEventsNamed(input.name)).toBe(1);

    const replay = await signed(partner, { method: 'POST', url: EVENTS, body: input, key });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(responses[0]!.body);
  });
});
