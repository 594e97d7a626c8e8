import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  postOk,
  publishNewEvent,
  recordPersonalData,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { residentId } from '../test/entries.js';

let ctx: TestContext;
let contractor: string;
let committee: string;

const CODE = /^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{10}$/;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'rg.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'rg.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  contractor = await signIn(ctx.app, 'rg.contractor');
  committee = await signIn(ctx.app, 'rg.committee');
});

afterAll(async () => {
  await ctx.close();
});

async function publishedEvent(overrides: Record<string, unknown> = {}): Promise<string> {
  const event = await publishNewEvent(ctx.app, contractor, committee, overrides);
  return event.id;
}

function register(eventId: string, payload: object, headers: Record<string, string> = {}) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload,
    headers,
  });
}

async function rowsOf(eventId: string) {
  return ctx.db
    .selectFrom('registrations')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('id')
    .execute();
}

async function registeredCount(eventId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('events')
    .select('registered_count')
    .where('id', '=', eventId)
    .executeTakeFirstOrThrow();
  return row.registered_count;
}

async function outboxOf(eventId: string) {
  return ctx.db
    .selectFrom('notification_outbox')
    .selectAll()
    .where('event_id', '=', eventId)
    .execute();
}

/** Moves an event's registration window relative to the database clock. */
async function moveWindow(eventId: string, opensIn: string, closesIn: string) {
  await ctx.db
    .updateTable('events')
    .set({
      registration_opens_at: sql<Date>`now() + ${opensIn}::interval`,
      registration_closes_at: sql<Date>`now() + ${closesIn}::interval`,
    })
    .where('id', '=', eventId)
    .execute();
}

function guardianWith(phone: unknown) {
  return { name: '张大', phone, consent: true };
}

