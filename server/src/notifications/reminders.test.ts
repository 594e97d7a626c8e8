import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { deliverOutbox } from '../citizens/citizen-test-support.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  publishNewEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { dispatchOutbox, OUTBOX_MAX_ATTEMPTS } from './outbox.service.js';
import { queueReminders, REMINDER_KIND } from './reminder.service.js';
import type { SmsMessage, SmsProvider } from './sms-provider.js';

let ctx: TestContext;
let organiser: string;
let reviewer: string;
let operator: string;
let phoneSerial = 0;

beforeAll(async () => {
  ctx = await createTestContext();
  for (const [username, accountType] of [
    ['rem.contractor', 'contractor'],
    ['rem.committee', 'committee'],
    ['rem.operator', 'operator'],
  ] as const) {
    await createAccount(ctx.db, { username, accountType, divisionCode: '3101' });
  }
  organiser = await signIn(ctx.app, 'rem.contractor');
  reviewer = await signIn(ctx.app, 'rem.committee');
  operator = await signIn(ctx.app, 'rem.operator');
});

afterAll(async () => {
  await ctx.close();
});

beforeEach(async () => {
  // Each test starts from an empty outbox and no event starting tomorrow from earlier tests.
  await deliverOutbox(ctx.app);
  await sql`delete from notification_outbox`.execute(ctx.db);
  await sql`update events set starts_at = starts_at + interval '30 days',
    ends_at = ends_at + interval '30 days' where state = 'published'`.execute(ctx.db);
});

class RecordingProvider implements SmsProvider {
  readonly name = 'recording';
  readonly sent: SmsMessage[] = [];
  failing = false;

  async send(message: SmsMessage): Promise<void> {
    if (this.failing) throw new Error('gateway unavailable');
    this.sent.push(message);
  }
}

const silentLog = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
} as unknown as Parameters<typeof dispatchOutbox>[0]['log'];

function dispatch(provider: SmsProvider) {
  return dispatchOutbox({ db: ctx.db, cipher: ctx.app.cipher, provider, log: silentLog });
}

async function register(eventId: string) {
  phoneSerial += 1;
  const phone = `1360055${String(phoneSerial).padStart(4, '0')}`;
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload: { name: '提醒测试', phone },
  });
  expect(response.statusCode, response.body).toBe(201);
  return { ...response.json<{ id: string; code: string }>(), phone };
}

/** Moves an event to `days` days from today at 09:30 in Asia/Shanghai, on the database clock. */
async function moveTo(eventId: string, days: number) {
  await sql`
    update events set
      registration_closes_at = least(registration_closes_at, now()),
      starts_at = (date_trunc('day', now() at time zone 'Asia/Shanghai')
        + make_interval(days => ${days}, hours => 9, mins => 30)) at time zone 'Asia/Shanghai',
      ends_at = (date_trunc('day', now() at time zone 'Asia/Shanghai')
        + make_interval(days => ${days}, hours => 12)) at time zone 'Asia/Shanghai'
    where id = ${eventId}`.execute(ctx.db);
}

/** Publishes an event with `count` entries and confirms their registrations' SMS. */
async function eventWithEntrants(count: number, days: number) {
  const event = await publishNewEvent(ctx.app, organiser, reviewer, { name: '明日提醒测试赛' });
  const entrants = [];
  for (let i = 0; i < count; i++) entrants.push(await register(event.id));
  await deliverOutbox(ctx.app);
  await moveTo(event.id, days);
  return { eventId: event.id as string, entrants };
}

async function reminderRows() {
  return ctx.db
    .selectFrom('notification_outbox')
    .selectAll()
    .where('kind', '=', REMINDER_KIND)
    .orderBy('registration_id')
    .execute();
}

