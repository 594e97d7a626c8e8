import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
  whileCheckInOpen,
} from '../test/harness.js';
import { expectDashboardMatches, loadWorld } from '../test/dashboard-oracle.js';
import { checkDashboardSummaries } from './dashboard-summaries.js';
import { resolvePeriod } from './dashboard.service.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};

const ACCOUNTS = [
  { username: 'db.contractor', accountType: 'contractor', divisionCode: '3101' },
  { username: 'db.committee', accountType: 'committee', divisionCode: '3101' },
  { username: 'db.association', accountType: 'community_association', divisionCode: '3101' },
  { username: 'db.bureau', accountType: 'sports_bureau', divisionCode: '3101' },
  { username: 'db.xuhui', accountType: 'district_bureau', divisionCode: '310104' },
  { username: 'db.pudong', accountType: 'district_bureau', divisionCode: '310115' },
  { username: 'db.street', accountType: 'street', divisionCode: '310104014' },
];

const DISTRICT_CODES = [
  '310101',
  '310104',
  '310105',
  '310106',
  '310107',
  '310109',
  '310110',
  '310112',
  '310113',
  '310114',
  '310115',
  '310116',
  '310117',
  '310118',
  '310120',
  '310151',
];

const HOUR = 3600_000;
// Every event here starts 72 hours from now (the harness's default), and the dashboards below
// ask for the year it starts in, in Asia/Shanghai (UTC+8). In the last days of December that
// is next year, which the dashboard accepts.
const EVENT_YEAR = new Date(Date.now() + (72 + 8) * HOUR).getUTCFullYear();
const CURRENT_YEAR = new Date(Date.now() + 8 * HOUR).getUTCFullYear();

function cookieOf(username: string): string {
  const cookie = cookies[username];
  if (!cookie) throw new Error(`No session for ${username}`);
  return cookie;
}

/** Registers `count` people and checks in the first `checkIns` of them. */
async function fill(eventId: string, filer: string, count: number, checkIns: number) {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: '测试市民', phone: `1390013${String(9000 + i)}` },
    });
    if (response.statusCode !== 201) throw new Error(response.body);
    if (i < checkIns) codes.push(response.json<{ code: string }>().code);
  }
  await whileCheckInOpen(ctx.db, eventId, async () => {
    for (const code of codes) {
      await postOk(ctx.app, cookieOf(filer), `/api/console/events/${eventId}/check-ins`, { code });
    }
  });
}

beforeAll(async () => {
  ctx = await createTestContext();
  for (const account of ACCOUNTS) {
    await createAccount(ctx.db, account);
    cookies[account.username] = await signIn(ctx.app, account.username);
  }
  const contractor = cookieOf('db.contractor');
  const committee = cookieOf('db.committee');
  const street = cookieOf('db.street');

  // Contractor: one event in each state.
  await fileEvent(ctx.app, contractor, { divisionCode: '310104' });
  const submitted = await fileEvent(ctx.app, contractor, { divisionCode: '310105' });
  await postOk(ctx.app, contractor, `/api/console/events/${submitted.id}/submit`);
  const returned = await fileEvent(ctx.app, contractor, { divisionCode: '310104' });
  await postOk(ctx.app, contractor, `/api/console/events/${returned.id}/submit`);
  await postOk(ctx.app, committee, `/api/reviews/${returned.id}/return`, { reason: '请补充' });
  const approved = await fileEvent(ctx.app, contractor, { divisionCode: '310115' });
  await postOk(ctx.app, contractor, `/api/console/events/${approved.id}/submit`);
  await postOk(ctx.app, committee, `/api/reviews/${approved.id}/approve`);
  const cityInStreet = await publishNewEvent(ctx.app, contractor, committee, {
    divisionCode: '310104003',
  });
  await fill(cityInStreet.id, 'db.contractor', 3, 1);
  const pudongEvent = await publishNewEvent(ctx.app, contractor, cookieOf('db.pudong'), {
    level: 'district',
    divisionCode: '310115',
  });
  await fill(pudongEvent.id, 'db.contractor', 2, 2);

  // Street: community games at the street and in one community, and a draft.
  const streetGames = await publishNewEvent(ctx.app, street, cookieOf('db.association'), {
    level: 'street',
    section: 'community_games',
    divisionCode: '310104014',
  });
  await fill(streetGames.id, 'db.street', 2, 1);
  const communityGames = await publishNewEvent(ctx.app, street, cookieOf('db.association'), {
    level: 'community',
    section: 'community_games',
    divisionCode: '310104014001',
  });
  await fill(communityGames.id, 'db.street', 1, 0);
  await fileEvent(ctx.app, street, {
    level: 'district',
    section: 'brand_event',
    divisionCode: '310104014',
  });

  // Xuhui bureau: its own brand event, approved on submit.
  const brand = await fileEvent(ctx.app, cookieOf('db.xuhui'), {
    level: 'district',
    section: 'brand_event',
    divisionCode: '310104',
  });
  await postOk(ctx.app, cookieOf('db.xuhui'), `/api/console/events/${brand.id}/submit`);
});

