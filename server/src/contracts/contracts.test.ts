import { creditCodeCheckCharacter } from '@cityleague/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createContract,
  createTestContext,
  eventInput,
  expectProblem,
  fileEvent,
  shanghaiYearOf,
  signIn,
  testCreditCode,
  type TestContext,
} from '../test/harness.js';
import { readContractWorkbook, writeContractWorkbook } from './contract-workbook.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
const creditCodes: Record<string, string> = {};
/** The year filings of eventInput() start in, so contracts of this year match them. */
let YEAR: number;

const ACCOUNTS = [
  { username: 'ct.operator', accountType: 'operator', divisionCode: '3101' },
  { username: 'ct.contractorA', accountType: 'contractor', divisionCode: '3101' },
  { username: 'ct.contractorB', accountType: 'contractor', divisionCode: '3101' },
  { username: 'ct.association', accountType: 'community_association', divisionCode: '3101' },
];

beforeAll(async () => {
  ctx = await createTestContext();
  YEAR = shanghaiYearOf(eventInput().startsAt);
  for (const account of ACCOUNTS) {
    const creditCode = account.accountType === 'community_association' ? null : testCreditCode();
    if (creditCode) creditCodes[account.username] = creditCode;
    await createAccount(ctx.db, { ...account, creditCode });
    cookies[account.username] = await signIn(ctx.app, account.username);
  }
});

afterAll(async () => {
  await ctx.close();
});

function user(username: string) {
  return as(ctx.app, cookies[username]!);
}

