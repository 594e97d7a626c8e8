import { type Kysely, sql } from 'kysely';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CHECK_IN_OPENS_HOURS_BEFORE_START } from '../check-in/check-in.service.js';
import { deliverOutbox } from '../citizens/citizen-test-support.js';
import { as, createTestContext, sessionIdOfCookie, type TestContext } from '../test/harness.js';
import { up as cutEventTimes } from '../db/migrations/0047-event-times-to-milliseconds.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemoLeague } from './demo-league.js';

let ctx: TestContext;
let firstRun: boolean;

beforeAll(async () => {
  ctx = await createTestContext();
  // As at start-up, the seed sends the SMS queued before the demo cancels an event.
  firstRun = await seedDemoLeague(ctx.db, ctx.app.cipher, 'league', {
    enrolDemoTotp: true,
    deliverNotifications: () => deliverOutbox(ctx.app),
  });
});

afterAll(async () => {
  await ctx.close();
});

async function count(table: 'users' | 'events' | 'registrations' | 'audit_log') {
  const row = await ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function publishedCount() {
  const row = await ctx.db
    .selectFrom('events')
    .where('state', '=', 'published')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function signInDemo(username: string) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username, password: DEMO_PASSWORD },
  });
  expect(response.statusCode, `${username}: ${response.body}`).toBe(200);
  const cookie = `sid=${response.cookies.find((c) => c.name === 'sid')?.value}`;
  // A one-time code is accepted once per 30 seconds, so the waiting session is completed in
  // the database. The demo TOTP test below enters a code.
  await ctx.db
    .updateTable('sessions')
    .set({ pending_step: null })
    .where('id', '=', sessionIdOfCookie(cookie))
    .execute();
  return { me: response.json(), session: as(ctx.app, cookie) };
}

