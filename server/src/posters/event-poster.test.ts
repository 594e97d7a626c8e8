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

function getPoster(id: string, query = '', headers: Record<string, string> = {}) {
  return ctx.app.inject({ method: 'GET', url: `/api/events/${id}/poster.png${query}`, headers });
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
