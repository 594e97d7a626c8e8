import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  countersOf,
  outboxKinds,
  publishWithGroups,
  residentId,
  statusCounts,
} from '../test/entries.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  recordPersonalData,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { checkCounters } from './counters.js';

let ctx: TestContext;
let organiser: string;
let reviewer: string;
let stranger: string;

const HEADERS = ['姓名', '手机号码', '身份证号码', '出生日期', '组别'];

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'xl.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'xl.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'xl.other',
    accountType: 'contractor',
    divisionCode: '3101',
    organisation: '另一家测试赛事公司',
  });
  organiser = await signIn(ctx.app, 'xl.contractor');
  reviewer = await signIn(ctx.app, 'xl.committee');
  stranger = await signIn(ctx.app, 'xl.other');
});

afterAll(async () => {
  await ctx.close();
});

function phone(n: number): string {
  return `1390002${String(n).padStart(4, '0')}`;
}

/** Builds a workbook: the header row, then rows whose cells keep their type (text, number, date). */
async function workbook(rows: unknown[][], headers: string[] = HEADERS): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('线下报名');
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
}

function importFile(eventId: string, content: string, dryRun: boolean, cookie = organiser) {
  return as(
    ctx.app,
    cookie,
  )({
    method: 'POST',
    url: `/api/console/events/${eventId}/registration-imports`,
    payload: { fileName: '线下报名.xlsx', content, dryRun },
  });
}

function exportEntries(eventId: string, query: string, cookie = organiser) {
  return as(
    ctx.app,
    cookie,
  )({ method: 'GET', url: `/api/console/events/${eventId}/registrations/export?${query}` });
}

function registerOnline(eventId: string, payload: Record<string, unknown>) {
  return ctx.app.inject({ method: 'POST', url: `/api/events/${eventId}/registrations`, payload });
}

async function readSheet(body: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as unknown as ArrayBuffer);
  const rows: string[][] = [];
  book.worksheets[0]!.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1).map((value) => String(value ?? '')));
  });
  return rows;
}

async function auditOf(eventId: string, action: string) {
  return ctx.db
    .selectFrom('audit_log')
    .select(['detail'])
    .where('action', '=', action)
    .where('entity_id', '=', eventId)
    .execute();
}

async function entriesOf(eventId: string) {
  return ctx.db
    .selectFrom('registrations')
    .select(['name', 'channel', 'status', 'id_masked', 'phone_masked'])
    .where('event_id', '=', eventId)
    .orderBy('id')
    .execute();
}

