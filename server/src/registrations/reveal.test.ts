import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  publishNewEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;
let owner: string;
let bureau: string;
let pudong: string;
let eventId: string;
let otherEventId: string;
const registrations: { id: string; phone: string; phoneMasked: string }[] = [];

const PHONES = ['13800138301', '13800138302'];

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'rv.xuhui',
    accountType: 'district_bureau',
    divisionCode: '310104',
  });
  await createAccount(ctx.db, {
    username: 'rv.bureau',
    accountType: 'sports_bureau',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'rv.pudong',
    accountType: 'district_bureau',
    divisionCode: '310115',
  });
  owner = await signIn(ctx.app, 'rv.xuhui');
  bureau = await signIn(ctx.app, 'rv.bureau');
  pudong = await signIn(ctx.app, 'rv.pudong');

  const filing = { level: 'district', section: 'brand_event' };
  eventId = (await publishNewEvent(ctx.app, owner, undefined, filing)).id;
  otherEventId = (await publishNewEvent(ctx.app, owner, undefined, filing)).id;
  for (const [i, phone] of PHONES.entries()) {
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: `测试用户${'甲乙'[i]}`, phone },
    });
    expect(response.statusCode, response.body).toBe(201);
    const receipt = response.json<{ id: string; phoneMasked: string }>();
    registrations.push({ id: receipt.id, phone, phoneMasked: receipt.phoneMasked });
  }
});

afterAll(async () => {
  await ctx?.close();
});

function revealUrl(event: string, registrationId: string): string {
  return `/api/console/events/${event}/registrations/${registrationId}/reveal`;
}

async function revealEntries(registrationId: string) {
  return ctx.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', 'personal_data.reveal')
    .where('entity_id', '=', registrationId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

async function countRevealEntries(): Promise<number> {
  const row = await ctx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('action', '=', 'personal_data.reveal')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

describe('registration reveal', () => {
  it('returns the full phone to the owner', async () => {
    const [first] = registrations;
    const response = await as(
      ctx.app,
      owner,
    )({ method: 'POST', url: revealUrl(eventId, first!.id), payload: { field: 'phone' } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ field: 'phone', value: first!.phone });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('audits every reveal without the value', async () => {
    const [, second] = registrations;
    const session = as(ctx.app, owner);
    for (let i = 0; i < 2; i++) {
      const response = await session({
        method: 'POST',
        url: revealUrl(eventId, second!.id),
        payload: { field: 'phone' },
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    const entries = await revealEntries(second!.id);
    expect(entries).toHaveLength(2);
    const ownerRow = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'rv.xuhui')
      .executeTakeFirstOrThrow();
    for (const entry of entries) {
      expect(entry.actor_user_id).toBe(ownerRow.id);
      expect(entry.entity_type).toBe('registration');
      expect(entry.actor_ip).toBeTruthy();
      expect(entry.detail).toEqual({ eventId, field: 'phone' });
      const stored = JSON.stringify(entry);
      expect(stored).not.toContain(second!.phone);
      expect(stored).not.toContain(second!.phone.slice(-4));
      expect(stored).not.toContain(second!.phoneMasked);
    }
  });

  it('rejects a non-owner who sees the event', async () => {
    const before = await countRevealEntries();
    const response = await as(
      ctx.app,
      bureau,
    )({
      method: 'POST',
      url: revealUrl(eventId, registrations[0]!.id),
      payload: { field: 'phone' },
    });
    const problem = expectProblem(response, 403, 'EVT_NOT_OWNED');
    expect(JSON.stringify(problem)).not.toContain(registrations[0]!.phone);
    expect(await countRevealEntries()).toBe(before);
  });

  it('hides events out of scope', async () => {
    const before = await countRevealEntries();
    const response = await as(
      ctx.app,
      pudong,
    )({
      method: 'POST',
      url: revealUrl(eventId, registrations[0]!.id),
      payload: { field: 'phone' },
    });
    expectProblem(response, 404, 'EVT_NOT_FOUND');
    expect(response.body).not.toContain(registrations[0]!.phone);
    expect(await countRevealEntries()).toBe(before);
  });

  it('rejects a registration of another event', async () => {
    const before = await countRevealEntries();
    const response = await as(
      ctx.app,
      owner,
    )({
      method: 'POST',
      url: revealUrl(otherEventId, registrations[0]!.id),
      payload: { field: 'phone' },
    });
    expectProblem(response, 404, 'REG_REGISTRATION_NOT_FOUND');
    expect(await countRevealEntries()).toBe(before);
  });

  it.each([
    ['an unknown field', { field: 'idNumber' }],
    ['no field', {}],
  ])('rejects %s', async (_case, payload) => {
    const before = await countRevealEntries();
    const response = await as(
      ctx.app,
      owner,
    )({ method: 'POST', url: revealUrl(eventId, registrations[0]!.id), payload });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(await countRevealEntries()).toBe(before);
  });

  it('requires a session', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: revealUrl(eventId, registrations[0]!.id),
      payload: { field: 'phone' },
    });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });

  it('masks phones in the registration list', async () => {
    const response = await as(
      ctx.app,
      owner,
    )({ method: 'GET', url: `/api/console/events/${eventId}/registrations` });
    expect(response.statusCode).toBe(200);
    for (const registration of registrations) {
      expect(response.body).not.toContain(registration.phone);
      expect(response.body).toContain(registration.phoneMasked);
    }
    expect(registrations[0]!.phoneMasked).toBe('138****8301');
  });
});

describe('reveal after key rotation', () => {
  it('reads old rows and keeps duplicate checks', async () => {
    const oldKey = ctx.config.dataKeys.keys.get(ctx.config.dataKeys.activeKeyId)!;
    const dataKeys = {
      activeKeyId: 'k2',
      hashKeyId: ctx.config.dataKeys.hashKeyId,
      keys: new Map([
        ['k2', randomBytes(32)],
        [ctx.config.dataKeys.activeKeyId, oldKey],
      ]),
    };
    const rotated = await ctx.buildApp({ dataKeys });
    const session = await signIn(rotated, 'rv.xuhui');
    const reveal = await as(
      rotated,
      session,
    )({
      method: 'POST',
      url: revealUrl(eventId, registrations[0]!.id),
      payload: { field: 'phone' },
    });
    expect(reveal.statusCode, reveal.body).toBe(200);
    expect(reveal.json<{ value: string }>().value).toBe(registrations[0]!.phone);

    const again = await rotated.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: '测试用户丙', phone: registrations[0]!.phone },
    });
    expectProblem(again, 409, 'REG_ALREADY_REGISTERED');

    const fresh = await rotated.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: '测试用户丁', phone: '13800138303' },
    });
    expect(fresh.statusCode, fresh.body).toBe(201);
    const row = await ctx.db
      .selectFrom('registrations')
      .select('phone_ciphertext')
      .where('id', '=', fresh.json<{ id: string }>().id)
      .executeTakeFirstOrThrow();
    expect(row.phone_ciphertext).toMatch(/^v2:k2:/);
  });
});
