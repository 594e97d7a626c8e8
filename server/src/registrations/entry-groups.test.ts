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
  recordPersonalData,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { checkCounters } from './counters.js';
import {
  countersOf,
  onlyGroupOf,
  publishWithGroups,
  residentId,
  statusCounts,
} from '../test/entries.js';

let ctx: TestContext;
let organiser: string;
let reviewer: string;
let organiserApi: ReturnType<typeof as>;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'eg.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'eg.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiser = await signIn(ctx.app, 'eg.contractor');
  reviewer = await signIn(ctx.app, 'eg.committee');
  organiserApi = as(ctx.app, organiser);
});

afterAll(async () => {
  await ctx.close();
});

function register(eventId: string, payload: object, headers: Record<string, string> = {}) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload,
    headers,
  });
}

function groupsUrl(eventId: string, groupId?: string) {
  return `/api/console/events/${eventId}/groups${groupId ? `/${groupId}` : ''}`;
}

describe('default group', () => {
  it('is created at publication', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, {
      capacity: 7,
      feeCents: 500,
    });
    const response = await organiserApi({ method: 'GET', url: groupsUrl(event.id) });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().items).toEqual([
      expect.objectContaining({
        name: '默认组',
        capacity: 7,
        taken: 0,
        placesLeft: 7,
        feeCents: 500,
        gender: 'any',
        waitingList: 'off',
        isDefault: true,
      }),
    ]);
  });

  it('counts entries in the group and the event', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 3 });
    const groupId = await onlyGroupOf(ctx.db, event.id);
    const response = await register(event.id, { name: '张三', phone: '13800138000' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().groupId).toBe(groupId);
    expect(await countersOf(ctx.db, event.id, groupId)).toEqual({
      taken: 1,
      capacity: 3,
      registered: 1,
    });
    expect(await checkCounters(ctx.db, event.id)).toEqual([]);
  });

  it('follows an approved capacity change', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 5 });
    const groupId = await onlyGroupOf(ctx.db, event.id);
    const changed = await organiserApi({
      method: 'POST',
      url: `/api/console/events/${event.id}/changes`,
      payload: { patch: { capacity: 9 }, reason: '场地扩容' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await countersOf(ctx.db, event.id, groupId)).capacity).toBe(9);
  });
});