afterAll(async () => {
  await ctx.close();
});

interface Figures {
  events: Record<string, number>;
  registrations: number;
  checkIns: number;
}

interface DashboardBody extends Figures {
  scope: { code: string; name: string; level: string };
  children: (Figures & { code: string; name: string; level: string })[];
}

function counts(partial: Partial<Record<string, number>>): Record<string, number> {
  const all = {
    draft: 0,
    submitted: 0,
    returned: 0,
    approved: 0,
    published: 0,
    held: 0,
    cancelled: 0,
    ...partial,
  };
  const total = Object.values(all).reduce((sum, n) => sum + n, 0);
  return { ...all, filed: total - all.draft, total };
}

/** Returns the path of a dashboard for the events' year, in a division or the viewer's own. */
function dashboardUrl(division?: string): string {
  const params = new URLSearchParams({ year: String(EVENT_YEAR) });
  if (division) params.set('division', division);
  return `/api/dashboard?${params}`;
}

async function dashboard(username: string, division?: string): Promise<DashboardBody> {
  const url = dashboardUrl(division);
  const response = await as(ctx.app, cookieOf(username))({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<DashboardBody>();
}

function child(body: DashboardBody, code: string) {
  const found = body.children.find((c) => c.code === code);
  if (!found) throw new Error(`No child ${code}`);
  return found;
}

describe('GET /api/dashboard', () => {
  it("counts the contractor's own events", async () => {
    const body = await dashboard('db.contractor');
    expect(body.scope).toEqual({ code: '3101', name: '上海市', level: 'city' });
    expect(body.events).toEqual(
      counts({ draft: 1, submitted: 1, returned: 1, approved: 1, published: 2 }),
    );
    expect(body.registrations).toBe(5);
    expect(body.checkIns).toBe(3);
  });

  it('counts every filed event for the city', async () => {
    const body = await dashboard('db.bureau');
    expect(body.scope).toEqual({ code: '3101', name: '上海市', level: 'city' });
    // Drafts are visible to their own organisation only, so the city counts neither of the two.
    expect(body.events).toEqual(counts({ submitted: 1, returned: 1, approved: 2, published: 4 }));
    expect(body.registrations).toBe(8);
    expect(body.checkIns).toBe(4);
  });

  it('lists the 16 districts as children', async () => {
    const body = await dashboard('db.bureau');
    expect(body.children.map((c) => c.code)).toEqual(DISTRICT_CODES);
    for (const c of body.children) expect(c.level).toBe('district');
    expect(child(body, '310115').name).toBe('浦东新区');
  });

  it('splits the city by district', async () => {
    const body = await dashboard('db.bureau');
    expect(child(body, '310104')).toMatchObject({
      events: counts({ returned: 1, approved: 1, published: 3 }),
      registrations: 6,
      checkIns: 2,
    });
    expect(child(body, '310105')).toMatchObject({
      events: counts({ submitted: 1 }),
      registrations: 0,
      checkIns: 0,
    });
    expect(child(body, '310115')).toMatchObject({
      events: counts({ approved: 1, published: 1 }),
      registrations: 2,
      checkIns: 2,
    });
    expect(child(body, '310151')).toMatchObject({
      events: counts({}),
      registrations: 0,
      checkIns: 0,
    });

    const sum = (pick: (c: Figures) => number) => body.children.reduce((n, c) => n + pick(c), 0);
    expect(sum((c) => c.events.total ?? 0)).toBe(body.events.total);
    expect(sum((c) => c.registrations)).toBe(body.registrations);
    expect(sum((c) => c.checkIns)).toBe(body.checkIns);
  });

  it('shows a bureau its district and streets', async () => {
    const body = await dashboard('db.xuhui');
    expect(body.scope).toEqual({ code: '310104', name: '徐汇区', level: 'district' });
    expect(body.events).toEqual(counts({ returned: 1, approved: 1, published: 3 }));
    expect(body.registrations).toBe(6);
    expect(body.checkIns).toBe(2);

    const streets = await ctx.app.inject({ method: 'GET', url: '/api/divisions?parent=310104' });
    expect(body.children.map((c) => c.code)).toEqual(
      streets.json().map((s: { code: string }) => s.code),
    );
    for (const c of body.children) expect(c.level).toBe('street');
    expect(child(body, '310104003')).toMatchObject({
      events: counts({ published: 1 }),
      registrations: 3,
      checkIns: 1,
    });
    expect(child(body, '310104014')).toMatchObject({
      name: '徐家汇街道',
      events: counts({ published: 2 }),
      registrations: 3,
      checkIns: 1,
    });
  });

  it('shows a street its own events', async () => {
    const body = await dashboard('db.street');
    expect(body.scope).toEqual({ code: '310104014', name: '徐家汇街道', level: 'street' });
    expect(body.events).toEqual(counts({ draft: 1, published: 2 }));
    expect(body.registrations).toBe(3);
    expect(body.checkIns).toBe(1);
    expect(child(body, '310104014001')).toMatchObject({
      level: 'community',
      events: counts({ published: 1 }),
      registrations: 1,
      checkIns: 0,
    });
  });

  it('drills down from city to community', async () => {
    const city = await dashboard('db.bureau', '3101');
    expect(child(city, '310104').events.total).toBe(5);

    const district = await dashboard('db.bureau', '310104');
    expect(district.scope).toEqual({ code: '310104', name: '徐汇区', level: 'district' });
    expect(district.events).toEqual(child(city, '310104').events);
    expect(district.registrations).toBe(child(city, '310104').registrations);
    expect(district.checkIns).toBe(child(city, '310104').checkIns);

    const street = await dashboard('db.bureau', '310104014');
    expect(street.scope).toEqual({ code: '310104014', name: '徐家汇街道', level: 'street' });
    expect(street.events).toEqual(child(district, '310104014').events);
    expect(street.registrations).toBe(3);
    expect(street.checkIns).toBe(1);
    expect(street.children.length).toBeGreaterThan(0);
    for (const c of street.children) expect(c.level).toBe('community');

    const community = await dashboard('db.bureau', '310104014001');
    expect(community.scope).toEqual({
      code: '310104014001',
      name: '东塘居委会',
      level: 'community',
    });
    expect(community.events).toEqual(child(street, '310104014001').events);
    expect(community.registrations).toBe(1);
    expect(community.checkIns).toBe(0);
    expect(community.children).toEqual([]);
  });

  it('lets a bureau open its street', async () => {
    const body = await dashboard('db.xuhui', '310104014');
    expect(body.scope.code).toBe('310104014');
    expect(body.events).toEqual(counts({ published: 2 }));
  });

  it.each([
    ['db.xuhui', '310115'],
    ['db.xuhui', '3101'],
    ['db.xuhui', '310115005'],
    ['db.street', '310104'],
    ['db.street', '310104003'],
    ['db.pudong', '310104014001'],
  ])('rejects %s opening %s', async (username, division) => {
    const response = await as(
      ctx.app,
      cookieOf(username),
    )({
      method: 'GET',
      url: `/api/dashboard?division=${division}`,
    });
    const problem = expectProblem(response, 403, 'ACC_OUT_OF_SCOPE');
    expect(problem.detail).toBe(`Division ${division} is outside the account scope`);
  });

  it('rejects an unknown division', async () => {
    const response = await as(
      ctx.app,
      cookieOf('db.bureau'),
    )({
      method: 'GET',
      url: '/api/dashboard?division=310199',
    });
    expectProblem(response, 404, 'DIV_NOT_FOUND');
  });

  it('rejects a malformed division', async () => {
    const response = await as(
      ctx.app,
      cookieOf('db.bureau'),
    )({
      method: 'GET',
      url: '/api/dashboard?division=xuhui',
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe('division');
  });

  it('requires a session', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/dashboard' });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });
});

describe('dashboard rows', () => {
  it.each([
    ['db.bureau', undefined],
    ['db.bureau', '310104'],
    ['db.bureau', '310104014'],
    ['db.xuhui', undefined],
    ['db.street', undefined],
  ])('add up to the totals for %s at %s', async (username, division) => {
    const url = dashboardUrl(division);
    const response = await as(ctx.app, cookieOf(username))({ method: 'GET', url });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    const rows = [...body.children, body.unassigned];
    const sum = (pick: (row: Figures) => number) => rows.reduce((acc, row) => acc + pick(row), 0);
    expect(sum((row) => row.events.total)).toBe(body.events.total);
    expect(sum((row) => row.registrations)).toBe(body.registrations);
    expect(sum((row) => row.checkIns)).toBe(body.checkIns);
  });
});

describe('unassigned drill list', () => {
  interface DrillItem {
    registrations: number;
    checkIns: number;
    stage: string;
  }

  it.each([
    ['db.bureau', undefined],
    ['db.bureau', '310104'],
    ['db.bureau', '310104014'],
    ['db.xuhui', undefined],
    ['db.street', undefined],
    ['db.contractor', '310104'],
  ])('lists the unassigned row of %s at %s', async (username, division) => {
    const figures = await as(
      ctx.app,
      cookieOf(username),
    )({ method: 'GET', url: dashboardUrl(division) });
    const { unassigned } = figures.json<{ unassigned: Figures }>();
    const params = new URLSearchParams({
      year: String(EVENT_YEAR),
      stage: 'filed',
      unassigned: 'true',
      limit: '200',
    });
    if (division) params.set('division', division);
    const response = await as(
      ctx.app,
      cookieOf(username),
    )({ method: 'GET', url: `/api/dashboard/events?${params}` });
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json<{ items: DrillItem[] }>().items;
    expect(items).toHaveLength(unassigned.events.filed!);
    const sum = (pick: (item: DrillItem) => number) => items.reduce((n, i) => n + pick(i), 0);
    expect(sum((item) => item.registrations)).toBe(unassigned.registrations);
    expect(sum((item) => item.checkIns)).toBe(unassigned.checkIns);
  });

  it('finds events in the rows of a district and a street', async () => {
    const list = async (division: string) => {
      const params = new URLSearchParams({
        year: String(EVENT_YEAR),
        division,
        stage: 'filed',
        unassigned: 'true',
      });
      const response = await as(
        ctx.app,
        cookieOf('db.bureau'),
      )({ method: 'GET', url: `/api/dashboard/events?${params}` });
      return response.json<{ items: { divisionName: string }[] }>().items;
    };
    // Xuhui's returned event and its bureau's brand event name the district and no street.
    expect(await list('310104')).toHaveLength(2);
    // The street's own community games name the street and no community.
    expect((await list('310104014')).map((item) => item.divisionName)).toEqual(['徐家汇街道']);
  });

  it('rejects unassigned with a child', async () => {
    const response = await as(
      ctx.app,
      cookieOf('db.bureau'),
    )({ method: 'GET', url: '/api/dashboard/events?child=310104&unassigned=true' });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]).toMatchObject({ field: 'unassigned', code: 'excludes_child' });
  });
});

describe('dashboard basis', () => {
  async function dashboardOf(username: string, division?: string) {
    const url = dashboardUrl(division);
    const response = await as(ctx.app, cookieOf(username))({ method: 'GET', url });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  it('counts an organiser only its own events', async () => {
    const body = await dashboardOf('db.contractor');
    expect(body.basis).toBe('organisation');
    expect(body.organisation.name).toBe('db.contractor 单位');
  });

  it('counts a division for administrators', async () => {
    const body = await dashboardOf('db.bureau');
    expect(body.basis).toBe('division');
    expect(body.organisation).toBeNull();
  });

  it('gives a street and the city the same street figures', async () => {
    const before = await dashboardOf('db.street');
    const event = await publishNewEvent(
      ctx.app,
      cookieOf('db.contractor'),
      cookieOf('db.committee'),
      {
        divisionCode: '310104014',
      },
    );
    await fill(event.id, 'db.contractor', 2, 1);

    const own = await dashboardOf('db.street');
    const fromCity = await dashboardOf('db.bureau', '310104014');
    expect(own.events.published).toBe(before.events.published + 1);
    expect(own.registrations).toBe(before.registrations + 2);
    expect(own.checkIns).toBe(before.checkIns + 1);
    expect(fromCity.events.published).toBe(own.events.published);
    expect(fromCity.registrations).toBe(own.registrations);
    expect(fromCity.checkIns).toBe(own.checkIns);
  });
});

describe('dashboard summaries through the services', () => {
  const CITY = { level: 'city', code: '3101' };

  async function expectCityMatches() {
    const world = await loadWorld(ctx.db);
    const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
    for (const query of [{}, { year }]) {
      const url = `/api/dashboard?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`;
      const response = await as(ctx.app, cookieOf('db.bureau'))({ method: 'GET', url });
      expect(response.statusCode, response.body).toBe(200);
      const viewer = { accountType: 'sports_bureau', organisationId: '' };
      expectDashboardMatches(world, response.json(), { division: CITY, viewer }, query);
    }
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 0,
      participants: 0,
      participantCounts: 0,
      factRollups: 0,
    });
  }

  it('follow registrations, cancellations, check-ins and event changes', async () => {
    await expectCityMatches();
    const before = await dashboard('db.bureau');
    const event = await publishNewEvent(
      ctx.app,
      cookieOf('db.contractor'),
      cookieOf('db.committee'),
      {
        divisionCode: '310115005',
      },
    );
    const codes: { id: string; code: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: `/api/events/${event.id}/registrations`,
        payload: { name: '测试市民', phone: `1390014${String(9000 + i)}` },
      });
      expect(response.statusCode, response.body).toBe(201);
      codes.push(response.json());
    }
    await whileCheckInOpen(ctx.db, event.id, () =>
      postOk(ctx.app, cookieOf('db.contractor'), `/api/console/events/${event.id}/check-ins`, {
        code: codes[0]!.code,
      }),
    );
    await postOk(
      ctx.app,
      cookieOf('db.contractor'),
      `/api/console/events/${event.id}/registrations/${codes[1]!.id}/cancel`,
      { reason: '本人申请取消' },
    );
    const after = await dashboard('db.bureau');
    expect(after.registrations).toBe(before.registrations + 3);
    expect(after.checkIns).toBe(before.checkIns + 1);
    expect(after.events.published).toBe(before.events.published + 1);
    await expectCityMatches();

    await postOk(ctx.app, cookieOf('db.contractor'), `/api/console/events/${event.id}/cancel`, {
      reason: '场地维修',
    });
    const cancelled = await dashboard('db.bureau');
    expect(cancelled.events.cancelled).toBe(before.events.cancelled + 1);
    expect(cancelled.events.published).toBe(before.events.published);
    await expectCityMatches();
  });
});

