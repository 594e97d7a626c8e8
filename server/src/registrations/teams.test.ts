import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signInCitizen } from '../citizens/citizen-test-support.js';
import {
  countersOf,
  outboxKinds,
  publishWithGroups,
  residentId,
  statusCounts,
} from '../test/entries.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  postOk,
  recordPersonalData,
  signIn,
  type TestContext,
} from '../test/harness.js';
import {
  memberStatuses,
  postTeam,
  putMembers,
  teamStatus,
  type TestMember,
} from '../test/teams.js';
import { checkCounters } from './counters.js';

let ctx: TestContext;
let organiser: string;
let otherOrganiser: string;
let reviewer: string;
let phoneCounter = 0;

beforeAll(async () => {
  ctx = await createTestContext();
  for (const username of ['team.contractor', 'team.other']) {
    await createAccount(ctx.db, { username, accountType: 'contractor', divisionCode: '3101' });
  }
  await createAccount(ctx.db, {
    username: 'team.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiser = await signIn(ctx.app, 'team.contractor');
  otherOrganiser = await signIn(ctx.app, 'team.other');
  reviewer = await signIn(ctx.app, 'team.committee');
});

afterAll(async () => {
  await ctx.close();
});

function nextPhone(): string {
  phoneCounter += 1;
  return `1360021${String(phoneCounter).padStart(4, '0')}`;
}

/** Signs a captain in from an address of its own, because codes are limited per address. */
function captainSession(): Promise<string> {
  return signInCitizen(ctx.app, nextPhone(), `198.51.100.${phoneCounter % 250}`);
}

function people(count: number): TestMember[] {
  return Array.from({ length: count }, () => ({ name: '队员甲', phone: nextPhone() }));
}

interface TeamBody {
  id: string;
  status: string;
  size: number;
  queuePosition: number | null;
  members: { id: string; name: string; status: string; phoneMasked: string; code: string | null }[];
}

/** Publishes an event with one team group of 2 to 4 members. */
async function teamEvent(capacity: number, waitingList: 'off' | 'auto' = 'off', extra = {}) {
  const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
    { name: '团体组', capacity, entryType: 'team', teamMin: 2, teamMax: 4, waitingList, ...extra },
  ]);
  return { eventId, groupId: groupIds[0]! };
}

