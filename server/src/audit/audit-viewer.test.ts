import { AUDIT_ACTIONS } from '@cityleague/domain';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  postOk,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { encodeCursor } from '../shared/cursor.js';
import { AUDIT_EXPORT_MAX_ROWS } from './audit.service.js';
import { verifyAuditChain } from './audit-verify.js';

const WRONG_PASSWORD = 'Wrong@2026secret';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) cityleague-test';

let ctx: TestContext;
let officer: ReturnType<typeof as>;
let organiserId: string;
let eventId: string;

interface EntryView {
  seq: number;
  action: string;
  outcome: string;
  ip: string | null;
  userAgent: string | null;
  actor: { username: string } | null;
  organisation: { id: string } | null;
  entityType: string;
  entityId: string;
  detail: Record<string, unknown>;
  changes: Record<string, { before: unknown; after: unknown }> | null;
}

async function list(query: string) {
  const response = await officer({ method: 'GET', url: `/api/audit/entries?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: EntryView[]; nextCursor: string | null }>();
}

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'audit.officer',
    accountType: 'security_officer',
    divisionCode: '3101',
  });
  ({ userId: organiserId } = await createAccount(ctx.db, {
    username: 'audit.organiser',
    accountType: 'community_association',
    divisionCode: '3101',
  }));
  await createAccount(ctx.db, {
    username: 'audit.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  officer = as(ctx.app, await signIn(ctx.app, 'audit.officer'));

  // Activity to audit: a failed sign-in, a filing changed, submitted and approved, a sign-out.
  await ctx.app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username: 'audit.organiser', password: WRONG_PASSWORD },
    headers: { 'user-agent': BROWSER },
    remoteAddress: '198.51.100.23',
  });
  await ctx.app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username: 'nobody.here', password: WRONG_PASSWORD },
    remoteAddress: '198.51.100.24',
  });
  const organiser = await signIn(ctx.app, 'audit.organiser');
  const event = await fileEvent(ctx.app, organiser, { level: 'city', section: 'league_event' });
  eventId = event.id;
  const patched = await as(
    ctx.app,
    organiser,
  )({
    method: 'PATCH',
    url: `/api/console/events/${eventId}`,
    payload: { capacity: 12 },
    headers: { 'user-agent': BROWSER },
  });
  expect(patched.statusCode, patched.body).toBe(200);
  await postOk(ctx.app, organiser, `/api/console/events/${eventId}/submit`);
  const committee = await signIn(ctx.app, 'audit.committee');
  await postOk(ctx.app, committee, `/api/reviews/${eventId}/approve`);
  const signedOut = await as(
    ctx.app,
    organiser,
  )({
    method: 'DELETE',
    url: '/api/session',
    headers: { 'user-agent': BROWSER },
  });
  expect(signedOut.statusCode).toBe(204);
});

afterAll(async () => {
  await ctx.close();
});

describe('audit entries of account and filing actions', () => {
  it('records a failed sign-in without the password', async () => {
    const { items } = await list('action=session.failed');
    expect(items).toHaveLength(2);
    const known = items.find((item) => item.entityType === 'user')!;
    expect(known.entityId).toBe(organiserId);
    expect(known.actor).toBeNull();
    expect(known.organisation).toBeNull();
    expect(known.outcome).toBe('failure');
    expect(known.ip).toBe('198.51.100.23');
    expect(known.userAgent).toBe(BROWSER);
    expect(known.detail).toMatchObject({ username: 'audit.organiser', reason: 'wrong_password' });
    const unknown = items.find((item) => item.entityType === 'username')!;
    expect(unknown.actor).toBeNull();
    expect(unknown.entityId).toBe('nobody.here');
    expect(unknown.detail).toMatchObject({ reason: 'unknown_username' });

    const { rows } = await sql<{ n: string }>`
      select count(*) as n from audit_log
      where detail::text like ${`%${WRONG_PASSWORD}%`}
         or coalesce(changes::text, '') like ${`%${WRONG_PASSWORD}%`}`.execute(ctx.db);
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('finds failed sign-ins by the username tried', async () => {
    const { items } = await list('username=Nobody.Here');
    expect(items.map((item) => item.action)).toEqual(['session.failed']);
  });

  it('records sign-in, sign-out and the organisation', async () => {
    const created = await list('action=session.created&username=AUDIT.ORGANISER');
    expect(created.items).toHaveLength(1);
    expect(created.items[0]!.organisation).not.toBeNull();
    const ended = await list(`action=session.ended&userId=${organiserId}`);
    expect(ended.items).toHaveLength(1);
    expect(ended.items[0]!.userAgent).toBe(BROWSER);
  });

  it('records filing changes with before and after', async () => {
    const { items } = await list(`entityType=event&entityId=${eventId}`);
    expect(items.map((item) => item.action)).toEqual([
      'event.approved',
      'event.submitted',
      'event.updated',
      'event.created',
    ]);
    const updated = items.find((item) => item.action === 'event.updated')!;
    expect(updated.changes).toEqual({ capacity: { before: 10, after: 12 } });
    expect(updated.userAgent).toBe(BROWSER);
  });

  it('uses only catalogued action codes', async () => {
    const rows = await ctx.db.selectFrom('audit_log').select('action').distinct().execute();
    const unknown = rows.map((row) => row.action).filter((action) => !(action in AUDIT_ACTIONS));
    expect(unknown).toEqual([]);
  });
});

describe('audit viewer filters', () => {
  it('filters by outcome and IP prefix', async () => {
    const failures = await list('outcome=failure');
    expect(failures.items.every((item) => item.outcome === 'failure')).toBe(true);
    expect(failures.items).toHaveLength(2);
    const byIp = await list('ip=198.51.100.2');
    expect(byIp.items.map((item) => item.ip).sort()).toEqual(['198.51.100.23', '198.51.100.24']);
    expect((await list('ip=198.51.100.2%25')).items).toHaveLength(0);
  });

  it('filters by time range', async () => {
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await list(`from=${encodeURIComponent(future)}`)).items).toHaveLength(0);
    const past = new Date(Date.now() - 3600_000).toISOString();
    const all = await list(`from=${encodeURIComponent(past)}&limit=200`);
    const total = await ctx.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(all.items).toHaveLength(Number(total.n));
  });

  it('pages by cursor without gaps or repeats', async () => {
    const all = (await list('limit=200')).items.map((item) => item.seq);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await list(query);
      seen.push(...page.items.map((item) => item.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect([...all].sort((a, b) => b - a)).toEqual(all);
  });

  it('rejects a reversed range and a bad cursor', async () => {
    const now = Date.now();
    const from = encodeURIComponent(new Date(now).toISOString());
    const to = encodeURIComponent(new Date(now - 1000).toISOString());
    expectProblem(
      await officer({ method: 'GET', url: `/api/audit/entries?from=${from}&to=${to}` }),
      400,
      'AUD_INVALID_RANGE',
    );
    expectProblem(
      await officer({ method: 'GET', url: '/api/audit/entries?cursor=bm90LWpzb24' }),
      400,
      'INVALID_CURSOR',
    );
    expectProblem(
      await officer({ method: 'GET', url: '/api/audit/entries?outcome=maybe' }),
      400,
      'VALIDATION_FAILED',
    );
    // Times that PostgreSQL cannot store: the year 0000, as written or in UTC.
    for (const time of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+01:00']) {
      for (const url of [
        '/api/audit/entries?from=',
        '/api/audit/entries?to=',
        '/api/audit/export?from=',
      ]) {
        expectProblem(
          await officer({ method: 'GET', url: `${url}${encodeURIComponent(time)}` }),
          400,
          'VALIDATION_FAILED',
        );
      }
    }
  });

  // The list writes seq with String(number), which gives no sign, exponent or leading zero.
  it.each(['1e3', '-5', '', ' 12', '12 ', '0x1f', '1.0', '007', '9007199254740993'])(
    'rejects the cursor seq %j',
    async (seq) => {
      const cursor = encodeCursor({ seq });
      expectProblem(
        await officer({ method: 'GET', url: `/api/audit/entries?cursor=${cursor}` }),
        400,
        'INVALID_CURSOR',
      );
    },
  );
});

describe('audit export', () => {
  it('exports the filtered entries and audits the export', async () => {
    const response = await officer({
      method: 'GET',
      url: `/api/audit/export?entityType=event&entityId=${eventId}`,
      headers: { 'user-agent': BROWSER },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/spreadsheetml/);
    expect(response.headers['content-disposition']).toMatch(/attachment; filename="audit-log-/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('审计日志')!;
    expect(sheet.rowCount).toBe(5);
    expect(sheet.getRow(2).getCell(3).value).toBe('审核通过');
    expect(sheet.getRow(5).getCell(4).value).toBe('event.created');

    const { items } = await list('action=audit.exported');
    expect(items).toHaveLength(1);
    expect(items[0]!.actor?.username).toBe('audit.officer');
    expect(items[0]!.userAgent).toBe(BROWSER);
    expect(items[0]!.detail).toMatchObject({ count: 4, filter: { entityId: eventId } });
  });

  it('keeps the chain verifiable', async () => {
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true);
  });

  it('rejects an export above the row limit', async () => {
    // Bulk rows outside the chain: only the count matters here.
    await sql`
      insert into audit_log (id, seq, at, action, entity_type, entity_id, outcome, detail,
                             prev_hash, hash)
      select gen_random_uuid(), nextval('audit_log_seq'), now(), 'event.updated', 'bulk',
             n::text, 'success', '{}', '', ''
      from generate_series(1, ${AUDIT_EXPORT_MAX_ROWS}) as n`.execute(ctx.db);
    const before = await list('action=audit.exported');
    expectProblem(
      await officer({ method: 'GET', url: '/api/audit/export' }),
      422,
      'AUD_EXPORT_TOO_LARGE',
    );
    expect((await list('action=audit.exported')).items).toHaveLength(before.items.length);
    const narrowed = await officer({ method: 'GET', url: '/api/audit/export?entityType=event' });
    expect(narrowed.statusCode).toBe(200);
  });
});
