import { fileNameTitle, parseReportPeriod } from '@cityleague/domain';
import ExcelJS from 'exceljs';
import { sql, type RawBuilder } from 'kysely';
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
import { findPrincipal } from '../accounts/account.repository.js';
import { getDivision } from '../divisions/division.service.js';
import { gatherReportContent } from './report-content.js';
import { pdfTables } from './report-pdf.js';
import { reportFilesOf } from './report.routes.js';
import { runReportJobs } from './report.service.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};

const ACCOUNTS = [
  { username: 'rp.contractor', accountType: 'contractor', divisionCode: '3101' },
  { username: 'rp.committee', accountType: 'committee', divisionCode: '3101' },
  { username: 'rp.association', accountType: 'community_association', divisionCode: '3101' },
  { username: 'rp.bureau', accountType: 'sports_bureau', divisionCode: '3101' },
  { username: 'rp.xuhui', accountType: 'district_bureau', divisionCode: '310104' },
  { username: 'rp.pudong', accountType: 'district_bureau', divisionCode: '310115' },
  { username: 'rp.street', accountType: 'street', divisionCode: '310104014' },
];

const HOUR = 3600_000;
const DAY = 24 * HOUR;
// Filing needs a start in the future, so the events are filed to start three days from now.
// They then move to the first instant of the current month in Asia/Shanghai, so the report
// month is the current one, which has begun.
const STARTS_AT = new Date(Date.now() + 72 * HOUR);
const MONTH = shanghaiMonthOf(new Date());
const MONTH_START = new Date(Date.parse(`${MONTH}-01T00:00:00+08:00`));
const PREVIOUS_MONTH = shanghaiMonthOf(new Date(MONTH_START.getTime() - DAY));
const NEXT_MONTH = shanghaiMonthOf(new Date(MONTH_START.getTime() + 32 * DAY));
const MONTH_LABEL = `${MONTH.slice(0, 4)}年${Number(MONTH.slice(5, 7))}月`;

function shanghaiMonthOf(instant: Date): string {
  return new Date(instant.getTime() + 8 * HOUR).toISOString().slice(0, 7);
}

/** Moves an event to start at `startsAt`; it ends at `endsAt`, or as filed when not given. */
async function moveEvent(eventId: string, startsAt: Date, endsAt?: RawBuilder<unknown> | Date) {
  await ctx.db
    .updateTable('events')
    .set({ starts_at: startsAt, ...(endsAt ? { ends_at: endsAt } : {}) })
    .where('id', '=', eventId)
    .execute();
}

/** Ends an event halfway between the start of the month and now, so it has been held. */
function endedThisMonth() {
  return sql<Date>`${MONTH_START}::timestamptz + (now() - ${MONTH_START}::timestamptz) / 2`;
}

function cookieOf(username: string): string {
  const cookie = cookies[username];
  if (!cookie) throw new Error(`No session for ${username}`);
  return cookie;
}

let phoneCounter = 0;

