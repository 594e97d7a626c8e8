import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import { expect, inject } from 'vitest';

import { creditCodeCheckCharacter } from '@cityleague/domain';

import { buildApp } from '../app.js';
import { hashPassword } from '../accounts/account.service.js';
import * as accounts from '../accounts/account.repository.js';
import { loadConfig, type Config } from '../config.js';
import { openDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { loadDivisions } from '../divisions/division.service.js';
import { uuidv7 } from '../shared/ids.js';
import { collectFromUrl, collectPersonalData, describeLeaks, LogCapture } from './log-capture.js';

export const TEST_PASSWORD = 'Test@2026pass';

export interface TestContext {
  app: FastifyInstance;
  db: Db;
  config: Config;
  /** The log file of this context and the personal data its requests carried. */
  logs: LogCapture;
  /** Builds one more app on this context's database, logging into the same capture. */
  buildApp(overrides?: Partial<Config>): Promise<FastifyInstance>;
  /** Closes the apps and the database, then fails if the captured logs contain personal data. */
  close(): Promise<void>;
}

export interface TestContextOptions {
  /** Log file to use instead of one in the suite's capture folder, which the final check reads. */
  logFile?: string;
  /** Variables added to the test configuration, such as the OIDC_* settings. */
  environment?: NodeJS.ProcessEnv;
}

// Captured apps log at debug, so that the log check also reads debug lines.
const CAPTURE_LOG_LEVEL = 'debug';

/**
 * Records the personal data of every request sent with `app.inject(options)`, from the body
 * and the query string. The chained form `app.inject()` without options is not recorded.
 */
function recordInjectedPersonalData(app: FastifyInstance, values: Set<string>): void {
  const inject = app.inject.bind(app) as (options?: InjectOptions | string) => unknown;
  app.inject = ((options?: InjectOptions | string) => {
    if (typeof options === 'string') collectFromUrl(options, values);
    else if (options) {
      collectPersonalData(options.payload, values);
      collectPersonalData(options.query, values);
      if (typeof options.url === 'string') collectFromUrl(options.url, values);
    }
    return inject(options);
  }) as FastifyInstance['inject'];
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Opens a fresh database for one test file: a clone of the template on PostgreSQL, or PGlite. */
async function freshDatabase(): Promise<{ db: Db; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  const template = inject('templateDatabase');
  if (!url || !template) {
    const db = await openDatabase({});
    await migrateToLatest(db);
    await loadDivisions(db);
    return { db, drop: async () => {} };
  }

  const name = `cityleague_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  await admin.end();
  const db = await openDatabase({ url: withDatabase(url, name), poolSize: 20 });
  return {
    db,
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/**
 * Points the app at REDIS_URL when the run has one (CI does), under a key prefix of this test
 * context alone. Its counters all expire within a minute, so nothing needs removing.
 */
function redisEnvironment(): NodeJS.ProcessEnv {
  if (!process.env.REDIS_URL) return {};
  return {
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `cityleague-test:${randomBytes(6).toString('hex')}:`,
  };
}

/**
 * Builds the app on a fresh database, as every integration test file does. The app logs at
 * debug into a file of the capture folder (and to standard output when LOG_LEVEL is set), and
 * `close()` fails when that log contains personal data that the file's requests carried.
 */
export async function createTestContext(options: TestContextOptions = {}): Promise<TestContext> {
  const { db, drop } = await freshDatabase();
  // Uploaded files go to a folder of this context alone, removed at close.
  const documentsDir = options.environment?.DOCUMENTS_DIR
    ? undefined
    : mkdtempSync(join(tmpdir(), 'cityleague-documents-'));
  const config = loadConfig({
    ...(documentsDir ? { DOCUMENTS_DIR: documentsDir } : {}),
    ...redisEnvironment(),
    ...options.environment,
    NODE_ENV: 'test',
    DATA_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  });
  const logFile =
    options.logFile ??
    join(inject('logCaptureFolder'), `app-${process.pid}-${randomBytes(4).toString('hex')}.ndjson`);
  const logs = new LogCapture(logFile, process.env.LOG_LEVEL !== undefined);
  const apps: FastifyInstance[] = [];
  const build = async (overrides: Partial<Config> = {}) => {
    const captured = { ...config, logLevel: CAPTURE_LOG_LEVEL, ...overrides };
    const built = await buildApp(captured, db, { logDestination: logs.destination });
    recordInjectedPersonalData(built, logs.values);
    apps.push(built);
    return built;
  };
  const app = await build();
  return {
    app,
    db,
    config,
    logs,
    buildApp: build,
    close: async () => {
      for (const built of apps) await built.close();
      await db.destroy();
      await drop();
      if (documentsDir) rmSync(documentsDir, { recursive: true, force: true });
      const leaks = await logs.finish();
      if (leaks.length > 0) throw new Error(describeLeaks(leaks));
    },
  };
}

/** Records personal data that a test writes without a request, so the log checks look for it. */
export function recordPersonalData(ctx: TestContext, ...values: string[]): void {
  for (const value of values) ctx.logs.values.add(value);
}

export interface TestAccount {
  username: string;
  accountType: string;
  divisionCode: string;
  organisation?: string;
  /** The organisation's credit code; contractors get a generated one unless this is given. */
  creditCode?: string | null;
}

let creditCodeCounter = 0;

/** Generates a well-formed credit code that no other test organisation of this process has. */
export function testCreditCode(): string {
  creditCodeCounter += 1;
  const serial = `${process.pid % 1000}`.padStart(3, '0') + `${creditCodeCounter}`.padStart(6, '0');
  const first17 = `91310000${serial}`;
  return first17 + creditCodeCheckCharacter(first17);
}

/** Creates an organisation and a user in it; returns the user's and organisation's ids. */
export async function createAccount(db: Db, account: TestAccount) {
  const organisationId = uuidv7();
  const userId = uuidv7();
  await accounts.insertOrganisation(db, {
    id: organisationId,
    name: account.organisation ?? `${account.username} 单位`,
    credit_code:
      account.creditCode !== undefined
        ? account.creditCode
        : account.accountType === 'contractor'
          ? testCreditCode()
          : null,
    division_code: account.divisionCode,
  });
  await accounts.insertUser(db, {
    id: userId,
    username: account.username,
    password_hash: await hashPassword(TEST_PASSWORD),
    display_name: `${account.username} 用户`,
    account_type: account.accountType,
    organisation_id: organisationId,
    division_code: account.divisionCode,
  });
  return { userId, organisationId };
}

/**
 * Signs in through the API and returns the session cookie header value. A session that waits
 * for a one-time code or a TOTP enrolment is completed in the database, because most tests are
 * not about two-factor sign-in. totp.test.ts drives those steps through the API.
 */
export async function signIn(app: FastifyInstance, username: string): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username, password: TEST_PASSWORD },
  });
  if (response.statusCode !== 200) {
    throw new Error(`Sign-in of ${username} failed: ${response.statusCode} ${response.body}`);
  }
  const cookie = response.cookies.find((c) => c.name === 'sid');
  if (!cookie) throw new Error('Sign-in set no session cookie');
  const header = `sid=${cookie.value}`;
  if (response.json<{ pendingStep: string | null }>().pendingStep !== null) {
    await app.db
      .updateTable('sessions')
      .set({ pending_step: null })
      .where('id', '=', sessionIdOfCookie(header))
      .execute();
  }
  return header;
}

/** Returns the `sessions` table id of a session cookie header value (`sid=…`). */
export function sessionIdOfCookie(cookie: string): string {
  return createHash('sha256').update(cookie.replace(/^sid=/, '')).digest('hex');
}

/** Sends a request as a signed-in user. */
export function as(app: FastifyInstance, cookie: string) {
  return (options: InjectOptions) =>
    app.inject({ ...options, headers: { ...options.headers, cookie } });
}

const HOUR = 3600_000;

/** Builds a complete, valid filing of the full form whose registration window is open now. */
export function eventInput(overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    name: '测试三人篮球赛',
    sport: 'basketball_3x3',
    level: 'city',
    section: 'league_event',
    divisionCode: '310104',
    venue: '徐汇区 测试体育馆',
    startsAt: new Date(now + 72 * HOUR).toISOString(),
    endsAt: new Date(now + 76 * HOUR).toISOString(),
    capacity: 10,
    registrationOpensAt: new Date(now - HOUR).toISOString(),
    registrationClosesAt: new Date(now + 48 * HOUR).toISOString(),
    ...FILING_DETAILS,
    ...overrides,
  };
}

/** The rest of the full filing form, which submit requires of city and district events. */
export const FILING_DETAILS = {
  address: '上海市徐汇区测试路 1 号',
  host: '测试主办单位',
  organiser: '测试承办单位',
  coOrganisers: ['测试协办单位'],
  expectedParticipants: 10,
  feeCents: 0,
  rules: '测试竞赛规程',
  safetyPlan: '测试安全预案',
  medicalCover: '测试医疗保障',
  insurance: '测试保险',
  contactName: '测试联系人',
  contactPhone: '021-64000000',
} as const;

export interface TestContract {
  creditCode: string;
  year: number;
  level: string;
  section: string;
  sport: string;
  districtCode?: string | null;
  eventName?: string;
  organisationName?: string;
}

/** Inserts a contract directly, as a committed import would; returns its id. */
export async function createContract(db: Db, contract: TestContract): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('contracts')
    .values({
      id,
      year: contract.year,
      credit_code: contract.creditCode,
      organisation_name: contract.organisationName ?? '测试中标单位',
      level: contract.level as 'city' | 'district',
      district_code: contract.level === 'district' ? (contract.districtCode ?? null) : null,
      section: contract.section,
      sport: contract.sport,
      event_name: contract.eventName ?? `测试合同 ${id}`,
      contact_name: '测试联系人',
      contact_phone_ciphertext: 'v1:placeholder',
      contact_phone_hash: '0'.repeat(64),
      contact_phone_masked: '138****8000',
      import_id: null,
      updated_at: new Date(),
    })
    .execute();
  return id;
}

/** Returns the calendar year in Asia/Shanghai of an ISO 8601 instant. */
export function shanghaiYearOf(instant: string): number {
  return new Date(Date.parse(instant) + 8 * HOUR).getUTCFullYear();
}

/**
 * Adds a contractId to a filing made by a contractor: creates a contract of the caller's
 * organisation that matches the filing's level, section, sport, district and year. Filings
 * of other account types, filings that name a contract and filings that no contract could
 * match (street or community level) are returned unchanged.
 */
export async function withContract<T extends Record<string, unknown>>(
  app: FastifyInstance,
  cookie: string,
  filing: T,
): Promise<T> {
  if (filing.contractId !== undefined) return filing;
  if (filing.level !== 'city' && filing.level !== 'district') return filing;
  const me = await as(app, cookie)({ method: 'GET', url: '/api/me' });
  const { accountType, organisation } = me.json<{
    user: { accountType: string; organisation: { id: string } };
  }>().user;
  if (accountType !== 'contractor') return filing;

  const row = await app.db
    .selectFrom('organisations')
    .select('credit_code')
    .where('id', '=', organisation.id)
    .executeTakeFirstOrThrow();
  if (!row.credit_code) return filing;
  const division = String(filing.divisionCode ?? '');
  const contractId = await createContract(app.db, {
    creditCode: row.credit_code,
    // A filing with a malformed start is rejected before the contract matters.
    year: shanghaiYearOf(String(filing.startsAt)) || shanghaiYearOf(new Date().toISOString()),
    level: String(filing.level),
    section: String(filing.section),
    sport: String(filing.sport),
    districtCode: division.slice(0, 6),
  });
  return { ...filing, contractId };
}

/** RFC 9457 problem details as the error handler sends them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  requestId: string;
  errors?: { field: string; code: string; message: string }[];
}

/**
 * Asserts that a response is a problem with this status and code, sent as
 * application/problem+json with every required member, and returns the parsed body.
 */
export function expectProblem(
  response: LightMyRequestResponse,
  status: number,
  code: string,
): Problem {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json<Problem>();
  expect(problem.code).toBe(code);
  expect(problem.status).toBe(status);
  expect(problem.type).toBe('about:blank');
  expect(typeof problem.title).toBe('string');
  expect(problem.title).not.toBe('');
  expect(problem.requestId).toBe(response.headers['x-request-id']);
  return problem;
}

/** Files a draft through the API as the signed-in user and returns the created event. */
export async function fileEvent(
  app: FastifyInstance,
  cookie: string,
  overrides: Record<string, unknown> = {},
) {
  const session = as(app, cookie);
  const response = await session({
    method: 'POST',
    url: '/api/console/events',
    payload: await withContract(app, cookie, eventInput(overrides)),
  });
  if (response.statusCode !== 201) {
    throw new Error(`Filing failed: ${response.statusCode} ${response.body}`);
  }
  return response.json();
}

/** Posts an action (submit, publish) or review decision and throws unless it returns 200. */
export async function postOk(app: FastifyInstance, cookie: string, url: string, payload?: object) {
  const response = await as(app, cookie)({ method: 'POST', url, payload });
  if (response.statusCode !== 200) {
    throw new Error(`POST ${url} failed: ${response.statusCode} ${response.body}`);
  }
  return response.json();
}

/**
 * Files an event, submits it, lets `reviewerCookie` approve it (unless it passed on submit)
 * and publishes it. Returns the published event.
 */
export async function publishNewEvent(
  app: FastifyInstance,
  filerCookie: string,
  reviewerCookie: string | undefined,
  overrides: Record<string, unknown> = {},
) {
  const event = await fileEvent(app, filerCookie, overrides);
  const submitted = await postOk(app, filerCookie, `/api/console/events/${event.id}/submit`);
  if (submitted.state === 'submitted') {
    if (!reviewerCookie) throw new Error(`Event ${event.id} needs a reviewer`);
    await postOk(app, reviewerCookie, `/api/reviews/${event.id}/approve`);
  }
  return postOk(app, filerCookie, `/api/console/events/${event.id}/publish`);
}

/**
 * Runs `work` while the event's check-in window is open: the event is moved to start in an
 * hour and then moved back to its own schedule. Check-ins made meanwhile keep the time they
 * were made, so they lie before the window of the restored schedule. Tests that only need
 * check-ins to exist use this, so that their figures keep the event's filed dates.
 */
export async function whileCheckInOpen<T>(
  db: Db,
  eventId: string,
  work: () => Promise<T>,
): Promise<T> {
  const { rows } = await sql<{ starts_at: Date }>`
    select starts_at from events where id = ${eventId}`.execute(db);
  const startsAt = rows[0]?.starts_at;
  if (!startsAt) throw new Error(`Event ${eventId} has no start`);
  await startEventIn(db, eventId, 60);
  try {
    return await work();
  } finally {
    await moveEventStart(db, eventId, sql`${new Date(startsAt)}::timestamptz`);
  }
}

/**
 * Moves an event's schedule so that it starts `minutes` from now (negative: started already),
 * keeping every gap between its times. Filing rejects a start in the past, so tests that check
 * people in file the event ahead and move it afterwards.
 */
export async function startEventIn(db: Db, eventId: string, minutes: number): Promise<void> {
  await moveEventStart(db, eventId, sql`now() + make_interval(mins => ${minutes}::int)`);
}

async function moveEventStart(db: Db, eventId: string, startsAt: RawBuilder<unknown>) {
  await sql`
    with shift as (
      select starts_at - (${startsAt}) as by from events where id = ${eventId}
    )
    update events set
      starts_at = starts_at - shift.by,
      ends_at = ends_at - shift.by,
      registration_opens_at = registration_opens_at - shift.by,
      registration_closes_at = registration_closes_at - shift.by
    from shift
    where id = ${eventId}`.execute(db);
}
