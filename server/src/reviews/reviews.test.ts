import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  postOk,
  signIn,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};

const ACCOUNTS = [
  { username: 'rv.contractor', accountType: 'contractor', divisionCode: '3101' },
  { username: 'rv.other', accountType: 'contractor', divisionCode: '3101' },
  { username: 'rv.committee', accountType: 'committee', divisionCode: '3101' },
  { username: 'rv.association', accountType: 'community_association', divisionCode: '3101' },
  { username: 'rv.bureau', accountType: 'sports_bureau', divisionCode: '3101' },
  { username: 'rv.xuhui', accountType: 'district_bureau', divisionCode: '310104' },
  { username: 'rv.pudong', accountType: 'district_bureau', divisionCode: '310115' },
  { username: 'rv.xujiahui', accountType: 'street', divisionCode: '310104014' },
];

const REVIEWERS = ['rv.committee', 'rv.association', 'rv.xuhui', 'rv.pudong'];

beforeAll(async () => {
  ctx = await createTestContext();
  for (const account of ACCOUNTS) {
    await createAccount(ctx.db, account);
    cookies[account.username] = await signIn(ctx.app, account.username);
  }
});

afterAll(async () => {
  await ctx.close();
});

function cookieOf(username: string): string {
  const cookie = cookies[username];
  if (!cookie) throw new Error(`No session for ${username}`);
  return cookie;
}

function user(username: string) {
  return as(ctx.app, cookieOf(username));
}

const CITY_EVENT = { level: 'city', section: 'league_event', divisionCode: '310115' };
const COMMUNITY_GAMES = { level: 'street', section: 'community_games', divisionCode: '310104014' };
const STREET_BRAND_EVENT = { level: 'district', section: 'brand_event', divisionCode: '310104014' };

/** Files and submits an event, then returns the submitted event. */
async function submitNew(filer: string, overrides: Record<string, unknown>) {
  const event = await fileEvent(ctx.app, cookieOf(filer), overrides);
  return postOk(ctx.app, cookieOf(filer), `/api/console/events/${event.id}/submit`);
}

async function queueOf(username: string): Promise<string[]> {
  const response = await user(username)({ method: 'GET', url: '/api/reviews' });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items.map((item: { id: string }) => item.id);
}

/** Returns the reviewers whose queue contains the event. */
async function queuesContaining(eventId: string): Promise<string[]> {
  const reviewers: string[] = [];
  for (const reviewer of REVIEWERS) {
    if ((await queueOf(reviewer)).includes(eventId)) reviewers.push(reviewer);
  }
  return reviewers;
}