describe('seedDemoLeague', () => {
  it('seeds an empty database', () => {
    expect(firstRun).toBe(true);
  });

  it('enrols administrators with the demo TOTP secret', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'security', password: DEMO_PASSWORD },
    });
    expect(response.json().pendingStep).toBe('totp');
    const cookie = `sid=${response.cookies.find((c) => c.name === 'sid')?.value}`;
    const verified = await as(
      ctx.app,
      cookie,
    )({
      method: 'POST',
      url: '/api/session/totp',
      payload: { code: await generate({ secret: DEMO_TOTP_SECRET }) },
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().menus).toEqual(['audit']);

    const contractor = await ctx.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'contractor', password: DEMO_PASSWORD },
    });
    expect(contractor.json().pendingStep).toBeNull();
  });

  it('files events in every state', async () => {
    const rows = await ctx.db
      .selectFrom('events')
      .select(['state', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('state')
      .execute();
    const byState = Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
    expect(byState).toEqual({
      draft: 1,
      submitted: 6,
      returned: 1,
      approved: 1,
      published: 11,
      cancelled: 1,
    });
  });

  it('registers and checks people in', async () => {
    const totals = await ctx.db
      .selectFrom('registrations')
      .select([
        (eb) => eb.fn.countAll<number>().as('registrations'),
        (eb) => eb.fn.count<number>('checked_in_at').as('checkIns'),
      ])
      .executeTakeFirstOrThrow();
    expect(Number(totals.registrations)).toBe(84);
    expect(Number(totals.checkIns)).toBe(29);
    const outsideWindow = await ctx.db
      .selectFrom('registrations')
      .innerJoin('events', 'events.id', 'registrations.event_id')
      .select('registrations.id')
      .where('registrations.checked_in_at', 'is not', null)
      .where((eb) =>
        eb.or([
          eb(
            'registrations.checked_in_at',
            '<',
            sql<Date>`events.starts_at - make_interval(hours => ${CHECK_IN_OPENS_HOURS_BEFORE_START})`,
          ),
          eb('registrations.checked_in_at', '>', eb.ref('events.ends_at')),
        ]),
      )
      .execute();
    expect(outsideWindow).toEqual([]);

    const events = await ctx.db
      .selectFrom('events')
      .select(['id', 'registered_count'])
      .where('registered_count', '>', 0)
      .execute();
    for (const event of events) {
      const rows = await ctx.db
        .selectFrom('registrations')
        .select('id')
        .where('event_id', '=', event.id)
        .where('status', '=', 'active')
        .execute();
      expect(rows, event.id).toHaveLength(event.registered_count);
    }
  });

  it('offers a waiting list and a team group', async () => {
    const groups = await ctx.db
      .selectFrom('event_groups')
      .innerJoin('events', 'events.id', 'event_groups.event_id')
      .select([
        'event_groups.id',
        'event_groups.capacity',
        'event_groups.taken',
        'event_groups.waiting_list',
        'event_groups.entry_type',
        'event_groups.team_min',
        'event_groups.team_max',
      ])
      .where('events.state', '=', 'published')
      .execute();
    const waitingGroup = groups.find((group) => group.waiting_list !== 'off');
    expect(waitingGroup).toBeDefined();
    expect(waitingGroup?.taken).toBe(waitingGroup?.capacity);
    const waiting = await ctx.db
      .selectFrom('registrations')
      .select('id')
      .where('group_id', '=', waitingGroup!.id)
      .where('status', '=', 'waiting')
      .execute();
    expect(waiting).toHaveLength(2);

    const teamGroup = groups.find((group) => group.entry_type === 'team');
    expect(teamGroup).toMatchObject({ team_min: 2, team_max: 2 });
  });

  it('encrypts the demo phones', async () => {
    const rows = await ctx.db
      .selectFrom('registrations')
      .select(['phone_ciphertext', 'phone_hash', 'phone_masked'])
      .execute();
    for (const row of rows) {
      const phone = ctx.app.cipher.decrypt(row.phone_ciphertext);
      expect(phone).toMatch(/^1390000\d{4}$/);
      expect(row.phone_ciphertext).not.toContain(phone);
      expect(row.phone_hash).toBe(ctx.app.cipher.hash(phone));
      expect(row.phone_masked).toBe(`139****${phone.slice(-4)}`);
    }
  });

  it('covers every registration status', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/events?limit=100' });
    expect(response.statusCode).toBe(200);
    const items: { name: string; registrationStatus: string }[] = response.json().items;
    expect(items).toHaveLength(11);
    const statuses = new Set(items.map((item) => item.registrationStatus));
    expect([...statuses].sort()).toEqual(['closed', 'full', 'not_open', 'open']);
  });

  it('publishes results with certificates for past events', async () => {
    const past = await ctx.db
      .selectFrom('events')
      .innerJoin('result_publications', 'result_publications.event_id', 'events.id')
      .select(['events.id', 'events.name', 'events.ends_at', 'result_publications.published_at'])
      .orderBy('events.name')
      .execute();
    expect(past.map((event) => event.name)).toEqual([
      '市民体育锻炼达标赛（长宁赛区）',
      '徐汇区市民10公里路跑',
    ]);
    for (const event of past) {
      expect(new Date(event.ends_at!).getTime(), event.name).toBeLessThan(Date.now());
      // The results were published the day after the event, not at seeding time.
      expect(new Date(event.published_at).getTime(), event.name).toBe(
        new Date(event.ends_at!).getTime() + 24 * 3600_000,
      );
      const late = await ctx.db
        .selectFrom('registrations')
        .select('id')
        .where('event_id', '=', event.id)
        .where((eb) =>
          eb.or([eb('created_at', '>', event.ends_at!), eb('checked_in_at', '>', event.ends_at!)]),
        )
        .execute();
      expect(late, event.name).toEqual([]);
    }

    const [run] = past.filter((event) => event.name === '徐汇区市民10公里路跑');
    const response = await ctx.app.inject({ method: 'GET', url: `/api/events/${run!.id}/results` });
    expect(response.statusCode, response.body).toBe(200);
    const items: { text: string; nameMasked: string }[] = response.json().items;
    expect(items).toHaveLength(10);
    expect(items[0]?.text).toBe('第1名 · 00:40:13');
    expect(items.at(-1)?.text).toBe('未完赛');
    expect(response.body).not.toMatch(/1390000\d{4}/);

    const certificates = await ctx.db
      .selectFrom('certificates')
      .select('code')
      .where('event_id', '=', run!.id)
      .where('revoked_at', 'is', null)
      .execute();
    expect(certificates).toHaveLength(9);
    const verified = await ctx.app.inject({
      method: 'GET',
      url: `/api/certificates/${certificates[0]!.code}`,
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().eventName).toBe('徐汇区市民10公里路跑');
    // The certificate shows the time as the result pages do, without a zero fraction.
    expect(verified.json().result).toMatch(/^第\d+名 · \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/);
    expect(verified.json().result).not.toMatch(/\.\d*0$/);
  });

  it('files contractor events under contracts', async () => {
    const rows = await ctx.db
      .selectFrom('events')
      .innerJoin('users', 'users.id', 'events.created_by')
      .innerJoin('organisations', 'organisations.id', 'events.organisation_id')
      .leftJoin('contracts', 'contracts.id', 'events.contract_id')
      .select([
        'events.name',
        'events.sport',
        'organisations.credit_code as organisation_code',
        'contracts.credit_code as contract_code',
        'contracts.event_name as contract_event',
        'contracts.sport as contract_sport',
        'contracts.import_id',
      ])
      .where('users.username', '=', 'contractor')
      .execute();
    expect(rows).toHaveLength(7);
    for (const row of rows) {
      expect(row.contract_code, row.name).toBe(row.organisation_code);
      expect(row.contract_event, row.name).toBe(row.name);
      expect(row.contract_sport, row.name).toBe(row.sport);
      expect(row.import_id, row.name).not.toBeNull();
    }
    const imports = await ctx.db
      .selectFrom('contract_imports')
      .select(['status', 'invalid_count'])
      .execute();
    expect(imports.length).toBeGreaterThan(0);
    for (const record of imports) {
      expect(record.status).toBe('committed');
      expect(record.invalid_count).toBe(0);
    }
  });

  it('signs in every demo account', async () => {
    for (const account of DEMO_ACCOUNTS) {
      const { me } = await signInDemo(account.username);
      expect(me.user.accountType, account.username).toBe(account.accountType);
      expect(me.user.displayName, account.username).toBe(account.displayName);
      expect(me.user.organisation.name, account.username).toBe(account.organisation);
      expect(me.user.divisionCode, account.username).toBe(account.divisionCode);
    }
  });

  it('provides the documented log-ins', async () => {
    const documented = [
      ['bureau', 'sports_bureau', '上海市'],
      ['committee', 'committee', '上海市'],
      ['xuhui.bureau', 'district_bureau', '徐汇区'],
      ['contractor', 'contractor', '上海市'],
      ['association', 'community_association', '上海市'],
      ['street.xujiahui', 'street', '徐家汇街道'],
    ];
    for (const [username, accountType, divisionName] of documented) {
      const { me } = await signInDemo(username ?? '');
      expect(me.user.accountType, username).toBe(accountType);
      expect(me.user.divisionName, username).toBe(divisionName);
    }
  });

  it('registers the demo partner platforms, each with one credential', async () => {
    const partners = await ctx.db
      .selectFrom('partners')
      .select(['id', 'name', 'scopes', 'status'])
      .orderBy('name')
      .execute();
    expect(partners).toHaveLength(5);
    expect(partners.every((partner) => partner.status === 'active')).toBe(true);
    expect(
      partners.filter((partner) => partner.scopes.includes('registrations:write')),
    ).toHaveLength(3);
    const credentials = await ctx.db
      .selectFrom('partner_credentials')
      .select('partner_id')
      .execute();
    expect(new Set(credentials.map((credential) => credential.partner_id)).size).toBe(5);
  });

  it('fills the review queues', async () => {
    const queues: Record<string, number> = {
      committee: 3,
      association: 1,
      'pudong.bureau': 2,
      'xuhui.bureau': 1,
    };
    for (const [username, size] of Object.entries(queues)) {
      const { session } = await signInDemo(username);
      const response = await session({ method: 'GET', url: '/api/reviews' });
      expect(response.statusCode).toBe(200);
      expect(response.json().items, username).toHaveLength(size);
    }
  });

  it('shows a pending change, review steps and a cancellation', async () => {
    const pending = await ctx.db
      .selectFrom('event_changes')
      .select(['fields', 'state'])
      .executeTakeFirstOrThrow();
    expect(pending).toEqual({ fields: ['venue'], state: 'pending' });
    const steps = await ctx.db
      .selectFrom('events')
      .select(['sport', 'review_steps'])
      .where('state', '=', 'submitted')
      .where('sport', 'in', ['skateboarding', 'dragon_boat'])
      .orderBy('sport')
      .execute();
    expect(steps.map((row) => [row.sport, row.review_steps.map((step) => step.step)])).toEqual([
      ['dragon_boat', ['pre_review']],
      ['skateboarding', ['assessment']],
    ]);
    const cancelled = await ctx.db
      .selectFrom('notification_outbox')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('kind', '=', 'event.cancelled')
      .executeTakeFirstOrThrow();
    expect(Number(cancelled.count)).toBe(3);
  });

  it('sends every demo SMS without abandoning one', async () => {
    const delivered = await deliverOutbox(ctx.app);
    expect(delivered.failed).toBe(0);
    expect(delivered.abandoned).toBe(0);
    const rows = await ctx.db
      .selectFrom('notification_outbox')
      .select(['kind', 'sent_at', 'abandoned_at', 'last_error'])
      .execute();
    expect(rows.filter((row) => row.abandoned_at !== null)).toEqual([]);
    expect(rows.filter((row) => row.sent_at === null)).toEqual([]);
    const cancelledEntries = await ctx.db
      .selectFrom('notification_outbox')
      .innerJoin('registrations', 'registrations.id', 'notification_outbox.registration_id')
      .select('notification_outbox.sent_at')
      .where('notification_outbox.kind', '=', 'registration.confirmed')
      .where('registrations.status', '=', 'cancelled')
      .execute();
    // The entries of the cancelled event got their confirmation before the cancellation.
    expect(cancelledEntries).toHaveLength(3);
    expect(cancelledEntries.every((row) => row.sent_at !== null)).toBe(true);
  });

  it('names a real host for every event', async () => {
    const rows = await ctx.db
      .selectFrom('events')
      .leftJoin('divisions', 'divisions.code', 'events.district_code')
      .innerJoin('organisations', 'organisations.id', 'events.organisation_id')
      .select([
        'events.name',
        'events.level',
        'events.section',
        'events.host',
        'divisions.name as district',
        'organisations.name as filer',
      ])
      .execute();
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      const expected =
        row.section === 'community_games'
          ? row.filer
          : row.level === 'city'
            ? '上海市体育局'
            : `${row.district}体育局`;
      expect(row.host, row.name).toBe(expected);
    }
  });

  it('records the return reason', async () => {
    const returned = await ctx.db
      .selectFrom('events')
      .select('return_reason')
      .where('state', '=', 'returned')
      .executeTakeFirstOrThrow();
    expect(returned.return_reason).toBe('安全预案缺少医疗保障人员配置，请补充后重新提交');
  });

  it('shows the league on the city dashboard', async () => {
    const { session } = await signInDemo('bureau');
    // A dashboard counts one calendar year, and the demo's events start from some weeks ago
    // to 70 days ahead, so they can span two years: the sum over three years contains them all.
    const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
    const body = { events: {} as Record<string, number>, registrations: 0, checkIns: 0 };
    for (const y of [year - 1, year, year + 1]) {
      const response = await session({ method: 'GET', url: `/api/dashboard?year=${y}` });
      expect(response.statusCode).toBe(200);
      const figures = response.json();
      for (const [stage, count] of Object.entries<number>(figures.events)) {
        body.events[stage] = (body.events[stage] ?? 0) + count;
      }
      body.registrations += figures.registrations;
      body.checkIns += figures.checkIns;
    }
    // The contractor's draft stays with its organisation. A published event that has ended
    // counts as held.
    const { published, held, ...others } = body.events;
    expect(others).toEqual({
      draft: 0,
      submitted: 6,
      returned: 1,
      approved: 1,
      cancelled: 1,
      filed: 20,
      total: 20,
    });
    expect(published + held).toBe(11);
    expect(body.registrations).toBe(79);
    expect(body.checkIns).toBe(29);
  });

  it('stores event times in milliseconds', async () => {
    const finer = await sql<{ count: number }>`
      select count(*)::int as count from events
      where starts_at <> date_trunc('milliseconds', starts_at)
        or ends_at <> date_trunc('milliseconds', ends_at)
        or published_at <> date_trunc('milliseconds', published_at)`.execute(ctx.db);
    expect(finer.rows[0]!.count).toBe(0);
  });

  it('cuts finer times of an older seed in migration 0047', async () => {
    const event = await ctx.db
      .selectFrom('events')
      .select(['id', 'starts_at'])
      .executeTakeFirstOrThrow();
    await sql`update events set starts_at = starts_at + interval '123 microseconds'
      where id = ${event.id}`.execute(ctx.db);
    await cutEventTimes(ctx.db as unknown as Kysely<unknown>);
    const after = await ctx.db
      .selectFrom('events')
      .select(sql<string>`starts_at::text`.as('starts'))
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    const expected = await sql<{ starts: string }>`
      select ${event.starts_at}::timestamptz::text as starts`.execute(ctx.db);
    expect(after.starts).toBe(expected.rows[0]!.starts);
  });

  it('pages the soonest-first list to its end', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page += 1) {
      const query = `sort=starts&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await ctx.app.inject({ method: 'GET', url: `/api/events?${query}` });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      seen.push(...body.items.map((item: { id: string }) => item.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await publishedCount());
  });

  it('does nothing the second time', async () => {
    const before = {
      users: await count('users'),
      events: await count('events'),
      registrations: await count('registrations'),
      audit: await count('audit_log'),
    };
    expect(before.users).toBe(DEMO_ACCOUNTS.length);
    expect(before.events).toBe(21);

    expect(await seedDemoLeague(ctx.db, ctx.app.cipher)).toBe(false);

    expect(await count('users')).toBe(before.users);
    expect(await count('events')).toBe(before.events);
    expect(await count('registrations')).toBe(before.registrations);
    expect(await count('audit_log')).toBe(before.audit);
  });
});