/** Registers people (a new phone each unless `phones` is given) and checks in the first ones. */
async function fill(
  eventId: string,
  filer: string,
  count: number,
  checkIns: number,
  phones?: string[],
) {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    phoneCounter += 1;
    const phone = phones?.[i] ?? `1390014${String(1000 + phoneCounter)}`;
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: '测试市民', phone },
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
  const contractor = cookieOf('rp.contractor');
  const committee = cookieOf('rp.committee');
  const street = cookieOf('rp.street');
  const schedule = {
    startsAt: STARTS_AT.toISOString(),
    endsAt: new Date(STARTS_AT.getTime() + 4 * HOUR).toISOString(),
  };

  const draft = await fileEvent(ctx.app, contractor, { ...schedule, divisionCode: '310104' });
  const submitted = await fileEvent(ctx.app, contractor, { ...schedule, divisionCode: '310105' });
  await postOk(ctx.app, contractor, `/api/console/events/${submitted.id}/submit`);
  const approved = await fileEvent(ctx.app, contractor, { ...schedule, divisionCode: '310115' });
  await postOk(ctx.app, contractor, `/api/console/events/${approved.id}/submit`);
  await postOk(ctx.app, committee, `/api/reviews/${approved.id}/approve`);
  const xuhuiStreet = await publishNewEvent(ctx.app, contractor, committee, {
    ...schedule,
    divisionCode: '310104003',
  });
  // The same two people in two events: four registrations, two participants.
  await fill(xuhuiStreet.id, 'rp.contractor', 3, 1, ['13900141001', '13900141002']);
  const pudong = await publishNewEvent(ctx.app, contractor, cookieOf('rp.pudong'), {
    ...schedule,
    level: 'district',
    sport: 'badminton',
    divisionCode: '310115',
  });
  await fill(pudong.id, 'rp.contractor', 2, 2, ['13900141001', '13900141002']);
  const games = await publishNewEvent(ctx.app, street, cookieOf('rp.association'), {
    ...schedule,
    level: 'street',
    section: 'community_games',
    divisionCode: '310104014',
  });
  await fill(games.id, 'rp.street', 2, 1);

  for (const event of [draft, submitted, approved, xuhuiStreet, pudong]) {
    await moveEvent(event.id, MONTH_START);
  }
  // The community games have been held: two entries, one check-in, a rate of 50.0%.
  await moveEvent(games.id, MONTH_START, endedThisMonth());
});

afterAll(async () => {
  await ctx.close();
});

interface Report {
  id: string;
  title: string;
  status: string;
  reused?: boolean;
  progress: number;
  files: { xlsxBytes: number; pdfBytes: number } | null;
}

async function requestReport(username: string, payload: Record<string, unknown>) {
  return as(ctx.app, cookieOf(username))({ method: 'POST', url: '/api/reports', payload });
}

/** Requests a report, runs the job to its end and returns the finished report. */
async function generate(username: string, payload: Record<string, unknown>): Promise<Report> {
  const response = await requestReport(username, payload);
  expect(response.statusCode, response.body).toBe(202);
  const queued = response.json<Report>();
  expect(queued.status).toBe('queued');
  expect(queued.progress).toBe(0);
  await runReportJobs(ctx.db, reportFilesOf(ctx.config.documentsDir));
  const done = await as(
    ctx.app,
    cookieOf(username),
  )({
    method: 'GET',
    url: `/api/reports/${queued.id}`,
  });
  expect(done.statusCode, done.body).toBe(200);
  return done.json<Report>();
}

async function download(username: string, id: string, format: 'xlsx' | 'pdf') {
  return as(
    ctx.app,
    cookieOf(username),
  )({
    method: 'GET',
    url: `/api/reports/${id}/download?format=${format}`,
  });
}

async function workbookOf(body: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  return workbook;
}

/** Reads the 概览 sheet's figures into a label → value map. */
function summaryOf(workbook: ExcelJS.Workbook): Map<string, unknown> {
  const sheet = workbook.getWorksheet('概览');
  if (!sheet) throw new Error('No 概览 sheet');
  const figures = new Map<string, unknown>();
  sheet.eachRow((row) => figures.set(String(row.getCell(1).value), row.getCell(2).value));
  return figures;
}

interface DashboardBody {
  events: Record<string, number>;
  registrations: number;
  checkIns: number;
}

