import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { redactUrl } from '../http/log-redaction.js';
import {
  createAccount,
  createTestContext,
  publishNewEvent,
  recordPersonalData,
  signIn,
  type TestContext,
} from './harness.js';
import {
  checkCaptureFolder,
  collectPersonalData,
  demoPersonalData,
  findPersonalData,
  FIXTURES_SUFFIX,
} from './log-capture.js';

// Fake people: names of the 测试 family, phones in 13800138xxx, an ID number with a valid check
// character for an invented birth date (1990-03-07).
const NAME = '测试日志甲';
const PHONE = '13800138611';
const RESIDENT_ID = '31010419900307123X';

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'cityleague-log-hygiene-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** Builds a context whose log goes to a private file that the suite's final check skips. */
async function privateContext(name: string): Promise<TestContext> {
  return createTestContext({ logFile: join(folder, `${name}.ndjson`) });
}

describe('collectPersonalData', () => {
  it('collects phones, ID numbers and the names beside them', () => {
    const values = new Set<string>();
    collectPersonalData(
      {
        name: NAME,
        phone: '+86 138 0013 8611',
        nested: [{ contactName: '测试联系人', contactPhone: '13800138612' }],
        idNumber: RESIDENT_ID.toLowerCase(),
        eventName: '测试赛事',
      },
      values,
    );
    expect(values).toContain(NAME);
    expect(values).toContain('+86 138 0013 8611');
    expect(values).toContain(PHONE);
    expect(values).toContain('测试联系人');
    expect(values).toContain('13800138612');
    expect(values).toContain(RESIDENT_ID);
    expect(values).not.toContain('测试赛事');
  });

  it('skips names of objects without personal data', () => {
    const values = new Set<string>();
    collectPersonalData({ name: '测试三人篮球赛', venue: '测试体育馆' }, values);
    expect([...values]).toEqual([]);
  });

  it('collects mobile numbers under any key', () => {
    const values = new Set<string>();
    collectPersonalData({ code: PHONE, note: 'x' }, values);
    expect([...values]).toEqual([PHONE]);
  });
});

describe('findPersonalData', () => {
  it('finds recorded values and numbers', () => {
    const log = [
      `{"level":30,"msg":"request completed","responseTime":6.92${PHONE}545}`,
      `{"level":30,"msg":"lookup","phone":"${PHONE}"}`,
      `{"level":30,"msg":"person","name":"${NAME}"}`,
      `{"level":30,"msg":"escaped","name":"${JSON.stringify(NAME).slice(1, -1)}"}`,
      '{"level":30,"msg":"escaped","name":"\\u6d4b\\u8bd5\\u65e5\\u5fd7\\u7532"}',
      `{"level":30,"msg":"unrecorded","value":"13912345678"}`,
      `{"level":30,"msg":"id","value":"${RESIDENT_ID}"}`,
      '{"level":30,"time":1764871234567,"reqId":"019ae1a2-1390-7013-8622-139123456789"}',
    ].join('\n');
    const leaks = findPersonalData(log, [NAME, PHONE], 'app.ndjson');
    expect(leaks).toEqual([
      { file: 'app.ndjson', line: 2, value: PHONE },
      { file: 'app.ndjson', line: 3, value: NAME },
      { file: 'app.ndjson', line: 4, value: NAME },
      { file: 'app.ndjson', line: 5, value: NAME },
      { file: 'app.ndjson', line: 6, value: '13912345678' },
      { file: 'app.ndjson', line: 7, value: RESIDENT_ID },
    ]);
  });

  it('includes the demo registrants', () => {
    const demo = demoPersonalData();
    expect(demo).toContain('张伟');
    expect(demo).toContain('13900000000');
    expect(findPersonalData('{"msg":"seeded 张伟"}', demo)).toHaveLength(1);
  });
});

