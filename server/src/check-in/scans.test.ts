import { createHash } from 'node:crypto';

import { sql } from 'kysely';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { publishWithGroups } from '../test/entries.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  publishNewEvent,
  signIn,
  startEventIn,
  type TestContext,
} from '../test/harness.js';
import { lockRegistrationByCode } from './check-in.repository.js';

let ctx: TestContext;
let organiser: string;
let reviewer: string;
let phoneSerial = 0;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'scan.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'scan.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiser = await signIn(ctx.app, 'scan.contractor');
  reviewer = await signIn(ctx.app, 'scan.committee');
});

afterAll(async () => {
  await ctx.close();
});

interface Receipt {
  id: string;
  code: string;
}

async function register(eventId: string, payload: Record<string, unknown> = {}) {
  phoneSerial += 1;
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload: {
      name: '签到测试',
      phone: `1390021${String(phoneSerial).padStart(4, '0')}`,
      ...payload,
    },
  });
  if (response.statusCode >= 300) throw new Error(response.body);
  return response.json<Receipt & { status: string }>();
}

async function eventWith(count: number) {
  const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 50 });
  const receipts: Receipt[] = [];
  for (let i = 0; i < count; i++) receipts.push(await register(event.id));
  await startEventIn(ctx.db, event.id, 60);
  return { eventId: event.id as string, receipts };
}

function scan(eventId: string, payload: Record<string, unknown>) {
  return as(
    ctx.app,
    organiser,
  )({ method: 'POST', url: `/api/console/events/${eventId}/check-ins`, payload });
}

function sync(eventId: string, deviceId: string, scans: Record<string, unknown>[]) {
  return as(
    ctx.app,
    organiser,
  )({
    method: 'POST',
    url: `/api/console/events/${eventId}/check-ins/batch`,
    payload: { deviceId, scans },
  });
}

function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

let nonceSerial = 0;
function nonce(): string {
  nonceSerial += 1;
  return `nonce-${String(nonceSerial).padStart(6, '0')}`;
}

async function scansOf(registrationId: string) {
  return ctx.db
    .selectFrom('check_in_scans')
    .selectAll()
    .where('registration_id', '=', registrationId)
    .orderBy('scanned_at')
    .execute();
}

async function auditActions(registrationId: string) {
  const rows = await ctx.db
    .selectFrom('audit_log')
    .select('action')
    .where('entity_id', '=', registrationId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => row.action);
}

async function webhookCount(registrationId: string) {
  const rows = await ctx.db
    .selectFrom('webhook_events')
    .select('id')
    .where('resource_id', '=', registrationId)
    .where('action', '=', 'check_in.recorded')
    .execute();
  return rows.length;
}

