import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  postOk,
  publishNewEvent,
  signIn,
  startEventIn,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;
let contractor: string;
let contractorUserId: string;
let committee: string;
let other: string;

interface Receipt {
  id: string;
  code: string;
  name: string;
  phoneMasked: string;
}

beforeAll(async () => {
  ctx = await createTestContext();
  ({ userId: contractorUserId } = await createAccount(ctx.db, {
    username: 'ck.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  }));
  await createAccount(ctx.db, {
    username: 'ck.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'ck.other',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  contractor = await signIn(ctx.app, 'ck.contractor');
  committee = await signIn(ctx.app, 'ck.committee');
  other = await signIn(ctx.app, 'ck.other');
});

afterAll(async () => {
  await ctx.close();
});

function phoneOf(n: number): string {
  return `1380013${String(8000 + n).padStart(4, '0')}`;
}

/** Publishes an event, registers `count` people and returns the event id and receipts. */
async function eventWithEntries(count: number, capacity = 30) {
  const event = await publishNewEvent(ctx.app, contractor, committee, { capacity });
  const receipts: Receipt[] = [];
  for (let i = 0; i < count; i++) {
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/registrations`,
      payload: { name: `参赛者${'甲乙丙丁戊己庚辛壬癸子丑'[i] ?? '寅'}`, phone: phoneOf(i) },
    });
    if (response.statusCode !== 201) throw new Error(response.body);
    receipts.push(response.json());
  }
  await startEventIn(ctx.db, event.id, 60);
  return { eventId: event.id as string, receipts };
}

function checkIn(cookie: string, eventId: string, code: string) {
  return as(
    ctx.app,
    cookie,
  )({
    method: 'POST',
    url: `/api/console/events/${eventId}/check-ins`,
    payload: { code },
  });
}

async function checkInAudit(registrationId: string) {
  return ctx.db
    .selectFrom('audit_log')
    .selectAll()
    .where('entity_type', '=', 'registration')
    .where('entity_id', '=', registrationId)
    .execute();
}

async function checkedInAt(registrationId: string) {
  const row = await ctx.db
    .selectFrom('registrations')
    .select(['checked_in_at', 'checked_in_by'])
    .where('id', '=', registrationId)
    .executeTakeFirstOrThrow();
  return row;
}

describe('POST /api/console/events/:id/check-ins', () => {
  let eventId: string;
  let receipts: Receipt[];

  beforeAll(async () => {
    ({ eventId, receipts } = await eventWithEntries(3));
  });

  it('checks in a lower-case padded code', async () => {
    const receipt = receipts[0] as Receipt;
    const response = await checkIn(contractor, eventId, `  ${receipt.code.toLowerCase()}\n`);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toEqual({
      registration: {
        id: receipt.id,
        code: receipt.code,
        name: receipt.name,
        phoneMasked: '138****8000',
        status: 'active',
        createdAt: expect.any(String),
        checkedInAt: expect.any(String),
      },
      outcome: 'checked_in',
      alreadyCheckedIn: false,
      replayed: false,
      checkIn: { at: body.registration.checkedInAt, gate: '未命名入口', deviceId: 'console' },
    });

    const row = await checkedInAt(receipt.id);
    expect(new Date(row.checked_in_at ?? 0).toISOString()).toBe(body.registration.checkedInAt);
    expect(row.checked_in_by).toBe(contractorUserId);

    const audit = await checkInAudit(receipt.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.action).toBe('registration.checked_in');
    expect(audit[0]?.actor_user_id).toBe(contractorUserId);
    expect(audit[0]?.detail).toEqual({ eventId, gate: '未命名入口', mode: 'online' });
  });

  it('reports a second scan', async () => {
    const receipt = receipts[1] as Receipt;
    const first = await checkIn(contractor, eventId, receipt.code);
    expect(first.json().alreadyCheckedIn).toBe(false);

    const second = await checkIn(contractor, eventId, receipt.code);
    expect(second.statusCode).toBe(200);
    expect(second.json().alreadyCheckedIn).toBe(true);
    expect(second.json().registration.checkedInAt).toBe(first.json().registration.checkedInAt);
    expect(second.json().registration.id).toBe(receipt.id);
    expect(await checkInAudit(receipt.id)).toHaveLength(1);
  });

  it('rejects an unknown code', async () => {
    const response = await checkIn(contractor, eventId, 'ZZZZZZZZZZ');
    const problem = expectProblem(response, 404, 'CHK_CODE_NOT_FOUND');
    expect(problem.detail).toBe(`No active registration with this code in event ${eventId}`);
  });

  it("rejects another event's code", async () => {
    const elsewhere = await eventWithEntries(1);
    const receipt = elsewhere.receipts[0] as Receipt;
    const response = await checkIn(contractor, eventId, receipt.code);
    const problem = expectProblem(response, 409, 'CHK_TICKET_OTHER_EVENT');
    expect(problem.detail).toBe(
      `Ticket ${receipt.code} belongs to another event, not to event ${eventId}`,
    );
    expect((await checkedInAt(receipt.id)).checked_in_at).toBeNull();
  });

  it('rejects a reviewer of another organisation', async () => {
    const receipt = receipts[2] as Receipt;
    const response = await checkIn(committee, eventId, receipt.code);
    expectProblem(response, 403, 'EVT_NOT_OWNED');
    expect((await checkedInAt(receipt.id)).checked_in_at).toBeNull();
    expect(await checkInAudit(receipt.id)).toHaveLength(0);
  });

  it('hides the event from another organiser', async () => {
    const receipt = receipts[2] as Receipt;
    const response = await checkIn(other, eventId, receipt.code);
    expectProblem(response, 404, 'EVT_NOT_FOUND');
    expect((await checkedInAt(receipt.id)).checked_in_at).toBeNull();
  });

  it('rejects an unpublished event', async () => {
    const event = await fileEvent(ctx.app, contractor);
    await postOk(ctx.app, contractor, `/api/console/events/${event.id}/submit`);
    await postOk(ctx.app, committee, `/api/reviews/${event.id}/approve`);
    const response = await checkIn(contractor, event.id, 'ZZZZZZZZZZ');
    expectProblem(response, 409, 'CHK_EVENT_NOT_PUBLISHED');
  });

  it('rejects a gate name with emoji', async () => {
    const receipt = receipts[2] as Receipt;
    const response = await as(
      ctx.app,
      contractor,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/check-ins`,
      payload: { code: receipt.code, gate: '东门🚪' },
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      { field: 'gate', code: 'noEmoji', message: 'must not contain emoji' },
    ]);
    expect((await checkedInAt(receipt.id)).checked_in_at).toBeNull();
  });

  it('rejects a code longer than a ticket', async () => {
    const response = await checkIn(contractor, eventId, 'A'.repeat(500));
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]).toMatchObject({ field: 'code', code: 'maxLength' });
  });

  it('rejects an empty code', async () => {
    const response = await checkIn(contractor, eventId, '');
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]).toMatchObject({ field: 'code', code: 'minLength' });
  });

  it('requires a session', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/console/events/${eventId}/check-ins`,
      payload: { code: 'ZZZZZZZZZZ' },
    });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });
});

describe('GET /api/console/events/:id/registrations', () => {
  let eventId: string;
  let receipts: Receipt[];

  beforeAll(async () => {
    ({ eventId, receipts } = await eventWithEntries(12));
    for (const receipt of receipts.slice(0, 3)) {
      await postOk(ctx.app, contractor, `/api/console/events/${eventId}/check-ins`, {
        code: receipt.code,
      });
    }
  });

  function list(cookie: string, query = '') {
    return as(
      ctx.app,
      cookie,
    )({
      method: 'GET',
      url: `/api/console/events/${eventId}/registrations${query}`,
    });
  }

  it('shows masked phones only', async () => {
    const response = await list(contractor, '?limit=100');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.items).toHaveLength(12);
    for (const [i, item] of body.items.entries()) {
      expect(Object.keys(item).sort()).toEqual(
        [
          'answers',
          'checkedInAt',
          'code',
          'createdAt',
          'id',
          'name',
          'phoneMasked',
          'status',
        ].sort(),
      );
      expect(item.phoneMasked).toBe(`138****${phoneOf(i).slice(-4)}`);
    }
    for (let i = 0; i < 12; i++) expect(response.body).not.toContain(phoneOf(i));
    expect(response.body).not.toContain('v1:');
  });

  it('counts entries and check-ins', async () => {
    const body = (await list(contractor)).json();
    expect(body.total).toBe(12);
    expect(body.checkedIn).toBe(3);
    const checked = body.items.filter((item: { checkedInAt: string | null }) => item.checkedInAt);
    expect(checked.map((item: { code: string }) => item.code)).toEqual(
      receipts.slice(0, 3).map((receipt) => receipt.code),
    );
  });

  it('pages in registration order', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=5&cursor=${encodeURIComponent(cursor)}` : '?limit=5';
      const body = (await list(contractor, query)).json();
      expect(body.total).toBe(12);
      expect(body.checkedIn).toBe(3);
      sizes.push(body.items.length);
      seen.push(...body.items.map((item: { id: string }) => item.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([5, 5, 2]);
    expect(seen).toEqual(receipts.map((receipt) => receipt.id));
  });

  it('rejects a malformed cursor', async () => {
    const response = await list(contractor, '?cursor=%7B%7D');
    expectProblem(response, 400, 'INVALID_CURSOR');
  });

  it('rejects a reviewer of another organisation', async () => {
    expectProblem(await list(committee), 403, 'EVT_NOT_OWNED');
  });

  it('hides the list from another organiser', async () => {
    expectProblem(await list(other), 404, 'EVT_NOT_FOUND');
  });
});

