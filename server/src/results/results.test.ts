import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deliverOutbox, signInCitizen } from '../citizens/citizen-test-support.js';
import { minimalPng } from '../documents/document-test-support.js';
import { encodeCursor } from '../shared/cursor.js';
import { onlyGroupOf, publishWithGroups } from '../test/entries.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { certificateRenderCount } from './certificate.service.js';
import { writeResultWorkbook } from './result-workbook.js';

let ctx: TestContext;
let organiser: string;
let reviewer: string;
let otherOrganiser: string;
let phoneCounter = 0;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'res.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'res.other',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'res.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiser = await signIn(ctx.app, 'res.contractor');
  otherOrganiser = await signIn(ctx.app, 'res.other');
  reviewer = await signIn(ctx.app, 'res.committee');
});

afterAll(async () => {
  await ctx.close();
});

interface Entrant {
  id: string;
  code: string;
  name: string;
  phone: string;
  phoneMasked: string;
  groupId: string;
}

const SURNAMES = ['韩', '秦', '尤', '许', '何', '吕', '施', '张', '孔', '曹'];

function nextPhone(): string {
  phoneCounter += 1;
  return `1370021${String(phoneCounter).padStart(4, '0')}`;
}

async function register(eventId: string, groupId: string): Promise<Entrant> {
  const phone = nextPhone();
  const name = `${SURNAMES[phoneCounter % SURNAMES.length]}测试${'甲乙丙丁戊己庚辛壬癸'[phoneCounter % 10]}`;
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload: { name, phone, groupId },
  });
  if (response.statusCode !== 201) throw new Error(`Registration: ${response.body}`);
  const body = response.json<{ id: string; code: string; phoneMasked: string }>();
  return { id: body.id, code: body.code, name, phone, phoneMasked: body.phoneMasked, groupId };
}

/** Publishes an event with a men's and a women's group and enters `perGroup` people in each. */
async function eventWithEntrants(perGroup: number) {
  const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
    { name: '男子组', capacity: 100 },
    { name: '女子组', capacity: 100 },
  ]);
  const men: Entrant[] = [];
  const women: Entrant[] = [];
  for (let i = 0; i < perGroup; i++) {
    men.push(await register(eventId, groupIds[0]!));
    women.push(await register(eventId, groupIds[1]!));
  }
  return { eventId, men, women };
}

/** Builds a workbook row: code, name, phone, group, rank, time, score, status. */
function row(values: Partial<Record<string, string>>): string[] {
  return [
    values.code ?? '',
    values.name ?? '',
    values.phone ?? '',
    values.group ?? '',
    values.rank ?? '',
    values.time ?? '',
    values.score ?? '',
    values.status ?? '',
  ];
}

async function dryRun(eventId: string, rows: string[][], cookie = organiser) {
  const content = (await writeResultWorkbook(rows)).toString('base64');
  return as(
    ctx.app,
    cookie,
  )({
    method: 'POST',
    url: `/api/console/events/${eventId}/result-imports`,
    payload: { fileName: '成绩.xlsx', content },
  });
}

function commit(eventId: string, importId: string) {
  return as(
    ctx.app,
    organiser,
  )({ method: 'POST', url: `/api/console/events/${eventId}/result-imports/${importId}/commit` });
}

function publish(eventId: string) {
  return as(
    ctx.app,
    organiser,
  )({
    method: 'POST',
    url: `/api/console/events/${eventId}/results/publish`,
  });
}

function putResult(eventId: string, registrationId: string, payload: object) {
  return as(
    ctx.app,
    organiser,
  )({
    method: 'PUT',
    url: `/api/console/events/${eventId}/results/${registrationId}`,
    payload,
  });
}

async function resultCount(eventId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('event_results')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow();
  return row.count;
}

async function noticeCount(eventId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('notification_outbox')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('event_id', '=', eventId)
    .where('kind', '=', 'results.published')
    .executeTakeFirstOrThrow();
  return row.count;
}

async function webhookCount(eventId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('webhook_events')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('event_id', '=', eventId)
    .where('action', '=', 'results.published')
    .executeTakeFirstOrThrow();
  return row.count;
}

