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
import { ReadCache } from '../shared/read-cache.js';
import type { EventView } from './event.repository.js';
import { parseSearchText, searchGrams } from './event-search.js';
import { pinyinSearchText, typedPinyin } from './pinyin-search.js';
import { publicEventConditions, searchTermMatches } from './public-event.repository.js';
import { listPublishedEvents, type PublicListOptions } from './public-event.service.js';
import {
  carryMatches,
  type PublishedEventWindow,
  readPublishedEventWindow,
  type WindowEvent,
  walkWindow,
} from './published-event-window.js';

let ctx: TestContext;
let contractor: string;
let committee: string;
const ids: Record<string, string> = {};

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Returns the Shanghai calendar day (YYYY-MM-DD) of an instant. */
function shanghaiDay(instant: number): string {
  return new Date(instant + 8 * HOUR).toISOString().slice(0, 10);
}

// Starts at 10:00 Shanghai time (02:00 UTC) on the day that is `days` from today.
function startOn(days: number): number {
  const day = shanghaiDay(Date.now() + days * DAY);
  return Date.parse(`${day}T02:00:00Z`);
}

/** Filing overrides for an event starting `days` from now, lasting `hours`. */
function schedule(days: number, hours = 4) {
  const starts = startOn(days);
  return {
    startsAt: new Date(starts).toISOString(),
    endsAt: new Date(starts + hours * HOUR).toISOString(),
    registrationOpensAt: new Date(Date.now() - HOUR).toISOString(),
    registrationClosesAt: new Date(starts - DAY).toISOString(),
  };
}

// Addresses without a district name, so that a district search matches by division only.
const NEUTRAL = { address: '测试路 1 号', venue: '综合体育馆' };

const EVENTS = {
  basketball: { name: '3v3篮球赛', sport: 'basketball_3x3', divisionCode: '310105', ...NEUTRAL },
  xuhuiRun: { name: '滨江健康跑', sport: 'running', divisionCode: '310104', ...NEUTRAL },
  xujiahuiGames: {
    name: '社区趣味运动会',
    sport: 'rope_skipping',
    divisionCode: '310104014',
    ...NEUTRAL,
  },
  paidSwim: {
    name: '市民游泳赛',
    sport: 'swimming',
    divisionCode: '310115',
    feeCents: 5000,
    ...NEUTRAL,
  },
  dearSwim: {
    name: '公开水域游泳挑战',
    sport: 'swimming',
    divisionCode: '310115',
    feeCents: 20000,
    ...NEUTRAL,
  },
  percent: { name: '100%乒乓球', sport: 'table_tennis', divisionCode: '310106', ...NEUTRAL },
} as const;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'sr.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
    organisation: '搜索测试承办单位',
  });
  await createAccount(ctx.db, {
    username: 'sr.committee',
    accountType: 'committee',
    divisionCode: '3101',
    organisation: '搜索测试组委会',
  });
  contractor = await signIn(ctx.app, 'sr.contractor');
  committee = await signIn(ctx.app, 'sr.committee');

  const days: Record<keyof typeof EVENTS, number> = {
    basketball: 10,
    xuhuiRun: 11,
    xujiahuiGames: 12,
    paidSwim: 13,
    dearSwim: 14,
    percent: 15,
  };
  for (const [key, spec] of Object.entries(EVENTS) as [keyof typeof EVENTS, object][]) {
    const event = await publishNewEvent(ctx.app, contractor, committee, {
      ...spec,
      ...schedule(days[key], key === 'xuhuiRun' ? 50 : 4),
    });
    ids[key] = event.id;
  }
  // A draft that would match every search below unless drafts were excluded.
  const draft = await fileEvent(ctx.app, contractor, {
    name: '徐汇3v3篮球赛 游泳',
    ...schedule(10),
  });
  ids.draft = draft.id;
  // Publishing seven events through the API takes over a minute on PGlite on a busy machine.
}, 180_000);

afterAll(async () => {
  await ctx.close();
});

