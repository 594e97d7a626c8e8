import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  publishNewEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { eventPosterRequest } from './event-poster.js';
import { eventPosterRenderCount, pruneEventPosterFiles } from './event-poster-store.js';

let ctx: TestContext;
let contractor: string;
let committee: string;
let publishedId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'ep.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'ep.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  contractor = await signIn(ctx.app, 'ep.contractor');
  committee = await signIn(ctx.app, 'ep.committee');
  const event = await publishNewEvent(ctx.app, contractor, committee, { name: '滨江三人篮球赛' });
  publishedId = event.id;
}, 120_000);

afterAll(async () => {
  await ctx.close();
});

function getPoster(
  id: string,
  query = '',
  headers: Record<string, string> = {},
  app: FastifyInstance = ctx.app,
) {
  return app.inject({ method: 'GET', url: `/api/events/${id}/poster.png${query}`, headers });
}

/** Returns the stored posters of an event as width and fingerprint. */
async function storedPosters(eventId: string) {
  return ctx.db
    .selectFrom('event_poster_files')
    .select(['width', 'fingerprint'])
    .where('event_id', '=', eventId)
    .orderBy('width')
    .execute();
}

describe('event poster request', () => {
  const event = {
    name: '社区趣味运动会',
    section: 'community_games',
    host: '徐汇区体育局',
    organiser: '徐家汇街道',
    venue: '徐家汇体育公园',
    startsAt: '2027-05-01T02:00:00Z',
  };

  it('picks the template by section', () => {
    expect(eventPosterRequest(event, 720).templateId).toBe('community');
    expect(eventPosterRequest({ ...event, section: 'brand_event' }, 720).templateId).toBe(
      'festive',
    );
    expect(eventPosterRequest({ ...event, section: 'league_event' }, 720).templateId).toBe(
      'sports',
    );
  });

  it('draws the organisers, Shanghai date and venue', () => {
    const request = eventPosterRequest(event, 360);
    expect(request.organisers).toEqual(['主办单位：徐汇区体育局', '承办单位：徐家汇街道']);
    expect(request.dateLine).toBe('2027年5月1日');
    expect(request.venueLine).toBe('徐家汇体育公园');
    expect(request.width).toBe(360);
  });

  it('cuts an overlong venue with an ellipsis', () => {
    const request = eventPosterRequest({ ...event, venue: '馆'.repeat(80) }, 360);
    expect(Array.from(request.venueLine ?? '')).toHaveLength(50);
    expect(request.venueLine?.endsWith('…')).toBe(true);
  });
});