/** Imports and commits a valid workbook; fails the test when either step fails. */
async function importResults(eventId: string, rows: string[][]) {
  const checked = await dryRun(eventId, rows);
  expect(checked.statusCode, checked.body).toBe(201);
  const committed = await commit(eventId, checked.json<{ id: string }>().id);
  expect(committed.statusCode, committed.body).toBe(200);
}

interface ImportReport {
  id: string;
  status: string;
  summary: { rows: number; valid: number; invalid: number; new: number };
  errors: { row: number; column: string; code: string }[];
}

describe('result import dry run', () => {
  it('reports each bad row with its column and code', async () => {
    const { eventId, men, women } = await eventWithEntrants(4);
    const [m1, m2, m3, m4] = men as [Entrant, Entrant, Entrant, Entrant];
    const [w1, w2, w3] = women as [Entrant, Entrant, Entrant, Entrant];
    const response = await dryRun(eventId, [
      row({ code: m1.code, group: '男子组', rank: '1', time: '00:40:01.250' }),
      // Ties share a rank and pass.
      row({ code: m2.code, group: '男子组', rank: '2', time: '00:41:00' }),
      row({ code: m3.code, group: '男子组', rank: '2', time: '00:41:00' }),
      row({ name: w1.name, phone: w1.phone, group: '女子组', rank: '1', score: '95.5' }),
      row({ code: w2.code, group: '女子组', rank: '0' }),
      row({ code: w3.code, group: '少年组', rank: '3' }),
      row({ code: 'ZZZZZZZZZZ', group: '男子组', rank: '4' }),
      row({ name: '不存在', phone: '13700219999', group: '男子组', rank: '4' }),
      row({ code: m4.code, group: '女子组', rank: '4' }),
      row({ code: m1.code, group: '男子组', rank: '5' }),
      row({ code: m4.code, group: '男子组', rank: '6', status: 'DNF' }),
      row({ code: m4.code, group: '男子组', rank: '', time: '1:2:3' }),
      row({ code: m4.code, group: '男子组', rank: '3', time: '00:50:00', score: '3' }),
      row({ code: m4.code, group: '男子组', rank: '3', status: '弃权' }),
    ]);
    expect(response.statusCode, response.body).toBe(201);
    const report = response.json<ImportReport>();
    expect(report.status).toBe('dry_run');
    expect(report.summary).toMatchObject({ rows: 14, valid: 4, invalid: 10, new: 4 });
    const codes = report.errors.map((error) => [error.row, error.column, error.code]);
    expect(codes).toEqual([
      [6, '名次', 'invalid_rank'],
      [7, '组别', 'unknown_group'],
      [8, '报名码', 'unknown_entrant'],
      [9, '姓名', 'unknown_entrant'],
      [10, '组别', 'group_mismatch'],
      [11, '报名码', 'duplicate_entrant'],
      [12, '名次', 'rank_not_allowed'],
      [13, '用时', 'invalid_time'],
      [14, '得分', 'time_and_score'],
      [15, '状态', 'unknown_status'],
    ]);
    expect(await resultCount(eventId)).toBe(0);
  });

  it('reports missing columns on the header row', async () => {
    const { eventId } = await eventWithEntrants(1);
    const workbook = await writeResultWorkbook([]);
    // A workbook without the required headers: an empty sheet.
    const ExcelJS = (await import('exceljs')).default;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(workbook as unknown as ArrayBuffer);
    book.worksheets[0]!.spliceColumns(5, 1);
    const content = Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
    const response = await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/result-imports`,
      payload: { fileName: 'x.xlsx', content },
    });
    expect(response.statusCode, response.body).toBe(201);
    const report = response.json<ImportReport>();
    expect(report.errors).toEqual([
      { row: 1, column: '名次', code: 'missing_column', reason: '缺少“名次”列，请使用导入模板' },
    ]);
  });

  it('rejects a file that is not a workbook', async () => {
    const { eventId } = await eventWithEntrants(1);
    const response = await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/result-imports`,
      payload: { fileName: 'x.xlsx', content: Buffer.from('not a workbook').toString('base64') },
    });
    expectProblem(response, 400, 'RES_FILE_UNREADABLE');
  });

  it('reads times that Excel stored as fractions of a day', async () => {
    const { eventId, men } = await eventWithEntrants(1);
    const ExcelJS = (await import('exceljs')).default;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(
      (await writeResultWorkbook([
        row({ code: men[0]!.code, group: '男子组', rank: '1' }),
      ])) as unknown as ArrayBuffer,
    );
    const cell = book.worksheets[0]!.getCell('F2');
    cell.value = (3723.5 / 86400) as number;
    cell.numFmt = 'hh:mm:ss.000';
    const content = Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
    const response = await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/result-imports`,
      payload: { fileName: 'x.xlsx', content },
    });
    expect(response.statusCode, response.body).toBe(201);
    const report = response.json<ImportReport & { rows: { result: string }[] }>();
    expect(report.errors).toEqual([]);
    expect(report.rows[0]?.result).toBe('第1名 · 01:02:03.5');
  });
});

describe('result import commit', () => {
  it('refuses a dry run with errors and writes nothing', async () => {
    const { eventId, men } = await eventWithEntrants(2);
    const response = await dryRun(eventId, [
      row({ code: men[0]!.code, group: '男子组', rank: '1' }),
      row({ code: men[1]!.code, group: '男子组', rank: 'x' }),
    ]);
    const committed = await commit(eventId, response.json<ImportReport>().id);
    expectProblem(committed, 409, 'RES_IMPORT_HAS_ERRORS');
    expect(await resultCount(eventId)).toBe(0);
  });

  it('writes no row when one entry was cancelled after the dry run', async () => {
    const { eventId, men } = await eventWithEntrants(3);
    const response = await dryRun(
      eventId,
      men.map((entrant, index) =>
        row({ code: entrant.code, group: '男子组', rank: String(index + 1) }),
      ),
    );
    expect(response.json<ImportReport>().summary.valid).toBe(3);
    const cancelled = await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/registrations/${men[2]!.id}/cancel`,
      payload: { reason: '本人申请' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);

    const committed = await commit(eventId, response.json<ImportReport>().id);
    expectProblem(committed, 409, 'RES_IMPORT_STALE');
    expect(await resultCount(eventId)).toBe(0);
  });

  it('commits every row once and audits it', async () => {
    const { eventId, men } = await eventWithEntrants(2);
    const response = await dryRun(eventId, [
      row({ code: men[0]!.code, group: '男子组', rank: '1', time: '00:30:00' }),
      row({ code: men[1]!.code, group: '男子组', status: 'DSQ' }),
    ]);
    const importId = response.json<ImportReport>().id;
    const committed = await commit(eventId, importId);
    expect(committed.statusCode, committed.body).toBe(200);
    expect(committed.json<ImportReport>().status).toBe('committed');
    expect(await resultCount(eventId)).toBe(2);

    expectProblem(await commit(eventId, importId), 409, 'RES_IMPORT_ALREADY_COMMITTED');
    const audits = await ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', eventId)
      .where('action', '=', 'results.imported')
      .execute();
    expect(audits).toHaveLength(1);
  });

  it('finds no import of another event', async () => {
    const first = await eventWithEntrants(1);
    const second = await eventWithEntrants(1);
    const response = await dryRun(first.eventId, [
      row({ code: first.men[0]!.code, group: '男子组', rank: '1' }),
    ]);
    const committed = await commit(second.eventId, response.json<ImportReport>().id);
    expectProblem(committed, 404, 'RES_IMPORT_NOT_FOUND');
  });
});