/** Returns a viewer's dashboard for the report month. */
async function dashboard(username: string, division?: string): Promise<DashboardBody> {
  const params = new URLSearchParams({
    year: String(Number(MONTH.slice(0, 4))),
    month: String(Number(MONTH.slice(5, 7))),
  });
  if (division) params.set('division', division);
  const url = `/api/dashboard?${params}`;
  const response = await as(ctx.app, cookieOf(username))({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<DashboardBody>();
}

describe('monthly report workbook', () => {
  it('has the expected sheets', async () => {
    const report = await generate('rp.bureau', { kind: 'monthly', period: MONTH });
    expect(report.status).toBe('done');
    expect(report.progress).toBe(100);
    const response = await download('rp.bureau', report.id, 'xlsx');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename=/);
    const workbook = await workbookOf(response.rawPayload);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      '概览',
      '按板块',
      '按项目',
      '按办赛主体',
      '按区域',
      '赛事明细',
    ]);
    // The current month has not ended, so the overview gives the time the figures were read.
    const summary = summaryOf(workbook);
    expect(summary.get('生成时间')).toBeInstanceOf(Date);
    expect(String(summary.get('数据截至'))).toMatch(
      /^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（统计期间尚未结束/,
    );
  });

  // Each scope with its check-in rate: only the community games (in Xuhui street 310104014)
  // have ended, so a scope without them has no rate.
  const SCOPES: [string, string | undefined, number | null][] = [
    ['rp.bureau', undefined, 50],
    ['rp.bureau', '310104', 50],
    ['rp.bureau', '310104014', 50],
    ['rp.xuhui', undefined, 50],
    ['rp.pudong', undefined, null],
    ['rp.street', undefined, 50],
    ['rp.contractor', undefined, null],
    ['rp.association', undefined, 50],
  ];

  it.each(SCOPES)('matches the dashboard for %s in %s', async (username, division, rate) => {
    const expected = await dashboard(username, division);
    const report = await generate(username, { kind: 'monthly', period: MONTH, division });
    const workbook = await workbookOf((await download(username, report.id, 'xlsx')).rawPayload);
    const summary = summaryOf(workbook);
    const events = expected.events;
    const labels: [string, string][] = [
      ['填报赛事', 'filed'],
      ['审核中', 'submitted'],
      ['已退回', 'returned'],
      ['已通过待发布', 'approved'],
      ['已发布', 'published'],
      ['已举办', 'held'],
      ['已取消', 'cancelled'],
      ['草稿', 'draft'],
    ];
    for (const [label, stage] of labels) {
      expect(summary.get(label), label).toBe(events[stage]);
    }
    expect(summary.get('报名人次')).toBe(expected.registrations);
    expect(summary.get('签到人次')).toBe(expected.checkIns);
    expect(summary.get('签到率（%）')).toBe(rate);
  });

  it('counts a published event that has ended as held only', async () => {
    const report = await generate('rp.bureau', { kind: 'monthly', period: MONTH });
    const summary = summaryOf(
      await workbookOf((await download('rp.bureau', report.id, 'xlsx')).rawPayload),
    );
    expect(summary.get('已发布')).toBe(2);
    expect(summary.get('已举办')).toBe(1);
    expect(summary.get('填报赛事')).toBe(5);
  });

  it('counts participants once across events and totals every breakdown', async () => {
    const report = await generate('rp.bureau', { kind: 'monthly', period: MONTH });
    const workbook = await workbookOf((await download('rp.bureau', report.id, 'xlsx')).rawPayload);
    const summary = summaryOf(workbook);
    expect(summary.get('报名人次')).toBe(7);
    // 13900141001 and 13900141002 entered two events each; the other three people one.
    expect(summary.get('参与人数')).toBe(5);
    expect(summary.get('签到人次')).toBe(4);
    // Only the community games have ended: one check-in of two entries.
    expect(summary.get('签到率（%）')).toBe(50);

    for (const name of ['按板块', '按项目', '按办赛主体', '按区域']) {
      const sheet = workbook.getWorksheet(name)!;
      expect(sheet.getRow(1).values).toEqual([
        undefined,
        expect.any(String),
        '填报赛事',
        '审核中',
        '已退回',
        '已通过待发布',
        '已发布',
        '已举办',
        '已取消',
        '报名人次',
        '参与人数',
        '签到人次',
        '签到率（%）',
      ]);
      const rows: number[][] = [];
      sheet.eachRow((row, number) => {
        if (number > 1) rows.push((row.values as unknown[]).slice(2, 13).map(Number));
      });
      const total = rows.pop()!;
      expect(total[7], `${name} registrations`).toBe(7);
      expect(total[10], `${name} rate`).toBe(50);
      const registrations = rows.reduce((sum, row) => sum + row[7]!, 0);
      const filed = rows.reduce((sum, row) => sum + row[0]!, 0);
      const held = rows.reduce((sum, row) => sum + row[5]!, 0);
      expect(registrations, `${name} rows`).toBe(7);
      expect(filed, `${name} filed`).toBe(total[0]);
      expect(held, `${name} held`).toBe(1);
    }
    // A row whose events have not ended has no rate: an empty cell, not 0.
    const sections = workbook.getWorksheet('按板块')!;
    const rates = new Map<string, unknown>();
    sections.eachRow((row) => rates.set(String(row.getCell(1).value), row.getCell(12).value));
    expect(rates.get('社区健康运动会')).toBe(50);
    expect([...rates.values()].filter((value) => value === null)).not.toHaveLength(0);
    const sports = workbook.getWorksheet('按项目')!;
    expect(sports.getCell('A2').value).toBe('三人篮球');
  });

  it('leaves out events of other months', async () => {
    const event = await publishNewEvent(
      ctx.app,
      cookieOf('rp.contractor'),
      cookieOf('rp.committee'),
      {
        startsAt: STARTS_AT.toISOString(),
        endsAt: new Date(STARTS_AT.getTime() + 4 * HOUR).toISOString(),
        divisionCode: '310104',
      },
    );
    await fill(event.id, 'rp.contractor', 1, 0);
    const earlier = new Date(MONTH_START.getTime() - 10 * DAY);
    await moveEvent(event.id, earlier, new Date(earlier.getTime() + 4 * HOUR));

    const current = await generate('rp.bureau', { kind: 'monthly', period: MONTH });
    const currentSummary = summaryOf(
      await workbookOf((await download('rp.bureau', current.id, 'xlsx')).rawPayload),
    );
    expect(currentSummary.get('报名人次')).toBe(7);
    expect(currentSummary.get('已发布')).toBe(2);

    const previous = await generate('rp.bureau', { kind: 'monthly', period: PREVIOUS_MONTH });
    const previousSummary = summaryOf(
      await workbookOf((await download('rp.bureau', previous.id, 'xlsx')).rawPayload),
    );
    expect(previousSummary.has('数据截至')).toBe(false);
    expect(previousSummary.get('报名人次')).toBe(1);
    expect(previousSummary.get('已发布')).toBe(0);
    expect(previousSummary.get('已举办')).toBe(1);
    expect(previousSummary.get('填报赛事')).toBe(1);
    // The event has ended with an entry and no check-in: a rate of 0, not an empty cell.
    expect(previousSummary.get('签到率（%）')).toBe(0);
  });

  it('adds a month sheet to quarterly and annual reports', async () => {
    const year = Number(MONTH.slice(0, 4));
    const quarter = Math.ceil(Number(MONTH.slice(5, 7)) / 3);
    const quarterly = await generate('rp.xuhui', {
      kind: 'quarterly',
      period: `${year}-Q${quarter}`,
    });
    const workbook = await workbookOf(
      (await download('rp.xuhui', quarterly.id, 'xlsx')).rawPayload,
    );
    const months = workbook.getWorksheet('按月')!;
    expect(months.rowCount).toBe(1 + 3 + 1);
    const annual = await generate('rp.xuhui', { kind: 'annual', period: String(year) });
    const annualBook = await workbookOf((await download('rp.xuhui', annual.id, 'xlsx')).rawPayload);
    expect(annualBook.getWorksheet('按月')!.rowCount).toBe(1 + 12 + 1);
  });
});