describe('group API', () => {
  it('creates, updates and deletes a group', async () => {
    const event = await fileEvent(ctx.app, organiser, { capacity: 100 });
    const created = await organiserApi({
      method: 'POST',
      url: groupsUrl(event.id),
      payload: {
        name: '男子青年组',
        capacity: 40,
        feeCents: 3000,
        gender: 'male',
        minAge: 18,
        maxAge: 35,
        waitingList: 'offer',
        offerHours: 24,
        sortOrder: 1,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const group = created.json();
    expect(group).toMatchObject({
      name: '男子青年组',
      capacity: 40,
      taken: 0,
      gender: 'male',
      minAge: 18,
      maxAge: 35,
      entryType: 'individual',
      waitingList: 'offer',
      offerHours: 24,
      isDefault: false,
    });

    const updated = await organiserApi({
      method: 'PATCH',
      url: groupsUrl(event.id, group.id),
      payload: { capacity: 50, waitingList: 'auto' },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ capacity: 50, waitingList: 'auto', offerHours: null });

    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'changes'])
      .where('entity_id', '=', event.id)
      .where('action', 'like', 'event_group.%')
      .orderBy('seq')
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['event_group.created', 'event_group.updated']);
    expect(audit[1]?.changes).toMatchObject({ capacity: { before: 40, after: 50 } });

    const deleted = await organiserApi({ method: 'DELETE', url: groupsUrl(event.id, group.id) });
    expect(deleted.statusCode, deleted.body).toBe(204);
    const listed = await organiserApi({ method: 'GET', url: groupsUrl(event.id) });
    expect(listed.json().items).toEqual([]);
  });

  it('rejects groups over the event capacity', async () => {
    const event = await fileEvent(ctx.app, organiser, { capacity: 50 });
    const first = await organiserApi({
      method: 'POST',
      url: groupsUrl(event.id),
      payload: { name: 'A组', capacity: 30 },
    });
    expect(first.statusCode).toBe(201);
    const second = await organiserApi({
      method: 'POST',
      url: groupsUrl(event.id),
      payload: { name: 'B组', capacity: 21 },
    });
    const problem = expectProblem(second, 409, 'GRP_OVER_EVENT_CAPACITY');
    expect(problem.detail).toBe(
      "The groups' capacities add up to 51, over the event's capacity of 50",
    );
  });

  it('checks the groups again at publication', async () => {
    const event = await fileEvent(ctx.app, organiser, { capacity: 50 });
    const group = await organiserApi({
      method: 'POST',
      url: groupsUrl(event.id),
      payload: { name: 'A组', capacity: 30 },
    });
    expect(group.statusCode, group.body).toBe(201);
    const patched = await organiserApi({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { capacity: 20 },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    await postOk(ctx.app, organiser, `/api/console/events/${event.id}/submit`);
    await postOk(ctx.app, reviewer, `/api/reviews/${event.id}/approve`);

    const published = await organiserApi({
      method: 'POST',
      url: `/api/console/events/${event.id}/publish`,
    });
    const problem = expectProblem(published, 409, 'GRP_OVER_EVENT_CAPACITY');
    expect(problem.detail).toBe(
      "The groups' capacities add up to 30, over the event's capacity of 20",
    );
    const row = await ctx.db
      .selectFrom('events')
      .select('state')
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('approved');
  });

  it('rejects a capacity cut below the groups', async () => {
    const { eventId } = await publishWithGroups(
      ctx.app,
      organiser,
      reviewer,
      [{ name: 'A组', capacity: 30 }],
      { capacity: 40 },
    );
    const changed = await organiserApi({
      method: 'POST',
      url: `/api/console/events/${eventId}/changes`,
      payload: { patch: { capacity: 60 }, reason: '扩容' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const cut = await organiserApi({
      method: 'POST',
      url: `/api/console/events/${eventId}/changes`,
      payload: { patch: { capacity: 25 }, reason: '缩减' },
    });
    // A cut goes to review; approving it checks the groups.
    expect(cut.statusCode, cut.body).toBe(200);
    const pending = cut.json<{ pendingChange: { id: string } | null }>().pendingChange;
    expect(pending).not.toBeNull();
    const approved = await as(
      ctx.app,
      reviewer,
    )({
      method: 'POST',
      url: `/api/reviews/${eventId}/changes/${pending!.id}/approve`,
    });
    expectProblem(approved, 409, 'GRP_OVER_EVENT_CAPACITY');
  });

  it('rejects a duplicate name', async () => {
    const event = await fileEvent(ctx.app, organiser, { capacity: 50 });
    const payload = { name: 'A组', capacity: 10 };
    expect(
      (await organiserApi({ method: 'POST', url: groupsUrl(event.id), payload })).statusCode,
    ).toBe(201);
    const again = await organiserApi({ method: 'POST', url: groupsUrl(event.id), payload });
    expectProblem(again, 409, 'GRP_NAME_TAKEN');
  });

  it('rejects emoji in a group name', async () => {
    const event = await fileEvent(ctx.app, organiser, { capacity: 50 });
    const created = await organiserApi({
      method: 'POST',
      url: groupsUrl(event.id),
      payload: { name: '青年组⚽', capacity: 10 },
    });
    const problem = expectProblem(created, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toContainEqual({
      field: 'name',
      code: 'noEmoji',
      message: 'must not contain emoji',
    });

    const group = await organiserApi({
      method: 'POST',
      url: groupsUrl(event.id),
      payload: { name: '青年组', capacity: 10 },
    });
    expect(group.statusCode, group.body).toBe(201);
    const renamed = await organiserApi({
      method: 'PATCH',
      url: `${groupsUrl(event.id)}/${group.json<{ id: string }>().id}`,
      payload: { name: '青年组🏆' },
    });
    const renameProblem = expectProblem(renamed, 400, 'VALIDATION_FAILED');
    expect(renameProblem.errors).toContainEqual({
      field: 'name',
      code: 'noEmoji',
      message: 'must not contain emoji',
    });
  });

  it.each([
    [{ minAge: 40, maxAge: 30 }, 'minAge'],
    [{ entryType: 'team' }, 'teamMin'],
    [{ entryType: 'team', teamMin: 5, teamMax: 3 }, 'teamMin'],
    [{ teamMin: 3, teamMax: 5 }, 'teamMin'],
    [{ waitingList: 'offer' }, 'offerHours'],
  ])('rejects the rule %j', async (rule, field) => {
    const event = await fileEvent(ctx.app, organiser, { capacity: 50 });
    const response = await organiserApi({
      method: 'POST',
      url: groupsUrl(event.id),
      payload: { name: '规则组', capacity: 10, ...rule },
    });
    const problem = expectProblem(response, 400, 'GRP_INVALID_RULE');
    expect(problem.errors?.[0]?.field).toBe(field);
  });

  it('keeps the capacity above the places taken', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 5 });
    const groupId = await onlyGroupOf(ctx.db, event.id);
    for (const phone of ['13800138001', '13800138002']) {
      expect((await register(event.id, { name: '张三', phone })).statusCode).toBe(201);
    }
    const response = await organiserApi({
      method: 'PATCH',
      url: groupsUrl(event.id, groupId),
      payload: { capacity: 1 },
    });
    const problem = expectProblem(response, 409, 'GRP_CAPACITY_BELOW_TAKEN');
    expect(problem.detail).toBe(
      `Capacity 1 is below the 2 places already taken in group ${groupId}`,
    );
    const lowered = await organiserApi({
      method: 'PATCH',
      url: groupsUrl(event.id, groupId),
      payload: { capacity: 2 },
    });
    expect(lowered.statusCode, lowered.body).toBe(200);
    expect(lowered.json()).toMatchObject({ capacity: 2, taken: 2, placesLeft: 0 });
  });

  it('keeps a group with entries', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 5 });
    const groupId = await onlyGroupOf(ctx.db, event.id);
    expect((await register(event.id, { name: '张三', phone: '13800138000' })).statusCode).toBe(201);
    const response = await organiserApi({ method: 'DELETE', url: groupsUrl(event.id, groupId) });
    expectProblem(response, 409, 'GRP_HAS_ENTRIES');
  });

  it('freezes the groups of a cancelled event', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 5 });
    await organiserApi({
      method: 'POST',
      url: `/api/console/events/${event.id}/cancel`,
      payload: { reason: '场地维修' },
    });
    const response = await organiserApi({
      method: 'POST',
      url: groupsUrl(event.id),
      payload: { name: '新组', capacity: 1 },
    });
    expectProblem(response, 409, 'GRP_EVENT_CANCELLED');
  });

  it('lists the groups publicly', async () => {
    const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: 'B组', capacity: 5, sortOrder: 2 },
      { name: 'A组', capacity: 6, sortOrder: 1 },
    ]);
    const response = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/groups` });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().items.map((group: { name: string }) => group.name)).toEqual([
      'A组',
      'B组',
    ]);
  });
});

describe('registration into groups', () => {
  it('requires a group when there are several', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: 'A组', capacity: 5 },
      { name: 'B组', capacity: 5 },
    ]);
    const response = await register(eventId, { name: '张三', phone: '13800138000' });
    expectProblem(response, 400, 'REG_GROUP_REQUIRED');

    const chosen = await register(eventId, {
      name: '张三',
      phone: '13800138000',
      groupId: groupIds[1],
    });
    expect(chosen.statusCode, chosen.body).toBe(201);
    expect(chosen.json().groupId).toBe(groupIds[1]);
    expect(await countersOf(ctx.db, eventId, groupIds[1]!)).toMatchObject({
      taken: 1,
      registered: 1,
    });
    expect((await countersOf(ctx.db, eventId, groupIds[0]!)).taken).toBe(0);
  });

  it('rejects a group of another event', async () => {
    const first = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: 'A组', capacity: 5 },
    ]);
    const second = await publishNewEvent(ctx.app, organiser, reviewer);
    const response = await register(second.id, {
      name: '张三',
      phone: '13800138000',
      groupId: first.groupIds[0],
    });
    expectProblem(response, 404, 'REG_GROUP_NOT_FOUND');
    expect(await checkCounters(ctx.db)).toEqual([]);
  });

  it('rejects a team group', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '团体组', capacity: 5, entryType: 'team', teamMin: 3, teamMax: 5 },
    ]);
    const response = await register(eventId, {
      name: '张三',
      phone: '13800138000',
      groupId: groupIds[0],
    });
    expectProblem(response, 409, 'REG_TEAM_ENTRY_REQUIRED');
    expect(await statusCounts(ctx.db, eventId)).toEqual({});
  });

  it('rejects a full group without a waiting list', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: 'A组', capacity: 1 },
      { name: 'B组', capacity: 5 },
    ]);
    const groupId = groupIds[0];
    expect(
      (await register(eventId, { name: '张三', phone: '13800138001', groupId })).statusCode,
    ).toBe(201);
    const full = await register(eventId, { name: '李四', phone: '13800138002', groupId });
    expectProblem(full, 409, 'REG_EVENT_FULL');
    const other = await register(eventId, {
      name: '李四',
      phone: '13800138002',
      groupId: groupIds[1],
    });
    expect(other.statusCode, other.body).toBe(201);
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });
});

describe('eligibility', () => {
  const MAN = residentId('1990-05-17', 'male');
  const WOMAN = residentId('1992-08-03', 'female');

  it('checks the gender from the ID number', async () => {
    recordPersonalData(ctx, MAN, WOMAN);
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '女子组', capacity: 5, gender: 'female' },
    ]);
    const groupId = groupIds[0];
    const man = await register(eventId, {
      name: '张三',
      phone: '13800138001',
      idNumber: MAN,
      idConsent: true,
      groupId,
    });
    const problem = expectProblem(man, 409, 'REG_NOT_ELIGIBLE');
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'gender', code: 'gender' })]);
    const noId = await register(eventId, { name: '王五', phone: '13800138003', groupId });
    expectProblem(noId, 409, 'REG_NOT_ELIGIBLE');

    const woman = await register(eventId, {
      name: '李四',
      phone: '13800138002',
      idNumber: WOMAN,
      idConsent: true,
      groupId,
    });
    expect(woman.statusCode, woman.body).toBe(201);
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 1 });
  });

  it('stores the ID number encrypted and masked', async () => {
    recordPersonalData(ctx, MAN);
    const event = await publishNewEvent(ctx.app, organiser, reviewer);
    const response = await register(event.id, {
      name: '张三',
      phone: '13800138001',
      idNumber: MAN,
      idConsent: true,
    });
    expect(response.statusCode, response.body).toBe(201);
    const row = await ctx.db
      .selectFrom('registrations')
      .selectAll()
      .where('id', '=', response.json().id)
      .executeTakeFirstOrThrow();
    expect(row.id_hash).toBe(ctx.app.cipher.hash(MAN));
    expect(row.id_masked).toBe(`3101**********${MAN.slice(14)}`);
    expect(ctx.app.cipher.decrypt(row.id_ciphertext ?? '')).toBe(MAN);
    expect(JSON.stringify(row)).not.toContain(MAN);
  });

  it('rejects an invalid ID number', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer);
    const broken = `${MAN.slice(0, 17)}${MAN[17] === '0' ? '1' : '0'}`;
    recordPersonalData(ctx, broken);
    const response = await register(event.id, {
      name: '张三',
      phone: '13800138001',
      idNumber: broken,
    });
    const problem = expectProblem(response, 400, 'REG_INVALID_ID_NUMBER');
    expect(problem.errors?.[0]).toMatchObject({ field: 'idNumber', code: 'check_character' });
  });

  // Born on 29 February 2008: 18 until the end of 28 February 2027 and 19 from 1 March, when
  // 2027 has no 29 February. The age is taken on the start date in Shanghai (UTC+8).
  it.each([
    ['2027-02-28T02:00:00.000Z', 201, undefined],
    ['2027-02-28T15:59:00.000Z', 201, undefined],
    ['2027-02-28T16:00:00.000Z', 409, 'too_old'],
    ['2027-03-01T02:00:00.000Z', 409, 'too_old'],
  ])('ages a 29 February birthday at a start of %s', async (startsAt, status, problem) => {
    const leapling = residentId('2008-02-29', 'female', 7);
    recordPersonalData(ctx, leapling);
    const ends = new Date(Date.parse(startsAt) + 4 * 3600_000).toISOString();
    const { eventId, groupIds } = await publishWithGroups(
      ctx.app,
      organiser,
      reviewer,
      [{ name: '青少年组', capacity: 5, minAge: 12, maxAge: 18 }],
      { startsAt, endsAt: ends },
    );
    const response = await register(eventId, {
      name: '李四',
      phone: '13800138002',
      idNumber: leapling,
      idConsent: true,
      groupId: groupIds[0],
    });
    expect(response.statusCode, response.body).toBe(status);
    if (problem) {
      expect(expectProblem(response, 409, 'REG_NOT_ELIGIBLE').errors?.[0]?.code).toBe(problem);
    }
  });

  it('requires an ID number for an age range', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '成人组', capacity: 5, minAge: 18 },
    ]);
    const response = await register(eventId, {
      name: '张三',
      phone: '13800138001',
      groupId: groupIds[0],
    });
    const problem = expectProblem(response, 409, 'REG_NOT_ELIGIBLE');
    expect(problem.errors?.[0]).toMatchObject({ field: 'age', code: 'age_unknown' });
  });
});

describe('one entry per person', () => {
  it('tells people with one phone apart by ID number', async () => {
    const child1 = residentId('2014-03-02', 'male', 1);
    const child2 = residentId('2016-07-09', 'female', 2);
    recordPersonalData(ctx, child1, child2);
    const event = await publishNewEvent(ctx.app, organiser, reviewer);
    const phone = '13800138009';
    // Both children are under 14, so their parent consents as guardian.
    const guardian = { name: '张大', phone, consent: true };
    const first = { name: '张小一', phone, idNumber: child1, idConsent: true, guardian };
    expect((await register(event.id, first)).statusCode).toBe(201);
    const second = { name: '张小二', phone, idNumber: child2, idConsent: true, guardian };
    expect((await register(event.id, second)).statusCode).toBe(201);
    const again = await register(event.id, { ...first, phone: '13900139000' });
    expectProblem(again, 409, 'REG_ID_ALREADY_REGISTERED');
    expect(await statusCounts(ctx.db, event.id)).toEqual({ active: 2 });
    expect(await checkCounters(ctx.db, event.id)).toEqual([]);
  });

  // Before the ID number was checked ahead of the places, the second entry got REG_EVENT_FULL.
  it('names the ID number before a full event', async () => {
    const adult = residentId('1990-05-06', 'female', 3);
    recordPersonalData(ctx, adult);
    const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '单人组', capacity: 1 },
    ]);
    const first = { name: '王一', phone: '13800138021', idNumber: adult, idConsent: true };
    expect((await register(eventId, first)).statusCode).toBe(201);
    const again = await register(eventId, { ...first, phone: '13900139021' });
    expectProblem(again, 409, 'REG_ID_ALREADY_REGISTERED');
    const stranger = { name: '王二', phone: '13800138022' };
    expectProblem(await register(eventId, stranger), 409, 'REG_EVENT_FULL');
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 1 });
  });

  it('rejects a reused key with another group', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: 'A组', capacity: 5 },
      { name: 'B组', capacity: 5 },
    ]);
    const headers = { 'idempotency-key': 'group-key-0001' };
    const person = { name: '张三', phone: '13800138000' };
    const first = await register(eventId, { ...person, groupId: groupIds[0] }, headers);
    expect(first.statusCode).toBe(201);
    const same = await register(eventId, { ...person, groupId: groupIds[0] }, headers);
    expect(same.statusCode).toBe(200);
    expect(same.json()).toEqual(first.json());
    const other = await register(eventId, { ...person, groupId: groupIds[1] }, headers);
    expectProblem(other, 422, 'REG_IDEMPOTENCY_MISMATCH');
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 1 });
  });
});

describe('registration window on the database clock', () => {
  async function moveWindow(eventId: string, opens: string, closes: string) {
    await ctx.db
      .updateTable('events')
      .set({
        registration_opens_at: sql<Date>`now() + ${opens}::interval`,
        registration_closes_at: sql<Date>`now() + ${closes}::interval`,
      })
      .where('id', '=', eventId)
      .execute();
  }

  it.each([
    ['opens this second', '0 seconds', '1 hour', 201, undefined],
    ['opens next second', '1 second', '1 hour', 409, 'REG_WINDOW_NOT_OPEN'],
    ['closes next second', '-1 hour', '1 second', 201, undefined],
    ['closed this second', '-1 hour', '0 seconds', 409, 'REG_WINDOW_CLOSED'],
  ])('window that %s', async (_label, opens, closes, status, code) => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer);
    await moveWindow(event.id, opens, closes);
    const response = await register(event.id, { name: '张三', phone: '13800138000' });
    if (code) expectProblem(response, status, code);
    else expect(response.statusCode, response.body).toBe(status);
    expect(await checkCounters(ctx.db, event.id)).toEqual([]);
  });
});