async function eventRow(id: string) {
  return ctx.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function auditActions(id: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('audit_log')
    .select('action')
    .where('entity_id', '=', id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.action);
}

describe('review routing', () => {
  it('routes a city event to the committee', async () => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    expect(event.state).toBe('submitted');
    expect(event.reviewerAccountType).toBe('committee');
    expect(event.submittedAt).toEqual(expect.any(String));
    expect(await queuesContaining(event.id)).toEqual(['rv.committee']);
  });

  it('routes community games to the association', async () => {
    const event = await submitNew('rv.xujiahui', COMMUNITY_GAMES);
    expect(event.reviewerAccountType).toBe('community_association');
    expect(await queuesContaining(event.id)).toEqual(['rv.association']);
  });

  it("routes a street's brand event to its bureau", async () => {
    const event = await submitNew('rv.xujiahui', STREET_BRAND_EVENT);
    expect(event.reviewerAccountType).toBe('district_bureau');
    const row = await eventRow(event.id);
    expect(row.reviewer_district_code).toBe('310104');
    expect(await queuesContaining(event.id)).toEqual(['rv.xuhui']);
  });

  it("routes a contractor's district event to that bureau", async () => {
    const event = await submitNew('rv.contractor', {
      level: 'district',
      section: 'series',
      divisionCode: '310115005',
    });
    expect(await queuesContaining(event.id)).toEqual(['rv.pudong']);
  });

  it("approves a bureau's own brand event on submit", async () => {
    const event = await fileEvent(ctx.app, cookieOf('rv.xuhui'), {
      level: 'district',
      section: 'brand_event',
      divisionCode: '310104',
    });
    const response = await user('rv.xuhui')({
      method: 'POST',
      url: `/api/console/events/${event.id}/submit`,
    });
    expect(response.statusCode, response.body).toBe(200);
    const approved = response.json();
    expect(approved.state).toBe('approved');
    expect(approved.reviewerAccountType).toBeNull();
    expect(approved.submittedAt).toEqual(expect.any(String));
    expect(approved.approvedAt).toEqual(expect.any(String));
    expect(await auditActions(event.id)).toEqual([
      'event.created',
      'event.submitted',
      'event.approved',
    ]);
    const onSubmit = await ctx.db
      .selectFrom('audit_log')
      .select('detail')
      .where('entity_id', '=', event.id)
      .where('action', '=', 'event.approved')
      .executeTakeFirstOrThrow();
    expect(onSubmit.detail).toEqual({ onSubmit: true });
    expect(await queuesContaining(event.id)).toEqual([]);
  });

  it('orders the submit and approval entries', async () => {
    // Both entries are written in one transaction, so they share the timestamp and the
    // timeline falls back to the time-ordered ids. Several rounds make a wrong order show.
    for (let round = 0; round < 8; round++) {
      const event = await fileEvent(ctx.app, cookieOf('rv.xuhui'), {
        level: 'district',
        section: 'brand_event',
        divisionCode: '310104',
      });
      await postOk(ctx.app, cookieOf('rv.xuhui'), `/api/console/events/${event.id}/submit`);
      const detail = await user('rv.xuhui')({
        method: 'GET',
        url: `/api/console/events/${event.id}`,
      });
      const actions = detail.json().timeline.map((entry: { action: string }) => entry.action);
      expect(actions, `round ${round}`).toEqual([
        'event.created',
        'event.submitted',
        'event.approved',
      ]);
    }
  });

  it('lists the queue oldest submission first', async () => {
    const first = await submitNew('rv.other', { divisionCode: '310101' });
    const second = await submitNew('rv.other', { divisionCode: '310101' });
    const queue = await queueOf('rv.committee');
    expect(queue.indexOf(first.id)).toBeLessThan(queue.indexOf(second.id));
  });

  it('requires a session', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/reviews' });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });
});

describe('wrong reviewer', () => {
  // A wrong reviewer who may see the event gets REV_NOT_REVIEWER; one who may not see it
  // gets EVT_NOT_FOUND, so the response does not reveal that the event exists.
  const NOT_REVIEWER = [403, 'REV_NOT_REVIEWER'] as const;
  const NOT_FOUND = [404, 'EVT_NOT_FOUND'] as const;
  const cases = [
    ['rv.pudong', "another district's bureau", STREET_BRAND_EVENT, 'rv.xujiahui', NOT_FOUND],
    ['rv.committee', 'the committee', STREET_BRAND_EVENT, 'rv.xujiahui', NOT_REVIEWER],
    ['rv.association', 'the association', CITY_EVENT, 'rv.contractor', NOT_FOUND],
    ['rv.bureau', 'the sports bureau', CITY_EVENT, 'rv.contractor', NOT_REVIEWER],
    ['rv.xuhui', 'a district bureau', CITY_EVENT, 'rv.contractor', NOT_FOUND],
    ['rv.contractor', 'the filer', CITY_EVENT, 'rv.contractor', NOT_REVIEWER],
    ['rv.committee', 'the committee', COMMUNITY_GAMES, 'rv.xujiahui', NOT_REVIEWER],
  ] as const;

  it.each(cases)('rejects approval by %s (%s)', async (reviewer, _label, filing, filer, error) => {
    const event = await submitNew(filer, filing);
    const before = await auditActions(event.id);

    const response = await user(reviewer)({
      method: 'POST',
      url: `/api/reviews/${event.id}/approve`,
    });
    const problem = expectProblem(response, error[0], error[1]);
    if (error === NOT_REVIEWER) {
      expect(problem.detail).toBe(`This account does not review event ${event.id}`);
    }

    const row = await eventRow(event.id);
    expect(row.state).toBe('submitted');
    expect(row.approved_at).toBeNull();
    expect(await auditActions(event.id)).toEqual(before);
  });

  it.each(cases)('rejects a return by %s (%s)', async (reviewer, _label, filing, filer, error) => {
    const event = await submitNew(filer, filing);
    const before = await auditActions(event.id);

    const response = await user(reviewer)({
      method: 'POST',
      url: `/api/reviews/${event.id}/return`,
      payload: { reason: '不是我审核的' },
    });
    expectProblem(response, error[0], error[1]);

    const row = await eventRow(event.id);
    expect(row.state).toBe('submitted');
    expect(row.return_reason).toBeNull();
    expect(await auditActions(event.id)).toEqual(before);
  });

  it('rejects a non-reviewer after approval', async () => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    await postOk(ctx.app, cookieOf('rv.committee'), `/api/reviews/${event.id}/approve`);
    const response = await user('rv.bureau')({
      method: 'POST',
      url: `/api/reviews/${event.id}/approve`,
    });
    expectProblem(response, 403, 'REV_NOT_REVIEWER');
  });
});