describe('signed tickets', () => {
  it('checks in the text of the QR code', async () => {
    const { eventId, receipts } = await eventWith(1);
    const receipt = receipts[0]!;
    const ticket = ctx.app.tickets.ticket(eventId, receipt.code);
    expect(ticket).toMatch(new RegExp(`^CL1:${receipt.code}:[0-9A-F]{20}$`));

    const response = await scan(eventId, { code: ticket, nonce: nonce(), gate: '1号入口' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().outcome).toBe('checked_in');
    expect(response.json().registration.id).toBe(receipt.id);
  });

  it('draws the signed ticket in the QR image', async () => {
    const { eventId, receipts } = await eventWith(1);
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/tickets/${receipts[0]!.code}/qr.svg`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('image/svg+xml');
    const ticket = ctx.app.tickets.ticket(eventId, receipts[0]!.code);
    const options = { type: 'svg', errorCorrectionLevel: 'M', margin: 2 } as const;
    expect(response.body).toBe(await QRCode.toString(ticket, options));
    expect(response.body).not.toBe(await QRCode.toString(receipts[0]!.code, options));
  });

  it('rejects a changed signature', async () => {
    const { eventId, receipts } = await eventWith(1);
    const ticket = ctx.app.tickets.ticket(eventId, receipts[0]!.code);
    const last = ticket.at(-1) === '0' ? '1' : '0';
    const forged = `${ticket.slice(0, -1)}${last}`;
    const response = await scan(eventId, { code: forged, nonce: nonce(), gate: '1号入口' });
    expectProblem(response, 400, 'CHK_TICKET_INVALID');
    const row = await ctx.db
      .selectFrom('registrations')
      .select('checked_in_at')
      .where('id', '=', receipts[0]!.id)
      .executeTakeFirstOrThrow();
    expect(row.checked_in_at).toBeNull();
  });

  it('rejects a code signed for another event', async () => {
    const first = await eventWith(1);
    const second = await eventWith(0);
    // A signature made for the scanning event does not fit a code of the first event.
    const forged = ctx.app.tickets.ticket(second.eventId, first.receipts[0]!.code);
    const response = await scan(second.eventId, { code: forged, nonce: nonce(), gate: '1号入口' });
    expectProblem(response, 400, 'CHK_TICKET_INVALID');
  });

  it("rejects another event's genuine ticket", async () => {
    const first = await eventWith(1);
    const second = await eventWith(0);
    const ticket = ctx.app.tickets.ticket(first.eventId, first.receipts[0]!.code);
    const response = await scan(second.eventId, { code: ticket, nonce: nonce(), gate: '1号入口' });
    expectProblem(response, 409, 'CHK_TICKET_OTHER_EVENT');
  });

  it('rejects text that is no code', async () => {
    const { eventId } = await eventWith(0);
    const response = await scan(eventId, { code: 'https://x.test/a', nonce: nonce(), gate: '1' });
    expectProblem(response, 400, 'CHK_TICKET_INVALID');
  });
});

describe('repeat scans and nonces', () => {
  it('names the time and gate of the check-in', async () => {
    const { eventId, receipts } = await eventWith(1);
    const code = receipts[0]!.code;
    const first = await scan(eventId, { code, nonce: nonce(), gate: '2号入口', deviceId: 'pad-2' });
    const second = await scan(eventId, {
      code,
      nonce: nonce(),
      gate: '1号入口',
      deviceId: 'pad-1',
    });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().outcome).toBe('repeat');
    expect(second.json().alreadyCheckedIn).toBe(true);
    expect(second.json().replayed).toBe(false);
    expect(second.json().checkIn).toEqual({
      at: first.json().checkIn.at,
      gate: '2号入口',
      deviceId: 'pad-2',
    });
    const rows = await scansOf(receipts[0]!.id);
    expect(rows.map((row) => row.outcome)).toEqual(['checked_in', 'repeat']);
    expect(rows.map((row) => row.conflict)).toEqual([false, false]);
    expect(await auditActions(receipts[0]!.id)).toEqual(['registration.checked_in']);
    expect(await webhookCount(receipts[0]!.id)).toBe(1);
  });

  it('answers a resent nonce as the first time', async () => {
    const { eventId, receipts } = await eventWith(1);
    const payload = { code: receipts[0]!.code, nonce: nonce(), gate: '1号入口' };
    const first = await scan(eventId, payload);
    const again = await scan(eventId, payload);
    expect(again.statusCode).toBe(200);
    expect(again.json().outcome).toBe('checked_in');
    expect(again.json().replayed).toBe(true);
    expect(again.json().checkIn).toEqual(first.json().checkIn);
    expect(await scansOf(receipts[0]!.id)).toHaveLength(1);
  });

  it('rejects a cancelled entry and stores the scan', async () => {
    const { eventId, receipts } = await eventWith(1);
    const cancelled = await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/registrations/${receipts[0]!.id}/cancel`,
      payload: { reason: '重复报名' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const payload = { code: receipts[0]!.code, nonce: nonce(), gate: '1号入口' };
    const problem = expectProblem(await scan(eventId, payload), 409, 'CHK_ENTRY_CANCELLED');
    expect(problem.detail).toBe(
      `Registration with code ${receipts[0]!.code} was cancelled, so it cannot check in`,
    );
    expectProblem(await scan(eventId, payload), 409, 'CHK_ENTRY_CANCELLED');
    const rows = await scansOf(receipts[0]!.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.outcome).toBe('rejected');
    expect(rows[0]?.rejection).toBe('CHK_ENTRY_CANCELLED');
  });

  it('rejects a waiting entry', async () => {
    const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '候补组', capacity: 1, waitingList: 'auto' },
    ]);
    await register(eventId);
    const waiting = await register(eventId);
    expect(waiting.status).toBe('waiting');
    const response = await scan(eventId, { code: waiting.code, nonce: nonce(), gate: '1号入口' });
    const problem = expectProblem(response, 409, 'CHK_ENTRY_NOT_ACTIVE');
    expect(problem.detail).toContain('is waiting');
  });

  it('rejects a malformed nonce', async () => {
    const { eventId, receipts } = await eventWith(1);
    const response = await scan(eventId, { code: receipts[0]!.code, nonce: 'x', gate: '1' });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]).toMatchObject({ field: 'nonce' });
  });
});