describe('GET /api/events/:id/poster.png', () => {
  it('renders a phone-sized PNG with cache headers', async () => {
    const response = await getPoster(publishedId, '?width=360');
    expect(response.statusCode, response.body.slice(0, 200)).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.headers['cache-control']).toBe('public, max-age=600');
    expect(response.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    const png = response.rawPayload;
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(360);
    expect(png.readUInt32BE(20)).toBe(640);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await getPoster(publishedId);
    expect(first.statusCode).toBe(200);
    expect(first.rawPayload.readUInt32BE(16)).toBe(720);
    const again = await getPoster(publishedId, '', { 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('gives each width its own entity tag', async () => {
    const small = await getPoster(publishedId, '?width=360');
    const large = await getPoster(publishedId, '?width=720');
    expect(small.headers.etag).not.toBe(large.headers.etag);
  });

  it('shares a rendered poster between instances', async () => {
    const event = await publishNewEvent(ctx.app, contractor, committee, { name: '江畔飞盘赛' });
    // A second app on the same database acts as a second instance.
    const other = await ctx.buildApp();
    const rendered = eventPosterRenderCount();

    const first = await getPoster(event.id, '?width=1080');
    expect(first.statusCode).toBe(200);
    expect(eventPosterRenderCount()).toBe(rendered + 1);
    const fingerprint = String(first.headers.etag).slice(1, -1);
    expect(await storedPosters(event.id)).toEqual([{ width: 1080, fingerprint }]);

    const elsewhere = await getPoster(event.id, '?width=1080', {}, other);
    expect(elsewhere.statusCode).toBe(200);
    expect(eventPosterRenderCount()).toBe(rendered + 1);
    expect(elsewhere.headers.etag).toBe(first.headers.etag);
    expect(elsewhere.headers['content-type']).toBe('image/png');
    expect(elsewhere.rawPayload.equals(first.rawPayload)).toBe(true);

    const revalidated = await getPoster(
      event.id,
      '?width=1080',
      { 'if-none-match': String(first.headers.etag) },
      other,
    );
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.rawPayload.length).toBe(0);
    expect(eventPosterRenderCount()).toBe(rendered + 1);
  });

  it('renders again after the event changes', async () => {
    const event = await publishNewEvent(ctx.app, contractor, committee, { name: '湖畔飞盘赛' });
    const before = await getPoster(event.id, '?width=360');
    expect(before.statusCode).toBe(200);
    const rendered = eventPosterRenderCount();

    await ctx.db
      .updateTable('events')
      .set({ name: '湖畔飞盘邀请赛' })
      .where('id', '=', event.id)
      .execute();
    const after = await getPoster(event.id, '?width=360', {
      'if-none-match': String(before.headers.etag),
    });
    expect(after.statusCode).toBe(200);
    expect(eventPosterRenderCount()).toBe(rendered + 1);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.rawPayload.equals(before.rawPayload)).toBe(false);
    const fingerprint = String(after.headers.etag).slice(1, -1);
    expect(await storedPosters(event.id)).toEqual([{ width: 360, fingerprint }]);

    const again = await getPoster(event.id, '?width=360');
    expect(again.rawPayload.equals(after.rawPayload)).toBe(true);
    expect(eventPosterRenderCount()).toBe(rendered + 1);
  });

  it.runIf(process.env.DATABASE_URL)('renders once for simultaneous first requests', async () => {
    const event = await publishNewEvent(ctx.app, contractor, committee, { name: '山野飞盘赛' });
    const other = await ctx.buildApp();
    const rendered = eventPosterRenderCount();

    const responses = await Promise.all(
      [ctx.app, other, ctx.app, other].map((app) => getPoster(event.id, '?width=720', {}, app)),
    );
    for (const response of responses) expect(response.statusCode).toBe(200);
    expect(eventPosterRenderCount()).toBe(rendered + 1);
    expect(new Set(responses.map((response) => response.headers.etag)).size).toBe(1);
    for (const response of responses.slice(1)) {
      expect(response.rawPayload.equals(responses[0]!.rawPayload)).toBe(true);
    }
    expect((await storedPosters(event.id)).map((poster) => poster.width)).toEqual([720]);
  });

  it('prunes posters of past and withdrawn events', async () => {
    const current = await publishNewEvent(ctx.app, contractor, committee, { name: '近期飞盘赛' });
    const past = await publishNewEvent(ctx.app, contractor, committee, { name: '往期飞盘赛' });
    const withdrawn = await publishNewEvent(ctx.app, contractor, committee, { name: '撤回飞盘赛' });
    for (const event of [current, past, withdrawn]) {
      expect((await getPoster(event.id, '?width=360')).statusCode).toBe(200);
    }
    // The past event ended about 87 days ago, beyond the 30 days its posters are kept.
    await sql`
      update events set starts_at = starts_at - interval '90 days',
        ends_at = ends_at - interval '90 days',
        registration_opens_at = registration_opens_at - interval '90 days',
        registration_closes_at = registration_closes_at - interval '90 days'
      where id = ${past.id}`.execute(ctx.db);
    await ctx.db
      .updateTable('events')
      .set({ state: 'cancelled' })
      .where('id', '=', withdrawn.id)
      .execute();

    expect(await pruneEventPosterFiles(ctx.db)).toBe(2);
    expect(await storedPosters(current.id)).toHaveLength(1);
    expect(await storedPosters(past.id)).toEqual([]);
    expect(await storedPosters(withdrawn.id)).toEqual([]);
    expect(await pruneEventPosterFiles(ctx.db)).toBe(0);

    // A past event's page still shows its poster, rendered and stored again.
    const rendered = eventPosterRenderCount();
    expect((await getPoster(past.id, '?width=360')).statusCode).toBe(200);
    expect(eventPosterRenderCount()).toBe(rendered + 1);
    expect(await storedPosters(past.id)).toHaveLength(1);
  });

  it('rejects a width outside the served sizes', async () => {
    expectProblem(await getPoster(publishedId, '?width=500'), 400, 'VALIDATION_FAILED');
  });

  it('hides a draft event', async () => {
    const draft = await fileEvent(ctx.app, contractor, { name: '草稿赛事' });
    expectProblem(await getPoster(draft.id), 404, 'EVT_NOT_FOUND');
  });

  it('answers EVT_NOT_FOUND for an unknown event', async () => {
    expectProblem(await getPoster('00000000-0000-7000-8000-000000000000'), 404, 'EVT_NOT_FOUND');
  });
});