describe('report wording', () => {
  it.each([
    ['rp.association', '本单位填报的赛事和本单位审核的社区运动会（本单位：rp.association 单位）'],
    ['rp.contractor', '本单位填报的赛事（本单位：rp.contractor 单位）'],
    ['rp.bureau', '辖区内全部赛事'],
    ['rp.street', '辖区内全部赛事'],
  ])('states the basis of %s', async (username, basis) => {
    const report = await generate(username, { kind: 'monthly', period: MONTH });
    const workbook = await workbookOf((await download(username, report.id, 'xlsx')).rawPayload);
    expect(summaryOf(workbook).get('统计口径')).toBe(basis);
  });

  it('names the unassigned row as the dashboard', async () => {
    // The street's community games are held at the street itself, in none of its communities.
    const report = await generate('rp.street', { kind: 'monthly', period: MONTH });
    const workbook = await workbookOf((await download('rp.street', report.id, 'xlsx')).rawPayload);
    const labels: string[] = [];
    workbook.getWorksheet('按区域')!.eachRow((row) => labels.push(String(row.getCell(1).value)));
    expect(labels).toContain('街镇层面（未指定居委会）');
    expect(labels.filter((label) => label.endsWith('本级'))).toEqual([]);
  });
});

describe('report PDF', () => {
  it('is a PDF with pages', async () => {
    const report = await generate('rp.bureau', {
      kind: 'quarterly',
      period: `${MONTH.slice(0, 4)}-Q${Math.ceil(Number(MONTH.slice(5, 7)) / 3)}`,
    });
    expect(report.files!.pdfBytes).toBeGreaterThan(10_000);
    const response = await download('rp.bureau', report.id, 'pdf');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const pdf = response.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdf.toString('latin1');
    const pages = text.match(/\/Type \/Page\b/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(2);
    // The charts are embedded as images.
    expect(text).toMatch(/\/Subtype \/Image/);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
  });
});

describe('report PDF rates', () => {
  async function contentOf(username: string) {
    const user = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    const principal = (await findPrincipal(ctx.db, user.id))!;
    return gatherReportContent(
      ctx.db,
      {
        user: principal,
        scope: await getDivision(ctx.db, principal.divisionCode),
        period: parseReportPeriod('monthly', MONTH)!,
      },
      { title: 'test', basisLabel: 'test' },
      async () => undefined,
    );
  }

  function rateCells(username: string, tables: ReturnType<typeof pdfTables>) {
    const [summary, ...breakdowns] = tables;
    const rate = summary!.rows.find((row) => row[0] === '签到率');
    expect(rate, `${username} summary rate`).toBeDefined();
    for (const table of breakdowns) {
      expect(table.headers.at(-1), table.heading).toBe('签到率');
    }
    return {
      total: rate![1],
      rows: breakdowns.flatMap((table) => table.rows.map((r) => r.at(-1))),
    };
  }

  it('shows one decimal and a dash for no rate', async () => {
    const bureau = await contentOf('rp.bureau');
    const bureauCells = rateCells('rp.bureau', pdfTables(bureau));
    expect(bureau.total.checkInRate).toBe(50);
    expect(bureauCells.total).toBe('50.0%');
    expect(bureauCells.rows).toContain('50.0%');
    expect(bureauCells.rows).toContain('-');
    expect(bureauCells.rows).not.toContain(0);
    expect(bureauCells.rows).not.toContain('0.0%');

    const pudong = await contentOf('rp.pudong');
    expect(pudong.total.checkInRate).toBeNull();
    const pudongCells = rateCells('rp.pudong', pdfTables(pudong));
    expect(pudongCells.total).toBe('-');
  });
});

describe('report scope', () => {
  it("rejects a district user's request for another district", async () => {
    const response = await requestReport('rp.xuhui', {
      kind: 'monthly',
      period: MONTH,
      division: '310115',
    });
    expectProblem(response, 403, 'ACC_OUT_OF_SCOPE');
    const street = await requestReport('rp.street', {
      kind: 'monthly',
      period: MONTH,
      division: '310104',
    });
    expectProblem(street, 403, 'ACC_OUT_OF_SCOPE');
  });

  it("hides another district's report from listing and download", async () => {
    const report = await generate('rp.pudong', { kind: 'monthly', period: MONTH });
    expect(report.status).toBe('done');
    const audited = async () =>
      ctx.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'report.downloaded')
        .where('entity_id', '=', report.id)
        .execute();

    for (const format of ['xlsx', 'pdf'] as const) {
      expectProblem(await download('rp.xuhui', report.id, format), 404, 'RPT_NOT_FOUND');
      expectProblem(await download('rp.street', report.id, format), 404, 'RPT_NOT_FOUND');
    }
    const one = await as(
      ctx.app,
      cookieOf('rp.xuhui'),
    )({ method: 'GET', url: `/api/reports/${report.id}` });
    expectProblem(one, 404, 'RPT_NOT_FOUND');
    const list = await as(ctx.app, cookieOf('rp.xuhui'))({ method: 'GET', url: '/api/reports' });
    expect(list.json<{ items: Report[] }>().items.map((item) => item.id)).not.toContain(report.id);
    expect(await audited()).toHaveLength(0);

    expect((await download('rp.pudong', report.id, 'pdf')).statusCode).toBe(200);
    const entries = await audited();
    expect(entries).toHaveLength(1);
  });

  it('rejects an invalid period', async () => {
    for (const [kind, period] of [
      ['monthly', '2026-13'],
      ['monthly', '2026-Q1'],
      ['quarterly', '2026-Q5'],
      ['annual', '1999'],
    ]) {
      const response = await requestReport('rp.bureau', { kind, period });
      expectProblem(response, 400, 'RPT_INVALID_PERIOD');
    }
    expectProblem(
      await requestReport('rp.bureau', { kind: 'weekly', period: '2026' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('rejects a period that has not begun', async () => {
    const year = Number(MONTH.slice(0, 4));
    const quarter = Math.ceil(Number(MONTH.slice(5, 7)) / 3);
    const nextQuarter = quarter === 4 ? `${year + 1}-Q1` : `${year}-Q${quarter + 1}`;
    for (const [kind, period] of [
      ['monthly', NEXT_MONTH],
      ['quarterly', nextQuarter],
      ['annual', String(year + 1)],
    ]) {
      const response = await requestReport('rp.street', { kind, period });
      expectProblem(response, 400, 'RPT_FUTURE_PERIOD');
    }
    // The current month, quarter and year have begun.
    for (const [kind, period] of [
      ['monthly', MONTH],
      ['quarterly', `${year}-Q${quarter}`],
      ['annual', String(year)],
    ]) {
      const response = await requestReport('rp.street', { kind, period });
      expect(response.statusCode, `${kind} ${period}`).toBe(202);
    }
    await runReportJobs(ctx.db, reportFilesOf(ctx.config.documentsDir));
  });

  it('returns the pending job for an identical request', async () => {
    const first = await requestReport('rp.xuhui', { kind: 'monthly', period: MONTH });
    expect(first.statusCode).toBe(202);
    expect(first.json<Report>().reused).toBe(false);
    const second = await requestReport('rp.xuhui', { kind: 'monthly', period: MONTH });
    expect(second.statusCode).toBe(200);
    expect(second.json<Report>()).toMatchObject({ id: first.json<Report>().id, reused: true });
    // Another division or kind is another report.
    const street = await requestReport('rp.xuhui', {
      kind: 'monthly',
      period: MONTH,
      division: '310104014',
    });
    expect(street.statusCode).toBe(202);
    expect(street.json<Report>().id).not.toBe(first.json<Report>().id);
    const audited = await ctx.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'report.requested')
      .where('entity_id', '=', first.json<Report>().id)
      .execute();
    expect(audited).toHaveLength(1);

    // Once the report is done, the same request queues a new one.
    await runReportJobs(ctx.db, reportFilesOf(ctx.config.documentsDir));
    const again = await requestReport('rp.xuhui', { kind: 'monthly', period: MONTH });
    expect(again.statusCode).toBe(202);
    expect(again.json<Report>().id).not.toBe(first.json<Report>().id);
    await runReportJobs(ctx.db, reportFilesOf(ctx.config.documentsDir));
  });

  it.runIf(process.env.DATABASE_URL)(
    'queues one job for concurrent identical requests',
    async () => {
      const responses = await Promise.all(
        [1, 2, 3, 4].map(() => requestReport('rp.pudong', { kind: 'monthly', period: MONTH })),
      );
      const ids = new Set(responses.map((response) => response.json<Report>().id));
      expect(ids.size).toBe(1);
      expect(responses.filter((response) => response.statusCode === 202)).toHaveLength(1);
      const pending = await ctx.db
        .selectFrom('report_jobs')
        .select('id')
        .where('division_code', '=', '310115')
        .where('period', '=', MONTH)
        .where('status', 'in', ['queued', 'running'])
        .execute();
      expect(pending).toHaveLength(1);
      await runReportJobs(ctx.db, reportFilesOf(ctx.config.documentsDir));
    },
  );

  it("titles an organisation's report with its name", async () => {
    const association = await generate('rp.association', { kind: 'monthly', period: MONTH });
    const title = `rp.association 单位 · 上海市 · ${MONTH_LABEL}月报`;
    expect(association.title).toBe(title);
    const response = await download('rp.association', association.id, 'xlsx');
    expect(decodeURIComponent(String(response.headers['content-disposition']))).toContain(
      `${fileNameTitle(title)}.xlsx`,
    );
    const sheet = (await workbookOf(response.rawPayload)).getWorksheet('概览')!;
    expect(sheet.getCell('A1').value).toBe(title);

    const bureau = await generate('rp.bureau', { kind: 'monthly', period: MONTH });
    expect(bureau.title).toBe(`上海市${MONTH_LABEL}月报`);
  });

  it('refuses to download a report before it is done', async () => {
    const response = await requestReport('rp.bureau', { kind: 'monthly', period: MONTH });
    const { id } = response.json<Report>();
    expectProblem(await download('rp.bureau', id, 'xlsx'), 409, 'RPT_NOT_READY');
    await runReportJobs(ctx.db, reportFilesOf(ctx.config.documentsDir));
    expect((await download('rp.bureau', id, 'xlsx')).statusCode).toBe(200);
  });

  it('records the progress of a running job', async () => {
    const response = await requestReport('rp.bureau', { kind: 'monthly', period: MONTH });
    const { id } = response.json<Report>();
    const seen: number[] = [];
    const files = reportFilesOf(ctx.config.documentsDir);
    const write = files.write.bind(files);
    files.write = async (reportId, format, content) => {
      const row = await ctx.db
        .selectFrom('report_jobs')
        .select(['status', 'progress'])
        .where('id', '=', reportId)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('running');
      seen.push(row.progress);
      return write(reportId, format, content);
    };
    await runReportJobs(ctx.db, files);
    expect(seen).toEqual([60, 75]);
    const done = await as(
      ctx.app,
      cookieOf('rp.bureau'),
    )({ method: 'GET', url: `/api/reports/${id}` });
    expect(done.json<Report>().progress).toBe(100);
  });

  it('marks a job failed when generation throws', async () => {
    const response = await requestReport('rp.bureau', { kind: 'monthly', period: MONTH });
    const { id } = response.json<Report>();
    const files = reportFilesOf(ctx.config.documentsDir);
    files.write = async () => {
      throw new Error('disk full');
    };
    await runReportJobs(ctx.db, files);
    const failed = await as(
      ctx.app,
      cookieOf('rp.bureau'),
    )({ method: 'GET', url: `/api/reports/${id}` });
    expect(failed.json()).toMatchObject({ status: 'failed', error: 'disk full', files: null });
    expectProblem(await download('rp.bureau', id, 'xlsx'), 409, 'RPT_NOT_READY');
  });
});