describe('offline entries import', () => {
  it('dry run reports every row problem', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '少年组', capacity: 10, minAge: 8, maxAge: 17 },
      { name: '成人组', capacity: 10 },
      { name: '团体组', capacity: 10, entryType: 'team', teamMin: 2, teamMax: 5 },
    ]);
    const registeredIdNumber = residentId('1990-05-01', 'female', 1);
    recordPersonalData(ctx, registeredIdNumber, phone(1));
    expect(
      (
        await registerOnline(eventId, {
          name: '线上甲',
          phone: phone(1),
          idNumber: registeredIdNumber,
          idConsent: true,
          groupId: groupIds[1],
        })
      ).statusCode,
    ).toBe(201);

    const good = residentId('2012-03-09', 'male', 2);
    const content = await workbook([
      ['线下甲', phone(10), good, null, '少年组'],
      ['线下乙', Number(phone(11)), null, 40977, '少年组'],
      ['线下丙', phone(12), Number(residentId('1991-01-01', 'male', 3)), null, '成人组'],
      ['线下丁', phone(13), null, null, '成人组'],
      ['线下戊', phone(14), good, null, '少年组'],
      ['线下己', phone(15), registeredIdNumber, null, '成人组'],
      ['线下庚', phone(16), null, null, '老年组'],
      ['线下辛', phone(17), null, null, null],
      ['线下壬', phone(18), null, null, '团体组'],
      ['线下癸', phone(19), null, '1980年1月1日', '少年组'],
      ['', '', '', '', ''],
      ['线下子', '0123', '00110', null, '成人组'],
    ]);
    const response = await importFile(eventId, content, true);
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ mode: 'dry_run', rows: 11, valid: 3, created: 0 });
    expect(report.errors.map((e: { row: number; code: string }) => `${e.row} ${e.code}`)).toEqual([
      '4 id_stored_as_number',
      '6 duplicate_row',
      '7 already_registered',
      '8 group_unknown',
      '9 group_required',
      '10 team_group',
      '11 too_old',
      '13 phone_length',
      '13 id_length',
    ]);
    for (const error of report.errors) expect(error.reason).toMatch(/[\u4e00-\u9fff]/);
    expect(report.groups).toEqual([
      { groupId: groupIds[0], name: '少年组', requested: 2, free: 10 },
      { groupId: groupIds[1], name: '成人组', requested: 1, free: 9 },
      { groupId: groupIds[2], name: '团体组', requested: 0, free: 10 },
    ]);
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 1 });
    expect(await auditOf(eventId, 'registrations.imported')).toEqual([]);

    const committed = await importFile(eventId, content, false);
    const problem = expectProblem(committed, 422, 'REG_IMPORT_HAS_ERRORS');
    expect(problem.errors).toHaveLength(9);
    expect(problem.errors?.[0]).toMatchObject({
      field: '4:身份证号码',
      code: 'id_stored_as_number',
    });
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 1 });
  });

  it('commits every row or none', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '少年组', capacity: 3, minAge: 8, maxAge: 17 },
    ]);
    const groupId = groupIds[0]!;
    const withX = residentId('2012-02-29', 'female', 7);
    const id = withX.endsWith('X') ? withX : residentId('2012-02-29', 'female', 7);
    recordPersonalData(ctx, id, phone(30), phone(31));
    const content = await workbook([
      ['线下甲', `+86 ${phone(30)}`, id.toLowerCase(), null, null],
      ['线下乙', Number(phone(31)), null, new Date(Date.UTC(2010, 6, 1)), '少年组'],
    ]);
    const response = await importFile(eventId, content, false);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ mode: 'committed', rows: 2, valid: 2, created: 2 });

    const entries = await entriesOf(eventId);
    expect(entries.map((entry) => [entry.name, entry.channel, entry.status])).toEqual([
      ['线下甲', 'import', 'active'],
      ['线下乙', 'import', 'active'],
    ]);
    expect(entries[0]!.id_masked).toBe(`${id.slice(0, 4)}**********${id.slice(14)}`);
    expect(entries[1]!.phone_masked).toBe(`${phone(31).slice(0, 3)}****${phone(31).slice(7)}`);
    expect(await countersOf(ctx.db, eventId, groupId)).toEqual({
      taken: 2,
      capacity: 3,
      registered: 2,
    });
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
    // Paper sign-ups count as on-site entries on the dashboards, not as online ones.
    expect(
      await ctx.db
        .selectFrom('dashboard_event_facts')
        .select(['online', 'on_site', 'partner'])
        .where('event_id', '=', eventId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ online: 0, on_site: 2, partner: 0 });
    expect(await outboxKinds(ctx.db, eventId, ['registration.confirmed'])).toHaveLength(2);
    expect((await auditOf(eventId, 'registrations.imported')).map((row) => row.detail)).toEqual([
      { fileName: '线下报名.xlsx', created: 2 },
    ]);

    // Two more rows for the one place left: nothing is imported.
    const over = await workbook([
      ['线下丙', phone(32), null, '2011-01-01', null],
      ['线下丁', phone(33), null, '2011-01-02', null],
    ]);
    const dry = await importFile(eventId, over, true);
    expect(dry.json().groups).toEqual([{ groupId, name: '少年组', requested: 2, free: 1 }]);
    const rejected = expectProblem(
      await importFile(eventId, over, false),
      409,
      'REG_IMPORT_OVER_CAPACITY',
    );
    expect(rejected.detail).toContain('少年组');
    expect(await countersOf(ctx.db, eventId, groupId)).toEqual({
      taken: 2,
      capacity: 3,
      registered: 2,
    });
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 2 });

    // The same file again: every person already has an entry.
    const again = expectProblem(
      await importFile(eventId, content, false),
      422,
      'REG_IMPORT_HAS_ERRORS',
    );
    expect(again.errors?.map((error) => error.code)).toEqual([
      'already_registered',
      'already_registered',
    ]);
  });

  // The same-phone rule of online entries: a mobile number used without an ID number is one
  // person, and two entries with ID numbers may share one. Without the rule in planImport the
  // dry run reports no same_phone rows.
  it('applies the same-phone rule', async () => {
    const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '同号组', capacity: 20 },
    ]);
    const onlineId = residentId('1985-07-07', 'male', 11);
    const ids = [12, 13, 14, 15, 16].map((serial) => residentId('1986-08-08', 'female', serial));
    recordPersonalData(ctx, onlineId, ...ids, phone(70), phone(71), phone(72), phone(73));
    expect((await registerOnline(eventId, { name: '线上无证', phone: phone(70) })).statusCode).toBe(
      201,
    );
    const withId = await registerOnline(eventId, {
      name: '线上有证',
      phone: phone(71),
      idNumber: onlineId,
      idConsent: true,
    });
    expect(withId.statusCode).toBe(201);

    const content = await workbook([
      ['线下甲', phone(70), ids[0], null, null],
      ['线下乙', phone(71), null, null, null],
      ['线下丙', phone(72), null, null, null],
      ['线下丁', phone(72), ids[1], null, null],
      ['线下戊', phone(73), ids[2], null, null],
      ['线下己', phone(73), null, null, null],
      ['线下庚', phone(73), ids[3], null, null],
    ]);
    const response = await importFile(eventId, content, true);
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json<{ valid: number; errors: { row: number; code: string }[] }>();
    expect(report.errors.map((error) => `${error.row} ${error.code}`)).toEqual([
      '2 same_phone',
      '3 same_phone',
      '5 same_phone',
      '7 same_phone',
    ]);
    expect(report.valid).toBe(3);
    expect(report.errors[2]).toMatchObject({
      column: '手机号码',
      reason: '与第 4 行共用手机号码，而第 4 行未填写身份证号码',
    });
    expect(report.errors[3]).toMatchObject({
      reason: '与第 6 行共用手机号码；未填写身份证号码时，一个手机号码只能报名一人',
    });
    for (const error of report.errors) expect(JSON.stringify(error)).toMatch(/[\u4e00-\u9fff]/);

    const committed = expectProblem(
      await importFile(eventId, content, false),
      422,
      'REG_IMPORT_HAS_ERRORS',
    );
    expect(committed.errors?.map((error) => error.field)).toEqual([
      '2:手机号码',
      '3:手机号码',
      '5:手机号码',
      '7:手机号码',
    ]);
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 2 });

    // Each clash fixed by dropping one side: the remaining rows import.
    const fixed = await workbook([
      ['线下丙', phone(72), null, null, null],
      ['线下戊', phone(73), ids[2], null, null],
      ['线下庚', phone(73), ids[3], null, null],
    ]);
    expect((await importFile(eventId, fixed, false)).statusCode).toBe(201);
    expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 5 });
  });

  it('rejects unreadable and foreign files', async () => {
    const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '公开组', capacity: 5 },
    ]);
    expectProblem(
      await importFile(eventId, Buffer.from('not a workbook').toString('base64'), true),
      400,
      'REG_IMPORT_UNREADABLE',
    );
    const noPhone = await importFile(eventId, await workbook([['线下甲']], ['姓名']), true);
    expect(noPhone.json().errors).toEqual([
      {
        row: 1,
        column: '手机号码',
        code: 'missing_column',
        reason: '缺少“手机号码”列，请使用导入模板',
      },
    ]);
    expectProblem(
      await importFile(eventId, await workbook([['线下甲', phone(40)]]), false, stranger),
      404,
      'EVT_NOT_FOUND',
    );
    expect(await statusCounts(ctx.db, eventId)).toEqual({});
  });

  // Negative control: with takePlaces(trx, groupId, 1) instead of the whole demand, a round
  // that the import won counted 1 place for its 3 entries, so 4 online entries got in. That
  // failed 2 runs of 2. The database decides which side wins a round, so the race runs
  // several rounds.
  it('keeps capacity racing online entries', async () => {
    const winners: string[] = [];
    for (let round = 0; round < 4; round += 1) {
      const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
        { name: '抢位组', capacity: 5 },
      ]);
      const groupId = groupIds[0]!;
      const content = await workbook([
        ['线下甲', phone(50), null, null, null],
        ['线下乙', phone(51), null, null, null],
        ['线下丙', phone(52), null, null, null],
      ]);
      const [imported, ...online] = await Promise.all([
        importFile(eventId, content, false),
        ...Array.from({ length: 12 }, (_, n) =>
          registerOnline(eventId, { name: '线上抢位', phone: phone(60 + n), groupId }),
        ),
      ]);
      const onlineCreated = online.filter((response) => response.statusCode === 201).length;
      if (imported!.statusCode === 201) {
        winners.push('import');
        expect(onlineCreated).toBe(2);
      } else {
        winners.push('online');
        expect(imported!.json().code).toBe('REG_IMPORT_OVER_CAPACITY');
        expect(onlineCreated).toBe(5);
      }
      expect(await countersOf(ctx.db, eventId, groupId)).toEqual({
        taken: 5,
        capacity: 5,
        registered: 5,
      });
      expect(await statusCounts(ctx.db, eventId)).toEqual({ active: 5 });
      expect(await checkCounters(ctx.db, eventId)).toEqual([]);
    }
    expect(winners).toHaveLength(4);
  });

  it("rejects the template's example row", async () => {
    const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '公开组', capacity: 5 },
    ]);
    const template = await as(
      ctx.app,
      organiser,
    )({
      method: 'GET',
      url: '/api/console/registration-imports/template',
    });
    expect(template.statusCode).toBe(200);
    expect(template.headers['content-disposition']).toContain('filename*=UTF-8');
    const rows = await readSheet(template.rawPayload);
    expect(rows[0]).toEqual(HEADERS);
    const unchanged = template.rawPayload.toString('base64');
    const dry = await importFile(eventId, unchanged, true);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ rows: 1, valid: 0 });
    expect(dry.json().errors).toEqual([
      { row: 2, column: '姓名', code: 'example_row', reason: '请删除模板中的示例行后再导入' },
    ]);
    const committed = expectProblem(
      await importFile(eventId, unchanged, false),
      422,
      'REG_IMPORT_HAS_ERRORS',
    );
    expect(committed.errors?.map((error) => error.code)).toEqual(['example_row']);
    expect(await statusCounts(ctx.db, eventId)).toEqual({});

    // The example's layout with a real person's details passes.
    const filled = await workbook([
      rows[1]!.map((cell, index) => (index === 0 ? '模板填写人' : cell)),
    ]);
    const filledDry = await importFile(eventId, filled, true);
    expect(filledDry.json()).toMatchObject({ rows: 1, valid: 1, errors: [] });
  });
});