describe('console result entry', () => {
  it('saves, replaces and validates a result', async () => {
    const { eventId, men } = await eventWithEntrants(1);
    const id = men[0]!.id;
    const saved = await putResult(eventId, id, {
      status: 'finished',
      rank: 1,
      time: '01:02:03.456',
      score: null,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<{ result: { text: string; time: string } }>().result).toMatchObject({
      time: '01:02:03.456',
      text: '第1名 · 01:02:03.456',
    });

    const noRank = await putResult(eventId, id, {
      status: 'finished',
      rank: null,
      time: null,
      score: '90',
    });
    expectProblem(noRank, 400, 'RES_RESULT_INVALID');
    const badTime = await putResult(eventId, id, {
      status: 'finished',
      rank: 1,
      time: '1:99:00',
      score: null,
    });
    expectProblem(badTime, 400, 'RES_RESULT_INVALID');

    const dnf = await putResult(eventId, id, {
      status: 'dnf',
      rank: null,
      time: null,
      score: null,
    });
    expect(dnf.json<{ result: { text: string } }>().result.text).toBe('未完赛');
    const audits = await ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', id)
      .where('action', '=', 'result.updated')
      .execute();
    expect(audits).toHaveLength(2);
  });

  it('rejects a result of a cancelled entry', async () => {
    const { eventId, men } = await eventWithEntrants(1);
    await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/registrations/${men[0]!.id}/cancel`,
      payload: { reason: '本人申请' },
    });
    const response = await putResult(eventId, men[0]!.id, {
      status: 'finished',
      rank: 1,
      time: null,
      score: null,
    });
    expectProblem(response, 404, 'RES_ENTRY_NOT_FOUND');
  });

  it("keeps another organisation's results out of reach", async () => {
    const { eventId, men } = await eventWithEntrants(1);
    const response = await as(
      ctx.app,
      otherOrganiser,
    )({
      method: 'PUT',
      url: `/api/console/events/${eventId}/results/${men[0]!.id}`,
      payload: { status: 'finished', rank: 1, time: null, score: null },
    });
    expect([403, 404]).toContain(response.statusCode);
    expect(await resultCount(eventId)).toBe(0);
  });
});

describe('result publication', () => {
  it('needs at least one result', async () => {
    const { eventId } = await eventWithEntrants(1);
    expectProblem(await publish(eventId), 409, 'RES_NOTHING_TO_PUBLISH');
  });

  it('notifies each entrant once and emits one webhook, however often it is called', async () => {
    const { eventId, men, women } = await eventWithEntrants(2);
    await importResults(eventId, [
      row({ code: men[0]!.code, group: '男子组', rank: '1', time: '00:30:00.120' }),
      row({ code: men[1]!.code, group: '男子组', status: 'DNF' }),
      row({ code: women[0]!.code, group: '女子组', rank: '1', time: '00:35:00' }),
    ]);
    const first = await publish(eventId);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ alreadyPublished: false, results: 3, finishers: 2 });
    const second = await publish(eventId);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({ alreadyPublished: true });

    expect(await noticeCount(eventId)).toBe(3);
    expect(await webhookCount(eventId)).toBe(1);
    const audits = await ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', eventId)
      .where('action', '=', 'results.published')
      .execute();
    expect(audits).toHaveLength(1);

    // A result entered after publication queues its own notice, and no entrant gets a second one.
    await putResult(eventId, women[1]!.id, {
      status: 'finished',
      rank: 2,
      time: '00:36:00',
      score: null,
    });
    await putResult(eventId, men[0]!.id, {
      status: 'finished',
      rank: 1,
      time: '00:29:59',
      score: null,
    });
    expect(await noticeCount(eventId)).toBe(4);
  });

  it('publishes once when two requests arrive together', async () => {
    const { eventId, men } = await eventWithEntrants(2);
    await importResults(eventId, [
      row({ code: men[0]!.code, group: '男子组', rank: '1' }),
      row({ code: men[1]!.code, group: '男子组', rank: '2' }),
    ]);
    const responses = await Promise.all([publish(eventId), publish(eventId)]);
    const flags = responses.map((response) => response.json<{ alreadyPublished: boolean }>());
    expect(flags.map((flag) => flag.alreadyPublished).sort()).toEqual([false, true]);
    expect(await noticeCount(eventId)).toBe(2);
    expect(await webhookCount(eventId)).toBe(1);
  });

  it('sends the result in the SMS', async () => {
    const { eventId, men } = await eventWithEntrants(1);
    const entrant = men[0]!;
    await importResults(eventId, [
      row({ code: entrant.code, group: '男子组', rank: '1', time: '00:30:00.120' }),
    ]);
    await publish(eventId);
    await deliverOutbox(ctx.app);
    const sms = await ctx.app.inject({
      method: 'GET',
      url: `/api/dev/sms?phone=${entrant.phone}`,
    });
    const texts = sms.json<{ items: { text: string }[] }>().items.map((item) => item.text);
    const notices = texts.filter((text) => text.includes('成绩已发布'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('第1名 · 00:30:00.12');
  });
});

describe('public results', () => {
  let eventId: string;
  let entrants: Entrant[];

  beforeAll(async () => {
    const setup = await eventWithEntrants(3);
    eventId = setup.eventId;
    entrants = [...setup.men, ...setup.women];
    const [m1, m2, m3] = setup.men as [Entrant, Entrant, Entrant];
    const [w1, w2, w3] = setup.women as [Entrant, Entrant, Entrant];
    await importResults(eventId, [
      row({ code: m1.code, group: '男子组', rank: '2', time: '00:41:00' }),
      row({ code: m2.code, group: '男子组', rank: '1', time: '00:40:00' }),
      row({ code: m3.code, group: '男子组', status: 'DNF' }),
      row({ code: w1.code, group: '女子组', rank: '1', score: '98' }),
      row({ code: w2.code, group: '女子组', rank: '1', score: '98' }),
      row({ code: w3.code, group: '女子组', status: 'DSQ' }),
    ]);
  });

  it('stays hidden until publication', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/results` });
    expectProblem(response, 404, 'RES_NOT_PUBLISHED');
    expect((await publish(eventId)).statusCode).toBe(200);
  });

  it('lists a group by rank with names masked and no phone', async () => {
    const groups = await ctx.db
      .selectFrom('event_groups')
      .select(['id', 'name'])
      .where('event_id', '=', eventId)
      .execute();
    const men = groups.find((group) => group.name === '男子组')!;
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${eventId}/results?groupId=${men.id}`,
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ items: { nameMasked: string; text: string }[] }>();
    expect(body.items.map((item) => item.text)).toEqual([
      '第1名 · 00:40:00',
      '第2名 · 00:41:00',
      '未完赛',
    ]);
    expect(body.items.every((item) => /^.\*+$/u.test(item.nameMasked))).toBe(true);
  });

  it('never contains a name, phone or masked phone', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/results` });
    expect(response.statusCode).toBe(200);
    for (const entrant of entrants) {
      expect(response.body).not.toContain(entrant.name);
      expect(response.body).not.toContain(entrant.phone);
      expect(response.body).not.toContain(entrant.phoneMasked);
      expect(response.body).not.toContain(entrant.code);
    }
    expect(response.body).not.toMatch(/1[3-9]\d{9}/);
  });

  it('pages through every result without repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const response = await ctx.app.inject({
        method: 'GET',
        url: `/api/events/${eventId}/results?limit=2${query}`,
      });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<{ items: { text: string }[]; nextCursor: string | null }>();
      seen.push(...body.items.map((item) => item.text));
      cursor = body.nextCursor;
    } while (cursor);
    const whole = await ctx.app.inject({ method: 'GET', url: `/api/events/${eventId}/results` });
    const all = whole.json<{ items: { text: string }[] }>().items.map((item) => item.text);
    expect(seen).toEqual(all);
    // Rank 1 of both groups first (ties in registration order), then rank 2, DNF and DSQ.
    expect(seen.slice(3)).toEqual(['第2名 · 00:41:00', '未完赛', '取消成绩']);
    expect(seen.slice(0, 3).sort()).toEqual(['第1名 · 00:40:00', '第1名 · 98分', '第1名 · 98分']);
  });

  async function lookUp(q: string) {
    return ctx.app.inject({
      method: 'GET',
      url: `/api/events/${eventId}/results?q=${encodeURIComponent(q)}`,
    });
  }

  it("looks up one entrant's result by full name", async () => {
    const target = entrants[1]!;
    const response = await lookUp(` ${target.name} `);
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json<{ items: { nameMasked: string; text: string }[] }>().items;
    expect(items.map((item) => item.text)).toEqual(['第1名 · 00:40:00']);
    const [first, ...rest] = Array.from(target.name);
    expect(items[0]?.nameMasked).toBe(`${first}${'*'.repeat(rest.length)}`);
    expect(response.body).not.toContain(target.name);
    expect(response.body).not.toContain(target.code);
  });

  it("looks up one entrant's result by registration code", async () => {
    const target = entrants[3]!;
    const response = await lookUp(target.code.toLowerCase());
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json<{ items: { groupName: string; text: string }[] }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ groupName: '女子组', text: '第1名 · 98分' });
    expect(response.body).not.toContain(target.code);
  });

  it('finds nothing by part of a name', async () => {
    const target = entrants[0]!;
    const partial = Array.from(target.name).slice(0, 2).join('');
    const response = await lookUp(partial);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('rejects a blank or overlong lookup', async () => {
    expectProblem(await lookUp('   '), 400, 'VALIDATION_FAILED');
    expectProblem(await lookUp('张'.repeat(51)), 400, 'VALIDATION_FAILED');
  });

  it('rejects a forged cursor', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${eventId}/results?cursor=bm90LWpzb24`,
    });
    expectProblem(response, 400, 'INVALID_CURSOR');
  });

  // The list writes an order of 0 to 2 and a rank within integer range, in plain decimal.
  it.each([
    { order: '2147483648', rank: '0' },
    { order: '0', rank: '2147483648' },
    { order: '0', rank: '99999999999' },
    { order: '0', rank: '-1' },
    { order: '3', rank: '0' },
    { order: '007', rank: '0' },
  ])('rejects the cursor order $order and rank $rank', async ({ order, rank }) => {
    const cursor = encodeCursor({ order, rank, id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' });
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${eventId}/results?cursor=${cursor}`,
    });
    expectProblem(response, 400, 'INVALID_CURSOR');
  });
});