describe('check-in under concurrency', () => {
  it('records one check-in for simultaneous scans', async () => {
    const { eventId, receipts } = await eventWithEntries(1);
    const code = receipts[0]?.code ?? '';

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => checkIn(contractor, eventId, code)),
    );

    const firsts = responses.filter((r) => r.json().alreadyCheckedIn === false);
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    expect(firsts).toHaveLength(1);
    const times = new Set(responses.map((r) => r.json().registration.checkedInAt));
    expect(times.size).toBe(1);
    const audits = await ctx.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'registration.checked_in')
      .where('entity_id', '=', receipts[0]?.id ?? '')
      .execute();
    expect(audits).toHaveLength(1);
  });

  // PGlite runs one transaction at a time, so only PostgreSQL can hold a scan at the lock.
  it.runIf(process.env.DATABASE_URL)('times a waiting scan after the lock', async () => {
    const { eventId, receipts } = await eventWithEntries(1);
    const code = receipts[0]?.code ?? '';
    let waiting: ReturnType<typeof checkIn> | undefined;
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .selectFrom('registrations')
        .select('id')
        .where('code', '=', code)
        .forUpdate()
        .execute();
      // This scan's transaction starts now and waits for the lock held above.
      waiting = checkIn(contractor, eventId, code);
      await untilAScanWaitsForALock();
      // Another gate's check-in lands while the scan waits, timed after the scan's start.
      await trx
        .updateTable('registrations')
        .set({ checked_in_at: sql<Date>`clock_timestamp()`, checked_in_gate: '东门' })
        .where('code', '=', code)
        .execute();
    });
    const response = await waiting;
    expect(response?.statusCode).toBe(200);
    expect(response?.json().alreadyCheckedIn).toBe(true);
    expect(response?.json().checkIn.gate).toBe('东门');
  });
});

/** Waits until a session of this database waits for a row lock. */
async function untilAScanWaitsForALock() {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { rows } = await sql<{ waiting: number }>`
      select count(*)::int as waiting from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(ctx.db);
    if ((rows[0]?.waiting ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('No scan waited for the lock');
}