describe('POST /api/reviews/:eventId/approve', () => {
  it('approves a submitted event', async () => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    const response = await user('rv.committee')({
      method: 'POST',
      url: `/api/reviews/${event.id}/approve`,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().state).toBe('approved');
    expect(response.json().approvedAt).toEqual(expect.any(String));
    expect(await queueOf('rv.committee')).not.toContain(event.id);
  });

  it('rejects a second approval', async () => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    await postOk(ctx.app, cookieOf('rv.committee'), `/api/reviews/${event.id}/approve`);
    const before = await auditActions(event.id);

    const response = await user('rv.committee')({
      method: 'POST',
      url: `/api/reviews/${event.id}/approve`,
    });
    const problem = expectProblem(response, 409, 'EVT_NOT_IN_REVIEW');
    expect(problem.detail).toBe(`Event ${event.id} is in state approved, not waiting for review`);
    expect(await auditActions(event.id)).toEqual(before);
  });

  it('rejects a return after approval', async () => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    await postOk(ctx.app, cookieOf('rv.committee'), `/api/reviews/${event.id}/approve`);
    const response = await user('rv.committee')({
      method: 'POST',
      url: `/api/reviews/${event.id}/return`,
      payload: { reason: '晚了' },
    });
    expectProblem(response, 409, 'EVT_NOT_IN_REVIEW');
    expect((await eventRow(event.id)).state).toBe('approved');
  });

  it('rejects an unknown event', async () => {
    const response = await user('rv.committee')({
      method: 'POST',
      url: '/api/reviews/0190a5e0-0000-7000-8000-000000000000/approve',
    });
    expectProblem(response, 404, 'EVT_NOT_FOUND');
  });

  it('rejects a malformed id', async () => {
    const response = await user('rv.committee')({
      method: 'POST',
      url: '/api/reviews/not-a-uuid/approve',
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe('eventId');
  });
});

describe('POST /api/reviews/:eventId/return', () => {
  it.each(['', '   ', '\n\t'])('rejects the blank reason %j', async (reason) => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    const before = await auditActions(event.id);
    const response = await user('rv.committee')({
      method: 'POST',
      url: `/api/reviews/${event.id}/return`,
      payload: { reason },
    });
    expectProblem(response, 400, 'REV_REASON_REQUIRED');
    expect((await eventRow(event.id)).state).toBe('submitted');
    expect(await auditActions(event.id)).toEqual(before);
  });

  it('rejects a missing reason', async () => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    const response = await user('rv.committee')({
      method: 'POST',
      url: `/api/reviews/${event.id}/return`,
      payload: {},
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe('reason');
  });

  it('rejects a reason over 500 characters', async () => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    const response = await user('rv.committee')({
      method: 'POST',
      url: `/api/reviews/${event.id}/return`,
      payload: { reason: '长'.repeat(501) },
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]).toMatchObject({ field: 'reason', code: 'maxLength' });
  });

  it('trims the reason', async () => {
    const event = await submitNew('rv.xujiahui', COMMUNITY_GAMES);
    const returned = await postOk(
      ctx.app,
      cookieOf('rv.association'),
      `/api/reviews/${event.id}/return`,
      { reason: '  请补充场地照片  ' },
    );
    expect(returned.returnReason).toBe('请补充场地照片');
  });
});