interface Verified {
  code: string;
  name: string;
  eventName: string;
  groupName: string;
  result: string;
  date: string;
}

describe('certificates', () => {
  let eventId: string;
  let finisher: Entrant;
  let nonFinisher: Entrant;
  let citizen: string;

  beforeAll(async () => {
    const setup = await eventWithEntrants(2);
    eventId = setup.eventId;
    finisher = setup.men[0]!;
    nonFinisher = setup.men[1]!;
    citizen = await signInCitizen(ctx.app, finisher.phone, '198.51.100.77');
    await importResults(eventId, [
      row({ code: finisher.code, group: '男子组', rank: '3', time: '01:02:03.456' }),
      row({ code: nonFinisher.code, group: '男子组', status: 'DNF' }),
      row({ code: setup.women[0]!.code, group: '女子组', status: 'DSQ' }),
    ]);
  });

  async function certificateOf(registrationId: string) {
    return ctx.db
      .selectFrom('certificates')
      .selectAll()
      .where('registration_id', '=', registrationId)
      .executeTakeFirst();
  }

  it('issues certificates to finishers only, at publication', async () => {
    expect(await certificateOf(finisher.id)).toBeUndefined();
    await publish(eventId);
    const issued = await certificateOf(finisher.id);
    expect(issued?.code).toMatch(/^[2-9A-HJ-NP-Z]{12}$/);
    expect(await certificateOf(nonFinisher.id)).toBeUndefined();
    const count = await ctx.db
      .selectFrom('certificates')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('event_id', '=', eventId)
      .executeTakeFirstOrThrow();
    expect(count.count).toBe(1);
  });

  it('confirms a certificate by code with the five facts only', async () => {
    const { code } = (await certificateOf(finisher.id))!;
    const lower = code
      .toLowerCase()
      .replace(/(.{4})/g, '$1-')
      .replace(/-$/, '');
    const response = await ctx.app.inject({ method: 'GET', url: `/api/certificates/${lower}` });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<Verified & Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(
      ['code', 'date', 'eventId', 'eventName', 'groupName', 'issuedAt', 'name', 'result'].sort(),
    );
    expect(body).toMatchObject({
      code,
      name: finisher.name,
      groupName: '男子组',
      result: '第3名 · 01:02:03.456',
    });
    expect(body.date).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    expect(response.body).not.toContain(finisher.phone);
    expect(response.body).not.toContain(finisher.phoneMasked);
  });

  it('answers CRT_NOT_FOUND for an unknown code', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/certificates/ABCDEFGH2345' });
    expectProblem(response, 404, 'CRT_NOT_FOUND');
  });

  it('revokes the certificate of a finisher turned DSQ and restores it after', async () => {
    const { code } = (await certificateOf(finisher.id))!;
    await putResult(eventId, finisher.id, { status: 'dsq', rank: null, time: null, score: null });
    const revoked = await ctx.app.inject({ method: 'GET', url: `/api/certificates/${code}` });
    expectProblem(revoked, 404, 'CRT_NOT_FOUND');
    await putResult(eventId, finisher.id, {
      status: 'finished',
      rank: 3,
      time: '01:02:03.456',
      score: null,
    });
    const restored = await ctx.app.inject({ method: 'GET', url: `/api/certificates/${code}` });
    expect(restored.statusCode).toBe(200);
  });

  it("lists the citizen's own results with the certificate code", async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/citizen/results',
      headers: { cookie: citizen },
    });
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json<{
      items: { eventId: string; certificateCode: string; text: string }[];
    }>().items;
    const own = items.find((item) => item.eventId === eventId);
    expect(own?.text).toBe('第3名 · 01:02:03.456');
    expect(own?.certificateCode).toBe((await certificateOf(finisher.id))!.code);
  });

  it('renders the PNG at 1600 × 1131', async () => {
    const { code } = (await certificateOf(finisher.id))!;
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/citizen/certificates/${code}/certificate.png`,
      headers: { cookie: citizen },
    });
    expect(response.statusCode, response.body.slice(0, 200)).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    const png = response.rawPayload;
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(1600);
    expect(png.readUInt32BE(20)).toBe(1131);
  });

  it('renders the PDF as one A4 landscape page', async () => {
    const { code } = (await certificateOf(finisher.id))!;
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/citizen/certificates/${code}/certificate.pdf`,
      headers: { cookie: citizen },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const pdf = response.rawPayload.toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf).toMatch(/\/MediaBox \[ 0 0 841\.89 595\.28 \]/);
    expect(pdf.match(/\/Type \/Page\b/g)).toHaveLength(1);
    expect(pdf).toContain('/Subtype /Image');
  });

  async function storedFiles(code: string) {
    return ctx.db
      .selectFrom('certificate_files')
      .innerJoin('certificates', 'certificates.id', 'certificate_files.certificate_id')
      .select(['certificate_files.format', 'certificate_files.fingerprint'])
      .where('certificates.code', '=', code)
      .orderBy('certificate_files.format')
      .execute();
  }

  it('renders a certificate file once and revalidates it', async () => {
    const { code } = (await certificateOf(finisher.id))!;
    const url = `/api/citizen/certificates/${code}/certificate.png`;
    const first = await ctx.app.inject({ method: 'GET', url, headers: { cookie: citizen } });
    expect(first.statusCode).toBe(200);
    const rendered = certificateRenderCount();

    const second = await ctx.app.inject({ method: 'GET', url, headers: { cookie: citizen } });
    expect(second.statusCode).toBe(200);
    expect(certificateRenderCount()).toBe(rendered);
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(second.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['cache-control']).toBe('private, no-cache');

    const revalidated = await ctx.app.inject({
      method: 'GET',
      url,
      headers: { cookie: citizen, 'if-none-match': String(first.headers.etag) },
    });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.rawPayload.length).toBe(0);
    expect(certificateRenderCount()).toBe(rendered);
    expect((await storedFiles(code)).map((file) => file.format)).toEqual(['pdf', 'png']);
  });

  it('renders a certificate again after its result changes', async () => {
    const { code } = (await certificateOf(finisher.id))!;
    const url = `/api/citizen/certificates/${code}/certificate.png`;
    const before = await ctx.app.inject({ method: 'GET', url, headers: { cookie: citizen } });
    const rendered = certificateRenderCount();
    const [, storedBefore] = await storedFiles(code);

    await putResult(eventId, finisher.id, {
      status: 'finished',
      rank: 2,
      time: '01:01:00',
      score: null,
    });
    const after = await ctx.app.inject({
      method: 'GET',
      url,
      headers: { cookie: citizen, 'if-none-match': String(before.headers.etag) },
    });
    expect(after.statusCode).toBe(200);
    expect(certificateRenderCount()).toBe(rendered + 1);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.rawPayload.equals(before.rawPayload)).toBe(false);
    const [, storedAfter] = await storedFiles(code);
    expect(storedAfter?.fingerprint).not.toBe(storedBefore?.fingerprint);
    expect(`"${storedAfter?.fingerprint}"`).toBe(after.headers.etag);
  });

  it.runIf(process.env.DATABASE_URL)('renders once for simultaneous first requests', async () => {
    const { code } = (await certificateOf(finisher.id))!;
    await ctx.db
      .deleteFrom('certificate_files')
      .where('certificate_id', 'in', (eb) =>
        eb.selectFrom('certificates').select('id').where('code', '=', code),
      )
      .execute();
    // A second app on the same database acts as a second instance.
    const other = await ctx.buildApp();
    const url = `/api/citizen/certificates/${code}/certificate.png`;
    const rendered = certificateRenderCount();

    const responses = await Promise.all(
      [ctx.app, other, ctx.app, other].map((app) =>
        app.inject({ method: 'GET', url, headers: { cookie: citizen } }),
      ),
    );
    for (const response of responses) expect(response.statusCode).toBe(200);
    expect(certificateRenderCount()).toBe(rendered + 1);
    const etags = new Set(responses.map((response) => response.headers.etag));
    expect(etags.size).toBe(1);
    for (const response of responses.slice(1)) {
      expect(response.rawPayload.equals(responses[0]!.rawPayload)).toBe(true);
    }
    expect((await storedFiles(code)).map((file) => file.format)).toEqual(['png']);
  });

  it('leaves out an only default group', async () => {
    const { eventId: soloEventId } = await publishWithGroups(ctx.app, organiser, reviewer, []);
    const entrant = await register(soloEventId, await onlyGroupOf(ctx.db, soloEventId));
    const saved = await putResult(soloEventId, entrant.id, {
      status: 'finished',
      rank: 1,
      time: '00:40:00',
      score: null,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const published = await publish(soloEventId);
    expect(published.statusCode, published.body).toBe(200);

    const results = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${soloEventId}/results`,
    });
    expect(results.json().items[0].groupName).toBe('');
    const certificate = await certificateOf(entrant.id);
    const verified = await ctx.app.inject({
      method: 'GET',
      url: `/api/certificates/${certificate!.code}`,
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().groupName).toBe('');
  });

  it("refuses another citizen's certificate", async () => {
    const { code } = (await certificateOf(finisher.id))!;
    const stranger = await signInCitizen(ctx.app, nextPhone(), '198.51.100.78');
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/citizen/certificates/${code}/certificate.png`,
      headers: { cookie: stranger },
    });
    expectProblem(response, 404, 'CRT_NOT_FOUND');
  });
});