describe('POST /api/events/:id/registrations', () => {
  it('registers a person', async () => {
    const eventId = await publishedEvent({ name: '报名测试赛', capacity: 10 });
    const response = await register(eventId, { name: '张三', phone: '13800138000' });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      id: expect.any(String),
      status: 'active',
      groupId: expect.any(String),
      queuePosition: null,
      code: expect.stringMatching(CODE),
      qrUrl: `/api/tickets/${body.code}/qr.svg`,
      eventId,
      eventName: '报名测试赛',
      name: '张三',
      phoneMasked: '138****8000',
      createdAt: expect.any(String),
    });
    expect(body.code).toHaveLength(10);
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);

    expect(await registeredCount(eventId)).toBe(1);
    const publicView = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}` });
    expect(publicView.json()).toMatchObject({ registeredCount: 1, placesLeft: 9 });
  });

  it('normalises +86 and spaces', async () => {
    const eventId = await publishedEvent();
    const response = await register(eventId, { name: '李四', phone: '+86 138 0013 8000' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().phoneMasked).toBe('138****8000');
    const [row] = await rowsOf(eventId);
    expect(ctx.app.cipher.decrypt(row?.phone_ciphertext ?? '')).toBe('13800138000');
    expect(row?.phone_hash).toBe(ctx.app.cipher.hash('13800138000'));
  });

  it('normalises full-width digits', async () => {
    const eventId = await publishedEvent();
    const response = await register(eventId, {
      name: '王五',
      phone: '１３９\u3000００１３\u3000９０００',
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().phoneMasked).toBe('139****9000');
    const [row] = await rowsOf(eventId);
    expect(ctx.app.cipher.decrypt(row?.phone_ciphertext ?? '')).toBe('13900139000');
  });

  it('encrypts the stored phone', async () => {
    const eventId = await publishedEvent();
    const response = await register(eventId, { name: '赵六', phone: '13800138000' });
    expect(response.statusCode).toBe(201);

    const rows = await rowsOf(eventId);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row?.phone_ciphertext).toMatch(/^v2:k0:[A-Za-z0-9+/]+=*$/);
    expect(row?.phone_ciphertext).not.toContain('13800138000');
    expect(row?.phone_ciphertext).not.toContain('00138000');
    expect(row?.phone_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.phone_hash).toBe(ctx.app.cipher.hash('13800138000'));
    expect(row?.phone_masked).toBe('138****8000');
    expect(JSON.stringify(row)).not.toContain('13800138000');
    expect(ctx.app.cipher.decrypt(row?.phone_ciphertext ?? '')).toBe('13800138000');
    expect(row?.code).toBe(response.json().code);
    expect(row?.status).toBe('active');
    expect(row?.channel).toBe('web');
  });

  it('uses a fresh IV for each entry', async () => {
    const first = await publishedEvent();
    const second = await publishedEvent();
    await register(first, { name: '赵六', phone: '13800138000' });
    await register(second, { name: '赵六', phone: '13800138000' });
    const [a] = await rowsOf(first);
    const [b] = await rowsOf(second);
    expect(a?.phone_ciphertext).not.toBe(b?.phone_ciphertext);
    expect(a?.phone_hash).toBe(b?.phone_hash);
  });

  it.each([
    ['12345', 'length'],
    ['1380013800a', 'character'],
    ['12000138000', 'prefix'],
    ['', 'empty'],
  ])('rejects the phone %j', async (phone, reason) => {
    const eventId = await publishedEvent();
    await register(eventId, { name: '张三', phone: '13800138000' });

    const response = await register(eventId, { name: '李四', phone });
    const problem = expectProblem(response, 400, 'REG_INVALID_PHONE');
    expect(problem.errors).toEqual([
      { field: 'phone', code: reason, message: 'is not a valid mainland mobile number' },
    ]);
    expect(await rowsOf(eventId)).toHaveLength(1);
    expect(await registeredCount(eventId)).toBe(1);
    expect(await outboxOf(eventId)).toHaveLength(1);
  });

  it.each(['张', '张三123', '   ', 'Robert); DROP TABLE', '王'.repeat(31)])(
    'rejects the name %j',
    async (name) => {
      const eventId = await publishedEvent();
      const response = await register(eventId, { name, phone: '13800138000' });
      const problem = expectProblem(response, 400, 'REG_INVALID_NAME');
      expect(problem.errors?.[0]?.field).toBe('name');
      expect(await rowsOf(eventId)).toHaveLength(0);
      expect(await registeredCount(eventId)).toBe(0);
    },
  );

  it('rejects a name over 60 characters', async () => {
    const eventId = await publishedEvent();
    const response = await register(eventId, { name: '王'.repeat(61), phone: '13800138000' });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]).toMatchObject({ field: 'name', code: 'maxLength' });
  });

  it('rejects a missing phone', async () => {
    const eventId = await publishedEvent();
    const response = await register(eventId, { name: '张三' });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]).toMatchObject({ field: 'phone', code: 'required' });
  });

  it('rejects an unknown body field', async () => {
    const eventId = await publishedEvent();
    const response = await register(eventId, {
      name: '张三',
      phone: '13800138000',
      nickname: '小张',
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      { field: 'nickname', code: 'additionalProperties', message: expect.any(String) },
    ]);
    expect(await rowsOf(eventId)).toHaveLength(0);
  });

  it.each([
    ['name', { name: 12345, phone: '13800138000' }],
    ['phone', { name: '张三', phone: 13800138000 }],
    ['idNumber', { name: '张三', phone: '13800138000', idNumber: 110101199003074000 }],
    ['birthDate', { name: '张三', phone: '13800138000', birthDate: 19900307 }],
    ['idConsent', { name: '张三', phone: '13800138000', idConsent: 'true' }],
    ['guardian.phone', { name: '张三', phone: '13800138000', guardian: guardianWith(13900139000) }],
  ])('rejects a %s of the wrong JSON type', async (field, payload) => {
    const eventId = await publishedEvent();
    const response = await register(eventId, payload);
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ field, code: 'type', message: expect.any(String) }]);
    expect(await rowsOf(eventId)).toHaveLength(0);
  });

  it.each([
    ['1900-01-01', 'birth_date_too_early', 'is more than 120 years ago'],
    ['2099-01-01', 'birth_date_future', 'must not be later than today'],
    ['2001-02-30', 'invalid_date', 'is not a real date written YYYY-MM-DD'],
  ])('rejects the birth date %s with its reason', async (birthDate, code, message) => {
    const eventId = await publishedEvent();
    const response = await register(eventId, { name: '张三', phone: '13800138000', birthDate });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toHaveLength(1);
    expect(problem.errors?.[0]?.field).toBe('birthDate');
    expect(problem.errors?.[0]?.code).toBe(code);
    expect(problem.errors?.[0]?.message).toContain(message);
    expect(problem.detail).toBe(`Request is invalid: birthDate ${problem.errors?.[0]?.message}`);
  });

  it.each([
    ['阿卜杜·热合曼', '阿卜杜·热合曼'],
    ['  John   Smith ', 'John Smith'],
  ])('accepts the name %j', async (name, stored) => {
    const eventId = await publishedEvent();
    const response = await register(eventId, { name, phone: '13800138000' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().name).toBe(stored);
  });

  it('rejects the same phone twice', async () => {
    const eventId = await publishedEvent();
    const first = await register(eventId, { name: '张三', phone: '13800138000' });
    expect(first.statusCode).toBe(201);

    const second = await register(eventId, { name: '张三丰', phone: '+86 138-0013-8000' });
    const problem = expectProblem(second, 409, 'REG_ALREADY_REGISTERED');
    expect(problem.detail).toBe(
      `This mobile number already has an entry (registered or waiting) in event ${eventId}`,
    );
    expect(await rowsOf(eventId)).toHaveLength(1);
    expect(await registeredCount(eventId)).toBe(1);
    expect(await outboxOf(eventId)).toHaveLength(1);
  });

  it('accepts the same phone in another event', async () => {
    const first = await publishedEvent();
    const second = await publishedEvent();
    expect((await register(first, { name: '张三', phone: '13800138000' })).statusCode).toBe(201);
    expect((await register(second, { name: '张三', phone: '13800138000' })).statusCode).toBe(201);
  });

  it('replays an Idempotency-Key', async () => {
    const eventId = await publishedEvent();
    const headers = { 'idempotency-key': 'retry-key-0001' };
    const first = await register(eventId, { name: '张三', phone: '13800138000' }, headers);
    expect(first.statusCode).toBe(201);

    const second = await register(eventId, { name: '张三', phone: '13800138000' }, headers);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());

    const rows = await rowsOf(eventId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.idempotency_key).toBe('retry-key-0001');
    expect(await registeredCount(eventId)).toBe(1);
    expect(await outboxOf(eventId)).toHaveLength(1);
  });

  it('rejects a reused key with another phone', async () => {
    const eventId = await publishedEvent();
    const headers = { 'idempotency-key': 'retry-key-0002' };
    const first = await register(eventId, { name: '张三', phone: '13800138000' }, headers);
    expect(first.statusCode).toBe(201);

    const second = await register(eventId, { name: '李四', phone: '13900139000' }, headers);
    const problem = expectProblem(second, 422, 'REG_IDEMPOTENCY_MISMATCH');
    expect(problem.detail).toBe('Idempotency-Key was already used with a different request body');
    expect(await rowsOf(eventId)).toHaveLength(1);
    expect(await registeredCount(eventId)).toBe(1);
  });

  it('rejects a reused key with another name', async () => {
    const eventId = await publishedEvent();
    const headers = { 'idempotency-key': 'retry-key-0003' };
    const first = await register(eventId, { name: '张三', phone: '13800138000' }, headers);
    expect(first.statusCode).toBe(201);

    const second = await register(eventId, { name: '张三丰', phone: '13800138000' }, headers);
    expectProblem(second, 422, 'REG_IDEMPOTENCY_MISMATCH');
    expect(await rowsOf(eventId)).toHaveLength(1);
  });

  it('rejects a short Idempotency-Key', async () => {
    const eventId = await publishedEvent();
    const response = await register(
      eventId,
      { name: '张三', phone: '13800138000' },
      { 'idempotency-key': 'short' },
    );
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]).toMatchObject({ field: 'idempotency-key', code: 'minLength' });
    expect(await rowsOf(eventId)).toHaveLength(0);
  });

  it('rejects a window not yet open', async () => {
    const eventId = await publishedEvent();
    await moveWindow(eventId, '1 day', '2 days');

    const response = await register(eventId, { name: '张三', phone: '13800138000' });
    const problem = expectProblem(response, 409, 'REG_WINDOW_NOT_OPEN');
    expect(problem.detail).toBe(`Registration for event ${eventId} has not opened yet`);
    expect(await rowsOf(eventId)).toHaveLength(0);
    expect(await registeredCount(eventId)).toBe(0);

    const publicView = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}` });
    expect(publicView.json().registrationStatus).toBe('not_open');
  });

  it('rejects a closed window', async () => {
    const eventId = await publishedEvent();
    await moveWindow(eventId, '-2 days', '-1 day');

    const response = await register(eventId, { name: '张三', phone: '13800138000' });
    expectProblem(response, 409, 'REG_WINDOW_CLOSED');
    expect(await rowsOf(eventId)).toHaveLength(0);
    expect(await registeredCount(eventId)).toBe(0);

    const publicView = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}` });
    expect(publicView.json().registrationStatus).toBe('closed');
  });

  it('closes the window at the closing time', async () => {
    const eventId = await publishedEvent();
    await moveWindow(eventId, '-2 days', '0 seconds');
    const response = await register(eventId, { name: '张三', phone: '13800138000' });
    expectProblem(response, 409, 'REG_WINDOW_CLOSED');
  });

  it('rejects a full event', async () => {
    const eventId = await publishedEvent({ capacity: 1 });
    const first = await register(eventId, { name: '张三', phone: '13800138000' });
    expect(first.statusCode).toBe(201);

    const second = await register(eventId, { name: '李四', phone: '13900139000' });
    const problem = expectProblem(second, 409, 'REG_EVENT_FULL');
    expect(problem.detail).toBe(`Event ${eventId} has no places left`);
    expect(await rowsOf(eventId)).toHaveLength(1);
    expect(await registeredCount(eventId)).toBe(1);
    expect(await outboxOf(eventId)).toHaveLength(1);

    const publicView = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}` });
    expect(publicView.json()).toMatchObject({
      registrationStatus: 'full',
      registeredCount: 1,
      placesLeft: 0,
    });
  });

  it('rejects an approved event', async () => {
    const event = await fileEvent(ctx.app, contractor);
    await postOk(ctx.app, contractor, `/api/console/events/${event.id}/submit`);
    await postOk(ctx.app, committee, `/api/reviews/${event.id}/approve`);

    const response = await register(event.id, { name: '张三', phone: '13800138000' });
    expectProblem(response, 404, 'EVT_NOT_FOUND');
    expect(await rowsOf(event.id)).toHaveLength(0);
    expect(await registeredCount(event.id)).toBe(0);
  });

  it('rejects a draft', async () => {
    const event = await fileEvent(ctx.app, contractor);
    const response = await register(event.id, { name: '张三', phone: '13800138000' });
    expectProblem(response, 404, 'EVT_NOT_FOUND');
  });

  it('rejects an unknown event', async () => {
    const response = await register('0190a5e0-0000-7000-8000-000000000000', {
      name: '张三',
      phone: '13800138000',
    });
    expectProblem(response, 404, 'EVT_NOT_FOUND');
  });

  it('writes an outbox row per registration', async () => {
    const eventId = await publishedEvent();
    const ids: string[] = [];
    for (const phone of ['13800138001', '13800138002', '13800138003']) {
      const response = await register(eventId, { name: '张三', phone });
      expect(response.statusCode).toBe(201);
      ids.push(response.json().id);
    }

    const outbox = await outboxOf(eventId);
    expect(outbox).toHaveLength(3);
    expect(outbox.map((row) => row.registration_id).sort()).toEqual([...ids].sort());
    for (const row of outbox) {
      expect(row.kind).toBe('registration.confirmed');
      expect(row.payload).toEqual({ registrationId: row.registration_id, eventId });
      expect(row.sent_at).toBeNull();
      expect(row.attempts).toBe(0);
    }
  });
});