describe('entries export', () => {
  let eventId: string;
  const idNumber = residentId('1988-08-08', 'male', 9);

  beforeAll(async () => {
    ({ eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '公开组', capacity: 5 },
    ]));
    recordPersonalData(ctx, idNumber, phone(70), phone(71));
    expect(
      (
        await registerOnline(eventId, {
          name: '导出甲',
          phone: phone(70),
          idNumber,
          idConsent: true,
        })
      ).statusCode,
    ).toBe(201);
    const second = await registerOnline(eventId, { name: '导出乙', phone: phone(71) });
    expect(second.statusCode).toBe(201);
    await ctx.db
      .updateTable('registrations')
      .set({ status: 'cancelled', cancelled_at: new Date(), cancel_reason: '=HYPERLINK("x")' })
      .where('id', '=', second.json<{ id: string }>().id)
      .execute();
    await ctx.db
      .updateTable('event_groups')
      .set({ taken: 1 })
      .where('event_id', '=', eventId)
      .execute();
    await ctx.db
      .updateTable('events')
      .set({ registered_count: 1 })
      .where('id', '=', eventId)
      .execute();
  });

  it('masks identifiers and audits export', async () => {
    const response = await exportEntries(eventId, 'format=xlsx');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    expect(response.headers['cache-control']).toBe('no-store');
    const rows = await readSheet(response.rawPayload);
    expect(rows[0]).toEqual([
      '报名码',
      '姓名',
      '手机号码',
      '身份证号码',
      '组别',
      '报名状态',
      '报名渠道',
      '报名时间',
      '签到时间',
      '取消时间',
      '取消原因',
    ]);
    expect(rows.slice(1).map((row) => row.slice(1, 7))).toEqual([
      [
        '导出甲',
        '139****0070',
        `${idNumber.slice(0, 4)}**********${idNumber.slice(14)}`,
        '公开组',
        '有效',
        '线上报名',
      ],
      ['导出乙', '139****0071', '', '公开组', '已取消', '线上报名'],
    ]);
    expect(rows[1]![7]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(response.rawPayload.toString('latin1')).not.toContain(phone(70));
    expect(
      (await auditOf(eventId, 'export.registrations')).map((row) => row.detail),
    ).toContainEqual({
      format: 'xlsx',
      rows: 2,
      unmasked: false,
    });
  });

  it('shows full identifiers on request', async () => {
    const rows = await readSheet(
      (await exportEntries(eventId, 'format=xlsx&unmasked=true')).rawPayload,
    );
    expect(rows[1]!.slice(2, 4)).toEqual([phone(70), idNumber]);
    expect(
      (await auditOf(eventId, 'export.registrations')).map((row) => row.detail),
    ).toContainEqual({
      format: 'xlsx',
      rows: 2,
      unmasked: true,
    });
  });

  it('writes CSV with neutralised formulas', async () => {
    const response = await exportEntries(eventId, 'format=csv');
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const text = response.body;
    expect(text.startsWith('\uFEFF报名码,姓名,手机号码')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(3);
  });

  it('hides event and rejects bad format', async () => {
    expectProblem(await exportEntries(eventId, 'format=xlsx', stranger), 404, 'EVT_NOT_FOUND');
    expectProblem(await exportEntries(eventId, 'format=pdf'), 400, 'VALIDATION_FAILED');
  });
});