async function registered(eventId: string, captain: string, members: TestMember[], name?: string) {
  const response = await postTeam(ctx.app, captain, eventId, {
    name: name ?? `队伍${phoneCounter}`,
    members,
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json<TeamBody>();
}

async function closeRegistration(eventId: string) {
  await ctx.db
    .updateTable('events')
    .set({ registration_closes_at: sql<Date>`now()` })
    .where('id', '=', eventId)
    .execute();
}

describe('team registration', () => {
  it('registers a team of 3 with one place per member', async () => {
    const { eventId, groupId } = await teamEvent(10);
    const captain = await captainSession();
    const response = await postTeam(ctx.app, captain, eventId, {
      name: '  飞 跃  队 ',
      members: [
        { name: '张三', phone: '+86 136 0021 9001' },
        { name: '李四', phone: '１３６００２１９００２' },
        { name: '王五', phone: '13600219003', idNumber: residentId('1990-05-01', 'male') },
      ],
    });

    expect(response.statusCode, response.body).toBe(201);
    const team = response.json<TeamBody>();
    expect(team.status).toBe('active');
    expect(team.size).toBe(3);
    expect(team.members.map((member) => member.phoneMasked)).toEqual([
      '136****9001',
      '136****9002',
      '136****9003',
    ]);
    expect(team.members.every((member) => member.code !== null)).toBe(true);
    expect(await countersOf(ctx.db, eventId, groupId)).toEqual({
      taken: 3,
      capacity: 10,
      registered: 3,
    });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
    const confirmations = await outboxKinds(ctx.db, eventId, ['registration.confirmed']);
    expect(confirmations).toHaveLength(3);

    const list = await as(ctx.app, captain)({ method: 'GET', url: '/api/citizen/teams' });
    expect(list.statusCode).toBe(200);
    const items = list.json<{ items: { id: string; name: string; eventName: string }[] }>().items;
    expect(items.map((item) => item.id)).toEqual([team.id]);
    expect(items[0]!.name).toBe('飞 跃 队');
  });

  it('rejects a team below the minimum or above the maximum size', async () => {
    const { eventId, groupId } = await teamEvent(10);
    const captain = await captainSession();
    for (const size of [1, 5]) {
      const response = await postTeam(ctx.app, captain, eventId, {
        name: `人数${size}`,
        members: people(size),
      });
      const problem = expectProblem(response, 400, 'TEAM_SIZE_OUT_OF_RANGE');
      expect(problem.errors?.[0]?.field).toBe('members');
    }
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 0 });
    expect(await ctx.db.selectFrom('teams').where('event_id', '=', eventId).execute()).toEqual([]);
  });

  it('lists every invalid member field at once', async () => {
    const { eventId } = await teamEvent(10);
    const captain = await captainSession();
    const response = await postTeam(ctx.app, captain, eventId, {
      name: '格式队',
      members: [
        { name: '张三', phone: '12345' },
        { name: '李四', phone: nextPhone(), idNumber: '310104199001011234' },
        { name: '1', phone: nextPhone() },
      ],
    });
    const problem = expectProblem(response, 400, 'TEAM_INVALID_MEMBER');
    expect(problem.errors?.map((error) => error.field)).toEqual([
      'members.0.phone',
      'members.1.idNumber',
      'members.2.name',
    ]);
  });

  it('rejects an empty team name', async () => {
    const { eventId } = await teamEvent(10);
    const captain = await captainSession();
    const response = await postTeam(ctx.app, captain, eventId, { name: '   ', members: people(2) });
    expectProblem(response, 400, 'TEAM_INVALID_NAME');
  });

  it('rejects emoji in the team name', async () => {
    const { eventId } = await teamEvent(10);
    const captain = await captainSession();
    const response = await postTeam(ctx.app, captain, eventId, {
      name: '飞鹰队🦅',
      members: people(2),
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toContainEqual({
      field: 'name',
      code: 'noEmoji',
      message: 'must not contain emoji',
    });
  });

  it('rejects one person listed twice in a team', async () => {
    const { eventId } = await teamEvent(10);
    const captain = await captainSession();
    const phone = nextPhone();
    const response = await postTeam(ctx.app, captain, eventId, {
      name: '重复队',
      members: [
        { name: '张三', phone },
        { name: '张三丰', phone: `+86${phone}` },
      ],
    });
    const problem = expectProblem(response, 400, 'TEAM_DUPLICATE_MEMBER');
    expect(problem.errors?.map((error) => error.field)).toEqual(['members.1']);
  });

  it('rejects a person who is already in another team', async () => {
    const { eventId, groupId } = await teamEvent(20);
    await registered(eventId, await captainSession(), people(2), '甲队');
    const shared = nextPhone();
    const captain = await captainSession();
    const team = await registered(eventId, captain, [
      { name: '共享者', phone: shared },
      ...people(1),
    ]);

    const response = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '乙队',
      members: [...people(1), { name: '共享者', phone: shared }],
    });

    const problem = expectProblem(response, 409, 'TEAM_MEMBER_ALREADY_REGISTERED');
    expect(problem.errors?.map((error) => error.field)).toEqual(['members.1.phone']);
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 4 });
    expect(team.status).toBe('active');
  });

  it('rejects an ID number that holds an individual entry', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '个人组', capacity: 10 },
      { name: '团体组', capacity: 10, entryType: 'team', teamMin: 2, teamMax: 3 },
    ]);
    const idNumber = residentId('1992-03-04', 'female', 7);
    const individual = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: {
        name: '个人者',
        phone: nextPhone(),
        idNumber,
        idConsent: true,
        groupId: groupIds[0],
      },
    });
    expect(individual.statusCode, individual.body).toBe(201);

    const response = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '证件队',
      groupId: groupIds[1],
      members: [{ name: '个人者', phone: nextPhone(), idNumber }, ...people(1)],
    });

    const problem = expectProblem(response, 409, 'TEAM_MEMBER_ALREADY_REGISTERED');
    expect(problem.errors?.map((error) => error.field)).toEqual(['members.0.idNumber']);
    expect(await countersOf(ctx.db, eventId, groupIds[1]!)).toMatchObject({ taken: 0 });
  });

  it('keeps team and individual groups apart', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '个人组', capacity: 10 },
      { name: '团体组', capacity: 10, entryType: 'team', teamMin: 2, teamMax: 3 },
    ]);
    const teamInIndividual = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '错组队',
      groupId: groupIds[0],
      members: people(2),
    });
    expectProblem(teamInIndividual, 409, 'TEAM_INDIVIDUAL_GROUP');
    const individualInTeam = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: '个人者', phone: nextPhone(), groupId: groupIds[1] },
    });
    expectProblem(individualInTeam, 409, 'REG_TEAM_ENTRY_REQUIRED');
  });

  it('requires ID numbers in a group with an age rule', async () => {
    const { eventId } = await teamEvent(10, 'off', { minAge: 18 });
    const response = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '成年队',
      members: [
        { name: '张三', phone: nextPhone(), idNumber: residentId('1990-01-01', 'male', 11) },
        { name: '李四', phone: nextPhone() },
      ],
    });
    const problem = expectProblem(response, 400, 'TEAM_INVALID_MEMBER');
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'members.1.idNumber', code: 'required' }),
    ]);

    const tooYoung = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '少年队',
      members: [
        { name: '张三', phone: nextPhone(), idNumber: residentId('1990-01-01', 'male', 12) },
        { name: '李四', phone: nextPhone(), idNumber: residentId('2020-01-01', 'male', 13) },
      ],
    });
    const young = expectProblem(tooYoung, 409, 'REG_NOT_ELIGIBLE');
    expect(young.errors?.map((error) => error.field)).toEqual(['members.1.age']);
  });

  it('returns the first team for a repeated Idempotency-Key', async () => {
    const { eventId, groupId } = await teamEvent(10);
    const captain = await captainSession();
    const body = { name: '重试队', members: people(3) };
    const first = await postTeam(ctx.app, captain, eventId, body, 'team-key-0001');
    const second = await postTeam(ctx.app, captain, eventId, body, 'team-key-0001');

    expect(first.statusCode, first.body).toBe(201);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json<TeamBody>().id).toBe(first.json<TeamBody>().id);
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 3 });

    const changed = await postTeam(
      ctx.app,
      captain,
      eventId,
      { ...body, members: body.members.slice(0, 2) },
      'team-key-0001',
    );
    expectProblem(changed, 422, 'REG_IDEMPOTENCY_MISMATCH');
  });

  it('rejects a whole team that does not fit without a waiting list', async () => {
    const { eventId, groupId } = await teamEvent(5);
    await registered(eventId, await captainSession(), people(3));
    const response = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '晚到队',
      members: people(3),
    });
    expectProblem(response, 409, 'REG_EVENT_FULL');
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 3 });
    const teams = await ctx.db.selectFrom('teams').where('event_id', '=', eventId).execute();
    expect(teams).toHaveLength(1);
  });

  it('puts a whole team that does not fit on the waiting list', async () => {
    const { eventId, groupId } = await teamEvent(5, 'auto');
    await registered(eventId, await captainSession(), people(3));
    const response = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '候补队',
      members: people(3),
    });
    expect(response.statusCode, response.body).toBe(202);
    const team = response.json<TeamBody>();
    expect(team.status).toBe('waiting');
    expect(team.queuePosition).toBe(1);
    expect(await memberStatuses(ctx.db, team.id)).toEqual({ waiting: 3 });
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 3 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);

    const members = await ctx.db
      .selectFrom('registrations')
      .select('id')
      .where('team_id', '=', team.id)
      .execute();
    const notices = await outboxKinds(ctx.db, eventId, ['registration.waiting']);
    expect(notices.map((row) => row.registration_id).sort()).toEqual(
      members.map((row) => row.id).sort(),
    );
  });

  it('refuses the offer mode for team groups', async () => {
    const event = await publishWithGroups(ctx.app, organiser, reviewer, []);
    const response = await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${event.eventId}/groups`,
      payload: {
        name: '团体组',
        capacity: 5,
        entryType: 'team',
        teamMin: 2,
        teamMax: 3,
        waitingList: 'offer',
        offerHours: 24,
      },
    });
    const problem = expectProblem(response, 400, 'GRP_INVALID_RULE');
    expect(problem.errors?.map((error) => error.field)).toContain('waitingList');
  });
});

describe('team member changes', () => {
  it('replaces a member without moving places', async () => {
    const { eventId, groupId } = await teamEvent(10);
    const captain = await captainSession();
    const team = await registered(eventId, captain, people(3));
    const [keep1, keep2, leaving] = team.members;
    const newcomer = { name: '替补者', phone: nextPhone() };

    const response = await putMembers(ctx.app, captain, eventId, team.id, [
      { id: keep1!.id },
      { id: keep2!.id },
      newcomer,
    ]);

    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<TeamBody>();
    expect(body.members.map((member) => member.name)).toEqual(['队员甲', '队员甲', '替补者']);
    const left = await ctx.db
      .selectFrom('registrations')
      .select(['status', 'cancel_reason'])
      .where('id', '=', leaving!.id)
      .executeTakeFirstOrThrow();
    expect(left).toEqual({ status: 'cancelled', cancel_reason: 'removed_from_team' });
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 3 });

    // The same list again changes nothing: the newcomer is recognised by the mobile number.
    const again = await putMembers(ctx.app, captain, eventId, team.id, [
      { id: keep1!.id },
      { id: keep2!.id },
      newcomer,
    ]);
    expect(again.statusCode, again.body).toBe(200);
    expect(await memberStatuses(ctx.db, team.id)).toEqual({ active: 3, cancelled: 1 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  it('refuses member changes after registration closes', async () => {
    const { eventId } = await teamEvent(10);
    const captain = await captainSession();
    const team = await registered(eventId, captain, people(3));
    await closeRegistration(eventId);

    const response = await putMembers(ctx.app, captain, eventId, team.id, [
      { id: team.members[0]!.id },
      { id: team.members[1]!.id },
      { name: '迟到者', phone: nextPhone() },
    ]);

    expectProblem(response, 409, 'REG_WINDOW_CLOSED');
    expect(await memberStatuses(ctx.db, team.id)).toEqual({ active: 3 });
    const view = await as(
      ctx.app,
      captain,
    )({
      method: 'GET',
      url: `/api/citizen/events/${eventId}/teams/${team.id}`,
    });
    expect(view.json<{ membersChangeable: boolean }>().membersChangeable).toBe(false);
  });

  it('keeps the size within the group limits', async () => {
    const { eventId } = await teamEvent(10);
    const captain = await captainSession();
    const team = await registered(eventId, captain, people(2));
    const shrink = await putMembers(ctx.app, captain, eventId, team.id, [
      { id: team.members[0]!.id },
    ]);
    expectProblem(shrink, 400, 'TEAM_SIZE_OUT_OF_RANGE');
    const grow = await putMembers(ctx.app, captain, eventId, team.id, [
      ...team.members.map((member) => ({ id: member.id })),
      ...people(3),
    ]);
    expectProblem(grow, 400, 'TEAM_SIZE_OUT_OF_RANGE');
    expect(await memberStatuses(ctx.db, team.id)).toEqual({ active: 2 });
  });

  it('shrinks a team and promotes the waiting team', async () => {
    const { eventId, groupId } = await teamEvent(5, 'auto');
    const captain = await captainSession();
    const big = await registered(eventId, captain, people(4), '大队');
    const waiting = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '等候队',
      members: people(2),
    });
    expect(waiting.statusCode, waiting.body).toBe(202);
    const waitingId = waiting.json<TeamBody>().id;

    const response = await putMembers(
      ctx.app,
      captain,
      eventId,
      big.id,
      big.members.slice(0, 3).map((member) => ({ id: member.id })),
    );

    expect(response.statusCode, response.body).toBe(200);
    expect(await teamStatus(ctx.db, waitingId)).toBe('active');
    expect(await memberStatuses(ctx.db, waitingId)).toEqual({ active: 2 });
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 5 });
    const promoted = await outboxKinds(ctx.db, eventId, ['registration.promoted']);
    expect(promoted).toHaveLength(2);
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  it('keeps a waiting team behind one that does not fit yet', async () => {
    const { eventId } = await teamEvent(5, 'auto');
    const captain = await captainSession();
    const big = await registered(eventId, captain, people(4), '大队');
    const first = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '三人队',
      members: people(3),
    });
    const second = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '两人队',
      members: people(2),
    });
    expect(second.json<TeamBody>().queuePosition).toBe(2);

    // One place frees up, then two: the head of the queue needs three.
    const shrunk = await putMembers(
      ctx.app,
      captain,
      eventId,
      big.id,
      big.members.slice(0, 3).map((member) => ({ id: member.id })),
    );
    expect(shrunk.statusCode, shrunk.body).toBe(200);
    expect(await teamStatus(ctx.db, first.json<TeamBody>().id)).toBe('waiting');
    expect(await teamStatus(ctx.db, second.json<TeamBody>().id)).toBe('waiting');

    const shrunkAgain = await putMembers(
      ctx.app,
      captain,
      eventId,
      big.id,
      big.members.slice(0, 2).map((member) => ({ id: member.id })),
    );
    expect(shrunkAgain.statusCode, shrunkAgain.body).toBe(200);
    expect(await teamStatus(ctx.db, first.json<TeamBody>().id)).toBe('active');
    expect(await teamStatus(ctx.db, second.json<TeamBody>().id)).toBe('waiting');
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  it('grows a team only into free places', async () => {
    const { eventId, groupId } = await teamEvent(4);
    const captain = await captainSession();
    const team = await registered(eventId, captain, people(2));
    await registered(eventId, await captainSession(), people(2));
    const current = team.members.map((member) => ({ id: member.id }));

    const response = await putMembers(ctx.app, captain, eventId, team.id, [
      ...current,
      ...people(1),
    ]);

    expectProblem(response, 409, 'REG_EVENT_FULL');
    expect(await memberStatuses(ctx.db, team.id)).toEqual({ active: 2 });
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 4 });
  });

  it('hides a team from other citizens', async () => {
    const { eventId } = await teamEvent(10);
    const team = await registered(eventId, await captainSession(), people(2));
    const stranger = await captainSession();
    const view = await as(
      ctx.app,
      stranger,
    )({
      method: 'GET',
      url: `/api/citizen/events/${eventId}/teams/${team.id}`,
    });
    expectProblem(view, 404, 'TEAM_NOT_FOUND');
    const change = await putMembers(ctx.app, stranger, eventId, team.id, people(2));
    expectProblem(change, 404, 'TEAM_NOT_FOUND');
  });

  it('refuses a member id from another team', async () => {
    const { eventId } = await teamEvent(10);
    const captain = await captainSession();
    const team = await registered(eventId, captain, people(2));
    const other = await registered(eventId, await captainSession(), people(2));
    const response = await putMembers(ctx.app, captain, eventId, team.id, [
      { id: team.members[0]!.id },
      { id: other.members[0]!.id },
    ]);
    expectProblem(response, 404, 'TEAM_MEMBER_NOT_FOUND');
  });
});

describe('team cancellation', () => {
  it('releases the places once for two cancellations', async () => {
    const { eventId, groupId } = await teamEvent(10);
    const captain = await captainSession();
    const team = await registered(eventId, captain, people(3));
    const cancel = () =>
      as(
        ctx.app,
        captain,
      )({
        method: 'POST',
        url: `/api/citizen/events/${eventId}/teams/${team.id}/cancel`,
      });

    const first = await cancel();
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ id: team.id, status: 'cancelled', released: 3 });
    expectProblem(await cancel(), 409, 'TEAM_ALREADY_CANCELLED');
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 0 });
    expect(await memberStatuses(ctx.db, team.id)).toEqual({ cancelled: 3 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  it('refuses the captain after the cancellation deadline', async () => {
    const { eventId } = await teamEvent(10);
    const captain = await captainSession();
    const team = await registered(eventId, captain, people(2));
    await closeRegistration(eventId);
    const response = await as(
      ctx.app,
      captain,
    )({
      method: 'POST',
      url: `/api/citizen/events/${eventId}/teams/${team.id}/cancel`,
    });
    expectProblem(response, 409, 'REG_CANCEL_DEADLINE_PASSED');
    expect(await teamStatus(ctx.db, team.id)).toBe('active');
  });

  it('lets the organiser cancel a team with a reason, audited', async () => {
    const { eventId, groupId } = await teamEvent(5, 'auto');
    const team = await registered(eventId, await captainSession(), people(4));
    const waiting = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '等候队',
      members: people(2),
    });
    const cancel = (cookie: string, reason: string) =>
      as(
        ctx.app,
        cookie,
      )({
        method: 'POST',
        url: `/api/console/events/${eventId}/teams/${team.id}/cancel`,
        payload: { reason },
      });

    expectProblem(await cancel(organiser, '  '), 400, 'REG_CANCEL_REASON_REQUIRED');
    // Another contractor cannot see the event at all.
    expectProblem(await cancel(otherOrganiser, '越权'), 404, 'EVT_NOT_FOUND');
    const response = await cancel(organiser, '队伍资格不符');

    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'cancelled', released: 4 });
    expect(await teamStatus(ctx.db, waiting.json<TeamBody>().id)).toBe('active');
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 2 });
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'entity_type', 'detail'])
      .where('entity_id', '=', team.id)
      .execute();
    expect(audit).toEqual([
      expect.objectContaining({ action: 'team.cancelled', entity_type: 'team' }),
    ]);
    const sms = await outboxKinds(ctx.db, eventId, ['registration.cancelled']);
    expect(sms).toHaveLength(4);
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  it('refuses to cancel a single member entry', async () => {
    const { eventId } = await teamEvent(10);
    const team = await registered(eventId, await captainSession(), people(2));
    const response = await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/registrations/${team.members[0]!.id}/cancel`,
      payload: { reason: '单人取消' },
    });
    expectProblem(response, 409, 'TEAM_ENTRY_OF_TEAM');
    expect(await memberStatuses(ctx.db, team.id)).toEqual({ active: 2 });
  });
});