async function list(query: string): Promise<string[]> {
  const response = await ctx.app.inject({ method: 'GET', url: `/api/events?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items.map((item: { id: string }) => item.id);
}

async function search(text: string): Promise<string[]> {
  return (await list(`q=${encodeURIComponent(text)}&limit=100`)).sort();
}

const idsOf = (...keys: string[]) => keys.map((key) => ids[key]!).sort();

describe('search text', () => {
  it('reuses the term of a word', () => {
    const [basketball] = parseSearchText('篮球');
    const [again, xuhui] = parseSearchText('篮球 徐汇');
    expect(again).toBe(basketball);
    expect(xuhui).toBe(parseSearchText('徐汇')[0]);
    expect(basketball?.sports).toContain('basketball');
    expect(xuhui?.districts).toEqual(['310104']);
  });

  it('splits words into grams for the index', () => {
    expect(searchGrams('篮')).toEqual(['篮']);
    expect(searchGrams('篮球赛')).toEqual(['篮球', '球赛']);
    expect(searchGrams('lql')).toEqual(['lq', 'ql']);
  });

  it('resolves sports, districts and streets by name and initials', () => {
    const [xuhui] = parseSearchText('徐汇');
    expect(xuhui?.districts).toEqual(['310104']);
    const [initials] = parseSearchText('XHQ');
    expect(initials?.text).toBe('xhq');
    expect(initials?.districts).toContain('310104');
    const [street] = parseSearchText('徐家汇');
    expect(street?.streets).toEqual(['310104014']);
    const [sport] = parseSearchText('篮球');
    expect(sport?.sports).toEqual(expect.arrayContaining(['basketball', 'basketball_3x3']));
  });

  it('resolves sports, districts and streets by full pinyin', () => {
    const [xuhui] = parseSearchText('xuhui');
    expect(xuhui?.districts).toEqual(['310104']);
    expect(xuhui?.pinyin).toBe('xuhui');
    const [street] = parseSearchText('xujiahui');
    expect(street?.streets).toEqual(['310104014']);
    const [sport] = parseSearchText('LanQiu');
    expect(sport?.sports).toEqual(expect.arrayContaining(['basketball', 'basketball_3x3']));
    const [midSyllable] = parseSearchText('anqiu');
    expect(midSyllable?.sports).toEqual([]);
  });

  it('resolves sports by search alias', () => {
    const running = ['marathon', 'running', 'trail_running'];
    expect(parseSearchText('跑步')[0]?.sports.sort()).toEqual(running);
    expect(parseSearchText('paobu')[0]?.sports.sort()).toEqual(running);
    expect(parseSearchText('PaoBu')[0]?.sports.sort()).toEqual(running);
    expect(parseSearchText('跑bu')[0]?.sports.sort()).toEqual(running);
    expect(parseSearchText('羽球')[0]?.sports).toEqual(['badminton']);
    expect(parseSearchText('ymq')[0]?.sports).toEqual(['badminton']);
    expect(parseSearchText('桌球')[0]?.sports).toEqual(['billiards']);
    expect(parseSearchText('骑行')[0]?.sports.sort()).toEqual([
      'cycling',
      'mountain_biking',
      'road_cycling',
    ]);
    expect(parseSearchText('半马')[0]?.sports).toEqual(['marathon']);
    expect(parseSearchText('电竞')[0]?.sports).toEqual(['esports']);
    // An alias's pinyin matches only from its start, as a name's does from a syllable.
    expect(parseSearchText('aobu')[0]?.sports).toEqual([]);
  });

  it('stores pinyin from each syllable on', () => {
    expect(pinyinSearchText('篮球赛')).toBe(' lanqiusai qiusai sai');
    expect(pinyinSearchText('3v3篮球')).toBe(' 3v3lanqiu lanqiu qiu');
    expect(pinyinSearchText('——')).toBeNull();
  });

  it('turns mixed words into full pinyin', () => {
    expect(typedPinyin('lanqiu')).toBe('lanqiu');
    expect(typedPinyin('篮qiu')).toBe('lanqiu');
    expect(typedPinyin('lan球')).toBe('lanqiu');
    expect(typedPinyin('篮球')).toBeNull();
    expect(typedPinyin('100%')).toBeNull();
  });

  it('normalises full-width input and separators', () => {
    const terms = parseSearchText('ＬＱ，篮球  篮球');
    expect(terms.map((term) => term.text)).toEqual(['lq', '篮球']);
  });
});

describe('GET /api/events search', () => {
  it('finds a partial Chinese word in the name', async () => {
    expect(await search('篮球')).toEqual(idsOf('basketball'));
    expect(await search('篮')).toEqual(idsOf('basketball'));
  });

  it('finds events by district name without it in the text', async () => {
    expect(await search('徐汇')).toEqual(idsOf('xuhuiRun', 'xujiahuiGames'));
  });

  it('finds events by street name', async () => {
    expect(await search('徐家汇')).toEqual(idsOf('xujiahuiGames'));
  });

  it('finds events by pinyin initials of name and district', async () => {
    expect(await search('lqs')).toEqual(idsOf('basketball'));
    expect(await search('LQS')).toEqual(idsOf('basketball'));
    expect(await search('xhq')).toEqual(idsOf('xuhuiRun', 'xujiahuiGames'));
  });

  it('finds events by full pinyin of the name', async () => {
    expect(await search('lanqiu')).toEqual(idsOf('basketball'));
    expect(await search('LANQIUSAI')).toEqual(idsOf('basketball'));
    expect(await search('binjiang')).toEqual(idsOf('xuhuiRun'));
    expect(await search('quweiyundong')).toEqual(idsOf('xujiahuiGames'));
  });

  it('finds events by pinyin split into syllables', async () => {
    expect(await search('lan qiu')).toEqual(idsOf('basketball'));
    expect(await search('bin jiang jian kang')).toEqual(idsOf('xuhuiRun'));
  });

  it('finds events by district full pinyin', async () => {
    expect(await search('xuhui')).toEqual(idsOf('xuhuiRun', 'xujiahuiGames'));
    expect(await search('xujiahui')).toEqual(idsOf('xujiahuiGames'));
    expect(await search('xuhui pao')).toEqual(idsOf('xuhuiRun'));
    expect(await search('xuhui lanqiu')).toEqual([]);
  });

  it('finds events by pinyin prefixes at a syllable', async () => {
    expect(await search('lanq')).toEqual(idsOf('basketball'));
    expect(await search('binji')).toEqual(idsOf('xuhuiRun'));
    expect(await search('xuh')).toEqual(idsOf('xuhuiRun', 'xujiahuiGames'));
    // A word that starts inside a syllable is not pinyin of anything here.
    expect(await search('anqiu')).toEqual([]);
    expect(await search('injiang')).toEqual([]);
  });

  it('finds events by mixed Chinese and pinyin', async () => {
    expect(await search('篮qiu')).toEqual(idsOf('basketball'));
    expect(await search('滨jiang')).toEqual(idsOf('xuhuiRun'));
    expect(await search('徐汇 jiankang')).toEqual(idsOf('xuhuiRun'));
  });

  it('finds events by full pinyin of the venue', async () => {
    expect(await search('zonghetiyu')).toEqual(
      idsOf('basketball', 'xuhuiRun', 'xujiahuiGames', 'paidSwim', 'dearSwim', 'percent'),
    );
  });

  it('finds events by sport name', async () => {
    expect(await search('游泳')).toEqual(idsOf('paidSwim', 'dearSwim'));
  });

  it('finds events by sport search alias', async () => {
    expect(await search('跑步')).toEqual(idsOf('xuhuiRun'));
    expect(await search('paobu')).toEqual(idsOf('xuhuiRun'));
    expect(await search('徐汇 跑步')).toEqual(idsOf('xuhuiRun'));
    expect(await search('冬泳')).toEqual(idsOf('paidSwim', 'dearSwim'));
    expect(await search('跑步 篮球')).toEqual([]);
  });

  it('requires every word to match', async () => {
    expect(await search('徐汇 跑')).toEqual(idsOf('xuhuiRun'));
    expect(await search('篮球 浦东')).toEqual([]);
  });

  it('matches LIKE wildcards literally', async () => {
    expect(await search('%')).toEqual(idsOf('percent'));
    expect(await search('_')).toEqual([]);
  });

  it('never returns unpublished events', async () => {
    for (const text of ['徐汇', '篮球', '3v3', '游泳']) {
      expect(await search(text)).not.toContain(ids.draft);
    }
  });

  it('returns nothing for an unmatched word', async () => {
    expect(await search('冰壶')).toEqual([]);
  });

  it('keeps the initials in step with a renamed draft', async () => {
    const draft = await fileEvent(ctx.app, contractor, { name: '定向越野赛', ...schedule(20) });
    const before = await ctx.db
      .selectFrom('events')
      .select('name_initials')
      .where('id', '=', draft.id)
      .executeTakeFirstOrThrow();
    expect(before.name_initials).toBe('dxyys');
    const pinyinBefore = await ctx.db
      .selectFrom('events')
      .select('name_pinyin')
      .where('id', '=', draft.id)
      .executeTakeFirstOrThrow();
    expect(pinyinBefore.name_pinyin).toBe(' dingxiangyueyesai xiangyueyesai yueyesai yesai sai');
    const response = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/console/events/${draft.id}`,
      headers: { cookie: contractor },
      payload: { name: '龙舟赛' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const after = await ctx.db
      .selectFrom('events')
      .select('name_initials')
      .where('id', '=', draft.id)
      .executeTakeFirstOrThrow();
    expect(after.name_initials).toBe('lzs');
    const pinyinAfter = await ctx.db
      .selectFrom('events')
      .select('name_pinyin')
      .where('id', '=', draft.id)
      .executeTakeFirstOrThrow();
    expect(pinyinAfter.name_pinyin).toBe(' longzhousai zhousai sai');
  });
});

