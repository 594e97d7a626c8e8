import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPORTS } from '@cityleague/domain';

import {
  FILING_DETAILS,
  as,
  createAccount,
  createTestContext,
  eventInput,
  expectProblem,
  fileEvent,
  postOk,
  publishNewEvent,
  signIn,
  type TestContext,
  withContract,
} from '../test/harness.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
const organisations: Record<string, string> = {};

const ACCOUNTS = [
  { username: 'ev.contractor', accountType: 'contractor', divisionCode: '3101' },
  { username: 'ev.other', accountType: 'contractor', divisionCode: '3101' },
  { username: 'ev.pager', accountType: 'contractor', divisionCode: '3101' },
  { username: 'ev.committee', accountType: 'committee', divisionCode: '3101' },
  { username: 'ev.bureau', accountType: 'sports_bureau', divisionCode: '3101' },
  { username: 'ev.xuhui', accountType: 'district_bureau', divisionCode: '310104' },
  { username: 'ev.changning', accountType: 'district_bureau', divisionCode: '310105' },
  { username: 'ev.xujiahui', accountType: 'street', divisionCode: '310104014' },
];

beforeAll(async () => {
  ctx = await createTestContext();
  for (const account of ACCOUNTS) {
    const { organisationId } = await createAccount(ctx.db, {
      ...account,
      organisation: `${account.username} 单位`,
    });
    organisations[account.username] = organisationId;
    cookies[account.username] = await signIn(ctx.app, account.username);
  }
});

afterAll(async () => {
  await ctx.close();
});

function user(username: string) {
  const cookie = cookies[username];
  if (!cookie) throw new Error(`No session for ${username}`);
  return as(ctx.app, cookie);
}

function cookieOf(username: string): string {
  const cookie = cookies[username];
  if (!cookie) throw new Error(`No session for ${username}`);
  return cookie;
}