describe('review cycle', () => {
  it('returns, edits, resubmits, approves and publishes', async () => {
    const filer = cookieOf('rv.contractor');
    const committee = cookieOf('rv.committee');
    const event = await submitNew('rv.contractor', { ...CITY_EVENT, name: '城市飞盘赛' });

    const returned = await postOk(ctx.app, committee, `/api/reviews/${event.id}/return`, {
      reason: '请补充安全预案',
    });
    expect(returned.state).toBe('returned');
    expect(returned.returnReason).toBe('请补充安全预案');
    expect(returned.approvedAt).toBeNull();
    expect(await queueOf('rv.committee')).not.toContain(event.id);

    const edited = await user('rv.contractor')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { venue: '世纪公园 7号门草坪（已补充安全预案）' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().state).toBe('returned');
    expect(edited.json().returnReason).toBe('请补充安全预案');

    const resubmitted = await postOk(ctx.app, filer, `/api/console/events/${event.id}/submit`);
    expect(resubmitted.state).toBe('submitted');
    expect(resubmitted.returnReason).toBeNull();
    expect(await queueOf('rv.committee')).toContain(event.id);

    const approved = await postOk(ctx.app, committee, `/api/reviews/${event.id}/approve`);
    expect(approved.state).toBe('approved');

    const published = await postOk(ctx.app, filer, `/api/console/events/${event.id}/publish`);
    expect(published.state).toBe('published');
    expect(published.publishedAt).toEqual(expect.any(String));

    const publicView = await ctx.app.inject({ method: 'GET', url: `/api/events/${event.id}` });
    expect(publicView.statusCode).toBe(200);
    expect(publicView.json().venue).toBe('世纪公园 7号门草坪（已补充安全预案）');

    const detail = await user('rv.contractor')({
      method: 'GET',
      url: `/api/console/events/${event.id}`,
    });
    expect(detail.statusCode).toBe(200);
    const timeline = detail.json().timeline;
    expect(
      timeline.map((entry: { action: string; actorName: string }) => [
        entry.action,
        entry.actorName,
      ]),
    ).toEqual([
      ['event.created', 'rv.contractor 用户'],
      ['event.submitted', 'rv.contractor 用户'],
      ['event.returned', 'rv.committee 用户'],
      ['event.updated', 'rv.contractor 用户'],
      ['event.submitted', 'rv.contractor 用户'],
      ['event.approved', 'rv.committee 用户'],
      ['event.published', 'rv.contractor 用户'],
    ]);
    expect(timeline[1].detail).toEqual({
      reviewerType: 'committee',
      districtCode: null,
      steps: [],
    });
    expect(timeline[2].detail).toEqual({ reason: '请补充安全预案' });
    expect(timeline[3].detail.changes.venue).toEqual([
      event.venue,
      '世纪公园 7号门草坪（已补充安全预案）',
    ]);
    const times = timeline.map((entry: { at: string }) => Date.parse(entry.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('shows the reviewer the timeline', async () => {
    const event = await submitNew('rv.xujiahui', STREET_BRAND_EVENT);
    await postOk(ctx.app, cookieOf('rv.xuhui'), `/api/reviews/${event.id}/approve`);
    const detail = await user('rv.xuhui')({
      method: 'GET',
      url: `/api/console/events/${event.id}`,
    });
    expect(detail.statusCode).toBe(200);
    expect(
      detail
        .json()
        .timeline.map((entry: { action: string; actorName: string }) => [
          entry.action,
          entry.actorName,
        ]),
    ).toEqual([
      ['event.created', 'rv.xujiahui 用户'],
      ['event.submitted', 'rv.xujiahui 用户'],
      ['event.approved', 'rv.xuhui 用户'],
    ]);
  });
});

describe('POST /api/console/events/:id/publish', () => {
  it('rejects another organisation', async () => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    await postOk(ctx.app, cookieOf('rv.committee'), `/api/reviews/${event.id}/approve`);
    const before = await auditActions(event.id);

    const response = await user('rv.committee')({
      method: 'POST',
      url: `/api/console/events/${event.id}/publish`,
    });
    const problem = expectProblem(response, 403, 'EVT_NOT_OWNED');
    expect(problem.detail).toBe(`Event ${event.id} belongs to another organisation`);
    expect((await eventRow(event.id)).state).toBe('approved');
    expect(await auditActions(event.id)).toEqual(before);
  });

  it('hides the event from an unrelated organiser', async () => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    await postOk(ctx.app, cookieOf('rv.committee'), `/api/reviews/${event.id}/approve`);
    const response = await user('rv.other')({
      method: 'POST',
      url: `/api/console/events/${event.id}/publish`,
    });
    expectProblem(response, 404, 'EVT_NOT_FOUND');
  });

  it('rejects a draft', async () => {
    const event = await fileEvent(ctx.app, cookieOf('rv.contractor'), CITY_EVENT);
    const response = await user('rv.contractor')({
      method: 'POST',
      url: `/api/console/events/${event.id}/publish`,
    });
    const problem = expectProblem(response, 409, 'EVT_INVALID_TRANSITION');
    expect(problem.detail).toBe('Event in state draft does not allow publish');
    expect((await eventRow(event.id)).state).toBe('draft');
    expect(await auditActions(event.id)).toEqual(['event.created']);
  });

  it('rejects a submitted event', async () => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    const response = await user('rv.contractor')({
      method: 'POST',
      url: `/api/console/events/${event.id}/publish`,
    });
    expectProblem(response, 409, 'EVT_INVALID_TRANSITION');
  });

  it('rejects a second publication', async () => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    await postOk(ctx.app, cookieOf('rv.committee'), `/api/reviews/${event.id}/approve`);
    const first = await postOk(
      ctx.app,
      cookieOf('rv.contractor'),
      `/api/console/events/${event.id}/publish`,
    );
    const response = await user('rv.contractor')({
      method: 'POST',
      url: `/api/console/events/${event.id}/publish`,
    });
    expectProblem(response, 409, 'EVT_INVALID_TRANSITION');
    const row = await eventRow(event.id);
    expect(new Date(row.published_at ?? 0).toISOString()).toBe(first.publishedAt);
  });
});

describe('POST /api/console/events/:id/submit', () => {
  it('rejects a second submission', async () => {
    const event = await submitNew('rv.contractor', CITY_EVENT);
    const response = await user('rv.contractor')({
      method: 'POST',
      url: `/api/console/events/${event.id}/submit`,
    });
    const problem = expectProblem(response, 409, 'EVT_INVALID_TRANSITION');
    expect(problem.detail).toBe('Event in state submitted does not allow submit');
  });
});
