import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildCountingApp, type CountingApp } from '../test/counting-app.js';
import {
  as,
  createAccount,
  createTestContext,
  publishNewEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;
let cached: CountingApp;
let contractor: string;
let committee: string;
let eventId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'rc.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'rc.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  contractor = await signIn(ctx.app, 'rc.contractor');
  committee = await signIn(ctx.app, 'rc.committee');
  const event = await publishNewEvent(ctx.app, contractor, committee, {
    name: '缓存测试篮球赛',
    divisionCode: '310104003',
  });
  eventId = event.id;
  cached = await buildCountingApp(ctx, { readCacheMilliseconds: 60_000 });
}, 60_000);

afterAll(async () => {
  await cached?.app.close();
  await ctx.close();
});

/** A well-formed id for cursors whose other key is under test. */
const ZERO_ID = '00000000-0000-4000-8000-000000000000';

async function getOk(app: CountingApp['app'], url: string) {
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(200);
  return response;
}

/** Renames the event in the database, so that a computed response differs from a cached one. */
async function rename(name: string) {
  await ctx.db.updateTable('events').set({ name }).where('id', '=', eventId).execute();
}

describe('public event read cache', () => {
  it('serves a repeated listing without reading the database', async () => {
    const url = '/api/events?q=篮球&sort=starts&limit=5';
    const first = await getOk(cached.app, url);
    const before = cached.queries();
    const second = await getOk(cached.app, url);

    expect(cached.queries()).toBe(before);
    expect(second.json()).toEqual(first.json());
    expect(first.json().items.map((item: { id: string }) => item.id)).toEqual([eventId]);
  });

  it('shares one entry between parameter orders', async () => {
    await getOk(cached.app, '/api/events?section=league_event&fee=free&limit=7');
    const before = cached.queries();
    await getOk(cached.app, '/api/events?limit=7&fee=free&section=league_event');
    expect(cached.queries()).toBe(before);
  });

  it('keeps different queries apart', async () => {
    const first = await getOk(cached.app, '/api/events?limit=3');
    const other = await getOk(cached.app, '/api/events?limit=3&q=游泳');

    expect(first.json().items.map((item: { id: string }) => item.id)).toEqual([eventId]);
    expect(other.json().items).toEqual([]);
  });

  it('ignores unknown parameters in the key', async () => {
    await getOk(cached.app, '/api/events?limit=4');
    const before = cached.queries();
    await getOk(cached.app, '/api/events?limit=4&utm_source=poster');
    expect(cached.queries()).toBe(before);
  });

  it('answers a new search from memory once the events were read', async () => {
    const event = (await getOk(cached.app, '/api/events?q=缓存测试&limit=6')).json().items[0];
    await getOk(cached.app, `/api/events?q=缓存测试&district=${event.districtCode}`);
    const before = cached.queries();
    // Queries no page cache holds: the list order, the districts and streets, and the page's
    // event come from memory.
    const other = await getOk(cached.app, '/api/events?q=篮球赛&fee=free&limit=8');
    const street = await getOk(
      cached.app,
      `/api/events?q=篮球&district=${event.districtCode}&street=${event.divisionCode}`,
    );

    expect(cached.queries()).toBe(before);
    expect(other.json().items.map((item: { id: string }) => item.id)).toEqual([eventId]);
    expect(other.json().items[0].name).toBe('缓存测试篮球赛');
    expect(street.json().items.map((item: { id: string }) => item.id)).toEqual([eventId]);
  });

  it('writes list items as the detail writes the event', async () => {
    for (const app of [ctx.app, cached.app]) {
      const detail = await getOk(app, `/api/events/${eventId}`);
      const list = await getOk(app, '/api/events?q=缓存测试&fee=free');
      expect(list.body).toBe(`{"items":[${detail.body}],"nextCursor":null}`);
      const all = await getOk(app, '/api/events?limit=1');
      expect(all.body).toBe(`{"items":[${detail.body}],"nextCursor":null}`);
    }
  });

  it('keeps a page built from cached reads no longer than the TTL', async () => {
    const timed = await buildCountingApp(ctx, { readCacheMilliseconds: 1000 });
    try {
      await getOk(timed.app, '/api/events?q=缓存测试&limit=11');
      // Its window and event row were read before this.
      const read = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await rename('缓存测试新名篮球赛');
      // A new query builds its page from the window and the row read 500 ms ago.
      const url = '/api/events?q=篮球赛&limit=12';
      const stale = await getOk(timed.app, url);
      expect(stale.json().items[0].name).toBe('缓存测试篮球赛');
      await new Promise((resolve) => setTimeout(resolve, read + 1050 - Date.now()));
      const fresh = await getOk(timed.app, url);
      expect(fresh.json().items[0].name).toBe('缓存测试新名篮球赛');
    } finally {
      await rename('缓存测试篮球赛');
      await timed.app.close();
    }
  });

  it('keeps the next cursor when a listed event was just withdrawn', async () => {
    const second = await publishNewEvent(ctx.app, contractor, committee, {
      name: '缓存测试第二场篮球赛',
      divisionCode: '310104003',
    });
    // An app whose window is read after the second event was published.
    const fresh = await buildCountingApp(ctx, { readCacheMilliseconds: 60_000 });
    try {
      const both = await getOk(ctx.app, '/api/events?q=缓存测试&limit=5&sort=starts');
      const ids = both.json().items.map((item: { id: string }) => item.id);
      expect(ids).toHaveLength(2);
      // Reads the window, and no event row, before the withdrawal.
      await getOk(fresh.app, '/api/events?q=没有这样的赛事&sort=starts');
      await ctx.db
        .updateTable('events')
        .set({ state: 'cancelled' })
        .where('id', '=', ids[0])
        .execute();
      // A new query still walks the window read before the withdrawal.
      const page = await getOk(fresh.app, '/api/events?q=缓存测试&limit=1&sort=starts');
      expect(page.json().items.map((item: { id: string }) => item.id)).toEqual([ids[0]]);
      expect(page.json().nextCursor).not.toBeNull();
    } finally {
      await ctx.db
        .updateTable('events')
        .set({ state: 'published' })
        .where('state', '=', 'cancelled')
        .execute();
      await ctx.db
        .updateTable('events')
        .set({ state: 'cancelled' })
        .where('id', '=', second.id)
        .execute();
    }
  });

  it.each([
    ['an id that is not a UUID', { publishedAt: '2026-11-24T19:38:45.060Z', id: 'zzz' }],
    ['a time out of range', { publishedAt: '-271821-04-20T00:00:00.000Z', id: ZERO_ID }],
    ['an impossible day', { publishedAt: '2026-02-30T00:00:00.000Z', id: ZERO_ID }],
  ])('rejects a cursor with %s', async (_case, position) => {
    const cursor = Buffer.from(JSON.stringify(position)).toString('base64url');
    for (const app of [ctx.app, cached.app]) {
      for (const query of ['limit=2', 'q=缓存测试&limit=3']) {
        const response = await app.inject({
          method: 'GET',
          url: `/api/events?${query}&cursor=${cursor}`,
        });
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json().code).toBe('INVALID_CURSOR');
      }
    }
  });

  it('caches no invalid query', async () => {
    const url = '/api/events?sports=curling_on_ice&limit=9';
    for (let i = 0; i < 2; i += 1) {
      const response = await cached.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('EVT_UNKNOWN_SPORT');
      expect(response.headers['cache-control']).toBeUndefined();
    }
  });

  it('serves a repeated detail without reading the database', async () => {
    const first = await getOk(cached.app, `/api/events/${eventId}`);
    const before = cached.queries();
    const second = await getOk(cached.app, `/api/events/${eventId}`);

    expect(cached.queries()).toBe(before);
    expect(second.json()).toEqual(first.json());
  });

  it('lets shared caches keep public reads', async () => {
    const list = await getOk(cached.app, '/api/events?limit=2');
    expect(list.headers['cache-control']).toBe('public, max-age=60');
    const detail = await getOk(cached.app, `/api/events/${eventId}`);
    expect(detail.headers['cache-control']).toBe('public, max-age=60');
  });

  it('stays exact with the test configuration', async () => {
    expect(ctx.config.readCacheMilliseconds).toBe(0);
    const url = '/api/events?q=缓存测试';
    await getOk(cached.app, url);
    await getOk(ctx.app, url);
    await getOk(cached.app, `/api/events/${eventId}`);
    await rename('缓存测试改名篮球赛');

    const list = await getOk(ctx.app, url);
    expect(list.json().items.map((item: { name: string }) => item.name)).toEqual([
      '缓存测试改名篮球赛',
    ]);
    expect(list.headers['cache-control']).toBeUndefined();
    const detail = await getOk(ctx.app, `/api/events/${eventId}`);
    expect(detail.json().name).toBe('缓存测试改名篮球赛');

    // The cached app still serves what it read before the change, within its TTL.
    const stale = await getOk(cached.app, url);
    expect(stale.json().items.map((item: { name: string }) => item.name)).toEqual([
      '缓存测试篮球赛',
    ]);
    const staleDetail = await getOk(cached.app, `/api/events/${eventId}`);
    expect(staleDetail.json().name).toBe('缓存测试篮球赛');
  });

  it('keeps console reads out of the cache', async () => {
    const before = cached.queries();
    const response = await as(
      cached.app,
      contractor,
    )({ method: 'GET', url: '/api/console/events' });
    expect(response.statusCode).toBe(200);
    expect(cached.queries()).toBeGreaterThan(before);
  });
});
