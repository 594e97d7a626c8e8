import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkCounters } from '../registrations/counters.js';
import { publishWithGroups } from '../test/entries.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  publishNewEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';

/*
 * On-site registration takes its place through takePlaces, the capacity guard that
 * registrations/entry-races.test.ts proves with its negative control (without
 * `taken + n <= capacity` the last place goes to several entrants). The race below checks
 * that the on-site path keeps to that guard and checks each entrant in once.
 */

let ctx: TestContext;
let organiser: string;
let reviewer: string;
let phoneSerial = 0;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'site.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'site.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiser = await signIn(ctx.app, 'site.contractor');
  reviewer = await signIn(ctx.app, 'site.committee');
});

afterAll(async () => {
  await ctx.close();
});

function nextPhone(): string {
  phoneSerial += 1;
  return `1350042${String(phoneSerial).padStart(4, '0')}`;
}

/** Moves a published event to today: it started a minute ago, and online registration closed. */
async function holdToday(eventId: string) {
  await sql`
    update events set
      registration_opens_at = now() - interval '3 hours',
      registration_closes_at = now() - interval '2 hours',
      starts_at = now() - interval '1 minute',
      ends_at = now() + interval '4 hours'
    where id = ${eventId}`.execute(ctx.db);
}

function onSite(eventId: string, payload: Record<string, unknown>, key?: string) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/on-site-registrations`,
    payload: {
      signature: ctx.app.tickets.onSiteSignature(eventId),
      name: '现场报名者',
      phone: nextPhone(),
      ...payload,
    },
    headers: key ? { 'idempotency-key': key } : {},
  });
}

function tally(responses: LightMyRequestResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses) {
    const key =
      response.statusCode < 400
        ? String(response.statusCode)
        : `${response.statusCode} ${response.json<{ code: string }>().code}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('on-site registration', () => {
  it('registers and checks in at once', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 5 });
    await holdToday(event.id);

    const response = await onSite(event.id, {});
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      eventId: event.id,
      name: '现场报名者',
      checkedInAt: expect.any(String),
    });

    const row = await ctx.db
      .selectFrom('registrations')
      .selectAll()
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(row.channel).toBe('on_site');
    expect(row.status).toBe('active');
    expect(row.checked_in_gate).toBe('现场报名');
    const scans = await ctx.db
      .selectFrom('check_in_scans')
      .selectAll()
      .where('registration_id', '=', body.id)
      .execute();
    expect(scans.map((scan) => [scan.mode, scan.outcome, scan.scanned_by])).toEqual([
      ['on_site', 'checked_in', null],
    ]);
    const webhooks = await ctx.db
      .selectFrom('webhook_events')
      .select('action')
      .where('resource_id', '=', body.id)
      .orderBy('id')
      .execute();
    expect(webhooks.map((hook) => hook.action)).toEqual([
      'registration.created',
      'check_in.recorded',
    ]);

    const stats = await as(
      ctx.app,
      organiser,
    )({
      method: 'GET',
      url: `/api/console/events/${event.id}/check-in-stats`,
    });
    expect(stats.json()).toMatchObject({ total: 1, checkedIn: 1, onSite: 1 });
    expect(stats.json().byGate).toEqual([{ gate: '现场报名', checkedIn: 1 }]);
  });

  it('replays a retried request', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 5 });
    await holdToday(event.id);
    const phone = nextPhone();
    const first = await onSite(event.id, { phone }, 'on-site-key-1');
    const again = await onSite(event.id, { phone }, 'on-site-key-1');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(again.json().checkedInAt).toBe(first.json().checkedInAt);
  });

  it('rejects a forged link', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 5 });
    await holdToday(event.id);
    const other = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 5 });
    const signature = ctx.app.tickets.onSiteSignature(other.id);
    const response = await onSite(event.id, { signature });
    expectProblem(response, 403, 'CHK_ONSITE_LINK_INVALID');
    const status = await ctx.app.inject({
      method: 'GET',
      url: `/api/events/${event.id}/on-site?s=${signature}`,
    });
    expectProblem(status, 403, 'CHK_ONSITE_LINK_INVALID');
    const counts = await ctx.db
      .selectFrom('registrations')
      .select('id')
      .where('event_id', '=', event.id)
      .execute();
    expect(counts).toHaveLength(0);
  });

  it('opens on the event day only', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 5 });
    const signature = ctx.app.tickets.onSiteSignature(event.id);
    const status = (url: string) => ctx.app.inject({ method: 'GET', url });
    const link = `/api/events/${event.id}/on-site?s=${signature}`;

    // The default test event starts in three days.
    expect((await status(link)).json()).toEqual({ open: false });
    expectProblem(await onSite(event.id, {}), 409, 'CHK_ONSITE_CLOSED');

    await holdToday(event.id);
    expect((await status(link)).json()).toEqual({ open: true });

    await sql`update events set ends_at = now() - interval '1 minute' where id = ${event.id}`.execute(
      ctx.db,
    );
    expectProblem(await onSite(event.id, {}), 409, 'CHK_ONSITE_CLOSED');
  });

  it('rejects an unpublished event', async () => {
    const response = await onSite('01900000-0000-7000-8000-000000000001', {});
    expectProblem(response, 404, 'EVT_NOT_FOUND');
  });

  it('rejects a full group despite its waiting list', async () => {
    const { eventId } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '候补组', capacity: 1, waitingList: 'auto' },
    ]);
    await holdToday(eventId);
    expect((await onSite(eventId, {})).statusCode).toBe(201);
    const response = await onSite(eventId, {});
    expectProblem(response, 409, 'REG_EVENT_FULL');
    const rows = await ctx.db
      .selectFrom('registrations')
      .select('status')
      .where('event_id', '=', eventId)
      .execute();
    expect(rows.map((row) => row.status)).toEqual(['active']);
  });

  it('gives the last places to exactly as many', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 3 });
    await holdToday(event.id);
    const responses = await Promise.all(Array.from({ length: 30 }, () => onSite(event.id, {})));
    expect(tally(responses)).toEqual({ '201': 3, '409 REG_EVENT_FULL': 27 });

    const rows = await ctx.db
      .selectFrom('registrations')
      .select(['status', 'checked_in_at', 'channel'])
      .where('event_id', '=', event.id)
      .execute();
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.checked_in_at !== null && row.channel === 'on_site')).toBe(true);
    const scans = await ctx.db
      .selectFrom('check_in_scans')
      .select('id')
      .where('event_id', '=', event.id)
      .execute();
    expect(scans).toHaveLength(3);
    expect(await checkCounters(ctx.db, event.id)).toEqual([]);
  });
});

describe('on-site link for the organiser', () => {
  it('returns the signed link and its QR code', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 5 });
    const response = await as(
      ctx.app,
      organiser,
    )({
      method: 'GET',
      url: `/api/console/events/${event.id}/on-site-link`,
    });
    expect(response.statusCode).toBe(200);
    const signature = ctx.app.tickets.onSiteSignature(event.id);
    expect(response.json().url).toBe(
      `http://localhost:80/events/${event.id}/on-site?s=${signature}`,
    );
    expect(response.json().qrSvg).toMatch(/^<svg/);
  });

  it('hides the link from a reviewer', async () => {
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 5 });
    const response = await as(
      ctx.app,
      reviewer,
    )({
      method: 'GET',
      url: `/api/console/events/${event.id}/on-site-link`,
    });
    expectProblem(response, 403, 'EVT_NOT_OWNED');
  });
});