describe('certificate design', () => {
  it('sets a layout, colour and background, and previews it', async () => {
    const { eventId } = await eventWithEntrants(1);
    const url = `/api/console/events/${eventId}/certificate-design`;
    const initial = await as(ctx.app, organiser)({ method: 'GET', url });
    expect(initial.json()).toEqual({ layout: 'classic', colour: 'red', hasBackground: false });

    const background = minimalPng().toString('base64');
    const saved = await as(
      ctx.app,
      organiser,
    )({
      method: 'PUT',
      url,
      payload: { layout: 'modern', colour: 'blue', background },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ layout: 'modern', colour: 'blue', hasBackground: true });

    const kept = await as(
      ctx.app,
      organiser,
    )({
      method: 'PUT',
      url,
      payload: { layout: 'simple', colour: 'gold' },
    });
    expect(kept.json()).toEqual({ layout: 'simple', colour: 'gold', hasBackground: true });

    const bad = await as(
      ctx.app,
      organiser,
    )({
      method: 'PUT',
      url,
      payload: {
        layout: 'simple',
        colour: 'gold',
        background: Buffer.from('text').toString('base64'),
      },
    });
    expectProblem(bad, 400, 'CRT_BACKGROUND_INVALID');

    const removed = await as(
      ctx.app,
      organiser,
    )({
      method: 'PUT',
      url,
      payload: { layout: 'simple', colour: 'gold', background: null },
    });
    expect(removed.json()).toEqual({ layout: 'simple', colour: 'gold', hasBackground: false });

    const preview = await as(
      ctx.app,
      organiser,
    )({
      method: 'GET',
      url: `/api/console/events/${eventId}/certificate-preview.png`,
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.rawPayload.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
