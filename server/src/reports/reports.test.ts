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
// Every event of the main data set starts three days from now; the report month is that day's.
const STARTS_AT = new Date(Date.now() + 72 * HOUR);
const MONTH = shanghaiMonthOf(STARTS_AT);

function shanghaiMonthOf(instant: Date): string {
  return new Date(instant.getTime() + 8 * HOUR).toISOString().slice(0, 7);
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

  await fileEvent(ctx.app, contractor, { ...schedule, divisionCode: '310104' });
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
});

afterAll(async () => {
  await ctx.close();
});

interface Report {
  id: string;
  status: string;
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
  });

  const SCOPES: [string, string | undefined][] = [
    ['rp.bureau', undefined],
    ['rp.bureau', '310104'],
    ['rp.bureau', '310104014'],
    ['rp.xuhui', undefined],
    ['rp.pudong', undefined],
    ['rp.street', undefined],
    ['rp.contractor', undefined],
    ['rp.association', undefined],
  ];

  it.each(SCOPES)('matches the dashboard for %s in %s', async (username, division) => {
    const expected = await dashboard(username, division);
    const report = await generate(username, { kind: 'monthly', period: MONTH, division });
    const workbook = await workbookOf((await download(username, report.id, 'xlsx')).rawPayload);
    const summary = summaryOf(workbook);
    const events = expected.events;
    expect(summary.get('填报赛事')).toBe(events.total! - events.draft!);
    expect(summary.get('待审核')).toBe(events.submitted);
    expect(summary.get('已通过')).toBe(events.approved);
    expect(summary.get('已发布')).toBe(events.published);
    expect(summary.get('已取消')).toBe(events.cancelled);
    expect(summary.get('已退回')).toBe(events.returned);
    expect(summary.get('草稿')).toBe(events.draft);
    expect(summary.get('报名人次')).toBe(expected.registrations);
    expect(summary.get('签到人次')).toBe(expected.checkIns);
    const rate = expected.registrations
      ? Math.round((expected.checkIns / expected.registrations) * 1000) / 10
      : 0;
    expect(summary.get('签到率（%）')).toBe(rate);
  });

  it('counts participants once across events and totals every breakdown', async () => {
    const report = await generate('rp.bureau', { kind: 'monthly', period: MONTH });
    const workbook = await workbookOf((await download('rp.bureau', report.id, 'xlsx')).rawPayload);
    const summary = summaryOf(workbook);
    expect(summary.get('报名人次')).toBe(7);
    // 13900141001 and 13900141002 entered two events each; the other three people one.
    expect(summary.get('参与人数')).toBe(5);
    expect(summary.get('签到人次')).toBe(4);
    expect(summary.get('签到率（%）')).toBe(57.1);

    for (const name of ['按板块', '按项目', '按办赛主体', '按区域']) {
      const sheet = workbook.getWorksheet(name)!;
      const rows: number[][] = [];
      sheet.eachRow((row, number) => {
        if (number > 1) rows.push((row.values as unknown[]).slice(2, 12).map(Number));
      });
      const total = rows.pop()!;
      expect(total[6], `${name} registrations`).toBe(7);
      const registrations = rows.reduce((sum, row) => sum + row[6]!, 0);
      const filed = rows.reduce((sum, row) => sum + row[0]!, 0);
      expect(registrations, `${name} rows`).toBe(7);
      expect(filed, `${name} filed`).toBe(total[0]);
    }
    const sports = workbook.getWorksheet('按项目')!;
    expect(sports.getCell('A2').value).toBe('三人篮球');
  });

  it('leaves out events of other months', async () => {
    const later = new Date(STARTS_AT.getTime() + 40 * 24 * HOUR);
    const event = await publishNewEvent(
      ctx.app,
      cookieOf('rp.contractor'),
      cookieOf('rp.committee'),
      {
        startsAt: later.toISOString(),
        endsAt: new Date(later.getTime() + 4 * HOUR).toISOString(),
        divisionCode: '310104',
      },
    );
    await fill(event.id, 'rp.contractor', 1, 0);

    const current = await generate('rp.bureau', { kind: 'monthly', period: MONTH });
    const currentSummary = summaryOf(
      await workbookOf((await download('rp.bureau', current.id, 'xlsx')).rawPayload),
    );
    expect(currentSummary.get('报名人次')).toBe(7);
    expect(currentSummary.get('已发布')).toBe(3);

    const next = await generate('rp.bureau', { kind: 'monthly', period: shanghaiMonthOf(later) });
    const nextSummary = summaryOf(
      await workbookOf((await download('rp.bureau', next.id, 'xlsx')).rawPayload),
    );
    expect(nextSummary.get('报名人次')).toBe(1);
    expect(nextSummary.get('已发布')).toBe(1);
    expect(nextSummary.get('填报赛事')).toBe(1);
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