async function countEvents(): Promise<number> {
  const row = await ctx.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function countAudit(eventId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('entity_id', '=', eventId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Reads every page of a list and returns the items in order. */
async function listAll(username: string, url: string): Promise<{ id: string; state: string }[]> {
  const items: { id: string; state: string }[] = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const pageUrl: string = cursor
      ? `${url}${separator}limit=100&cursor=${encodeURIComponent(cursor)}`
      : `${url}${separator}limit=100`;
    const response = await user(username)({ method: 'GET', url: pageUrl });
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json();
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

async function post(username: string, payload: Record<string, unknown>) {
  const filing = await withContract(ctx.app, cookieOf(username), payload);
  return user(username)({ method: 'POST', url: '/api/console/events', payload: filing });
}

describe('POST /api/console/events', () => {
  it('creates a draft', async () => {
    const input = await withContract(
      ctx.app,
      cookieOf('ev.contractor'),
      eventInput({ name: '徐汇三人篮球赛', capacity: 12 }),
    );
    expect(input.contractId).toEqual(expect.any(String));
    const response = await post('ev.contractor', input);
    expect(response.statusCode, response.body).toBe(201);
    const event = response.json();
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-/),
      name: '徐汇三人篮球赛',
      sport: 'basketball_3x3',
      sportName: '三人篮球',
      actions: ['edit', 'submit', 'cancel', 'copy'],
      level: 'city',
      section: 'league_event',
      divisionCode: '310104',
      divisionName: '徐汇区',
      districtCode: '310104',
      districtName: '徐汇区',
      venue: input.venue,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      capacity: 12,
      registeredCount: 0,
      placesLeft: 12,
      registrationOpensAt: input.registrationOpensAt,
      registrationClosesAt: input.registrationClosesAt,
      registrationStatus: null,
      organiserName: 'ev.contractor 单位',
      publishedAt: null,
      state: 'draft',
      organisationId: organisations['ev.contractor'],
      contractId: input.contractId,
      returnReason: null,
      reviewerAccountType: 'committee',
      reviewerDistrictCode: null,
      submittedAt: null,
      approvedAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      ...FILING_DETAILS,
      coOrganisers: [...FILING_DETAILS.coOrganisers],
      description: null,
      form: 'full',
      missingFields: [],
      reviewSteps: [],
      pendingChange: null,
      cancelReason: null,
      copiedFrom: null,
      cancelledAt: null,
      daysWaiting: null,
    });

    const detail = await user('ev.contractor')({
      method: 'GET',
      url: `/api/console/events/${event.id}`,
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().timeline).toEqual([
      {
        at: expect.any(String),
        action: 'event.created',
        actorName: 'ev.contractor 用户',
        detail: { name: '徐汇三人篮球赛' },
      },
    ]);
  });

  it('derives the district of a street', async () => {
    const response = await post(
      'ev.xujiahui',
      eventInput({ level: 'street', section: 'community_games', divisionCode: '310104014' }),
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      divisionCode: '310104014',
      divisionName: '徐家汇街道',
      districtCode: '310104',
      districtName: '徐汇区',
    });
  });

  it('trims name and venue', async () => {
    const response = await post(
      'ev.contractor',
      eventInput({ name: '  飞盘公开赛  ', venue: '  世纪公园  ' }),
    );
    expect(response.statusCode).toBe(201);
    expect(response.json().name).toBe('飞盘公开赛');
    expect(response.json().venue).toBe('世纪公园');
  });

  it.each([
    ['name', '   '],
    ['venue', '\u3000\u3000'],
  ])('rejects a blank %s', async (field, value) => {
    const before = await countEvents();
    const response = await post('ev.contractor', eventInput({ [field]: value }));
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ field, code: 'pattern', message: expect.any(String) }]);
    expect(await countEvents()).toBe(before);
  });

  it('returns times in UTC', async () => {
    const response = await post(
      'ev.contractor',
      eventInput({
        startsAt: '2027-01-10T09:00:00+08:00',
        endsAt: '2027-01-10T12:00:00+08:00',
        registrationOpensAt: '2026-01-01T00:00:00+08:00',
        registrationClosesAt: '2027-01-09T00:00:00+08:00',
      }),
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      startsAt: '2027-01-10T01:00:00.000Z',
      endsAt: '2027-01-10T04:00:00.000Z',
      registrationOpensAt: '2025-12-31T16:00:00.000Z',
      registrationClosesAt: '2027-01-08T16:00:00.000Z',
    });
  });

  it('needs only a name, a level and a section to start a draft', async () => {
    const before = await countEvents();
    const response = await post('ev.contractor', {});
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    const fields = (problem.errors ?? []).map((error) => error.field).sort();
    expect(fields).toEqual(['level', 'name', 'section']);
    for (const error of problem.errors ?? []) expect(error.code, error.field).toBe('required');
    expect(await countEvents()).toBe(before);
  });

  it('saves a draft that lacks details and lists them', async () => {
    const input: Partial<ReturnType<typeof eventInput>> = eventInput();
    delete input.venue;
    delete input.safetyPlan;
    const response = await post(
      'ev.contractor',
      await withContract(ctx.app, cookieOf('ev.contractor'), input),
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().missingFields).toEqual(['venue', 'safetyPlan']);
  });

  it('lists every missing detail at once on submit, with schedule problems', async () => {
    const draft = await post(
      'ev.contractor',
      await withContract(ctx.app, cookieOf('ev.contractor'), {
        name: '只有名称的草稿',
        level: 'city',
        section: 'league_event',
        sport: 'basketball_3x3',
        startsAt: eventInput().startsAt,
        registrationClosesAt: new Date(Date.parse(eventInput().startsAt) + 3600_000).toISOString(),
      }),
    );
    expect(draft.statusCode, draft.body).toBe(400);
    expectProblem(draft, 400, 'EVT_INVALID_SCHEDULE');

    const saved = await post(
      'ev.contractor',
      await withContract(ctx.app, cookieOf('ev.contractor'), {
        name: '只有名称的草稿',
        level: 'city',
        section: 'league_event',
        sport: 'basketball_3x3',
        startsAt: eventInput().startsAt,
      }),
    );
    expect(saved.statusCode, saved.body).toBe(201);
    const id = saved.json().id;
    const submit = await user('ev.contractor')({
      method: 'POST',
      url: `/api/console/events/${id}/submit`,
    });
    const problem = expectProblem(submit, 422, 'EVT_INCOMPLETE');
    expect((problem.errors ?? []).map((error) => error.field)).toEqual([
      'divisionCode',
      'venue',
      'address',
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
    ]);
    for (const error of problem.errors ?? []) expect(error.code).toBe('required');
    const after = await user('ev.contractor')({ method: 'GET', url: `/api/console/events/${id}` });
    expect(after.json().state).toBe('draft');
  });

  it.each([
    ['capacity', 0],
    ['expectedParticipants', 0],
    ['venue', ''],
  ])('rejects %s %j in a change rather than clearing it', async (field, value) => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    const response = await user('ev.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { [field]: value },
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe(field);
    const after = await user('ev.contractor')({
      method: 'GET',
      url: `/api/console/events/${event.id}`,
    });
    expect(after.json()[field]).toBe(event[field]);
  });

  it('clears a draft detail with null', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    const cleared = await user('ev.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { venue: null, medicalCover: null },
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().venue).toBeNull();
    expect(cleared.json().missingFields).toEqual(['venue', 'medicalCover']);
  });

  it.each([
    ['capacity', 0, 'minimum'],
    ['capacity', 1.5, 'type'],
    ['capacity', 999_999_999_999, 'maximum'],
    ['feeCents', -500, 'minimum'],
    ['expectedParticipants', '１２３', 'type'],
    ['startsAt', 'tomorrow', 'format'],
    ['level', 'province', 'enum'],
    ['section', 'marathon', 'enum'],
    ['name', 'x', 'minLength'],
    ['name', '徐汇篮球赛🏀', 'noEmoji'],
    ['address', '😀', 'noEmoji'],
    ['venue', '徐家汇体育公园⚽', 'noEmoji'],
    ['host', '徐汇区体育局👍', 'noEmoji'],
    ['organiser', '承办单位✨', 'noEmoji'],
    ['contactName', '张三😀', 'noEmoji'],
  ])('rejects %s %j', async (field, value, code) => {
    const response = await post('ev.contractor', eventInput({ [field]: value }));
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]).toMatchObject({ field, code });
  });

  it('accepts emoji in the description and rules', async () => {
    const response = await post(
      'ev.contractor',
      eventInput({ description: '欢迎全家参加 🏀🎉', rules: '三人制 🏀，每队 4 人。' }),
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().description).toBe('欢迎全家参加 🏀🎉');
  });

  it('rejects emoji in a changed address', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    const response = await user('ev.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { address: '😀' },
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.map((e) => [e.field, e.code])).toContainEqual(['address', 'noEmoji']);
  });

  it('rejects an unknown property', async () => {
    const response = await post('ev.contractor', eventInput({ state: 'published' }));
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.code).toBe('additionalProperties');
  });

  it('rejects an unknown sport', async () => {
    const before = await countEvents();
    const response = await post('ev.contractor', eventInput({ sport: 'quidditch' }));
    const problem = expectProblem(response, 400, 'EVT_UNKNOWN_SPORT');
    expect(problem.detail).toBe('Sport quidditch is not in the catalogue');
    expect(await countEvents()).toBe(before);
  });

  it('rejects an end before the start', async () => {
    const before = await countEvents();
    const input = eventInput();
    const response = await post('ev.contractor', {
      ...input,
      endsAt: new Date(Date.parse(input.startsAt) - 3600_000).toISOString(),
    });
    const problem = expectProblem(response, 400, 'EVT_INVALID_SCHEDULE');
    expect(problem.errors).toEqual([
      { field: 'endsAt', code: 'after_start', message: 'must be after startsAt' },
    ]);
    expect(await countEvents()).toBe(before);
  });

  it('rejects a registration window after the start', async () => {
    const input = eventInput();
    const response = await post('ev.contractor', {
      ...input,
      registrationOpensAt: input.registrationClosesAt,
      registrationClosesAt: new Date(Date.parse(input.startsAt) + 1000).toISOString(),
    });
    const problem = expectProblem(response, 400, 'EVT_INVALID_SCHEDULE');
    expect(problem.errors).toEqual([
      {
        field: 'registrationClosesAt',
        code: 'before_start',
        message: 'must not be after startsAt',
      },
    ]);
  });

  it('rejects a window closing before it opens', async () => {
    const input = eventInput();
    const response = await post('ev.contractor', {
      ...input,
      registrationOpensAt: input.registrationClosesAt,
      registrationClosesAt: input.registrationOpensAt,
    });
    const problem = expectProblem(response, 400, 'EVT_INVALID_SCHEDULE');
    expect(problem.errors?.map((error) => error.code)).toEqual(['after_open']);
  });

  it.each(['ev.bureau', 'ev.committee'])('rejects filing by %s', async (username) => {
    const before = await countEvents();
    const response = await post(username, eventInput());
    expectProblem(response, 403, 'EVT_FILING_NOT_ALLOWED');
    expect(await countEvents()).toBe(before);
  });

  it('rejects a section outside the filing scope', async () => {
    const response = await post(
      'ev.contractor',
      eventInput({ level: 'street', section: 'community_games', divisionCode: '310104014' }),
    );
    const problem = expectProblem(response, 403, 'EVT_FILING_NOT_ALLOWED');
    expect(problem.detail).toBe(
      'Account type contractor may not file street events in section community_games',
    );
  });

  it('rejects a street filing in another street', async () => {
    const before = await countEvents();
    const response = await post(
      'ev.xujiahui',
      eventInput({ level: 'street', section: 'community_games', divisionCode: '310104003' }),
    );
    const problem = expectProblem(response, 403, 'EVT_OUT_OF_SCOPE');
    expect(problem.detail).toBe('Division 310104003 is outside the area this account may file for');
    expect(await countEvents()).toBe(before);
  });

  it('rejects a bureau filing in another district', async () => {
    const response = await post(
      'ev.xuhui',
      eventInput({ level: 'district', section: 'brand_event', divisionCode: '310105' }),
    );
    expectProblem(response, 403, 'EVT_OUT_OF_SCOPE');
  });

  it('rejects an unknown division', async () => {
    const before = await countEvents();
    const response = await post('ev.contractor', eventInput({ divisionCode: '310199' }));
    const problem = expectProblem(response, 400, 'DIV_UNKNOWN');
    expect(problem.detail).toBe('Division 310199 does not exist');
    expect(await countEvents()).toBe(before);
  });

  it('rejects a street event in a district', async () => {
    const response = await post(
      'ev.xujiahui',
      eventInput({ level: 'street', section: 'community_games', divisionCode: '310104' }),
    );
    const problem = expectProblem(response, 400, 'DIV_INVALID_LEVEL');
    expect(problem.detail).toBe('Division 310104 is a district, expected street or community');
  });

  it('requires a session', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/console/events',
      payload: eventInput(),
    });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });

  it('checks the session before the body', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/console/events',
      payload: {},
    });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });

  it('rejects a start in the past', async () => {
    const before = await countEvents();
    const hour = 3600_000;
    const now = Date.now();
    const response = await post(
      'ev.contractor',
      eventInput({
        startsAt: new Date(now - 48 * hour).toISOString(),
        endsAt: new Date(now - 44 * hour).toISOString(),
        registrationOpensAt: new Date(now - 96 * hour).toISOString(),
        registrationClosesAt: new Date(now - 72 * hour).toISOString(),
      }),
    );
    const problem = expectProblem(response, 400, 'EVT_INVALID_SCHEDULE');
    expect(problem.errors).toEqual([
      { field: 'startsAt', code: 'in_future', message: 'must be later than now' },
    ]);
    expect(await countEvents()).toBe(before);
  });

  // The dashboards file an event under its Shanghai month with a four-digit year, so a start
  // in the year 10000 there failed a database check with 500.
  it('rejects times from 2100 on', async () => {
    const before = await countEvents();
    // A street files community games without a contract, whose year would fail first.
    const response = await user('ev.xujiahui')({
      method: 'POST',
      url: '/api/console/events',
      payload: eventInput({
        level: 'street',
        section: 'community_games',
        divisionCode: '310104014',
        startsAt: '9999-12-31T23:59:59Z',
        endsAt: '2100-01-01T00:00:00+08:00',
        registrationOpensAt: '2099-12-31T23:59:59+08:00',
        registrationClosesAt: '2099-12-31T23:59:59.500+08:00',
      }),
    });
    const problem = expectProblem(response, 400, 'EVT_INVALID_SCHEDULE');
    expect(problem.errors).toEqual([
      { field: 'startsAt', code: 'before_2100', message: 'must be before 2100-01-01 (Shanghai)' },
      { field: 'endsAt', code: 'before_2100', message: 'must be before 2100-01-01 (Shanghai)' },
      {
        field: 'endsAt',
        code: 'after_start',
        message: 'must be after startsAt',
      },
    ]);
    expect(await countEvents()).toBe(before);
  });

  it('rejects submitting a start now past', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    await ctx.db
      .updateTable('events')
      .set({
        starts_at: new Date(Date.now() - 3600_000),
        ends_at: new Date(Date.now() + 3600_000),
        registration_opens_at: new Date(Date.now() - 3 * 3600_000),
        registration_closes_at: new Date(Date.now() - 2 * 3600_000),
      })
      .where('id', '=', event.id)
      .execute();

    const response = await user('ev.contractor')({
      method: 'POST',
      url: `/api/console/events/${event.id}/submit`,
    });
    expectProblem(response, 400, 'EVT_INVALID_SCHEDULE');
    const row = await ctx.db
      .selectFrom('events')
      .select('state')
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('draft');
  });

  it('names the future reviewer of a draft', async () => {
    const response = await post(
      'ev.contractor',
      eventInput({ level: 'district', section: 'league_event', divisionCode: '310115' }),
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().reviewerAccountType).toBe('district_bureau');
    expect(response.json().reviewerDistrictCode).toBe('310115');
  });
});