describe('two gates at once', () => {
  it('records one check-in for parallel scans', async () => {
    const { eventId, receipts } = await eventWith(1);
    const code = receipts[0]!.code;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        scan(eventId, {
          code,
          nonce: nonce(),
          gate: i % 2 === 0 ? '1号入口' : '2号入口',
          deviceId: i % 2 === 0 ? 'gate-1' : 'gate-2',
        }),
      ),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(Array(20).fill(200));
    const outcomes = responses.map((response) => response.json<{ outcome: string }>().outcome);
    expect(outcomes.filter((outcome) => outcome === 'checked_in')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'repeat')).toHaveLength(19);
    const places = new Set(responses.map((response) => JSON.stringify(response.json().checkIn)));
    expect(places.size).toBe(1);
    expect(await auditActions(receipts[0]!.id)).toEqual(['registration.checked_in']);
    expect(await webhookCount(receipts[0]!.id)).toBe(1);
  });

  /**
   * Runs the read-decide-write of applyScan, with or without the registration's row lock. On
   * PostgreSQL, without the lock several transactions read "not checked in" and each records a
   * first check-in; with it exactly one does. PGlite runs transactions one at a time, so the
   * control only bites with DATABASE_URL.
   */
  async function scanWithGuard(code: string, locked: boolean): Promise<'first' | 'repeat'> {
    return ctx.db.transaction().execute(async (trx) => {
      const row = locked
        ? await lockRegistrationByCode(trx, code)
        : await trx
            .selectFrom('registrations')
            .selectAll()
            .where('code', '=', code)
            .executeTakeFirst();
      if (!row) throw new Error(`No registration ${code}`);
      if (row.checked_in_at !== null) return 'repeat';
      await sql`select pg_sleep(0.05)`.execute(trx);
      await trx
        .updateTable('registrations')
        .set({ checked_in_at: sql<Date>`clock_timestamp()` })
        .where('id', '=', row.id)
        .execute();
      return 'first';
    });
  }

  it.skipIf(!process.env.DATABASE_URL)('lets unlocked scans double-record', async () => {
    const { receipts } = await eventWith(2);
    const unlocked = await Promise.all(
      Array.from({ length: 8 }, () => scanWithGuard(receipts[0]!.code, false)),
    );
    expect(unlocked.filter((result) => result === 'first').length).toBeGreaterThan(1);
    const locked = await Promise.all(
      Array.from({ length: 8 }, () => scanWithGuard(receipts[1]!.code, true)),
    );
    expect(locked.filter((result) => result === 'first')).toHaveLength(1);
  });
});

