import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createAccount,
  createTestContext,
  expectProblem,
  type TestContext,
} from '../test/harness.js';
import {
  generatePresetStreetAccounts,
  presetUsername,
  streetOrganisationName,
  type PresetStreetAccountsResult,
} from './preset-street-accounts.service.js';
import {
  PRESET_HEADERS,
  PRESET_SHEET_NAME,
  writePresetWorkbook,
} from './preset-street-workbook.js';

const SHANGHAI_STREETS = 234;
// 徐家汇街道 has a street account before the first run, so it is skipped.
const EXISTING_STREET = '310104014';

let ctx: TestContext;
let streetCodes: string[];
let first: PresetStreetAccountsResult;
let folder: string;

beforeAll(async () => {
  ctx = await createTestContext();
  folder = await mkdtemp(join(tmpdir(), 'cityleague-preset-'));
  await createAccount(ctx.db, {
    username: 'street.demo',
    accountType: 'street',
    divisionCode: EXISTING_STREET,
  });
  const streets = await ctx.db
    .selectFrom('divisions')
    .select('code')
    .where('level', '=', 'street')
    .orderBy('code')
    .execute();
  streetCodes = streets.map((street) => street.code);
  first = await generatePresetStreetAccounts(ctx.db);
}, 120_000);

afterAll(async () => {
  await ctx.close();
  await rm(folder, { recursive: true, force: true });
});

describe('streetOrganisationName', () => {
  it.each([
    ['徐家汇街道', '徐家汇街道办事处'],
    ['七宝镇', '七宝镇人民政府'],
    ['横沙乡', '横沙乡人民政府'],
    ['东平林场', '东平林场'],
    ['前卫农场', '前卫农场'],
    ['莘庄工业区', '莘庄工业区管理委员会'],
  ])('names %s', (street, organisation) => {
    expect(streetOrganisationName(street)).toBe(organisation);
  });
});

describe('generatePresetStreetAccounts', () => {
  it('covers every street but the existing one', () => {
    expect(streetCodes).toHaveLength(SHANGHAI_STREETS);
    expect(first.created).toHaveLength(SHANGHAI_STREETS - 1);
    expect(first.skipped).toBe(1);
    expect(first.created.map((row) => row.divisionCode)).not.toContain(EXISTING_STREET);
  });

  it('numbers streets in code order', () => {
    const first3 = first.created.slice(0, 3).map((row) => row.username);
    expect(first3).toEqual(['SAGYWTB001', 'SAGYWTB002', 'SAGYWTB003']);
    for (const row of first.created) {
      expect(row.presetNumber).toBe(streetCodes.indexOf(row.divisionCode) + 1);
      expect(row.username).toBe(presetUsername(row.presetNumber));
    }
    const codes = first.created.map((row) => row.divisionCode);
    expect(codes).toEqual([...codes].sort());
  });

  it('leaves a gap for the skipped street', () => {
    const skippedNumber = streetCodes.indexOf(EXISTING_STREET) + 1;
    const numbers = first.created.map((row) => row.presetNumber);
    expect(numbers).not.toContain(skippedNumber);
    expect(numbers).toContain(skippedNumber - 1);
    expect(numbers).toContain(skippedNumber + 1);
  });

  it('returns district and street names', () => {
    expect(first.created[0]).toMatchObject({
      username: 'SAGYWTB001',
      districtName: '黄浦区',
      streetName: '南京东路街道',
      divisionCode: '310101002',
    });
  });

  it('stores street accounts with forced change', async () => {
    const user = await ctx.db
      .selectFrom('users')
      .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
      .select([
        'users.account_type',
        'users.division_code',
        'users.must_change_password',
        'users.preset_number',
        'organisations.name as organisation_name',
        'organisations.division_code as organisation_division',
      ])
      .where('users.username', '=', 'SAGYWTB001')
      .executeTakeFirstOrThrow();
    expect(user).toEqual({
      account_type: 'street',
      division_code: '310101002',
      must_change_password: true,
      preset_number: 1,
      organisation_name: '南京东路街道办事处',
      organisation_division: '310101002',
    });
  });

  it('gives each account its own password', () => {
    const passwords = new Set(first.created.map((row) => row.password));
    expect(passwords.size).toBe(first.created.length);
  });

  it('audits each created account', async () => {
    const row = await ctx.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('action', '=', 'account.preset')
      .executeTakeFirstOrThrow();
    expect(Number(row.count)).toBe(SHANGHAI_STREETS - 1);
  });

  it('creates nothing on a second run', async () => {
    const second = await generatePresetStreetAccounts(ctx.db);
    expect(second.created).toEqual([]);
    expect(second.skipped).toBe(SHANGHAI_STREETS);
  });

  it('rolls back when beforeCommit fails', async () => {
    const last = first.created.at(-1);
    if (!last) throw new Error('No preset account was created');
    // Free the last street, so that a run has one account to create.
    const user = await ctx.db
      .selectFrom('users')
      .select(['id', 'organisation_id'])
      .where('username', '=', last.username)
      .executeTakeFirstOrThrow();
    await ctx.db.deleteFrom('password_history').where('user_id', '=', user.id).execute();
    await ctx.db.deleteFrom('users').where('id', '=', user.id).execute();
    await ctx.db.deleteFrom('organisations').where('id', '=', user.organisation_id).execute();

    const failing = generatePresetStreetAccounts(ctx.db, {
      beforeCommit: async () => {
        throw new Error('disk full');
      },
    });
    await expect(failing).rejects.toThrow('disk full');
    const after = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', last.username)
      .executeTakeFirst();
    expect(after).toBeUndefined();

    const rerun = await generatePresetStreetAccounts(ctx.db);
    expect(rerun.created.map((row) => row.username)).toEqual([last.username]);
  });
});