describe('GET /api/dashboard/export', () => {
  async function download(username: string, query: string) {
    const response = await as(
      ctx.app,
      cookieOf(username),
    )({ method: 'GET', url: `/api/dashboard/export?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    return { response, workbook };
  }

  /** Reads a sheet's table: the header row, then the rows up to the blank line before notes. */
  function tableOf(sheet: ExcelJS.Worksheet) {
    const headers = (sheet.getRow(2).values as unknown[]).slice(1).map(String);
    const rows: unknown[][] = [];
    for (let number = 3; number <= sheet.rowCount && sheet.getRow(number).hasValues; number++) {
      const row = sheet.getRow(number);
      rows.push(headers.map((_, index) => row.getCell(index + 1).value));
    }
    const notes: string[] = [];
    sheet.eachRow((row) => {
      const text = String(row.getCell(1).value);
      if (text.startsWith('注：')) notes.push(text);
    });
    const cell = (row: unknown[], header: string) => row[headers.indexOf(header)];
    return { headers, rows, notes, cell };
  }

  it('exports the child divisions with the figures on screen', async () => {
    const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
    const { response, workbook } = await download('db.bureau', `figureSet=children&year=${year}`);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="dashboard-3101-${year}-children.xlsx"; ` +
        `filename*=UTF-8''${encodeURIComponent(`上海市-${year}年-各区数据.xlsx`)}`,
    );
    const sheet = workbook.getWorksheet('各区数据');
    expect(sheet).toBeDefined();
    expect(sheet!.getRow(1).getCell(1).value).toBe(`上海市 · ${year}年 · 各区数据`);
    const table = tableOf(sheet!);
    expect(table.headers.slice(0, 3)).toEqual(['区域', '行政区划代码', '填报赛事']);

    const body = await dashboard('db.bureau');
    const onScreen = await as(
      ctx.app,
      cookieOf('db.bureau'),
    )({ method: 'GET', url: `/api/dashboard?year=${year}` });
    const figures = onScreen.json<
      DashboardBody & {
        children: (Figures & { participants: number; endedRegistrations: number })[];
      }
    >();
    // Every district, then 合计. Every event of the city is in a district.
    expect(table.rows).toHaveLength(figures.children.length + 1);
    const xuhui = figures.children.find((c) => c.code === '310104')!;
    const row = table.rows.find((r) => r[1] === '310104')!;
    expect(row[0]).toBe('徐汇区');
    expect(table.cell(row, '报名人次')).toBe(xuhui.registrations);
    expect(table.cell(row, '签到人次')).toBe(xuhui.checkIns);
    expect(table.cell(row, '参与人数')).toBe(xuhui.participants);
    expect(table.cell(row, '已发布')).toBe(xuhui.events.published);
    // Xuhui has check-ins, but none of its events has ended, so it has no check-in rate.
    expect(xuhui.checkIns).toBeGreaterThan(0);
    expect(xuhui.endedRegistrations).toBe(0);
    expect(table.cell(row, '签到率')).toBeNull();
    expect(body.scope.code).toBe('3101');
  });

  it.each([
    ['db.bureau', '各区数据', '全市层面（未指定区）'],
    ['db.xuhui', '各街镇数据', '全区层面（未指定街镇）'],
    ['db.street', '各居委会数据', '街镇层面（未指定居委会）'],
  ])('child rows of %s add up', async (username, sheetName, unassignedName) => {
    const { workbook } = await download(username, `figureSet=children&year=${EVENT_YEAR}`);
    const table = tableOf(workbook.getWorksheet(sheetName)!);
    const body = (await as(
      ctx.app,
      cookieOf(username),
    )({ method: 'GET', url: dashboardUrl() }).then((r) => r.json())) as DashboardBody & {
      unassigned: Figures;
    };
    const total = table.rows.at(-1)!;
    expect(total[0]).toBe('合计');
    expect(table.cell(total, '填报赛事')).toBe(body.events.filed);
    expect(table.cell(total, '报名人次')).toBe(body.registrations);

    const unassigned = table.rows.find((row) => row[0] === unassignedName);
    const hasUnassigned = body.unassigned.events.total > 0 || body.unassigned.registrations > 0;
    expect(Boolean(unassigned), unassignedName).toBe(hasUnassigned);
    if (unassigned) {
      expect(table.cell(unassigned, '报名人次')).toBe(body.unassigned.registrations);
      expect(table.cell(unassigned, '行政区划代码')).toBeNull();
    }
    const rows = table.rows.slice(0, -1);
    for (const header of ['填报赛事', '审核中', '已通过待发布', '报名人次', '签到人次']) {
      const sum = rows.reduce<number>((acc, row) => acc + Number(table.cell(row, header)), 0);
      expect(sum, header).toBe(table.cell(total, header));
    }
    expect(table.notes.join('')).toContain('参与人数按人去重');
  });

  it('district and street rows name the unassigned events', async () => {
    // The Xuhui bureau's brand event names no street, and the street's games no community.
    for (const [username, name] of [
      ['db.xuhui', '全区层面（未指定街镇）'],
      ['db.street', '街镇层面（未指定居委会）'],
    ] as const) {
      const { workbook } = await download(username, `figureSet=children&year=${EVENT_YEAR}`);
      const names = tableOf(workbook.worksheets[0]!).rows.map((row) => row[0]);
      expect(names, username).toContain(name);
    }
  });

  it("uses the page's terms and no internal keys", async () => {
    for (const set of ['summary', 'months', 'sections', 'sports', 'levels', 'organisers']) {
      const { workbook } = await download('db.bureau', `figureSet=${set}&year=${EVENT_YEAR}`);
      const table = tableOf(workbook.worksheets[0]!);
      expect(table.headers, set).toEqual(
        expect.arrayContaining(['填报赛事', '审核中', '已通过待发布', '报名人次', '签到率']),
      );
      for (const old of ['赛事填报', '待审核', '已通过', '代码']) {
        expect(table.headers, `${set} ${old}`).not.toContain(old);
      }
      const cells = table.rows.flat().filter((cell) => typeof cell === 'string');
      expect(
        cells.filter((cell) => /^[a-z0-9_]+$/.test(cell as string)),
        set,
      ).toEqual([]);
    }
  });

  it.each([
    ['sections', '板块'],
    ['sports', '项目'],
    ['levels', '级别'],
    ['organisers', '办赛主体'],
    ['months', '月份'],
  ])('%s rows add up to the total', async (set, first) => {
    const { workbook } = await download('db.bureau', `figureSet=${set}&year=${EVENT_YEAR}`);
    const table = tableOf(workbook.worksheets[0]!);
    expect(table.headers).toContain(first);
    const body = await dashboard('db.bureau');
    const total = table.rows.at(-1)!;
    expect(total).toContain('合计');
    expect(table.cell(total, '填报赛事')).toBe(body.events.filed);
    expect(table.cell(total, '报名人次')).toBe(body.registrations);
    const rows = table.rows.slice(0, -1);
    for (const header of ['填报赛事', '审核中', '已通过待发布', '已发布', '报名人次']) {
      const sum = rows.reduce<number>((acc, row) => acc + Number(table.cell(row, header)), 0);
      expect(sum, header).toBe(table.cell(total, header));
    }
  });

  it('audits the export', async () => {
    await download('db.xuhui', 'figureSet=summary&year=2026&quarter=4');
    const entry = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'entity_type', 'entity_id', 'detail'])
      .where('action', '=', 'export.dashboard')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(entry).toEqual({
      action: 'export.dashboard',
      entity_type: 'division',
      entity_id: '310104',
      detail: { figureSet: 'summary', year: 2026, quarter: 4, month: null },
    });
  });

  it('rejects an unknown figure set', async () => {
    const response = await as(
      ctx.app,
      cookieOf('db.bureau'),
    )({ method: 'GET', url: '/api/dashboard/export?figureSet=people' });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe('figureSet');
  });
});