describe('redactUrl', () => {
  it.each([
    ['/api/citizens?phone=13800138611', '/api/citizens?phone=[redacted]'],
    ['/api/citizens?mobile=138%200013%208611&limit=5', '/api/citizens?mobile=[redacted]&limit=5'],
    ['/api/citizens?name=%E6%B5%8B%E8%AF%95', '/api/citizens?name=[redacted]'],
    [`/api/citizens?idNumber=${RESIDENT_ID}`, '/api/citizens?idNumber=[redacted]'],
    ['/api/search?q=13800138611', '/api/search?q=[redacted]'],
    ['/api/search?q=%2B8613800138611', '/api/search?q=%2B[redacted]'],
    [`/api/people/${RESIDENT_ID}/cards`, '/api/people/[redacted]/cards'],
    ['/api/people/13800138611', '/api/people/[redacted]'],
    ['/api/tickets/ABCDE23456', '/api/tickets/ABCDE23456'],
    [
      '/api/console/events?limit=20&cursor=eyJpZCI6MX0',
      '/api/console/events?limit=20&cursor=eyJpZCI6MX0',
    ],
    [
      '/api/console/events/019ae1a2-1380-7013-8611-138001386111',
      '/api/console/events/019ae1a2-1380-7013-8611-138001386111',
    ],
    ['/api/x?flag&phone=1', '/api/x?flag&phone=[redacted]'],
  ])('redacts %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('captured logs', () => {
  let ctx: TestContext;
  let eventId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    await createAccount(ctx.db, {
      username: 'lh.xuhui',
      accountType: 'district_bureau',
      divisionCode: '310104',
    });
    const cookie = await signIn(ctx.app, 'lh.xuhui');
    const event = await publishNewEvent(ctx.app, cookie, undefined, {
      level: 'district',
      section: 'brand_event',
    });
    eventId = event.id;
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('logs requests without bodies', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: NAME, phone: PHONE },
    });
    expect(response.statusCode, response.body).toBe(201);
    const rejected = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: NAME, phone: '1380013861X' },
    });
    expect(rejected.statusCode).toBe(400);
    expect(ctx.logs.values).toContain(NAME);
    expect(ctx.logs.values).toContain(PHONE);
  });

  it('logs query strings redacted', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/events?phone=${PHONE}&name=${encodeURIComponent(NAME)}&limit=5`,
    });
    expect(response.statusCode).toBe(200);
  });

  it('writes the lines to the capture file', async () => {
    await ctx.logs.flush();
    const text = readFileSync(ctx.logs.file, 'utf8');
    expect(text).toContain('"msg":"incoming request"');
    expect(text).toContain('"url":"/api/events?phone=[redacted]&name=[redacted]&limit=5"');
    expect(text).toContain(`"url":"/api/events/${eventId}/registrations"`);
    expect(findPersonalData(text, ctx.logs.values)).toEqual([]);
  });
});

describe('leak detection', () => {
  it('fails a context whose handler logs a phone', async () => {
    const ctx = await privateContext('leaky-handler');
    ctx.app.get('/api/test-leak', async (request) => {
      request.log.info({ phone: PHONE }, 'handler logged a phone');
      return { ok: true };
    });
    recordPersonalData(ctx, PHONE);
    const response = await ctx.app.inject({ method: 'GET', url: '/api/test-leak' });
    expect(response.statusCode).toBe(200);
    await expect(ctx.close()).rejects.toThrow(`leaky-handler.ndjson:`);
    const text = readFileSync(join(folder, 'leaky-handler.ndjson'), 'utf8');
    expect(findPersonalData(text, [PHONE]).map((leak) => leak.value)).toEqual([PHONE]);
  });

  it('fails a context that logs a name from a request body', async () => {
    const ctx = await privateContext('leaky-name');
    ctx.app.post('/api/test-leak', async (request) => {
      request.log.warn({ person: request.body }, 'handler logged a body');
      return { ok: true };
    });
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/test-leak',
      payload: { name: NAME, phone: '13800138613' },
    });
    expect(response.statusCode).toBe(200);
    await expect(ctx.close()).rejects.toThrow(NAME);
  });

  it('passes a context that logs no personal data', async () => {
    const ctx = await privateContext('clean');
    recordPersonalData(ctx, PHONE, NAME);
    const response = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    await expect(ctx.close()).resolves.toBeUndefined();
  });

  it('finds one file’s values in another file’s log', () => {
    const shared = mkdtempSync(join(folder, 'capture-'));
    writeFileSync(join(shared, 'app-a.ndjson'), '{"msg":"clean"}\n');
    writeFileSync(join(shared, `app-a.ndjson${FIXTURES_SUFFIX}`), JSON.stringify([NAME]));
    writeFileSync(join(shared, 'app-b.ndjson'), `{"msg":"greeting ${NAME}"}\n`);
    writeFileSync(join(shared, `app-b.ndjson${FIXTURES_SUFFIX}`), JSON.stringify([]));
    expect(checkCaptureFolder(shared)).toEqual([
      { file: join(shared, 'app-b.ndjson'), line: 1, value: NAME },
    ]);
  });
});