describe('writePresetWorkbook', () => {
  it('writes header and rows', async () => {
    const file = join(folder, 'preset.xlsx');
    await writePresetWorkbook(file, first.created);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([PRESET_SHEET_NAME]);
    const sheet = workbook.getWorksheet(PRESET_SHEET_NAME);
    if (!sheet) throw new Error('Sheet missing');

    const header = sheet.getRow(1);
    expect(PRESET_HEADERS).toEqual(['序号', '区', '街镇', '行政区划代码', '账号', '初始密码']);
    expect((header.values as unknown[]).slice(1)).toEqual(PRESET_HEADERS);
    expect(header.font?.bold ?? header.getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getColumn(3).width).toBeGreaterThanOrEqual(20);

    expect(sheet.rowCount).toBe(first.created.length + 1);
    const firstRow = first.created[0];
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual([
      1,
      firstRow?.districtName,
      firstRow?.streetName,
      firstRow?.divisionCode,
      firstRow?.username,
      firstRow?.password,
    ]);
    const lastRow = first.created.at(-1);
    expect(sheet.getRow(sheet.rowCount).getCell(5).value).toBe(lastRow?.username);
    expect(sheet.getRow(sheet.rowCount).getCell(1).value).toBe(first.created.length);
  });
});

describe('preset account sign-in', () => {
  it('requires a password change first', async () => {
    const account = first.created[1];
    if (!account) throw new Error('No preset account was created');
    const signIn = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: account.username, password: account.password },
    });
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(signIn.json().mustChangePassword).toBe(true);
    expect(signIn.json().user.accountType).toBe('street');
    const cookie = signIn.cookies.find((c) => c.name === 'sid');
    const events = await ctx.app.inject({
      method: 'GET',
      url: '/api/console/events',
      headers: { cookie: `sid=${cookie?.value}` },
    });
    expectProblem(events, 403, 'ACC_PASSWORD_CHANGE_REQUIRED');
  });
});