describe('PATCH /api/console/events/:id', () => {
  it('changes a draft', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'), { capacity: 10 });
    const response = await user('ev.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { name: '更名后的篮球赛', capacity: 20 },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      id: event.id,
      name: '更名后的篮球赛',
      capacity: 20,
      placesLeft: 20,
      venue: event.venue,
      state: 'draft',
    });

    const detail = await user('ev.contractor')({
      method: 'GET',
      url: `/api/console/events/${event.id}`,
    });
    const timeline = detail.json().timeline;
    expect(timeline).toHaveLength(2);
    expect(timeline[1]).toEqual({
      at: expect.any(String),
      action: 'event.updated',
      actorName: 'ev.contractor 用户',
      detail: { changes: { name: [event.name, '更名后的篮球赛'], capacity: [10, 20] } },
    });
  });

  it('trims a changed name', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    const response = await user('ev.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { name: '  新名字  ', venue: ` ${event.venue} ` },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().name).toBe('新名字');
    expect(response.json().venue).toBe(event.venue);

    const detail = await user('ev.contractor')({
      method: 'GET',
      url: `/api/console/events/${event.id}`,
    });
    expect(detail.json().timeline.at(-1).detail).toEqual({
      changes: { name: [event.name, '新名字'] },
    });
  });

  it('ignores a time in another offset', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    const startsAt = new Date(event.startsAt);
    const shanghai = new Date(startsAt.getTime() + 8 * 3600_000).toISOString().slice(0, 23);
    const response = await user('ev.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { startsAt: `${shanghai}+08:00` },
    });
    expect(response.statusCode, response.body).toBe(200);

    const detail = await user('ev.contractor')({
      method: 'GET',
      url: `/api/console/events/${event.id}`,
    });
    const actions = detail.json().timeline.map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(['event.created']);
  });

  it('rejects a blank name', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    const response = await user('ev.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { name: '    ' },
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]).toMatchObject({ field: 'name', code: 'pattern' });
  });

  it('checks the filing scope of a change', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    const response = await user('ev.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { level: 'street', section: 'community_games' },
    });
    expectProblem(response, 403, 'EVT_FILING_NOT_ALLOWED');
    expect(await countAudit(event.id)).toBe(1);
  });

  it('moves the district with the division', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    const response = await user('ev.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { divisionCode: '310105001' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      divisionCode: '310105001',
      divisionName: '华阳路街道',
      districtCode: '310105',
      districtName: '长宁区',
    });
  });

  it('records nothing for an unchanged value', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    const response = await user('ev.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { name: event.name, capacity: event.capacity },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().updatedAt).toBe(event.updatedAt);
    expect(await countAudit(event.id)).toBe(1);
  });

  it('checks the merged schedule', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    const response = await user('ev.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { endsAt: new Date(Date.parse(event.startsAt) - 1000).toISOString() },
    });
    const problem = expectProblem(response, 400, 'EVT_INVALID_SCHEDULE');
    expect(problem.errors?.[0]?.field).toBe('endsAt');
    const row = await ctx.db
      .selectFrom('events')
      .select('ends_at')
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    expect(new Date(row.ends_at).toISOString()).toBe(event.endsAt);
    expect(await countAudit(event.id)).toBe(1);
  });

  it('rejects a submitted event', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    await postOk(ctx.app, cookieOf('ev.contractor'), `/api/console/events/${event.id}/submit`);
    const response = await user('ev.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { name: '提交后修改' },
    });
    const problem = expectProblem(response, 409, 'EVT_NOT_EDITABLE');
    expect(problem.detail).toBe('Event in state submitted can no longer be changed');
    const row = await ctx.db
      .selectFrom('events')
      .select('name')
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe(event.name);
  });

  it("hides another organisation's draft", async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    const response = await user('ev.other')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { name: '别人的草稿' },
    });
    expectProblem(response, 404, 'EVT_NOT_FOUND');
    expect(await countAudit(event.id)).toBe(1);
  });

  it("rejects a reviewer changing another's event", async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    await postOk(ctx.app, cookieOf('ev.contractor'), `/api/console/events/${event.id}/submit`);
    const response = await user('ev.committee')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { name: '审核人修改' },
    });
    expectProblem(response, 403, 'EVT_NOT_OWNED');
  });

  it('rejects an unknown event', async () => {
    const response = await user('ev.contractor')({
      method: 'PATCH',
      url: '/api/console/events/0190a5e0-0000-7000-8000-000000000000',
      payload: { name: '不存在' },
    });
    expectProblem(response, 404, 'EVT_NOT_FOUND');
  });
});