describe('reminder job', () => {
  it('queues one reminder per active entrant of tomorrow', async () => {
    const { eventId, entrants } = await eventWithEntrants(3, 1);
    await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/registrations/${entrants[2]!.id}/cancel`,
      payload: { reason: '本人申请' },
    });
    await eventWithEntrants(1, 0);
    await eventWithEntrants(1, 2);

    expect(await queueReminders(ctx.db)).toBe(2);
    const rows = await reminderRows();
    const active = entrants
      .slice(0, 2)
      .map((entrant) => entrant.id)
      .sort();
    expect(rows.map((row) => row.registration_id)).toEqual(active);
    const day = rows[0]!.payload.eventDate as string;
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(rows.map((row) => row.dedup_key)).toEqual(
      active.map((id) => `${REMINDER_KIND}:${id}:${day}`),
    );
  });

  it('sends once across repeated runs', async () => {
    const { entrants } = await eventWithEntrants(2, 1);
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await queueReminders(ctx.db));
    expect(runs).toEqual([2, 0, 0, 0, 0]);

    const provider = new RecordingProvider();
    expect(await dispatch(provider)).toEqual({ sent: 2, failed: 0, abandoned: 0 });
    expect(await queueReminders(ctx.db)).toBe(0);
    expect(await dispatch(provider)).toEqual({ sent: 0, failed: 0, abandoned: 0 });
    expect(provider.sent.map((message) => message.to).sort()).toEqual(
      entrants.map((entrant) => entrant.phone).sort(),
    );
    const text = provider.sent.find((message) => message.to === entrants[0]!.phone)?.text;
    expect(text).toContain('明日提醒测试赛');
    expect(text).toContain(entrants[0]!.code);
    expect(text).toContain('09:30');
  });

  it('sends once across two concurrent runs', async () => {
    const { entrants } = await eventWithEntrants(6, 1);
    const counts = await Promise.all([queueReminders(ctx.db), queueReminders(ctx.db)]);
    expect(counts[0]! + counts[1]!).toBe(6);
    expect(await reminderRows()).toHaveLength(entrants.length);

    // A second instance dispatching at the same time claims other rows, never the same ones.
    const providers = [new RecordingProvider(), new RecordingProvider()];
    await Promise.all(providers.map((provider) => dispatch(provider)));
    const sent = providers.flatMap((provider) => provider.sent.map((message) => message.to));
    expect(sent.sort()).toEqual(entrants.map((entrant) => entrant.phone).sort());
  });

  it('queues again when the keys are removed', async () => {
    // Negative control: the unique index on dedup_key is what stops a second run. With the
    // keys of the first run removed, the same job queues every reminder again.
    await eventWithEntrants(2, 1);
    expect(await queueReminders(ctx.db)).toBe(2);
    await sql`update notification_outbox set dedup_key = null where kind = ${REMINDER_KIND}`.execute(
      ctx.db,
    );
    expect(await queueReminders(ctx.db)).toBe(2);
    expect(await reminderRows()).toHaveLength(4);
  });

  it('drops the reminder of a moved event', async () => {
    const { eventId } = await eventWithEntrants(1, 1);
    expect(await queueReminders(ctx.db)).toBe(1);
    await moveTo(eventId, 3);
    const provider = new RecordingProvider();
    expect(await dispatch(provider)).toEqual({ sent: 0, failed: 0, abandoned: 1 });
    const [row] = await reminderRows();
    expect(row?.last_error).toBe('event moved to another date');
  });
});

describe('operator outbox page', () => {
  function list(state: string, cookie = operator, query = '') {
    return as(
      ctx.app,
      cookie,
    )({ method: 'GET', url: `/api/operator/outbox?state=${state}${query}` });
  }

  it('lists failed messages with their error and retries abandoned ones', async () => {
    const { eventId } = await eventWithEntrants(2, 1);
    await queueReminders(ctx.db);
    const provider = new RecordingProvider();
    provider.failing = true;
    expect(await dispatch(provider)).toEqual({ sent: 0, failed: 2, abandoned: 0 });

    const retrying = await list('retrying');
    expect(retrying.statusCode, retrying.body).toBe(200);
    expect(retrying.json().counts).toEqual({ waiting: 0, retrying: 2, abandoned: 0 });
    expect(retrying.json().items).toHaveLength(2);
    expect(retrying.json().items[0]).toMatchObject({
      kind: REMINDER_KIND,
      attempts: 1,
      lastError: 'gateway unavailable',
      abandonedAt: null,
      eventId,
      eventName: '明日提醒测试赛',
    });
    expect(retrying.body).not.toContain('payload');
    expect(retrying.body).not.toContain('1360055');

    // The backoff doubles from 30 seconds: the second attempt is due about 30 s after the first.
    const [row] = await reminderRows();
    const delay = new Date(row!.next_attempt_at).getTime() - Date.now();
    expect(delay).toBeGreaterThan(0);
    expect(delay).toBeLessThanOrEqual(31_000);

    await sql`update notification_outbox set attempts = ${OUTBOX_MAX_ATTEMPTS - 1},
      next_attempt_at = now() where kind = ${REMINDER_KIND}`.execute(ctx.db);
    expect(await dispatch(provider)).toEqual({ sent: 0, failed: 0, abandoned: 2 });
    const abandoned = (await list('abandoned')).json();
    expect(abandoned.counts).toEqual({ waiting: 0, retrying: 0, abandoned: 2 });
    expect(abandoned.items[0]).toMatchObject({ abandonReason: 'send_failed', retryable: true });
    const id = abandoned.items[0].id as string;

    const retried = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/operator/outbox/${id}/retry`,
    });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toEqual({ id, kind: REMINDER_KIND });
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('entity_id', '=', id)
      .execute();
    expect(audit).toEqual([{ action: 'notification.retried', detail: { kind: REMINDER_KIND } }]);

    provider.failing = false;
    expect(await dispatch(provider)).toEqual({ sent: 1, failed: 0, abandoned: 0 });
    const sent = await list('sent');
    expect(sent.statusCode, sent.body).toBe(200);
    const sentItem = sent.json().items.find((item: { id: string }) => item.id === id);
    expect(sentItem).toMatchObject({ kind: REMINDER_KIND, eventId, abandonedAt: null });
    expect(Date.parse(sentItem.sentAt)).toBeGreaterThan(Date.parse(sentItem.createdAt));
    // Sent messages are not counted: the counts cover the unsent states only.
    expect(Object.keys(sent.json().counts).sort()).toEqual(['abandoned', 'retrying', 'waiting']);
    expect(sent.body).not.toContain('payload');
    const again = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: `/api/operator/outbox/${id}/retry`,
    });
    expectProblem(again, 409, 'NTF_NOT_ABANDONED');
  });

  it('offers no resend for a dropped message', async () => {
    const { eventId } = await eventWithEntrants(1, 1);
    await queueReminders(ctx.db);
    await moveTo(eventId, 3);
    expect(await dispatch(new RecordingProvider())).toMatchObject({ abandoned: 1 });

    const items = (await list('abandoned')).json<{
      items: { id: string; eventId: string; abandonReason: string; retryable: boolean }[];
    }>().items;
    const dropped = items.find((item) => item.eventId === eventId);
    expect(dropped).toMatchObject({ abandonReason: 'event_changed', retryable: false });

    const retried = await as(
      ctx.app,
      operator,
    )({ method: 'POST', url: `/api/operator/outbox/${dropped!.id}/retry` });
    expectProblem(retried, 409, 'NTF_NOT_RETRYABLE');
    const [row] = await ctx.db
      .selectFrom('notification_outbox')
      .select(['abandoned_at', 'attempts'])
      .where('id', '=', dropped!.id)
      .execute();
    expect(row?.abandoned_at).not.toBeNull();
  });

  it('pages with a cursor', async () => {
    await eventWithEntrants(3, 1);
    await queueReminders(ctx.db);
    const first = (await list('waiting', operator, '&limit=2')).json();
    expect(first.items).toHaveLength(2);
    const cursor = encodeURIComponent(first.nextCursor);
    const second = (await list('waiting', operator, `&limit=2&cursor=${cursor}`)).json();
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items].map((item: { id: string }) => item.id);
    expect(new Set(ids).size).toBe(3);
    expectProblem(await list('waiting', operator, '&cursor=abc'), 400, 'INVALID_CURSOR');
  });

  it('rejects other accounts and unknown ids', async () => {
    expectProblem(await list('waiting', organiser), 403, 'ACC_ROLE_FORBIDDEN');
    expectProblem(await list('delivered'), 400, 'VALIDATION_FAILED');
    const missing = await as(
      ctx.app,
      operator,
    )({
      method: 'POST',
      url: '/api/operator/outbox/01900000-0000-7000-8000-000000000009/retry',
    });
    expectProblem(missing, 404, 'NTF_NOT_FOUND');
  });
});