describe('GET /api/events filters', () => {
  it('filters by sports, district and street', async () => {
    expect((await list('sports=swimming,running&limit=100')).sort()).toEqual(
      idsOf('xuhuiRun', 'paidSwim', 'dearSwim'),
    );
    expect((await list('district=310104&limit=100')).sort()).toEqual(
      idsOf('xuhuiRun', 'xujiahuiGames'),
    );
    expect(await list('district=310104&street=310104014')).toEqual(idsOf('xujiahuiGames'));
  });

  it('rejects a street outside the district', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/events?district=310105&street=310104014',
    });
    const problem = expectProblem(response, 400, 'DIV_OUTSIDE_DISTRICT');
    expect(problem.detail).toBe('Street 310104014 is not in district 310105');
  });

  it('rejects an unknown street', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/events?district=310104&street=310104999',
    });
    expectProblem(response, 400, 'DIV_UNKNOWN');
  });

  it('rejects an unknown sport', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/events?sports=curling' });
    expectProblem(response, 400, 'EVT_UNKNOWN_SPORT');
  });

  it('filters by fee', async () => {
    const free = await list('fee=free&limit=100');
    expect(free).toContain(ids.basketball);
    expect(free).not.toContain(ids.paidSwim);
    expect((await list('fee=paid&limit=100')).sort()).toEqual(idsOf('paidSwim', 'dearSwim'));
    const cheap = await list('maxFeeCents=5000&limit=100');
    expect(cheap).toContain(ids.paidSwim);
    expect(cheap).toContain(ids.basketball);
    expect(cheap).not.toContain(ids.dearSwim);
  });

  it('filters by Shanghai date range, multi-day events on each day', async () => {
    const day = (offset: number) => shanghaiDay(startOn(offset));
    expect(await list(`from=${day(10)}&to=${day(10)}`)).toEqual([ids.basketball]);
    // The run starts on day 11 and lasts 50 hours, so it covers day 13.
    expect((await list(`from=${day(13)}&to=${day(13)}`)).sort()).toEqual(
      idsOf('xuhuiRun', 'paidSwim'),
    );
    expect(await list(`from=${day(30)}`)).toEqual([]);
  });

  it('rejects reversed and impossible dates', async () => {
    for (const query of ['from=2026-05-02&to=2026-05-01', 'from=2026-02-30']) {
      const response = await ctx.app.inject({ method: 'GET', url: `/api/events?${query}` });
      expectProblem(response, 400, 'EVT_INVALID_DATE_RANGE');
    }
    const cases: [string, string][] = [
      ['from=2026-05-02&to=2026-05-01', 'from "2026-05-02" to "2026-05-01"'],
      ['from=2026-02-30', 'from "2026-02-30" to none'],
    ];
    for (const [query, range] of cases) {
      const response = await ctx.app.inject({ method: 'GET', url: `/api/events?${query}` });
      expect(expectProblem(response, 400, 'EVT_INVALID_DATE_RANGE').detail).toContain(range);
    }
  });

  // PostgreSQL has no year 0, so without the check these reached the database and failed there.
  it('rejects the year 0000', async () => {
    for (const query of ['from=0000-01-01', 'to=0000-12-31']) {
      const response = await ctx.app.inject({ method: 'GET', url: `/api/events?${query}` });
      expectProblem(response, 400, 'VALIDATION_FAILED');
    }
    const calendar = await ctx.app.inject({
      method: 'GET',
      url: '/api/events/calendar?month=0000-01',
    });
    expectProblem(calendar, 400, 'VALIDATION_FAILED');
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/events?from=0001-01-01' })).statusCode,
    ).toBe(200);
  });

  it('lists only events open for registration', async () => {
    await ctx.db
      .updateTable('events')
      .set({ registration_closes_at: new Date(Date.now() - 1000) })
      .where('id', '=', ids.percent!)
      .execute();
    const open = await list('open=true&limit=100');
    expect(open).not.toContain(ids.percent);
    expect(open).toContain(ids.basketball);
    expect(await list('limit=100')).toContain(ids.percent);
  });

  it('pages by start time without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/events?sort=starts&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await ctx.app.inject({ method: 'GET', url });
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json();
      seen.push(...page.items.map((item: { id: string }) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(
      ['basketball', 'xuhuiRun', 'xujiahuiGames', 'paidSwim', 'dearSwim', 'percent'].map(
        (key) => ids[key],
      ),
    );
  });

  it('rejects a cursor of the other order', async () => {
    const first = await ctx.app.inject({ method: 'GET', url: '/api/events?limit=1' });
    const cursor = first.json().nextCursor;
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/events?sort=starts&cursor=${cursor}`,
    });
    expectProblem(response, 400, 'INVALID_CURSOR');
  });
});

describe('GET /api/events/calendar', () => {
  it('counts events on every day they cover', async () => {
    const month = shanghaiDay(startOn(11)).slice(0, 7);
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/calendar?month=${month}&district=310104`,
    });
    expect(response.statusCode, response.body).toBe(200);
    const counts = Object.fromEntries(
      response.json().days.map((day: { date: string; count: number }) => [day.date, day.count]),
    );
    const expected: Record<string, number> = {};
    for (const offset of [11, 12, 13]) {
      const day = shanghaiDay(startOn(offset));
      if (day.startsWith(month)) expected[day] = (expected[day] ?? 0) + 1;
    }
    const gamesDay = shanghaiDay(startOn(12));
    if (gamesDay.startsWith(month)) expected[gamesDay] = (expected[gamesDay] ?? 0) + 1;
    expect(counts).toEqual(expected);
  });

  it('matches the list for each day', async () => {
    const month = shanghaiDay(startOn(10)).slice(0, 7);
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/calendar?month=${month}&q=${encodeURIComponent('游泳')}`,
    });
    for (const day of response.json().days as { date: string; count: number }[]) {
      const listed = await list(`q=${encodeURIComponent('游泳')}&from=${day.date}&to=${day.date}`);
      expect(listed.length).toBe(day.count);
    }
  });

  it('rejects a malformed month', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/events/calendar?month=2026-13',
    });
    expectProblem(response, 400, 'VALIDATION_FAILED');
  });
});

describe('search condition', () => {
  function conditionSql(text: string, gramIndexes: boolean): string {
    const [term] = parseSearchText(text);
    return ctx.db
      .selectFrom('events')
      .select('id')
      .where(searchTermMatches(term!, { gramIndexes }))
      .compile().sql;
  }

  it('compares codes before any text', () => {
    const sport = conditionSql('lanqiu', true);
    expect(sport.indexOf('events.sport in')).toBeGreaterThan(-1);
    expect(sport.indexOf('events.sport in')).toBeLessThan(sport.indexOf(' like '));
    const district = conditionSql('xuhui', true);
    expect(district.indexOf('events.district_code in')).toBeGreaterThan(-1);
    expect(district.indexOf('events.district_code in')).toBeLessThan(district.indexOf(' like '));
  });

  it('tests like before computing grams', () => {
    const condition = conditionSql('lanqiu', true);
    const likes = [...condition.matchAll(/ like /g)].map((match) => match.index);
    const grams = [...condition.matchAll(/search_grams\(/g)].map((match) => match.index);
    expect(likes).toHaveLength(2);
    expect(grams).toHaveLength(2);
    expect(likes[0]).toBeLessThan(grams[0]!);
    expect(grams[0]).toBeLessThan(likes[1]!);
    expect(likes[1]).toBeLessThan(grams[1]!);
  });

  it('leaves out the grams without the indexes', () => {
    const condition = conditionSql('lanqiu', false);
    expect(condition).not.toContain('search_grams');
    expect([...condition.matchAll(/ like /g)]).toHaveLength(2);
  });
});

describe('events_search index', () => {
  it('serves a search over many events', async () => {
    // Copies of one published event under another name and sport, so that the planner
    // prefers the index.
    await sql`
      insert into events (id, organisation_id, created_by, name, name_initials, name_pinyin,
        level, section, sport, division_code, district_code, venue, starts_at, ends_at, capacity,
        registration_opens_at, registration_closes_at, state, published_at, updated_at)
      select gen_random_uuid(), organisation_id, created_by, '填充赛事' || n, 'tcss' || n,
        ' tianchongsaishi' || n || ' chongsaishi' || n || ' saishi' || n || ' shi' || n, level,
        section, 'go', division_code, district_code, venue, starts_at, ends_at, capacity,
        registration_opens_at, registration_closes_at, state, published_at, now()
      from events, generate_series(1, 2000) as n
      where events.id = ${ids.basketball}`.execute(ctx.db);
    await sql`analyze events`.execute(ctx.db);

    const plan = await sql<{ 'QUERY PLAN': string }>`
      explain select id from events
      where state = 'published'
        and search_grams(search_document) @> array['篮球']::text[]`.execute(ctx.db);
    const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('events_search');
    expect(await search('篮球')).toEqual(idsOf('basketball'));

    const pinyinPlan = await sql<{ 'QUERY PLAN': string }>`
      explain select id from events
      where state = 'published'
        and search_grams(pinyin_document)
          @> array['la', 'an', 'nq', 'qi', 'iu']::text[]`.execute(ctx.db);
    const pinyinText = pinyinPlan.rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(pinyinText).toContain('events_pinyin_search');
    expect(await search('lanqiu')).toEqual(idsOf('basketball'));

    // A word that names a sport matches by the gram index or by sport, and only an index on
    // each alternative of the `or` keeps the planner from reading every event.
    const sportPlan = await sql<{ 'QUERY PLAN': string }>`
      explain select id from events
      where state = 'published'
        and (search_grams(search_document) @> array['篮球']::text[] or sport in ('basketball', 'basketball_3x3'))`.execute(
      ctx.db,
    );
    const sportText = sportPlan.rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(sportText).toContain('events_published_sport');
    expect(sportText).not.toContain('Seq Scan');

    // The condition the search builds, with its cheap operands first, keeps all three indexes.
    const generatedPlan = await ctx.db
      .selectFrom('events')
      .select('id')
      .where(publicEventConditions({ terms: parseSearchText('lanqiu'), sports: [] }))
      .explain();
    const generatedText = generatedPlan.map((row) => String(row['QUERY PLAN'])).join('\n');
    expect(generatedText).toContain('events_search');
    expect(generatedText).toContain('events_pinyin_search');
    expect(generatedText).toContain('events_published_sport');
    expect(generatedText).not.toContain('Seq Scan');
    // PGlite computes the grams of 2,000 rows slowly on a busy machine.
  }, 180_000);
});

describe('list with a short ordered walk', () => {
  /** Pages through a query `limit` events at a time and returns every id in list order. */
  async function allIds(query: Record<string, string>, options: PublicListOptions = {}, limit = 2) {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 200; page += 1) {
      const result = await listPublishedEvents(
        ctx.db,
        { ...query, limit, ...(cursor ? { cursor } : {}) },
        options,
      );
      seen.push(...result.items.map((item) => item.id));
      if (!result.nextCursor) return seen;
      cursor = result.nextCursor;
    }
    throw new Error('more than 200 pages');
  }

  const QUERIES: Record<string, string>[] = [
    { q: '游泳' },
    { q: '徐汇' },
    { q: 'xh', sort: 'starts' },
    { district: '310115' },
    { q: '游泳', fee: 'paid' },
    { sports: 'swimming,running', sort: 'starts' },
    { q: '乒乓' },
    { q: '没有这样的赛事' },
  ];

  it.each(QUERIES)('lists the same events when the walk ends early: %o', async (query) => {
    const expected = await allIds(query);
    // A walk of one or two events turns every page but the densest to the indexes.
    expect(await allIds(query, { walkEvents: 1 })).toEqual(expected);
    expect(await allIds(query, { walkEvents: 2 })).toEqual(expected);
  });

  it('finds events beyond the walk', async () => {
    const swims = await allIds({ q: '游泳' });
    expect(swims).toEqual(expect.arrayContaining([ids.paidSwim, ids.dearSwim]));
    expect(await allIds({ q: '游泳' }, { walkEvents: 1 })).toHaveLength(swims.length);
    expect(await allIds({ q: '没有这样的赛事' }, { walkEvents: 1 })).toEqual([]);
  });

  /** A window of the first `size` published events in each list order, read now. */
  const windowOf = (size: number) => (sort: 'published' | 'starts') =>
    readPublishedEventWindow(ctx.db, sort, size);

  /** Windows of `size` events read once, so every page walks the same window and its matches. */
  const windowsOnce = (size: number) => {
    const read = new Map<string, Promise<PublishedEventWindow>>();
    return (sort: 'published' | 'starts') => {
      if (!read.has(sort)) read.set(sort, readPublishedEventWindow(ctx.db, sort, size));
      return read.get(sort)!;
    };
  };

  // Every filter that the window compares in memory, alone and combined with search words.
  const WINDOW_QUERIES: Record<string, string>[] = [
    ...QUERIES,
    { q: '100%' },
    { q: '%' },
    { q: 'lanqiu' },
    { q: 'qiu' },
    { q: 'anqiu' },
    { q: 'iu' },
    { q: 'ys sc' },
    { q: '汇' },
    { street: '310104014', district: '310104' },
    { section: 'league_event' },
    { section: 'community_games', q: '游泳' },
    { fee: 'free' },
    { fee: 'paid', sort: 'starts' },
    { maxFeeCents: '5000' },
    { maxFeeCents: '0', q: '游泳' },
    { open: 'true' },
    { open: 'true', sort: 'starts', q: 'qiu' },
    { from: shanghaiDay(startOn(12)) },
    { to: shanghaiDay(startOn(12)) },
    { from: shanghaiDay(startOn(11) + 2 * DAY), to: shanghaiDay(startOn(11) + 2 * DAY) },
    { from: shanghaiDay(startOn(13)), to: shanghaiDay(startOn(14)), q: '游泳', fee: 'paid' },
  ];

  it.each(WINDOW_QUERIES)('lists the same events from a window in memory: %o', async (raw) => {
    const query = {
      ...raw,
      ...(raw.maxFeeCents ? { maxFeeCents: Number(raw.maxFeeCents) } : {}),
      ...(raw.open ? { open: true } : {}),
    } as unknown as Record<string, string>;
    // The index test above added 2,000 published events, so pages of 25 cross the windows.
    const expected = await allIds(query, {}, 25);
    // Windows that end before, within and after the list, so that pages turn to PostgreSQL's
    // walk, to its indexes, or are found in memory alone.
    for (const size of [1, 30, 10_000]) {
      const eventViews = new ReadCache<EventView>({ ttlMilliseconds: 60_000, maxEntries: 100 });
      expect(
        await allIds(query, { window: windowOf(size), eventViews }, 25),
        `window of ${size}`,
      ).toEqual(expected);
      const kept = new Map<string, Promise<string[]>>();
      const firstPages = (key: string, read: () => Promise<string[]>) => {
        if (!kept.has(key)) kept.set(key, read());
        return kept.get(key)!;
      };
      expect(
        await allIds(query, { window: windowsOnce(size), firstPages }, 25),
        `window of ${size} read once`,
      ).toEqual(expected);
    }
  });

  it('compares edge values as PostgreSQL does', async () => {
    // An event that ends and one that starts exactly at a Shanghai midnight, and a full event
    // whose registration is open.
    const midnight = Date.parse(`${shanghaiDay(startOn(20))}T00:00:00+08:00`);
    const day = (offset: number) => shanghaiDay(midnight + offset * DAY);
    const saved = await sql<{
      id: string;
      starts_at: Date;
      ends_at: Date;
      registered_count: number;
    }>`
      select id, starts_at, ends_at, registered_count from events
      where id in (${ids.basketball}, ${ids.xuhuiRun}, ${ids.dearSwim})`.execute(ctx.db);
    await sql`update events set starts_at = ${new Date(midnight - 4 * HOUR)},
      ends_at = ${new Date(midnight)} where id = ${ids.basketball}`.execute(ctx.db);
    await sql`update events set starts_at = ${new Date(midnight)},
      ends_at = ${new Date(midnight + 4 * HOUR)} where id = ${ids.xuhuiRun}`.execute(ctx.db);
    await sql`update events set registered_count = capacity where id = ${ids.dearSwim}`.execute(
      ctx.db,
    );
    const savedGroups = await sql<{ id: string; taken: number }>`
      select id, taken from event_groups where event_id = ${ids.paidSwim}`.execute(ctx.db);
    try {
      // The sports leave out the 2,000 events that the index test added.
      const sports = 'basketball_3x3,running,swimming';
      const queries: Record<string, unknown>[] = [
        { from: day(0), sports },
        { from: day(-1), sports },
        { to: day(-1), sports },
        { to: day(0), sports },
        { from: day(-1), to: day(-1) },
        { open: true, sports },
        { open: true, q: '游泳' },
      ];
      for (const query of queries) {
        const expected = await allIds(query as Record<string, string>, {}, 25);
        const fromWindow = await allIds(
          query as Record<string, string>,
          { window: windowOf(10_000) },
          25,
        );
        expect(fromWindow, JSON.stringify(query)).toEqual(expected);
      }
      // The edges decide: each query lists an event on one side of its edge and not the other.
      const pick = async (query: Record<string, unknown>) =>
        (await allIds(query as Record<string, string>, { window: windowOf(10_000) }, 25)).filter(
          (id) => [ids.basketball, ids.xuhuiRun, ids.dearSwim, ids.paidSwim].includes(id),
        );
      expect(await pick({ from: day(0), to: day(0) })).toEqual([ids.xuhuiRun]);
      expect(await pick({ from: day(-1), to: day(-1) })).toEqual([ids.basketball]);
      expect(await pick({ open: true, q: '游泳' })).toEqual([ids.paidSwim]);

      // Groups that hold fewer places than the event fill it when they are full.
      await sql`update event_groups set taken = capacity where event_id = ${ids.paidSwim}`.execute(
        ctx.db,
      );
      const groupsFull = { open: true, q: '游泳' } as unknown as Record<string, string>;
      expect(await allIds(groupsFull, { window: windowOf(10_000) }, 25)).toEqual(
        await allIds(groupsFull, {}, 25),
      );
      expect(await pick(groupsFull)).toEqual([]);
    } finally {
      for (const row of saved.rows) {
        await sql`update events set starts_at = ${row.starts_at}, ends_at = ${row.ends_at},
          registered_count = ${row.registered_count} where id = ${row.id}`.execute(ctx.db);
      }
      for (const row of savedGroups.rows) {
        await sql`update event_groups set taken = ${row.taken} where id = ${row.id}`.execute(
          ctx.db,
        );
      }
    }
  });

  it('takes a page from the window without reading the list again', async () => {
    const window = await windowOf(10_000)('published');
    expect(window.complete).toBe(true);
    expect(walkWindow(window, { terms: parseSearchText('市民游泳'), sports: [] }, 5)).toEqual({
      ids: [ids.paidSwim],
    });
    // The window keeps the read's names: an event renamed since still matches its old name
    // until the window is read again, as a cached page would.
    await sql`update events set name = '市民长跑赛' where id = ${ids.paidSwim}`.execute(ctx.db);
    try {
      const fromWindow = await listPublishedEvents(
        ctx.db,
        { q: '市民游泳', limit: 10 },
        { window: async () => window },
      );
      expect(fromWindow.items.map((item) => item.id)).toEqual([ids.paidSwim]);
      const fresh = await listPublishedEvents(ctx.db, { q: '市民游泳', limit: 10 });
      expect(fresh.items).toEqual([]);
    } finally {
      await sql`update events set name = ${EVENTS.paidSwim.name} where id = ${ids.paidSwim}`.execute(
        ctx.db,
      );
    }
  });

  it('shares the first events of a selective search between page sizes', async () => {
    const reads: string[] = [];
    const kept = new Map<string, Promise<string[]>>();
    const firstPages = (key: string, read: () => Promise<string[]>) => {
      reads.push(key);
      if (!kept.has(key)) kept.set(key, read());
      return kept.get(key)!;
    };
    // A window of two events leaves the swims to the indexes.
    const options = { window: windowsOnce(2), firstPages };
    for (const limit of [1, 2, 5]) {
      const expected = await listPublishedEvents(ctx.db, { q: '游泳', limit });
      const shared = await listPublishedEvents(ctx.db, { q: '游泳', limit }, options);
      expect(shared, `limit ${limit}`).toEqual(expected);
    }
    expect(kept.size).toBe(1);
    expect(reads).toHaveLength(3);
    const first = await kept.values().next().value!;
    expect(first.slice(0, 2)).toEqual([ids.dearSwim, ids.paidSwim]);
    // A cursor and the open filter read the indexes themselves.
    const page = await listPublishedEvents(ctx.db, { q: '游泳', limit: 1 }, options);
    await listPublishedEvents(ctx.db, { q: '游泳', limit: 1, cursor: page.nextCursor! }, options);
    await listPublishedEvents(ctx.db, { q: '游泳', open: true }, options);
    expect(reads).toHaveLength(4);
  });

  it('carries kept matches to an unchanged window only', async () => {
    const filter = { terms: parseSearchText('市民游泳'), sports: [] };
    const previous = await windowOf(10_000)('published');
    expect(walkWindow(previous, filter, 5)).toEqual({ ids: [ids.paidSwim] });

    // Places taken differ, the rest is equal: the matches carry over. The copy's document is
    // changed afterwards only to show that its walk used them.
    const copy = (changed: (event: WindowEvent) => Partial<WindowEvent>) => ({
      ...previous,
      events: previous.events.map((event) => ({ ...event, ...changed(event) })),
    });
    const unchanged = copy((event) => ({ registered: event.registered + 1 }));
    carryMatches(previous, unchanged);
    for (const event of unchanged.events) event.document = '';
    expect(walkWindow(unchanged, filter, 5)).toEqual({ ids: [ids.paidSwim] });

    // A renamed event makes another window, which is walked again.
    const renamed = copy((event) => (event.id === ids.paidSwim ? { document: '市民长跑赛' } : {}));
    carryMatches(previous, renamed);
    expect(walkWindow(renamed, filter, 5)).toEqual({ ids: [] });
  });

  it('tells a selective filter and a cursor beyond the window', async () => {
    const window = await windowOf(2)('published');
    expect(window.complete).toBe(false);
    expect(window.events).toHaveLength(2);
    const none = { terms: parseSearchText('没有这样的赛事'), sports: [] };
    expect(walkWindow(window, none, 3)).toBe('selective');
    const last = window.events[1]!;
    expect(walkWindow(window, none, 3, { value: new Date(last.key), id: last.id })).toBe('beyond');
    const all = { terms: [], sports: [], section: window.events[0]!.section };
    expect(walkWindow(window, all, 1)).toEqual({ ids: [window.events[0]!.id] });
  });
});