describe('console visibility', () => {
  let xuhuiDraft: { id: string };
  let xuhuiSubmitted: { id: string };
  let changningSubmitted: { id: string };
  let streetDraft: { id: string };

  beforeAll(async () => {
    const contractor = cookieOf('ev.other');
    xuhuiDraft = await fileEvent(ctx.app, contractor, { name: '徐汇草稿', divisionCode: '310104' });
    xuhuiSubmitted = await fileEvent(ctx.app, contractor, {
      name: '徐汇已提交',
      level: 'district',
      divisionCode: '310104',
    });
    await postOk(ctx.app, contractor, `/api/console/events/${xuhuiSubmitted.id}/submit`);
    changningSubmitted = await fileEvent(ctx.app, contractor, {
      name: '长宁已提交',
      level: 'district',
      divisionCode: '310105',
    });
    await postOk(ctx.app, contractor, `/api/console/events/${changningSubmitted.id}/submit`);
    streetDraft = await fileEvent(ctx.app, cookieOf('ev.xujiahui'), {
      name: '街道草稿',
      level: 'community',
      section: 'community_games',
      divisionCode: '310104014001',
    });
  });

  it('shows a bureau its district only', async () => {
    const ids = (await listAll('ev.xuhui', '/api/console/events')).map((e) => e.id);
    expect(ids).toContain(xuhuiSubmitted.id);
    expect(ids).not.toContain(xuhuiDraft.id);
    expect(ids).not.toContain(changningSubmitted.id);
    expect(ids).not.toContain(streetDraft.id);

    const changning = (await listAll('ev.changning', '/api/console/events')).map((e) => e.id);
    expect(changning).toContain(changningSubmitted.id);
    expect(changning).not.toContain(xuhuiSubmitted.id);
  });

  it('shows a bureau the detail of its district', async () => {
    const response = await user('ev.xuhui')({
      method: 'GET',
      url: `/api/console/events/${xuhuiSubmitted.id}`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().state).toBe('submitted');
  });

  it.each([
    ['ev.xuhui', 'xuhuiDraft'],
    ['ev.xuhui', 'changningSubmitted'],
    ['ev.xuhui', 'streetDraft'],
    ['ev.bureau', 'xuhuiDraft'],
    ['ev.committee', 'streetDraft'],
    ['ev.contractor', 'xuhuiSubmitted'],
    ['ev.xujiahui', 'xuhuiSubmitted'],
  ])('hides from %s the event %s', async (username, name) => {
    const events: Record<string, { id: string }> = {
      xuhuiDraft,
      xuhuiSubmitted,
      changningSubmitted,
      streetDraft,
    };
    const id = events[name]?.id;
    const response = await user(username)({ method: 'GET', url: `/api/console/events/${id}` });
    expectProblem(response, 404, 'EVT_NOT_FOUND');
  });

  it('shows city reviewers every filed event', async () => {
    for (const username of ['ev.bureau', 'ev.committee']) {
      const ids = (await listAll(username, '/api/console/events')).map((e) => e.id);
      expect(ids, username).toContain(xuhuiSubmitted.id);
      expect(ids, username).toContain(changningSubmitted.id);
      expect(ids, username).not.toContain(xuhuiDraft.id);
      expect(ids, username).not.toContain(streetDraft.id);
    }
  });

  it('shows an organiser its own events only', async () => {
    const items = await listAll('ev.xujiahui', '/api/console/events');
    const ids = items.map((e) => e.id);
    expect(ids).toContain(streetDraft.id);
    expect(ids).not.toContain(xuhuiSubmitted.id);
    const rows = await ctx.db
      .selectFrom('events')
      .select('id')
      .where('organisation_id', '=', organisations['ev.xujiahui'] ?? '')
      .execute();
    expect(new Set(ids)).toEqual(new Set(rows.map((row) => row.id)));
  });

  it('filters by state', async () => {
    const items = await listAll('ev.other', '/api/console/events?state=submitted');
    expect(items.map((e) => e.id).sort()).toEqual(
      [xuhuiSubmitted.id, changningSubmitted.id].sort(),
    );
    for (const item of items) expect(item.state).toBe('submitted');
  });
});

describe('GET /api/console/events', () => {
  let created: string[] = [];

  beforeAll(async () => {
    created = [];
    for (let i = 0; i < 25; i++) {
      const event = await fileEvent(ctx.app, cookieOf('ev.pager'), { name: `分页测试赛事${i}` });
      created.push(event.id);
    }
  });

  it('pages without duplicates or gaps', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = cursor
        ? `/api/console/events?limit=10&cursor=${encodeURIComponent(cursor)}`
        : '/api/console/events?limit=10';
      const response = await user('ev.pager')({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      const page = response.json();
      sizes.push(page.items.length);
      seen.push(...page.items.map((item: { id: string }) => item.id));
      cursor = page.nextCursor;
    } while (cursor);

    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect([...seen].sort()).toEqual([...created].sort());
    expect(seen).toEqual([...seen].sort().reverse());
  });

  it('returns a null cursor on the last page', async () => {
    const response = await user('ev.pager')({ method: 'GET', url: '/api/console/events?limit=25' });
    expect(response.json().items).toHaveLength(25);
    expect(response.json().nextCursor).toBeNull();
  });

  it('pages with the default limit', async () => {
    const response = await user('ev.pager')({ method: 'GET', url: '/api/console/events' });
    expect(response.json().items).toHaveLength(20);
    expect(response.json().nextCursor).toEqual(expect.any(String));
  });

  it('rejects a malformed cursor', async () => {
    const response = await user('ev.pager')({
      method: 'GET',
      url: '/api/console/events?cursor=not-a-cursor',
    });
    expectProblem(response, 400, 'INVALID_CURSOR');
  });

  it('rejects a limit above 100', async () => {
    const response = await user('ev.pager')({
      method: 'GET',
      url: '/api/console/events?limit=101',
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe('limit');
  });
});

describe('GET /api/events', () => {
  const published: { id: string; publishedAt: string; districtCode: string; section: string }[] =
    [];
  let unpublished: string[] = [];

  beforeAll(async () => {
    const contractor = cookieOf('ev.contractor');
    const committee = cookieOf('ev.committee');
    const specs = [
      { divisionCode: '310106', section: 'league_event' },
      { divisionCode: '310106', section: 'series' },
      { divisionCode: '310107', section: 'league_event' },
      { divisionCode: '310106012', section: 'league_event' },
      { divisionCode: '310107', section: 'series' },
    ];
    for (const [i, spec] of specs.entries()) {
      const event = await publishNewEvent(ctx.app, contractor, committee, {
        name: `公开赛事${i}`,
        ...spec,
      });
      published.push(event);
    }

    const draft = await fileEvent(ctx.app, contractor, { divisionCode: '310106' });
    const submitted = await fileEvent(ctx.app, contractor, { divisionCode: '310106' });
    await postOk(ctx.app, contractor, `/api/console/events/${submitted.id}/submit`);
    const approved = await fileEvent(ctx.app, contractor, { divisionCode: '310106' });
    await postOk(ctx.app, contractor, `/api/console/events/${approved.id}/submit`);
    await postOk(ctx.app, committee, `/api/reviews/${approved.id}/approve`);
    unpublished = [draft.id, submitted.id, approved.id];
  });

  /** Sorts events as the public list must: newest published first, ties by id. */
  function newestFirst<T extends { id: string; publishedAt: string }>(events: T[]): string[] {
    return [...events]
      .sort((a, b) =>
        a.publishedAt === b.publishedAt
          ? b.id.localeCompare(a.id)
          : b.publishedAt.localeCompare(a.publishedAt),
      )
      .map((event) => event.id);
  }

  async function publicList(query: string) {
    const response = await ctx.app.inject({ method: 'GET', url: `/api/events?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  it('lists only published events, newest first', async () => {
    const page = await publicList('limit=100');
    const ids = page.items.map((item: { id: string }) => item.id);
    expect(ids).toEqual(newestFirst(published));
    for (const id of unpublished) expect(ids).not.toContain(id);
    expect(page.nextCursor).toBeNull();
    for (let i = 1; i < published.length; i++) {
      expect((published[i]?.publishedAt ?? '') >= (published[i - 1]?.publishedAt ?? '')).toBe(true);
    }
  });

  it('returns the public shape', async () => {
    const page = await publicList('limit=1');
    const item = page.items[0];
    expect(Object.keys(item).sort()).toEqual(
      [
        'id',
        'name',
        'sport',
        'sportName',
        'level',
        'section',
        'divisionCode',
        'divisionName',
        'districtCode',
        'districtName',
        'venue',
        'startsAt',
        'endsAt',
        'capacity',
        'registeredCount',
        'placesLeft',
        'registrationOpensAt',
        'registrationClosesAt',
        'registrationStatus',
        'organiserName',
        'publishedAt',
        'address',
        'host',
        'organiser',
        'coOrganisers',
        'feeCents',
        'rules',
        'description',
      ].sort(),
    );
    expect(item.registrationStatus).toBe('open');
    expect(item.organiserName).toBe('ev.contractor 单位');
  });

  it('filters by district', async () => {
    const page = await publicList('district=310106&limit=100');
    const expected = published.filter((event) => event.districtCode === '310106');
    expect(expected).toHaveLength(3);
    expect(page.items.map((item: { id: string }) => item.id)).toEqual(newestFirst(expected));
    for (const item of page.items) expect(item.districtName).toBe('静安区');
  });

  it('filters by section', async () => {
    const page = await publicList('section=series&limit=100');
    const expected = published.filter((event) => event.section === 'series');
    expect(expected).toHaveLength(2);
    expect(page.items.map((item: { id: string }) => item.id)).toEqual(newestFirst(expected));
  });

  it('filters by district and section', async () => {
    const page = await publicList('district=310107&section=series');
    const expected = published.filter(
      (event) => event.districtCode === '310107' && event.section === 'series',
    );
    expect(expected).toHaveLength(1);
    expect(page.items.map((item: { id: string }) => item.id)).toEqual(newestFirst(expected));
  });

  it('returns an empty page for a quiet district', async () => {
    const page = await publicList('district=310151');
    expect(page).toEqual({ items: [], nextCursor: null });
  });

  it('pages without duplicates or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `limit=2&cursor=${encodeURIComponent(cursor)}` : 'limit=2';
      const page = await publicList(query);
      seen.push(...page.items.map((item: { id: string }) => item.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst(published));
  });

  it('rejects an unknown district', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/events?district=310199' });
    const problem = expectProblem(response, 400, 'DIV_UNKNOWN');
    expect(problem.detail).toBe('Division 310199 does not exist');
  });

  it('rejects the city as district', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/events?district=310000' });
    expectProblem(response, 400, 'DIV_UNKNOWN');
  });

  it('rejects a street code as district', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/events?district=310104014',
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe('district');
  });

  it.each(['garbage', Buffer.from('{"id":"x"}').toString('base64url')])(
    'rejects the malformed cursor %s',
    async (cursor) => {
      const response = await ctx.app.inject({ method: 'GET', url: `/api/events?cursor=${cursor}` });
      const problem = expectProblem(response, 400, 'INVALID_CURSOR');
      expect(problem.detail).toContain('cursor is malformed');
    },
  );

  it('rejects an unknown section', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/events?section=chess' });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe('section');
  });
});

describe('GET /api/events/:id', () => {
  it('returns a published event', async () => {
    const event = await publishNewEvent(
      ctx.app,
      cookieOf('ev.contractor'),
      cookieOf('ev.committee'),
      { divisionCode: '310109' },
    );
    const response = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}` });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      id: event.id,
      name: event.name,
      districtCode: '310109',
      districtName: '虹口区',
      publishedAt: event.publishedAt,
    });
    expect(body.state).toBeUndefined();
    expect(body.organisationId).toBeUndefined();
  });

  it('hides a draft', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    const response = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}` });
    const problem = expectProblem(response, 404, 'EVT_NOT_FOUND');
    expect(problem.detail).toBe(`Event ${event.id} not found`);
  });

  it('hides an approved event', async () => {
    const event = await fileEvent(ctx.app, cookieOf('ev.contractor'));
    await postOk(ctx.app, cookieOf('ev.contractor'), `/api/console/events/${event.id}/submit`);
    await postOk(ctx.app, cookieOf('ev.committee'), `/api/reviews/${event.id}/approve`);
    const response = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}` });
    expectProblem(response, 404, 'EVT_NOT_FOUND');
  });

  it('rejects a malformed id', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/events/42' });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe('id');
  });
});

describe('GET /api/sports', () => {
  it('lists the catalogue', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/sports' });
    expect(response.statusCode).toBe(200);
    const sports = response.json();
    expect(sports).toHaveLength(SPORTS.length);
    expect(sports.length).toBeGreaterThan(60);
    expect(sports).toContainEqual({
      code: 'basketball_3x3',
      name: '三人篮球',
      category: 'ball_games',
      categoryName: '球类',
      initials: 'srlq',
    });
    expect(sports).toContainEqual(
      expect.objectContaining({ code: 'skateboarding', categoryName: 'X项目' }),
    );
  });
});