describe('dashboard periods', () => {
  const get = (path: string) => as(ctx.app, cookieOf('db.bureau'))({ method: 'GET', url: path });

  it.each([['quarter=2'], ['month=3'], ['year=2026&quarter=1&month=2']])(
    'rejects %s',
    async (query) => {
      for (const path of [
        `/api/dashboard?${query}`,
        `/api/dashboard/events?${query}`,
        `/api/dashboard/export?figureSet=summary&${query}`,
      ]) {
        expectProblem(await get(path), 400, 'DSH_INVALID_PERIOD');
      }
    },
  );

  it('rejects a year after next year', async () => {
    // Events are filed and entered a year ahead, so next year is open, the one after is not.
    // 2026-12-31 23:59:59 in Shanghai (UTC+8): 2028 is two years away.
    expect(resolvePeriod({ year: 2027 }, Date.parse('2026-12-31T15:59:59Z'))).toEqual({
      year: 2027,
    });
    expect(() => resolvePeriod({ year: 2028 }, Date.parse('2026-12-31T15:59:59Z'))).toThrow(
      expect.objectContaining({ code: 'DSH_INVALID_PERIOD' }),
    );
    expect(resolvePeriod({ year: 2028 }, Date.parse('2026-12-31T16:00:00Z'))).toEqual({
      year: 2028,
    });
    expect((await get(`/api/dashboard?year=${CURRENT_YEAR + 1}`)).statusCode).toBe(200);
    for (const path of [
      `/api/dashboard?year=${CURRENT_YEAR + 2}`,
      `/api/dashboard/events?year=${CURRENT_YEAR + 2}&month=1`,
      `/api/dashboard/export?figureSet=summary&year=${CURRENT_YEAR + 2}&quarter=1`,
    ]) {
      expectProblem(await get(path), 400, 'DSH_INVALID_PERIOD');
    }
  });

  it.each(['0x7EA', '0X7ea', '2.026e3', '%202026', '+2026'])(
    'rejects year=%s in other than decimal digits',
    async (year) => {
      for (const path of [
        `/api/dashboard?year=${year}`,
        `/api/dashboard/events?year=${year}`,
        `/api/dashboard/export?figureSet=summary&year=${year}`,
      ]) {
        const problem = expectProblem(await get(path), 400, 'VALIDATION_FAILED');
        expect(problem.errors).toEqual([expect.objectContaining({ field: 'year', code: 'type' })]);
      }
    },
  );

  it('documents that next year is allowed', async () => {
    await ctx.app.ready();
    const openApi = ctx.app.swagger() as {
      paths: Record<string, { get: { description: string } }>;
    };
    for (const path of ['/api/dashboard', '/api/dashboard/events', '/api/dashboard/export']) {
      const description = openApi.paths[path]!.get.description;
      expect(description).toContain('may be next year');
      expect(description).not.toContain('after the current one');
    }
  });

  it('period defaults to the Shanghai year', () => {
    // 2026-12-31 23:59:59 and 2027-01-01 00:00 in Shanghai (UTC+8).
    expect(resolvePeriod({}, Date.parse('2026-12-31T15:59:59Z'))).toEqual({ year: 2026 });
    expect(resolvePeriod({}, Date.parse('2026-12-31T16:00:00Z'))).toEqual({ year: 2027 });
    expect(resolvePeriod({ year: 2025 }, Date.parse('2026-12-31T16:00:00Z'))).toEqual({
      year: 2025,
    });
    expect(resolvePeriod({ year: 2025, quarter: 3 })).toEqual({ year: 2025, quarter: 3 });
    expect(resolvePeriod({ year: 2025, month: 7 })).toEqual({ year: 2025, month: 7 });
  });

  it('dashboard defaults to the current year', async () => {
    const implicit = await get('/api/dashboard');
    const explicit = await get(`/api/dashboard?year=${CURRENT_YEAR}`);
    expect(implicit.statusCode, implicit.body).toBe(200);
    expect(explicit.statusCode, explicit.body).toBe(200);
    const body = implicit.json();
    expect(body.period).toEqual({ year: CURRENT_YEAR, quarter: null, month: null });
    expect(body.lastYear).not.toBeNull();
    expect(body.months).toHaveLength(12);
    expect(typeof body.participants).toBe('number');
    expect(body).toEqual(explicit.json());
  });

  it('drill list defaults to the current year', async () => {
    const implicit = await get('/api/dashboard/events?stage=filed&limit=200');
    const explicit = await get(`/api/dashboard/events?stage=filed&limit=200&year=${CURRENT_YEAR}`);
    expect(implicit.statusCode, implicit.body).toBe(200);
    const ids = (response: typeof implicit) =>
      response.json<{ items: { id: string }[] }>().items.map((item) => item.id);
    expect(ids(implicit)).toEqual(ids(explicit));
    const filed = (await get(`/api/dashboard?year=${CURRENT_YEAR}`)).json().events.filed;
    expect(ids(implicit)).toHaveLength(filed);
  });

  it('export defaults to the current year', async () => {
    const response = await get('/api/dashboard/export?figureSet=summary');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="dashboard-3101-${CURRENT_YEAR}-summary.xlsx"; ` +
        `filename*=UTF-8''${encodeURIComponent(`上海市-${CURRENT_YEAR}年-总览.xlsx`)}`,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe(`上海市 · ${CURRENT_YEAR}年 · 总览`);
    const entry = await ctx.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'export.dashboard')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(entry.detail).toEqual({
      figureSet: 'summary',
      year: CURRENT_YEAR,
      quarter: null,
      month: null,
    });
  });

  it('rejects a month outside 1 to 12', async () => {
    const response = await as(
      ctx.app,
      cookieOf('db.bureau'),
    )({ method: 'GET', url: '/api/dashboard?year=2026&month=13' });
    expectProblem(response, 400, 'VALIDATION_FAILED');
  });

  it('rejects a malformed drill cursor', async () => {
    const response = await as(
      ctx.app,
      cookieOf('db.bureau'),
    )({ method: 'GET', url: '/api/dashboard/events?cursor=bm90LWpzb24' });
    expectProblem(response, 400, 'INVALID_CURSOR');
  });

  it('gives last year and twelve months for a year', async () => {
    const year = EVENT_YEAR;
    const response = await as(
      ctx.app,
      cookieOf('db.bureau'),
    )({ method: 'GET', url: `/api/dashboard?year=${year}` });
    const body = response.json();
    expect(body.period).toEqual({ year, quarter: null, month: null });
    expect(body.months.map((m: { month: string }) => m.month)).toEqual(
      Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`),
    );
    expect(body.lastYear.registrations).toBe(0);
    expect(body.participants).toBeGreaterThan(0);
  });
});