describe('one live entry per person', () => {
  // Found by a trial user: the phone index covers only entries without an ID number, so the
  // same phone without an ID number got a second place after an entry with one.
  it('refuses an entry without an ID number on a phone that holds an entry with one', async () => {
    const eventId = await publishedEvent();
    const phone = '13900007101';
    const idNumber = residentId('1990-05-05', 'male', 3);
    recordPersonalData(ctx, phone, idNumber);
    const withId = await register(eventId, { name: '测试丁', phone, idNumber, idConsent: true });
    expect(withId.statusCode, withId.body).toBe(201);

    expectProblem(
      await register(eventId, { name: '测试丁', phone }),
      409,
      'REG_ALREADY_REGISTERED',
    );

    // A child entered from the parent's phone with the child's own ID number is another person.
    const child = residentId('2010-06-06', 'female', 4);
    recordPersonalData(ctx, child);
    const second = await register(eventId, {
      name: '测试小丁',
      phone,
      idNumber: child,
      idConsent: true,
    });
    expect(second.statusCode, second.body).toBe(201);
    expect((await rowsOf(eventId)).filter((row) => row.status === 'active')).toHaveLength(2);
  });

  it('replays a repeated key instead of refusing the phone', async () => {
    const eventId = await publishedEvent();
    const payload = { name: '测试戊', phone: '13900007102' };
    const headers = { 'idempotency-key': 'same-phone-replay-0001' };
    const first = await register(eventId, payload, headers);
    expect(first.statusCode, first.body).toBe(201);
    const again = await register(eventId, payload, headers);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
  });
});