/** Builds a credit code for serial n, optionally spoiling one character. */
function creditCode(n: number): string {
  const first17 = `91310000MA${String(n).padStart(7, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

/** Builds a valid city-level row for contractor `code` and event `name`. */
function cityRow(code: string, name: string, overrides: Partial<Record<number, string>> = {}) {
  const row = [
    '测试体育发展有限公司',
    code,
    '市级',
    '',
    '联赛',
    '三人篮球',
    name,
    '测试联系人',
    '13800138001',
  ];
  for (const [index, value] of Object.entries(overrides)) row[Number(index)] = value ?? '';
  return row;
}

async function upload(rows: string[][], options: { fileName?: string; year?: number } = {}) {
  const content = (await writeContractWorkbook(rows)).toString('base64');
  return user('ct.operator')({
    method: 'POST',
    url: '/api/console/contracts/imports',
    payload: { fileName: options.fileName ?? '中标合同.xlsx', content, year: options.year ?? YEAR },
  });
}

function commit(id: string) {
  return user('ct.operator')({
    method: 'POST',
    url: `/api/console/contracts/imports/${id}/commit`,
  });
}

interface ImportReport {
  id: string;
  status: string;
  summary: { rows: number; new: number; changed: number; unchanged: number; invalid: number };
  errors: { row: number; column: string; code: string; reason: string }[];
  rows: { row: number; status: string; changedFields: string[]; eventName: string }[];
}

async function dryRun(rows: string[][], options: { year?: number } = {}): Promise<ImportReport> {
  const response = await upload(rows, options);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<ImportReport>();
}

async function committed(rows: string[][]): Promise<ImportReport> {
  const report = await dryRun(rows);
  const response = await commit(report.id);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<ImportReport>();
}

/** Fingerprints the contracts table: every column of every row. */
async function contractsFingerprint(): Promise<string> {
  const { rows } = await sql<{ print: string }>`
    select md5(coalesce(string_agg(c::text, '|' order by c.id), '')) as print
    from contracts c`.execute(ctx.db);
  return rows[0]?.print ?? '';
}

async function countAudit(entityId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('entity_id', '=', entityId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

describe('contract import dry run', () => {
  it('reports each bad row by column', async () => {
    const base = creditCode(101);
    const wrongCharacter = `${base.slice(0, 4)}I${base.slice(5)}`;
    const wrongCheck = `${base.slice(0, 17)}${base[17] === '0' ? '1' : '0'}`;
    const before = await contractsFingerprint();

    const report = await dryRun([
      cityRow(base, '城市联赛 三人篮球赛'),
      [
        '测试区级承办单位',
        creditCode(102),
        '区级',
        '浦东新区',
        '系列赛',
        'badminton',
        '浦东羽毛球系列赛',
        '测试联系人',
        '+86 138 0013 8002',
      ],
      cityRow(wrongCharacter, '错字代码赛事'),
      cityRow(wrongCheck, '校验码错误赛事'),
      cityRow(creditCode(103), '冰壶赛', { 5: '冰壶' }),
      cityRow(creditCode(104), '电话错误赛事', { 8: '1234567' }),
      cityRow(base, '城市联赛 三人篮球赛', { 8: '13800138009' }),
      cityRow(creditCode(105), '缺区赛事', { 2: '区级' }),
      cityRow(creditCode(106), '社区运动会', { 4: '社区健康运动会' }),
      cityRow(creditCode(107), '未知级别', { 2: '省级' }),
    ]);

    expect(report.status).toBe('dry_run');
    expect(report.summary).toEqual({ rows: 10, new: 2, changed: 0, unchanged: 0, invalid: 8 });
    expect(report.rows.map((row) => [row.row, row.status])).toEqual([
      [2, 'new'],
      [3, 'new'],
    ]);
    const errors = report.errors.map(({ row, column, code }) => [row, column, code]);
    expect(errors).toEqual([
      [4, '统一社会信用代码', 'invalid_credit_code'],
      [5, '统一社会信用代码', 'invalid_credit_code'],
      [6, '项目', 'unknown_sport'],
      [7, '联系电话', 'invalid_phone'],
      [8, '中标赛事名称', 'duplicate_row'],
      [9, '所属区', 'required'],
      [10, '板块', 'section_not_allowed'],
      [11, '赛事级别', 'unknown_level'],
    ]);
    expect(report.errors[0]?.reason).toContain('第 5 位');
    expect(report.errors[1]?.reason).toContain('第 18 位');
    expect(report.errors[2]?.reason).toContain('冰壶');
    expect(report.errors[4]?.reason).toContain('第 2 行');
    expect(await contractsFingerprint()).toBe(before);
  });

  it('reports a missing column on row 1', async () => {
    const rows = [cityRow(creditCode(110), '缺列赛事')];
    const workbook = await writeContractWorkbook(rows);
    const read = await readContractWorkbook(workbook);
    expect(read.ok).toBe(true);

    // Rebuild the workbook without the phone column.
    const ExcelJS = (await import('exceljs')).default;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(workbook as unknown as ArrayBuffer);
    book.worksheets[0]!.spliceColumns(9, 1);
    const content = Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
    const response = await user('ct.operator')({
      method: 'POST',
      url: '/api/console/contracts/imports',
      payload: { fileName: '缺列.xlsx', content, year: YEAR },
    });
    expect(response.statusCode, response.body).toBe(201);
    const report = response.json<ImportReport>();
    expect(report.errors).toEqual([
      { row: 1, column: '联系电话', code: 'missing_column', reason: expect.any(String) },
    ]);
    expect(report.summary.invalid).toBe(1);
    expectProblem(await commit(report.id), 409, 'CTR_IMPORT_HAS_ERRORS');
  });

  it('rejects a file that is not a workbook', async () => {
    const response = await user('ct.operator')({
      method: 'POST',
      url: '/api/console/contracts/imports',
      payload: { fileName: 'a.xlsx', content: Buffer.from('not a workbook').toString('base64') },
    });
    expectProblem(response, 400, 'CTR_FILE_UNREADABLE');
  });

  it('rejects a file over 2 MiB', async () => {
    const content = Buffer.alloc(2 * 1024 * 1024 + 1, 1).toString('base64');
    const response = await user('ct.operator')({
      method: 'POST',
      url: '/api/console/contracts/imports',
      payload: { fileName: 'big.xlsx', content },
    });
    expectProblem(response, 413, 'CTR_FILE_TOO_LARGE');
  });

  it('rejects a body over the limit', async () => {
    const content = Buffer.alloc(3 * 1024 * 1024, 1).toString('base64');
    const response = await user('ct.operator')({
      method: 'POST',
      url: '/api/console/contracts/imports',
      payload: { fileName: 'huge.xlsx', content },
    });
    expectProblem(response, 413, 'REQUEST_TOO_LARGE');
  });

  it('rejects more than 5000 rows', async () => {
    const rows = Array.from({ length: 5001 }, (_, index) =>
      cityRow(creditCode(900), `行数上限赛事 ${index}`),
    );
    const before = await ctx.db
      .selectFrom('contract_imports')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    expectProblem(await upload(rows), 400, 'CTR_FILE_TOO_MANY_ROWS');
    const after = await ctx.db
      .selectFrom('contract_imports')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    expect(after.count).toBe(before.count);
  });

  it('rejects content that is not base64', async () => {
    const response = await user('ct.operator')({
      method: 'POST',
      url: '/api/console/contracts/imports',
      payload: { fileName: 'a.xlsx', content: '%%%%' },
    });
    expectProblem(response, 400, 'VALIDATION_FAILED');
  });

  it('accepts the template as it is', async () => {
    const response = await user('ct.operator')({
      method: 'GET',
      url: '/api/console/contracts/template.xlsx',
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename\*=UTF-8''/);
    const read = await readContractWorkbook(response.rawPayload);
    expect(read.ok).toBe(true);
    expect(read.ok ? read.rows.length : 0).toBe(1);

    const dry = await user('ct.operator')({
      method: 'POST',
      url: '/api/console/contracts/imports',
      payload: { fileName: '模板.xlsx', content: response.rawPayload.toString('base64') },
    });
    expect(dry.statusCode, dry.body).toBe(201);
    expect(dry.json<ImportReport>().summary).toMatchObject({ new: 1, invalid: 0 });
  });

  it('turns away a contractor', async () => {
    const content = (await writeContractWorkbook([])).toString('base64');
    const response = await user('ct.contractorA')({
      method: 'POST',
      url: '/api/console/contracts/imports',
      payload: { fileName: 'a.xlsx', content },
    });
    expectProblem(response, 403, 'ACC_ROLE_FORBIDDEN');
  });
});

describe('contract import commit', () => {
  it('stores contracts with the phone encrypted', async () => {
    const code = creditCode(201);
    const rows = [
      cityRow(code.toLowerCase(), '加密检查赛事'),
      [
        '测试区级承办单位',
        creditCode(202),
        '区级',
        '310115',
        '系列赛',
        '羽毛球',
        '浦东系列赛',
        '测试联系人',
        '13800138002',
      ],
    ];
    const report = await committed(rows);
    expect(report.status).toBe('committed');
    expect(report.summary).toMatchObject({ new: 2, changed: 0, unchanged: 0, invalid: 0 });

    const stored = await ctx.db
      .selectFrom('contracts')
      .selectAll()
      .where('credit_code', 'in', [code, creditCode(202)])
      .orderBy('event_name')
      .execute();
    expect(stored.map((c) => [c.credit_code, c.level, c.district_code, c.sport])).toEqual([
      [code, 'city', null, 'basketball_3x3'],
      [creditCode(202), 'district', '310115', 'badminton'],
    ]);
    const contract = stored[0]!;
    expect(contract.contact_phone_ciphertext).not.toContain('13800138001');
    expect(ctx.app.cipher.decrypt(contract.contact_phone_ciphertext)).toBe('13800138001');
    expect(contract.contact_phone_hash).toBe(ctx.app.cipher.hash('13800138001'));
    expect(contract.contact_phone_masked).toBe('138****8001');
    expect(contract.import_id).toBe(report.id);

    const audit = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', report.id)
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual(['contracts.import']);
    expect(audit[0]?.detail).toMatchObject({ new: 2, changed: 0, unchanged: 0, year: YEAR });
  });

  it('changes nothing when the same file comes again', async () => {
    const rows = [
      cityRow(creditCode(301), '重复导入赛事'),
      cityRow(creditCode(302), '重复导入赛事二'),
    ];
    await committed(rows);
    const before = await contractsFingerprint();

    const again = await dryRun(rows);
    expect(again.summary).toEqual({ rows: 2, new: 0, changed: 0, unchanged: 2, invalid: 0 });
    const applied = await commit(again.id);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json<ImportReport>().summary).toMatchObject({
      new: 0,
      changed: 0,
      unchanged: 2,
    });
    expect(await contractsFingerprint()).toBe(before);
  });

  it('updates a changed row in place', async () => {
    const code = creditCode(401);
    await committed([cityRow(code, '变更检查赛事')]);
    const original = await ctx.db
      .selectFrom('contracts')
      .selectAll()
      .where('credit_code', '=', code)
      .executeTakeFirstOrThrow();

    const report = await dryRun([cityRow(code, '变更检查赛事', { 5: '足球', 8: '13800138099' })]);
    expect(report.rows).toEqual([
      expect.objectContaining({ status: 'changed', changedFields: ['sport', 'contactPhone'] }),
    ]);
    await commit(report.id);
    const updated = await ctx.db
      .selectFrom('contracts')
      .selectAll()
      .where('credit_code', '=', code)
      .execute();
    expect(updated).toHaveLength(1);
    expect(updated[0]?.id).toBe(original.id);
    expect(updated[0]?.sport).toBe('football');
    expect(updated[0]?.contact_phone_masked).toBe('138****8099');
  });

  it('applies a double commit once', async () => {
    const rows = [
      cityRow(creditCode(501), '并发提交赛事'),
      cityRow(creditCode(502), '并发提交赛事二'),
    ];
    const report = await dryRun(rows);
    const responses = await Promise.all([commit(report.id), commit(report.id), commit(report.id)]);
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 409, 409]);
    for (const response of responses.filter((r) => r.statusCode === 409)) {
      expectProblem(response, 409, 'CTR_IMPORT_ALREADY_COMMITTED');
    }
    const count = await ctx.db
      .selectFrom('contracts')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('credit_code', 'in', [creditCode(501), creditCode(502)])
      .executeTakeFirstOrThrow();
    expect(Number(count.count)).toBe(2);
    expect(await countAudit(report.id)).toBe(1);
  });

  it('recounts rows at commit', async () => {
    const rows = [cityRow(creditCode(511), '重新计数赛事')];
    const first = await dryRun(rows);
    const second = await dryRun(rows);
    expect(second.summary.new).toBe(1);

    expect((await commit(first.id)).json<ImportReport>().summary.new).toBe(1);
    const later = (await commit(second.id)).json<ImportReport>();
    expect(later.summary).toMatchObject({ new: 0, changed: 0, unchanged: 1 });
  });

  it('inserts a key once when two imports race', async () => {
    const codes = [creditCode(521), creditCode(522), creditCode(523)];
    const rows = codes.map((code, index) => cityRow(code, `并发导入赛事 ${index}`));
    const first = await dryRun(rows);
    const second = await dryRun(rows);

    const responses = await Promise.all([commit(first.id), commit(second.id)]);
    for (const response of responses) expect(response.statusCode, response.body).toBe(200);
    const summaries = responses.map((response) => response.json<ImportReport>().summary);
    expect(summaries[0]!.new + summaries[1]!.new).toBe(3);
    expect(summaries[0]!.unchanged + summaries[1]!.unchanged).toBe(3);
    const count = await ctx.db
      .selectFrom('contracts')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('credit_code', 'in', codes)
      .executeTakeFirstOrThrow();
    expect(Number(count.count)).toBe(3);
  });

  it('rejects an unknown import', async () => {
    expectProblem(
      await commit('01890000-0000-7000-8000-000000000000'),
      404,
      'CTR_IMPORT_NOT_FOUND',
    );
  });
});

describe('contract list', () => {
  it('filters and pages', async () => {
    const code = creditCode(601);
    await committed([
      cityRow(code, '列表赛事一'),
      cityRow(code, '列表赛事二'),
      [
        '列表区级单位',
        code,
        '区级',
        '浦东新区',
        '联赛',
        '足球',
        '列表赛事三',
        '测试联系人',
        '13800138003',
      ],
    ]);
    const list = (query: string) =>
      user('ct.operator')({ method: 'GET', url: `/api/console/contracts?${query}` });

    const first = await list(`q=${code}&limit=2`);
    expect(first.statusCode, first.body).toBe(200);
    const page1 = first.json<{ items: { eventName: string }[]; nextCursor: string | null }>();
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const second = await list(`q=${code}&limit=2&cursor=${page1.nextCursor}`);
    const page2 = second.json<{ items: { eventName: string }[]; nextCursor: string | null }>();
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    const names = [...page1.items, ...page2.items].map((item) => item.eventName).sort();
    expect(names).toEqual(['列表赛事一', '列表赛事三', '列表赛事二'].sort());

    const district = await list(`q=${code}&level=district`);
    const items = district.json<{ items: Record<string, unknown>[] }>().items;
    expect(items).toEqual([
      expect.objectContaining({
        eventName: '列表赛事三',
        districtCode: '310115',
        districtName: '浦东新区',
        sport: 'football',
        sportName: '足球',
        contactPhoneMasked: '138****8003',
      }),
    ]);
    expect(district.body).not.toContain('13800138003');

    const byName = await list(`q=${encodeURIComponent('列表赛事二')}`);
    expect(byName.json<{ items: unknown[] }>().items).toHaveLength(1);
    expectProblem(await list('cursor=bogus'), 400, 'INVALID_CURSOR');
  });
});

describe('filing under a contract', () => {
  async function contractOf(username: string, overrides: Record<string, unknown> = {}) {
    return createContract(ctx.db, {
      creditCode: creditCodes[username]!,
      year: YEAR,
      level: 'city',
      section: 'league_event',
      sport: 'basketball_3x3',
      ...overrides,
    });
  }

  function file(username: string, payload: Record<string, unknown>) {
    return user(username)({ method: 'POST', url: '/api/console/events', payload });
  }

  it('files under an own contract', async () => {
    const contractId = await contractOf('ct.contractorA');
    const response = await file('ct.contractorA', eventInput({ contractId }));
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().contractId).toBe(contractId);
  });

  it('requires a contract from a contractor', async () => {
    expectProblem(await file('ct.contractorA', eventInput()), 400, 'EVT_CONTRACT_REQUIRED');
  });

  it("rejects another contractor's contract", async () => {
    const contractId = await contractOf('ct.contractorB');
    const response = await file('ct.contractorA', eventInput({ contractId }));
    expectProblem(response, 403, 'EVT_CONTRACT_NOT_OWNED');
  });

  it('rejects an unknown contract', async () => {
    const response = await file(
      'ct.contractorA',
      eventInput({ contractId: '01890000-0000-7000-8000-000000000000' }),
    );
    expectProblem(response, 403, 'EVT_CONTRACT_NOT_OWNED');
  });

  it('rejects a filing that differs from the contract', async () => {
    const contractId = await contractOf('ct.contractorA');
    const response = await file(
      'ct.contractorA',
      eventInput({ contractId, sport: 'football', section: 'series' }),
    );
    const problem = expectProblem(response, 400, 'EVT_CONTRACT_MISMATCH');
    expect(problem.errors?.map((e) => [e.field, e.code])).toEqual([
      ['section', 'contract_mismatch'],
      ['sport', 'contract_mismatch'],
    ]);
  });

  it('rejects a district contract outside its district', async () => {
    const contractId = await contractOf('ct.contractorA', {
      level: 'district',
      districtCode: '310115',
    });
    const base = { contractId, level: 'district' };
    const outside = await file('ct.contractorA', eventInput({ ...base, divisionCode: '310104' }));
    const problem = expectProblem(outside, 400, 'EVT_CONTRACT_MISMATCH');
    expect(problem.errors?.map((e) => e.field)).toEqual(['divisionCode']);

    const inside = await file('ct.contractorA', eventInput({ ...base, divisionCode: '310115005' }));
    expect(inside.statusCode, inside.body).toBe(201);
  });

  it("rejects an event outside the contract's year", async () => {
    const contractId = await contractOf('ct.contractorA', { year: YEAR - 1 });
    const response = await file('ct.contractorA', eventInput({ contractId }));
    const problem = expectProblem(response, 400, 'EVT_CONTRACT_MISMATCH');
    expect(problem.errors?.map((e) => e.field)).toEqual(['startsAt']);
    expect(problem.errors?.[0]?.code).toBe('outside_contract_year');
    expect(problem.errors?.[0]?.message).toBe(`must be in the contract year ${YEAR - 1}`);
  });

  it('rejects a change away from the contract', async () => {
    const event = await fileEvent(ctx.app, cookies['ct.contractorA']!);
    const response = await user('ct.contractorA')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { sport: 'football' },
    });
    expectProblem(response, 400, 'EVT_CONTRACT_MISMATCH');
    const other = await contractOf('ct.contractorB');
    const moved = await user('ct.contractorA')({
      method: 'PATCH',
      url: `/api/console/events/${event.id}`,
      payload: { contractId: other },
    });
    expectProblem(moved, 403, 'EVT_CONTRACT_NOT_OWNED');
  });

  it('lets other filers file without a contract', async () => {
    const response = await file('ct.association', eventInput({ section: 'fitness_test' }));
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().contractId).toBeNull();
  });
});

describe('own contracts', () => {
  it('lists only the organisation contracts of this year on', async () => {
    const current = await createContract(ctx.db, {
      creditCode: creditCodes['ct.contractorB']!,
      year: YEAR,
      level: 'city',
      section: 'series',
      sport: 'go',
      eventName: '本年度合同',
    });
    await createContract(ctx.db, {
      creditCode: creditCodes['ct.contractorB']!,
      year: YEAR - 2,
      level: 'city',
      section: 'series',
      sport: 'go',
      eventName: '往年合同',
    });
    const response = await user('ct.contractorB')({
      method: 'GET',
      url: '/api/console/contracts/mine',
    });
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json<{ items: { id: string; creditCode: string }[] }>().items;
    expect(items.map((item) => item.id)).toContain(current);
    expect(items.every((item) => item.creditCode === creditCodes['ct.contractorB'])).toBe(true);
    expect(items.some((item) => (item as { eventName?: string }).eventName === '往年合同')).toBe(
      false,
    );
  });

  it('matches a contractor that signs up after the import', async () => {
    const code = creditCode(701);
    await committed([cityRow(code, '先导入后注册赛事')]);
    await createAccount(ctx.db, {
      username: 'ct.latecomer',
      accountType: 'contractor',
      divisionCode: '3101',
      creditCode: code,
    });
    const cookie = await signIn(ctx.app, 'ct.latecomer');
    const response = await as(
      ctx.app,
      cookie,
    )({
      method: 'GET',
      url: '/api/console/contracts/mine',
    });
    const items = response.json<{ items: { eventName: string; id: string }[] }>().items;
    expect(items.map((item) => item.eventName)).toEqual(['先导入后注册赛事']);

    const filed = await as(
      ctx.app,
      cookie,
    )({
      method: 'POST',
      url: '/api/console/events',
      payload: eventInput({ contractId: items[0]!.id }),
    });
    expect(filed.statusCode, filed.body).toBe(201);
  });

  it('is empty for an organisation without a credit code', async () => {
    const response = await user('ct.association')({
      method: 'GET',
      url: '/api/console/contracts/mine',
    });
    expect(response.json()).toEqual({ items: [] });
  });
});