describe('offline sync', () => {
  it('resolves two devices to the earliest scan', async () => {
    const { eventId, receipts } = await eventWith(1);
    const receipt = receipts[0]!;
    const ticket = ctx.app.tickets.ticket(eventId, receipt.code);

    // Gate 2 is online and checks the person in now.
    const online = await scan(eventId, {
      code: ticket,
      nonce: nonce(),
      gate: '2号入口',
      deviceId: 'gate-2',
    });
    expect(online.json().outcome).toBe('checked_in');

    // Gate 1 was offline and scanned the same ticket ten minutes earlier.
    const earlier = { code: ticket, nonce: nonce(), gate: '1号入口', scannedAt: minutesAgo(10) };
    const synced = await sync(eventId, 'gate-1', [earlier]);
    expect(synced.statusCode, synced.body).toBe(200);
    expect(synced.json().conflicts).toBe(1);
    const [result] = synced.json().results;
    expect(result).toMatchObject({
      nonce: earlier.nonce,
      outcome: 'checked_in',
      replayed: false,
      error: null,
      conflict: true,
      code: receipt.code,
      checkIn: {
        at: new Date(earlier.scannedAt).toISOString(),
        gate: '1号入口',
        deviceId: 'gate-1',
      },
    });

    // Gate 3 was offline too and scanned five minutes ago: the earliest scan still counts.
    const later = { code: receipt.code, nonce: nonce(), gate: '3号入口', scannedAt: minutesAgo(5) };
    const third = (await sync(eventId, 'gate-3', [later])).json();
    expect(third.results[0]).toMatchObject({
      outcome: 'repeat',
      conflict: true,
      checkIn: { gate: '1号入口', deviceId: 'gate-1' },
    });

    const row = await ctx.db
      .selectFrom('registrations')
      .select(['checked_in_at', 'checked_in_gate'])
      .where('id', '=', receipt.id)
      .executeTakeFirstOrThrow();
    expect(new Date(row.checked_in_at!).toISOString()).toBe(earlier.scannedAt);
    expect(row.checked_in_gate).toBe('1号入口');
    const rows = await scansOf(receipt.id);
    expect(rows.map((scanRow) => [scanRow.device_id, scanRow.outcome, scanRow.conflict])).toEqual([
      ['gate-1', 'checked_in', true],
      ['gate-3', 'repeat', true],
      ['gate-2', 'superseded', true],
    ]);
    expect(await auditActions(receipt.id)).toEqual([
      'registration.checked_in',
      'registration.check_in_corrected',
    ]);
    expect(await webhookCount(receipt.id)).toBe(1);

    const stats = await as(
      ctx.app,
      organiser,
    )({
      method: 'GET',
      url: `/api/console/events/${eventId}/check-in-stats`,
    });
    expect(stats.json().conflicts).toBe(1);
    expect(stats.json().byGate).toEqual([{ gate: '1号入口', checkedIn: 1 }]);
  });

  it('applies a resent batch once', async () => {
    const { eventId, receipts } = await eventWith(2);
    const scans = receipts.map((receipt, i) => ({
      code: receipt.code,
      nonce: nonce(),
      gate: '1号入口',
      scannedAt: minutesAgo(20 - i),
    }));
    const first = (await sync(eventId, 'pad-9', scans)).json();
    const again = (await sync(eventId, 'pad-9', scans)).json();
    expect(first.results.map((result: { outcome: string }) => result.outcome)).toEqual([
      'checked_in',
      'checked_in',
    ]);
    expect(again.results.map((result: { replayed: boolean }) => result.replayed)).toEqual([
      true,
      true,
    ]);
    expect(again.results.map((result: { outcome: string }) => result.outcome)).toEqual([
      'checked_in',
      'checked_in',
    ]);
    for (const receipt of receipts) expect(await scansOf(receipt.id)).toHaveLength(1);
  });

  it('keeps the earliest of one device', async () => {
    const { eventId, receipts } = await eventWith(1);
    const code = receipts[0]!.code;
    const later = { code, nonce: nonce(), gate: '1号入口', scannedAt: minutesAgo(3) };
    const earlier = { code, nonce: nonce(), gate: '1号入口', scannedAt: minutesAgo(9) };
    const body = (await sync(eventId, 'pad-1', [later, earlier])).json();
    expect(body.results.map((result: { nonce: string }) => result.nonce)).toEqual([
      later.nonce,
      earlier.nonce,
    ]);
    expect(body.results[0]).toMatchObject({ outcome: 'repeat', conflict: false });
    expect(body.results[1]).toMatchObject({ outcome: 'checked_in', conflict: false });
    expect(body.conflicts).toBe(0);
    expect(await auditActions(receipts[0]!.id)).toEqual(['registration.checked_in']);
  });

  it('reports rejected scans per scan', async () => {
    const { eventId, receipts } = await eventWith(2);
    await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/registrations/${receipts[1]!.id}/cancel`,
      payload: { reason: '本人取消' },
    });
    const other = await eventWith(1);
    const scans = [
      { code: receipts[0]!.code, nonce: nonce(), gate: '1', scannedAt: minutesAgo(60 * -2) },
      { code: receipts[1]!.code, nonce: nonce(), gate: '1', scannedAt: minutesAgo(4) },
      { code: other.receipts[0]!.code, nonce: nonce(), gate: '1', scannedAt: minutesAgo(4) },
      { code: 'ZZZZZZZZZZ', nonce: nonce(), gate: '1', scannedAt: minutesAgo(4) },
      { code: 'not a code', nonce: nonce(), gate: '1', scannedAt: minutesAgo(4) },
      { code: receipts[0]!.code, nonce: nonce(), gate: '1', scannedAt: 'yesterday' },
      { code: receipts[0]!.code, nonce: nonce(), gate: '1', scannedAt: '0000-01-01T00:00:00Z' },
      {
        code: receipts[0]!.code,
        nonce: nonce(),
        gate: '1',
        scannedAt: '0001-01-01T00:00:00+01:00',
      },
    ];
    const response = await sync(eventId, 'pad-1', scans);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().results.map((result: { error: string }) => result.error)).toEqual([
      'CHK_SCAN_TIME_INVALID',
      'CHK_ENTRY_CANCELLED',
      'CHK_TICKET_OTHER_EVENT',
      'CHK_CODE_NOT_FOUND',
      'CHK_TICKET_INVALID',
      'CHK_SCAN_TIME_INVALID',
      'CHK_SCAN_TIME_INVALID',
      'CHK_SCAN_TIME_INVALID',
    ]);
    expect(response.body).not.toContain(other.receipts[0]!.id);
    const row = await ctx.db
      .selectFrom('registrations')
      .select('checked_in_at')
      .where('id', '=', receipts[0]!.id)
      .executeTakeFirstOrThrow();
    expect(row.checked_in_at).toBeNull();
    const stats = await as(
      ctx.app,
      organiser,
    )({
      method: 'GET',
      url: `/api/console/events/${eventId}/check-in-stats`,
    });
    expect(stats.json().rejectedScans).toBe(8);
  });

  it('rejects an oversized batch', async () => {
    const { eventId, receipts } = await eventWith(1);
    const scans = Array.from({ length: 501 }, () => ({
      code: receipts[0]!.code,
      nonce: nonce(),
      gate: '1',
      scannedAt: minutesAgo(1),
    }));
    const problem = expectProblem(await sync(eventId, 'pad-1', scans), 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]).toMatchObject({ field: 'scans', code: 'maxItems' });
  });
});

describe('check-in window', () => {
  // The window runs from CHECK_IN_OPENS_HOURS_BEFORE_START (24) hours before the start to the
  // end, and test events last 4 hours. Without the window check every scan here checks in.
  async function checkedIn(registrationId: string) {
    const row = await ctx.db
      .selectFrom('registrations')
      .select('checked_in_at')
      .where('id', '=', registrationId)
      .executeTakeFirstOrThrow();
    return row.checked_in_at !== null;
  }

  it('rejects online scans before opening', async () => {
    const { eventId, receipts } = await eventWith(1);
    await startEventIn(ctx.db, eventId, 24 * 60 + 30);
    const response = await scan(eventId, { code: receipts[0]!.code, nonce: nonce(), gate: '1' });
    const problem = expectProblem(response, 409, 'CHK_OUTSIDE_WINDOW');
    expect(problem.detail).toContain('is open from');
    expect(await checkedIn(receipts[0]!.id)).toBe(false);
    const rows = await scansOf(receipts[0]!.id);
    expect(rows.map((row) => row.rejection)).toEqual(['CHK_OUTSIDE_WINDOW']);
  });

  it('accepts online scans inside', async () => {
    const { eventId, receipts } = await eventWith(2);
    await startEventIn(ctx.db, eventId, 24 * 60 - 30);
    const early = await scan(eventId, { code: receipts[0]!.code, nonce: nonce(), gate: '1' });
    expect(early.statusCode, early.body).toBe(200);
    await startEventIn(ctx.db, eventId, -3 * 60);
    const running = await scan(eventId, { code: receipts[1]!.code, nonce: nonce(), gate: '1' });
    expect(running.statusCode, running.body).toBe(200);
    expect(await checkedIn(receipts[0]!.id)).toBe(true);
    expect(await checkedIn(receipts[1]!.id)).toBe(true);
  });

  it('rejects online scans after the end', async () => {
    const { eventId, receipts } = await eventWith(1);
    await startEventIn(ctx.db, eventId, -5 * 60);
    const response = await scan(eventId, { code: receipts[0]!.code, nonce: nonce(), gate: '1' });
    expectProblem(response, 409, 'CHK_OUTSIDE_WINDOW');
    expect(await checkedIn(receipts[0]!.id)).toBe(false);
  });

  it('judges offline scans by scan time', async () => {
    const { eventId, receipts } = await eventWith(3);
    // The event started 5 hours ago and ended an hour ago, so its window closed an hour ago.
    await startEventIn(ctx.db, eventId, -5 * 60);
    const scans = [
      { code: receipts[0]!.code, nonce: nonce(), gate: '1', scannedAt: minutesAgo(4 * 60) },
      { code: receipts[1]!.code, nonce: nonce(), gate: '1', scannedAt: minutesAgo(30) },
      { code: receipts[2]!.code, nonce: nonce(), gate: '1', scannedAt: minutesAgo(30 * 60) },
    ];
    const response = await sync(eventId, 'pad-window', scans);
    expect(response.statusCode, response.body).toBe(200);
    const results = response.json<{ results: { outcome: string; error: string | null }[] }>()
      .results;
    expect(results.map((result) => result.outcome)).toEqual(['checked_in', 'rejected', 'rejected']);
    expect(results.map((result) => result.error)).toEqual([
      null,
      'CHK_OUTSIDE_WINDOW',
      'CHK_OUTSIDE_WINDOW',
    ]);
    expect(await checkedIn(receipts[0]!.id)).toBe(true);
    expect(await checkedIn(receipts[1]!.id)).toBe(false);
    expect(await checkedIn(receipts[2]!.id)).toBe(false);
  });
});

describe('offline ticket list and figures', () => {
  it('lists hashes and masked names only', async () => {
    const { eventId, receipts } = await eventWith(2);
    await scan(eventId, { code: receipts[0]!.code, nonce: nonce(), gate: '东门' });
    const response = await as(
      ctx.app,
      organiser,
    )({
      method: 'GET',
      url: `/api/console/events/${eventId}/check-in-list`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, no-store');
    const body = response.json();
    expect(body.tickets).toHaveLength(2);
    const expectedHash = createHash('sha256')
      .update(`cityleague-ticket:${eventId}:${receipts[0]!.code}`)
      .digest('base64url');
    expect(body.tickets[0]).toEqual({
      hash: expectedHash,
      nameMasked: '签***',
      groupId: body.groups[0].id,
      status: 'active',
      checkedInAt: expect.any(String),
      gate: '东门',
    });
    expect(body.tickets[1].checkedInAt).toBeNull();
    for (const receipt of receipts) expect(response.body).not.toContain(receipt.code);
    expect(response.body).not.toContain('签到测试');
    expect(response.body).not.toContain('1390021');
  });

  it('counts per group and gate', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '男子组', capacity: 10 },
      { name: '女子组', capacity: 10 },
    ]);
    const men = [await register(eventId, { groupId: groupIds[0] })];
    men.push(await register(eventId, { groupId: groupIds[0] }));
    const women = [await register(eventId, { groupId: groupIds[1] })];
    await startEventIn(ctx.db, eventId, 60);
    await scan(eventId, { code: men[0]!.code, nonce: nonce(), gate: '东门' });
    await scan(eventId, { code: men[1]!.code, nonce: nonce(), gate: '西门' });
    await scan(eventId, { code: men[1]!.code, nonce: nonce(), gate: '东门' });
    const body = (
      await as(
        ctx.app,
        organiser,
      )({
        method: 'GET',
        url: `/api/console/events/${eventId}/check-in-stats`,
      })
    ).json();
    expect(body).toMatchObject({
      total: 3,
      checkedIn: 2,
      rate: 0.667,
      onSite: 0,
      rejectedScans: 0,
      conflicts: 0,
      lastScanAt: expect.any(String),
    });
    expect(body.byGroup).toEqual([
      { groupId: groupIds[0], name: '男子组', total: 2, checkedIn: 2, rate: 1 },
      { groupId: groupIds[1], name: '女子组', total: 1, checkedIn: 0, rate: 0 },
    ]);
    expect(body.byGate).toEqual([
      { gate: '东门', checkedIn: 1 },
      { gate: '西门', checkedIn: 1 },
    ]);
    expect(women).toHaveLength(1);
  });
});