describe('GET /api/tickets/:code/qr.svg', () => {
  it('returns an SVG of the code', async () => {
    const eventId = await publishedEvent();
    const registration = await register(eventId, { name: '张三', phone: '13800138000' });
    const response = await ctx.app.inject({ method: 'GET', url: registration.json().qrUrl });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(response.headers['cache-control']).toBe('private, max-age=86400');
    expect(response.body).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(response.body.trimEnd()).toMatch(/<\/svg>$/);
  });

  it('rejects an unknown code', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/tickets/ZZZZZZZZZZ/qr.svg',
    });
    const problem = expectProblem(response, 404, 'REG_TICKET_NOT_FOUND');
    expect(problem.detail).toBe('Ticket ZZZZZZZZZZ not found');
  });

  it.each(['abc', 'ABCDEFGHJ0', 'abcdefghjk', 'ABCDEFGHJKM'])(
    'rejects the malformed code %s',
    async (code) => {
      const response = await ctx.app.inject({ method: 'GET', url: `/api/tickets/${code}/qr.svg` });
      const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(problem.errors?.[0]?.field).toBe('code');
    },
  );
});

describe('registration names', () => {
  it.each(['Zhang San-Li', "D'Angelo", '阿依古丽·买买提'])('accepts the name %s', async (name) => {
    const eventId = await publishedEvent();
    const response = await register(eventId, { name, phone: '13800138000' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().name).toBe(name);
  });

  it.each(['--', "'.", '张3'])('rejects the name %j', async (name) => {
    const eventId = await publishedEvent();
    const response = await register(eventId, { name, phone: '13800138000' });
    expectProblem(response, 400, 'REG_INVALID_NAME');
    expect(await rowsOf(eventId)).toHaveLength(0);
  });
});

describe('GET /api/tickets/:code', () => {
  it('returns the ticket with masked data', async () => {
    const eventId = await publishedEvent();
    const receipt = (await register(eventId, { name: '王小明', phone: '13800138000' })).json();

    const response = await ctx.app.inject({ method: 'GET', url: `/api/tickets/${receipt.code}` });

    expect(response.statusCode, response.body).toBe(200);
    const ticket = response.json();
    expect(ticket.code).toBe(receipt.code);
    expect(ticket.status).toBe('active');
    expect(ticket.nameMasked).toBe('王**');
    expect(ticket.phoneMasked).toBe('138****8000');
    expect(ticket.checkedInAt).toBeNull();
    expect(ticket.event.id).toBe(eventId);
    expect(ticket.eventCancelled).toBe(false);
    expect(ticket.eventCancelReason).toBeNull();
    expect(response.body).not.toContain('王小明');
    expect(response.body).not.toContain('13800138000');
  });

  it("shows a cancelled event's registration as closed", async () => {
    const eventId = await publishedEvent();
    const receipt = (await register(eventId, { name: '赵小军', phone: '13800138123' })).json();
    await ctx.db
      .updateTable('events')
      .set({ state: 'cancelled', cancel_reason: '场地维修' })
      .where('id', '=', eventId)
      .execute();

    const response = await ctx.app.inject({ method: 'GET', url: `/api/tickets/${receipt.code}` });

    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().event.registrationStatus).toBe('closed');
    expect(response.json().eventCancelled).toBe(true);
    expect(response.json().eventCancelReason).toBe('场地维修');
  });

  it('rejects an unknown code', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/tickets/ZZZZZZZZZZ' });
    expectProblem(response, 404, 'REG_TICKET_NOT_FOUND');
  });

  it('rejects a malformed code', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/tickets/abc' });
    expectProblem(response, 400, 'VALIDATION_FAILED');
  });
});