describe('team entries in the citizen list', () => {
  it('marks the captain and the members', async () => {
    const { eventId } = await teamEvent(10);
    const captainPhone = nextPhone();
    const captain = await signInCitizen(ctx.app, captainPhone, `198.51.100.${phoneCounter % 250}`);
    const memberPhone = nextPhone();
    const member = await signInCitizen(ctx.app, memberPhone, `198.51.100.${phoneCounter % 250}`);
    const team = await registered(eventId, captain, [
      { name: '队长甲', phone: captainPhone },
      { name: '队员乙', phone: memberPhone },
    ]);

    const listOf = async (cookie: string) => {
      const response = await ctx.app.inject({
        method: 'GET',
        url: '/api/citizen/registrations',
        headers: { cookie },
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ items: { teamId: string | null; teamCaptain: boolean }[] }>().items;
    };
    const [captainEntry] = await listOf(captain);
    expect(captainEntry?.teamId).toBe(team.id);
    expect(captainEntry?.teamCaptain).toBe(true);
    const [memberEntry] = await listOf(member);
    expect(memberEntry?.teamId).toBe(team.id);
    expect(memberEntry?.teamCaptain).toBe(false);
  });
});

describe('event cancellation', () => {
  it('cancels the teams with their members', async () => {
    const { eventId, groupId } = await teamEvent(5, 'auto');
    const active = await registered(eventId, await captainSession(), people(4));
    const waiting = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '等候队',
      members: people(2),
    });
    expect(waiting.statusCode, waiting.body).toBe(202);

    const response = await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/cancel`,
      payload: { reason: '场地检修' },
    });

    expect(response.statusCode, response.body).toBe(200);
    expect(await teamStatus(ctx.db, active.id)).toBe('cancelled');
    expect(await teamStatus(ctx.db, waiting.json<TeamBody>().id)).toBe('cancelled');
    expect(await memberStatuses(ctx.db, active.id)).toEqual({ cancelled: 4 });
    expect(await countersOf(ctx.db, eventId, groupId)).toMatchObject({ taken: 0 });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });
});

describe('console team list', () => {
  it('shows masked members to the organiser only', async () => {
    const { eventId } = await teamEvent(10);
    const team = await registered(eventId, await captainSession(), people(3), '展示队');
    const list = (cookie: string) =>
      as(ctx.app, cookie)({ method: 'GET', url: `/api/console/events/${eventId}/teams` });

    const response = await list(organiser);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ items: TeamBody[]; nextCursor: string | null }>();
    expect(body.items.map((item) => item.id)).toEqual([team.id]);
    expect(body.items[0]!.members).toHaveLength(3);
    expect(body.items[0]!.members[0]!.phoneMasked).toMatch(/^136\*{4}\d{4}$/);
    expect(body.nextCursor).toBeNull();
    expectProblem(await list(otherOrganiser), 404, 'EVT_NOT_FOUND');
  });
});

describe('team counters', () => {
  it('reports a member out of step with its team', async () => {
    const { eventId } = await teamEvent(10);
    const team = await registered(eventId, await captainSession(), people(2));
    await ctx.db
      .updateTable('registrations')
      .set({ status: 'waiting', waiting_seq: 1 })
      .where('id', '=', team.members[0]!.id)
      .execute();

    const drift = await checkCounters(ctx.db, eventId);
    expect(drift).toContainEqual({
      kind: 'team',
      id: team.id,
      eventId,
      counter: 1,
      expected: 2,
    });
  });
});

/** Publishes an event with one team group of 2 to 4 members and the given ID number rule. */
async function teamEventWithForm(
  idNumber: 'required' | 'optional' | 'hidden',
  safetyNotice: string | null = null,
) {
  const event = await fileEvent(ctx.app, organiser, { capacity: 100 });
  const group = await as(
    ctx.app,
    organiser,
  )({
    method: 'POST',
    url: `/api/console/events/${event.id}/groups`,
    payload: { name: '表单组', capacity: 20, entryType: 'team', teamMin: 2, teamMax: 4 },
  });
  expect(group.statusCode, group.body).toBe(201);
  const form = await as(
    ctx.app,
    organiser,
  )({
    method: 'PUT',
    url: `/api/console/events/${event.id}/registration-form`,
    payload: { form: { idNumber, fields: [] }, safetyNotice },
  });
  expect(form.statusCode, form.body).toBe(200);
  await postOk(ctx.app, organiser, `/api/console/events/${event.id}/submit`);
  await postOk(ctx.app, reviewer, `/api/reviews/${event.id}/approve`);
  await postOk(ctx.app, organiser, `/api/console/events/${event.id}/publish`);
  return event.id;
}

function fieldCodes(problem: { errors?: { field: string; code: string }[] }) {
  return problem.errors?.map((error) => [error.field, error.code]);
}

describe('team members and the form', () => {
  it('requires ID numbers when the form does', async () => {
    const eventId = await teamEventWithForm('required');
    const response = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '证件队',
      members: [
        { name: '张三', phone: nextPhone(), idNumber: residentId('1990-01-01', 'male', 61) },
        { name: '李四', phone: nextPhone() },
      ],
    });
    const problem = expectProblem(response, 400, 'TEAM_INVALID_MEMBER');
    expect(fieldCodes(problem)).toEqual([['members.1.idNumber', 'required']]);
    expect(problem.errors?.[0]?.message).toContain('registration form');
  });

  it('requires ID numbers of new members too', async () => {
    const eventId = await teamEventWithForm('required');
    const captain = await captainSession();
    const team = await registered(eventId, captain, [
      { name: '张三', phone: nextPhone(), idNumber: residentId('1990-01-01', 'male', 62) },
      { name: '李四', phone: nextPhone(), idNumber: residentId('1990-01-01', 'female', 63) },
    ]);
    const response = await putMembers(ctx.app, captain, eventId, team.id, [
      { id: team.members[0]!.id },
      { name: '王五', phone: nextPhone() },
    ]);
    const problem = expectProblem(response, 400, 'TEAM_INVALID_MEMBER');
    expect(fieldCodes(problem)).toEqual([['members.1.idNumber', 'required']]);
    expect(await memberStatuses(ctx.db, team.id)).toEqual({ active: 2 });
  });

  // Without the consent checks in registerTeam, the first three requests store the team.
  it('requires the safety notice and ID consent', async () => {
    const eventId = await teamEventWithForm('optional', '团体赛测试安全须知');
    const captain = await captainSession();
    const idNumber = residentId('1991-02-03', 'male', 66);
    recordPersonalData(ctx, idNumber);
    const members = [
      { name: '张三', phone: nextPhone(), idNumber },
      { name: '李四', phone: nextPhone() },
    ];

    const noNotice = await postTeam(ctx.app, captain, eventId, { name: '须知队', members });
    expectProblem(noNotice, 400, 'REG_SAFETY_NOTICE_REQUIRED');
    const oldNotice = await postTeam(ctx.app, captain, eventId, {
      name: '须知队',
      members,
      safetyNoticeVersion: 2,
    });
    expectProblem(oldNotice, 409, 'REG_SAFETY_NOTICE_OUTDATED');
    const noIdConsent = await postTeam(ctx.app, captain, eventId, {
      name: '须知队',
      members,
      safetyNoticeVersion: 1,
      idConsent: false,
    });
    expectProblem(noIdConsent, 400, 'REG_ID_CONSENT_REQUIRED');
    expect(await statusCounts(ctx.db, eventId)).toEqual({});

    const accepted = await postTeam(ctx.app, captain, eventId, {
      name: '须知队',
      members,
      safetyNoticeVersion: 1,
      idConsent: true,
    });
    expect(accepted.statusCode, accepted.body).toBe(201);
    const rows = await ctx.db
      .selectFrom('registrations')
      .select(['name', 'safety_notice_version', 'safety_accepted_at', 'id_consent_at'])
      .where('team_id', '=', accepted.json<TeamBody>().id)
      .orderBy('name')
      .execute();
    expect(rows.map((row) => row.safety_notice_version)).toEqual([1, 1]);
    expect(rows.every((row) => row.safety_accepted_at !== null)).toBe(true);
    const consentOf = new Map(rows.map((row) => [row.name, row.id_consent_at !== null]));
    expect(consentOf.get('张三')).toBe(true);
    expect(consentOf.get('李四')).toBe(false);
  });

  it('needs no ID consent without ID numbers', async () => {
    const eventId = await teamEventWithForm('optional');
    const response = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '无证队',
      members: [
        { name: '张三', phone: nextPhone() },
        { name: '李四', phone: nextPhone() },
      ],
    });
    expect(response.statusCode, response.body).toBe(201);
  });

  it('drops ID numbers the form hides', async () => {
    const eventId = await teamEventWithForm('hidden');
    const team = await registered(eventId, await captainSession(), [
      { name: '张三', phone: nextPhone(), idNumber: residentId('1990-01-01', 'male', 64) },
      { name: '李四', phone: nextPhone(), idNumber: residentId('1990-01-01', 'female', 65) },
    ]);
    const rows = await ctx.db
      .selectFrom('registrations')
      .select(['id_hash', 'id_ciphertext', 'id_masked'])
      .where('team_id', '=', team.id)
      .execute();
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.id_hash === null)).toBe(true);
    expect(rows.every((row) => row.id_ciphertext === null && row.id_masked === null)).toBe(true);
  });

  it('tells the app when the form needs or hides ID numbers', async () => {
    for (const [rule, required, hidden] of [
      ['required', true, false],
      ['optional', false, false],
      ['hidden', false, true],
    ] as const) {
      const eventId = await teamEventWithForm(rule);
      const captain = await captainSession();
      const team = await registered(eventId, captain, [
        { name: '张三', phone: nextPhone(), idNumber: residentId('1991-02-03', 'male', 73) },
        { name: '李四', phone: nextPhone(), idNumber: residentId('1991-02-03', 'female', 74) },
      ]);
      const response = await ctx.app.inject({
        method: 'GET',
        url: `/api/citizen/events/${eventId}/teams/${team.id}`,
        headers: { cookie: captain },
      });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<{ idNumberRequired: boolean; idNumberHidden: boolean }>();
      expect(body.idNumberRequired, rule).toBe(required);
      expect(body.idNumberHidden, rule).toBe(hidden);
    }
  });
});

describe('team members and the same-phone rule', () => {
  it('rejects a phone without ID already held in the event', async () => {
    const eventId = await teamEventWithForm('optional');
    const shared = nextPhone();
    await registered(eventId, await captainSession(), [
      { name: '张三', phone: shared, idNumber: residentId('1990-01-01', 'male', 66) },
      { name: '李四', phone: nextPhone() },
    ]);
    const response = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '同号队',
      members: [
        { name: '王五', phone: nextPhone() },
        { name: '赵六', phone: shared },
      ],
    });
    const problem = expectProblem(response, 409, 'TEAM_MEMBER_ALREADY_REGISTERED');
    expect(fieldCodes(problem)).toEqual([['members.1.phone', 'already_registered']]);
  });

  it('rejects an ID member on a phone used without ID', async () => {
    const eventId = await teamEventWithForm('optional');
    const shared = nextPhone();
    await registered(eventId, await captainSession(), [
      { name: '张三', phone: shared },
      { name: '李四', phone: nextPhone() },
    ]);
    const response = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '持证队',
      members: [
        { name: '王五', phone: nextPhone() },
        { name: '赵六', phone: shared, idNumber: residentId('1990-01-01', 'female', 67) },
      ],
    });
    const problem = expectProblem(response, 409, 'TEAM_MEMBER_ALREADY_REGISTERED');
    expect(fieldCodes(problem)).toEqual([['members.1.phone', 'already_registered']]);
  });

  it('rejects two members sharing a phone without ID', async () => {
    const eventId = await teamEventWithForm('optional');
    const shared = nextPhone();
    const response = await postTeam(ctx.app, await captainSession(), eventId, {
      name: '共号队',
      members: [
        { name: '张三', phone: shared, idNumber: residentId('1990-01-01', 'male', 68) },
        { name: '李四', phone: shared },
      ],
    });
    const problem = expectProblem(response, 400, 'TEAM_DUPLICATE_MEMBER');
    expect(fieldCodes(problem)).toEqual([['members.1.phone', 'same_phone']]);
  });

  it('accepts two members with ID numbers sharing a phone', async () => {
    const eventId = await teamEventWithForm('optional');
    const shared = nextPhone();
    const team = await registered(eventId, await captainSession(), [
      { name: '张三', phone: shared, idNumber: residentId('1990-01-01', 'male', 69) },
      { name: '李四', phone: shared, idNumber: residentId('1990-01-01', 'female', 70) },
    ]);
    expect(team.members).toHaveLength(2);
  });

  it('applies the rule to a replacement member', async () => {
    const eventId = await teamEventWithForm('optional');
    const shared = nextPhone();
    await registered(eventId, await captainSession(), [
      { name: '张三', phone: shared },
      { name: '李四', phone: nextPhone() },
    ]);
    const captain = await captainSession();
    const own = nextPhone();
    const team = await registered(eventId, captain, [
      { name: '孙七', phone: own, idNumber: residentId('1990-01-01', 'female', 72) },
      { name: '周八', phone: nextPhone() },
    ]);
    const response = await putMembers(ctx.app, captain, eventId, team.id, [
      { id: team.members[0]!.id },
      { name: '王五', phone: shared, idNumber: residentId('1990-01-01', 'male', 71) },
    ]);
    const problem = expectProblem(response, 409, 'TEAM_MEMBER_ALREADY_REGISTERED');
    expect(fieldCodes(problem)).toEqual([['members.1.phone', 'already_registered']]);

    const inTeam = await putMembers(ctx.app, captain, eventId, team.id, [
      { id: team.members[0]!.id },
      { id: team.members[1]!.id },
      { name: '王五', phone: own },
    ]);
    const sameTeam = expectProblem(inTeam, 400, 'TEAM_DUPLICATE_MEMBER');
    expect(fieldCodes(sameTeam)).toEqual([['members.2.phone', 'same_phone']]);
    expect(await memberStatuses(ctx.db, team.id)).toEqual({ active: 2 });
  });
});

describe('team members under 14', () => {
  // The event starts on 10 March 2030 in Shanghai, so a member born on 10 March 2016 is 14 then.
  const startsAt = '2030-03-10T02:00:00.000Z';
  const endsAt = '2030-03-10T06:00:00.000Z';

  async function eventOnMarch10() {
    const { eventId } = await publishWithGroups(
      ctx.app,
      organiser,
      reviewer,
      [{ name: '少年团体组', capacity: 20, entryType: 'team', teamMin: 2, teamMax: 4 }],
      { startsAt, endsAt },
    );
    return eventId;
  }

  function member(name: string, birthDate: string, serial: number): TestMember {
    const idNumber = residentId(birthDate, 'female', serial);
    recordPersonalData(ctx, idNumber);
    return { name, phone: nextPhone(), idNumber };
  }

  function guardianRows(teamId: string) {
    return ctx.db
      .selectFrom('registrations')
      .select([
        'name',
        'guardian_name',
        'guardian_phone_masked',
        'guardian_phone_ciphertext',
        'guardian_consent_at',
      ])
      .where('team_id', '=', teamId)
      .where('status', '=', 'active')
      .orderBy('created_at')
      .execute();
  }

  it('requires a guardian for a member under 14', async () => {
    const eventId = await eventOnMarch10();
    const captain = await captainSession();
    const adult = member('成年甲', '1990-04-01', 70);
    const child = member('童小一', '2016-03-11', 71);

    const missing = await postTeam(ctx.app, captain, eventId, {
      name: '少年队',
      members: [adult, child],
    });
    const problem = expectProblem(missing, 400, 'REG_GUARDIAN_CONSENT_REQUIRED');
    expect(problem.errors?.map((error) => error.field)).toEqual([
      'members.1.guardian.name',
      'members.1.guardian.phone',
      'members.1.guardian.consent',
    ]);

    const guardianPhone = nextPhone();
    recordPersonalData(ctx, guardianPhone);
    const badPhone = await postTeam(ctx.app, captain, eventId, {
      name: '少年队',
      members: [adult, { ...child, guardian: { name: '童大', phone: '12345', consent: true } }],
    });
    const phoneProblem = expectProblem(badPhone, 400, 'REG_GUARDIAN_CONSENT_REQUIRED');
    expect(phoneProblem.errors?.map((error) => error.field)).toEqual(['members.1.guardian.phone']);
    const refused = await postTeam(ctx.app, captain, eventId, {
      name: '少年队',
      members: [
        adult,
        { ...child, guardian: { name: '童大', phone: guardianPhone, consent: false } },
      ],
    });
    const consentProblem = expectProblem(refused, 400, 'REG_GUARDIAN_CONSENT_REQUIRED');
    expect(consentProblem.errors?.map((error) => error.field)).toEqual([
      'members.1.guardian.consent',
    ]);
    expect(await statusCounts(ctx.db, eventId)).toEqual({});

    const spaced = `+86 ${guardianPhone.slice(0, 3)} ${guardianPhone.slice(3, 7)} ${guardianPhone.slice(7)}`;
    const team = await registered(
      eventId,
      captain,
      [adult, { ...child, guardian: { name: '童大', phone: spaced, consent: true } }],
      '少年队',
    );
    const [adultRow, childRow] = await guardianRows(team.id);
    expect(adultRow?.name).toBe('成年甲');
    expect(adultRow?.guardian_name).toBeNull();
    expect(adultRow?.guardian_consent_at).toBeNull();
    expect(childRow?.name).toBe('童小一');
    expect(childRow?.guardian_name).toBe('童大');
    expect(childRow?.guardian_phone_masked).toBe(
      `${guardianPhone.slice(0, 3)}****${guardianPhone.slice(7)}`,
    );
    expect(childRow?.guardian_phone_ciphertext).not.toContain(guardianPhone);
    expect(childRow?.guardian_consent_at).toBeInstanceOf(Date);
  });

  it.each([
    ['2016-03-09', false],
    ['2016-03-10', false],
    ['2016-03-11', true],
  ])('for a member born on %s requires a guardian: %s', async (birthDate, required) => {
    const eventId = await eventOnMarch10();
    const members = [member('成年乙', '1990-04-02', 72), member('童小二', birthDate, 73)];
    const response = await postTeam(ctx.app, await captainSession(), eventId, {
      name: `生日队${birthDate}`,
      members,
    });
    if (required) {
      const problem = expectProblem(response, 400, 'REG_GUARDIAN_CONSENT_REQUIRED');
      expect(problem.errors?.map((error) => error.field)).toContain('members.1.guardian.name');
      return;
    }
    expect(response.statusCode, response.body).toBe(201);
    const rows = await guardianRows(response.json<TeamBody>().id);
    expect(rows.map((row) => row.guardian_name)).toEqual([null, null]);
  });

  it('requires a guardian for an under-14 replacement', async () => {
    const eventId = await eventOnMarch10();
    const captain = await captainSession();
    const team = await registered(eventId, captain, [
      member('成年丙', '1990-04-03', 74),
      member('成年丁', '1990-04-04', 75),
    ]);
    const [keep] = team.members;
    const child = member('童小三', '2020-01-01', 76);

    const missing = await putMembers(ctx.app, captain, eventId, team.id, [{ id: keep!.id }, child]);
    const problem = expectProblem(missing, 400, 'REG_GUARDIAN_CONSENT_REQUIRED');
    expect(problem.errors?.map((error) => error.field)).toEqual([
      'members.1.guardian.name',
      'members.1.guardian.phone',
      'members.1.guardian.consent',
    ]);
    expect(await memberStatuses(ctx.db, team.id)).toEqual({ active: 2 });

    const guardianPhone = nextPhone();
    recordPersonalData(ctx, guardianPhone);
    const guardian = { name: '童二', phone: guardianPhone, consent: true };
    const replaced = await putMembers(ctx.app, captain, eventId, team.id, [
      { id: keep!.id },
      { ...child, guardian },
    ]);
    expect(replaced.statusCode, replaced.body).toBe(200);
    // The app reads the start to tell which new members need a guardian.
    expect(replaced.json<{ eventStartsAt: string }>().eventStartsAt).toBe(startsAt);
    expect(await memberStatuses(ctx.db, team.id)).toEqual({ active: 2, cancelled: 1 });
    const rows = await guardianRows(team.id);
    expect(rows.map((row) => row.name)).toEqual(['成年丙', '童小三']);
    expect(rows[1]?.guardian_name).toBe('童二');
    expect(rows[1]?.guardian_phone_masked).toBe(
      `${guardianPhone.slice(0, 3)}****${guardianPhone.slice(7)}`,
    );
  });
});
