import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import * as venueInitialsMigration from '../db/migrations/0015-venue-initials.js';
import * as searchDocumentsMigration from '../db/migrations/0044-event-search-documents.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  postOk,
  publishNewEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { venueInitials } from './venue-initials.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};

// District bureaux's own brand events pass on submit, so they can be published without a
// reviewer.
const ACCOUNTS = [
  { username: 'vn.xuhui', accountType: 'district_bureau', divisionCode: '310104' },
  { username: 'vn.changning', accountType: 'district_bureau', divisionCode: '310105' },
  { username: 'vn.xujiahui', accountType: 'street', divisionCode: '310104014' },
];

const XUHUI_BRAND = { level: 'district', section: 'brand_event', divisionCode: '310104' };
const CHANGNING_BRAND = { level: 'district', section: 'brand_event', divisionCode: '310105' };

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

const cookieOf = (username: string) => cookies[username] ?? '';

interface Suggestion {
  venue: string;
  address: string | null;
  divisionCode: string | null;
  divisionName: string | null;
  own: boolean;
  uses: number;
}

async function suggest(username: string, q: string): Promise<Suggestion[]> {
  const response = await as(
    ctx.app,
    cookieOf(username),
  )({ method: 'GET', url: '/api/console/venues', query: { q } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Suggestion[] }>().items;
}

async function publish(username: string, overrides: Record<string, unknown>) {
  return publishNewEvent(ctx.app, cookieOf(username), undefined, overrides);
}

describe('venueInitials', () => {
  it.each([
    ['徐汇区体育馆', 'xhqtyg'],
    ['长宁区游泳馆', 'cnqyyg'],
    ['徐家汇公园 3 号篮球场', 'xjhgy3hlqc'],
    ['ABC 运动中心（二楼）', 'abcydzxel'],
    ['银行大厦', 'yhds'],
  ])('%s gives %s', (venue, initials) => {
    expect(venueInitials(venue)).toBe(initials);
  });
});

describe('GET /api/console/venues', () => {
  beforeAll(async () => {
    await fileEvent(ctx.app, cookieOf('vn.xuhui'), {
      ...XUHUI_BRAND,
      venue: '徐汇区游泳馆',
      address: '上海市徐汇区漕溪北路 1 号',
    });
    for (const name of ['长宁游泳赛一', '长宁游泳赛二']) {
      await publish('vn.changning', {
        ...CHANGNING_BRAND,
        name,
        venue: '长宁区游泳馆',
        address: '上海市长宁区仙霞路 2 号',
      });
    }
    await publish('vn.changning', {
      ...CHANGNING_BRAND,
      venue: '天山公园跑道',
      address: '上海市长宁区游泳路 9 号',
    });
  });

  it('lists own venues first, then published venues of others by use', async () => {
    const items = await suggest('vn.xuhui', '游泳');
    expect(items).toEqual([
      {
        venue: '徐汇区游泳馆',
        address: '上海市徐汇区漕溪北路 1 号',
        divisionCode: '310104',
        divisionName: '徐汇区',
        own: true,
        uses: 1,
      },
      {
        venue: '长宁区游泳馆',
        address: '上海市长宁区仙霞路 2 号',
        divisionCode: '310105',
        divisionName: '长宁区',
        own: false,
        uses: 2,
      },
      {
        venue: '天山公园跑道',
        address: '上海市长宁区游泳路 9 号',
        divisionCode: '310105',
        divisionName: '长宁区',
        own: false,
        uses: 1,
      },
    ]);
  });

  it('marks own venues from the caller side', async () => {
    const items = await suggest('vn.changning', '游泳馆');
    expect(items.map((item) => [item.venue, item.own])).toEqual([['长宁区游泳馆', true]]);
  });

  it('shows venues of others only once published', async () => {
    await fileEvent(ctx.app, cookieOf('vn.changning'), {
      ...CHANGNING_BRAND,
      venue: '长宁区保密场馆草稿',
    });
    const approved = await fileEvent(ctx.app, cookieOf('vn.changning'), {
      ...CHANGNING_BRAND,
      venue: '长宁区保密场馆已通过',
    });
    const submitted = await postOk(
      ctx.app,
      cookieOf('vn.changning'),
      `/api/console/events/${approved.id}/submit`,
    );
    expect(submitted.state).toBe('approved');
    await publish('vn.changning', { ...CHANGNING_BRAND, venue: '长宁区保密场馆已发布' });

    expect((await suggest('vn.xuhui', '保密场馆')).map((item) => item.venue)).toEqual([
      '长宁区保密场馆已发布',
    ]);
    expect((await suggest('vn.changning', '保密场馆')).map((item) => item.venue).sort()).toEqual([
      '长宁区保密场馆已发布',
      '长宁区保密场馆已通过',
      '长宁区保密场馆草稿',
    ]);
  });

  it('matches the pinyin initials of the venue', async () => {
    expect((await suggest('vn.xuhui', 'yyg')).map((item) => item.venue)).toEqual([
      '徐汇区游泳馆',
      '长宁区游泳馆',
    ]);
    expect((await suggest('vn.xuhui', 'XHQ YYG')).map((item) => item.venue)).toEqual([
      '徐汇区游泳馆',
    ]);
  });

  it('matches the address as well as the venue', async () => {
    const items = await suggest('vn.xuhui', '仙霞路');
    expect(items.map((item) => item.venue)).toEqual(['长宁区游泳馆']);
  });

  it('treats LIKE wildcards literally', async () => {
    expect(await suggest('vn.xuhui', '%')).toEqual([]);
    expect(await suggest('vn.xuhui', '游_馆')).toEqual([]);
  });

  it('returns an empty list when nothing matches', async () => {
    expect(await suggest('vn.xujiahui', '不存在的场馆')).toEqual([]);
  });

  it('returns at most ten suggestions', async () => {
    for (let index = 0; index < 12; index += 1) {
      await fileEvent(ctx.app, cookieOf('vn.xujiahui'), {
        level: 'street',
        section: 'community_games',
        divisionCode: '310104014',
        venue: `徐家汇活动室${index}`,
      });
    }
    const items = await suggest('vn.xujiahui', 'hds');
    expect(items).toHaveLength(10);
    expect(items.every((item) => item.own && item.venue.startsWith('徐家汇活动室'))).toBe(true);
  });

  it.each([
    ['an empty q', { q: '' }],
    ['a blank q', { q: '   ' }],
    ['a missing q', {}],
    ['a q of 51 characters', { q: '馆'.repeat(51) }],
  ])('rejects %s', async (_, query) => {
    const response = await as(
      ctx.app,
      cookieOf('vn.xuhui'),
    )({ method: 'GET', url: '/api/console/venues', query });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect([...new Set(problem.errors?.map((error) => error.field))]).toEqual(['q']);
  });

  it('accepts a q of 50 characters', async () => {
    expect(await suggest('vn.xuhui', '馆'.repeat(50))).toEqual([]);
  });

  it('needs a session', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/console/venues?q=馆' });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });
});

describe('venue initials on write', () => {
  async function initialsOf(id: string) {
    const row = await ctx.db
      .selectFrom('events')
      .select('venue_initials')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return row.venue_initials;
  }

  it('follows a changed and a cleared venue', async () => {
    const draft = await fileEvent(ctx.app, cookieOf('vn.xuhui'), {
      ...XUHUI_BRAND,
      venue: '徐汇区体育馆',
    });
    expect(await initialsOf(draft.id)).toBe('xhqtyg');

    const session = as(ctx.app, cookieOf('vn.xuhui'));
    const url = `/api/console/events/${draft.id}`;
    const renamed = await session({ method: 'PATCH', url, payload: { venue: '光启城篮球场' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await initialsOf(draft.id)).toBe('gqclqc');

    const cleared = await session({ method: 'PATCH', url, payload: { venue: null } });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(await initialsOf(draft.id)).toBeNull();
  });

  it('is backfilled in batches for events written before the migration', async () => {
    const draft = await fileEvent(ctx.app, cookieOf('vn.xuhui'), {
      ...XUHUI_BRAND,
      venue: '华东理工大学体育馆',
    });
    // More rows than one backfill batch, copied from the draft with numbered venues.
    await sql`
      insert into events (id, organisation_id, created_by, name, level, section, venue, state,
        updated_at)
      select gen_random_uuid(), organisation_id, created_by, name, level, section,
        venue || '分馆' || n, 'draft', now()
      from events, generate_series(1, 1100) as n
      where id = ${draft.id}`.execute(ctx.db);
    // The stored search document reads venue_initials, so it goes first and comes back last.
    await searchDocumentsMigration.down(ctx.db);
    await venueInitialsMigration.down(ctx.db);
    const columns = await sql<{ count: number }>`
      select count(*)::integer as count from information_schema.columns
      where table_name = 'events' and column_name = 'venue_initials'`.execute(ctx.db);
    expect(columns.rows[0]?.count).toBe(0);

    await venueInitialsMigration.up(ctx.db);
    await searchDocumentsMigration.up(ctx.db);
    expect(await initialsOf(draft.id)).toBe('hdlgdxtyg');
    const counts = await sql<{ missing: number; copies: number }>`
      select count(*) filter (where venue_initials is null)::integer as missing,
        count(*) filter (where venue_initials like 'hdlgdxtygfg%')::integer as copies
      from events where venue is not null`.execute(ctx.db);
    expect(counts.rows[0]).toEqual({ missing: 0, copies: 1100 });
  });
});
