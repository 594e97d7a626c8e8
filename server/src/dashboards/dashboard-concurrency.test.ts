import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { uuidv7 } from '../shared/ids.js';
import {
  createAccount,
  createTestContext,
  FILING_DETAILS,
  type TestContext,
} from '../test/harness.js';
import { countParticipants } from './dashboard.repository.js';
import {
  applyParticipantChanges,
  applyRollupChanges,
  checkDashboardSummaries,
  markEndedFacts,
  summaryRound,
} from './dashboard-summaries.js';

// People enter eight events at once, one entry per transaction and then several entries per
// statement. The events share most participant sets (city, district, section, level,
// organisation), so the transactions queue changes of the same set and counter rows, while
// several appliers take the queue at the same time. On PostgreSQL they run in parallel. On
// PGlite they run one after another.
//
// Before the queue of migration 0038, writers updated the set rows in parallel, and a
// read-then-write upsert in dashboard_apply_participant_deltas made both tests fail. Now one
// applier at a time writes them, under an advisory lock, while the writers only queue.
//
// Negative controls of the queue, by hand, in migration 0038. Taking the queue newest first
// (`order by q.id desc`) makes the first queue test fail: a cancellation applied before its
// entry is dropped, so the person stays counted (9 instead of 7). A rebuild that keeps the
// queue makes the second fail, because the queued entry then counts twice.
const EVENTS = 8;
const STREETS = ['310104003', '310104004', '310104011', '310104012'];
const SPORTS = ['running', 'football'];

let ctx: TestContext;
const eventIds: string[] = [];
const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

beforeAll(async () => {
  ctx = await createTestContext();
  const { organisationId, userId } = await createAccount(ctx.db, {
    username: 'dc.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  const startsAt = new Date(Date.UTC(year, 5, 15, 2));
  for (let i = 0; i < EVENTS; i++) {
    const id = uuidv7();
    await ctx.db
      .insertInto('events')
      .values({
        id,
        organisation_id: organisationId,
        created_by: userId,
        name: `并发测试赛事 ${i}`,
        level: 'district',
        section: 'league_event',
        sport: SPORTS[i % SPORTS.length]!,
        division_code: STREETS[i % STREETS.length]!,
        district_code: '310104',
        venue: '测试场馆',
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + 4 * 3600_000),
        capacity: 100,
        registration_opens_at: new Date(startsAt.getTime() - 20 * 86_400_000),
        registration_closes_at: new Date(startsAt.getTime() - 86_400_000),
        state: 'published',
        address: FILING_DETAILS.address,
        host: FILING_DETAILS.host,
        organiser: FILING_DETAILS.organiser,
        expected_participants: 10,
        fee_cents: 0,
        rules: FILING_DETAILS.rules,
        safety_plan: FILING_DETAILS.safetyPlan,
        medical_cover: FILING_DETAILS.medicalCover,
        insurance: FILING_DETAILS.insurance,
        contact_name: FILING_DETAILS.contactName,
        contact_phone: FILING_DETAILS.contactPhone,
        updated_at: new Date(),
      })
      .execute();
    await ctx.db
      .insertInto('event_groups')
      .values({ id: uuidv7(), event_id: id, name: '默认组', capacity: 100, is_default: true })
      .execute();
    eventIds.push(id);
  }
}, 120_000);

afterAll(async () => {
  await ctx.close();
});

async function entryRow(eventId: string, person: string, index: number) {
  const group = await ctx.db
    .selectFrom('event_groups')
    .select('id')
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow();
  return {
    id: uuidv7(),
    event_id: eventId,
    code: `DC${person.slice(-2)}${String(index).padStart(6, '0')}`,
    name: '并发报名',
    phone_ciphertext: 'v1:placeholder',
    phone_hash: person,
    phone_masked: '139****0000',
    status: 'active' as const,
    channel: 'web',
    group_id: group.id,
  };
}

/**
 * Runs `writers` while four appliers take the participant queue over and over, then applies
 * what is left, as the background job and dashboard reads do.
 */
async function withAppliers(writers: () => Promise<unknown>) {
  let done = false;
  const applier = async () => {
    while (!done) {
      await applyParticipantChanges(ctx.db);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  const appliers = [applier(), applier(), applier(), applier()];
  try {
    await writers();
  } finally {
    done = true;
    await Promise.all(appliers);
  }
  await applyParticipantChanges(ctx.db);
}

/** Reads the participant counters of `scopes` in the current year. */
function countYear(scopes: string[]) {
  return countParticipants(
    ctx.db,
    scopes.map((scope) => ({ scope, period: String(year) })),
  );
}

async function enter(eventId: string, person: string, index: number) {
  const row = await entryRow(eventId, person, index);
  await ctx.db
    .transaction()
    .execute((trx) => trx.insertInto('registrations').values(row).execute());
}

/** Counts which of `people` have an active entry in a division's events, from the entries. */
async function directCount(division: string, people: string[]) {
  const row = await sql<{ participants: number }>`
    select count(distinct r.phone_hash)::int as participants
    from registrations r
    join dashboard_event_facts f on f.event_id = r.event_id
    where r.status = 'active' and r.phone_hash = any(${people})
      and ${division} in ('3101', f.district_code, f.street_code)`.execute(ctx.db);
  return row.rows[0]!.participants;
}

describe('participant sets under concurrency', () => {
  it('count a person once across parallel entries', async () => {
    const people = ['person-a1', 'person-b2', 'person-c3'];
    await withAppliers(() =>
      Promise.all(
        people.flatMap((person) => eventIds.map((eventId, index) => enter(eventId, person, index))),
      ),
    );
    const counts = await countYear([
      '3101',
      '310104',
      '310104|sport:running',
      '310104|level:district',
      '310104003',
    ]);
    expect(counts.get(`3101|${year}`)).toBe(people.length);
    expect(counts.get(`310104|${year}`)).toBe(people.length);
    expect(counts.get(`310104|sport:running|${year}`)).toBe(people.length);
    expect(counts.get(`310104|level:district|${year}`)).toBe(people.length);
    expect(counts.get(`310104003|${year}`)).toBe(people.length);
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 0,
      participants: 0,
      participantCounts: 0,
      factRollups: 0,
    });
  }, 120_000);

  // Each transaction writes one multi-row statement over all eight events, in its own row
  // order, so the statement-level trigger of every transaction updates the same set rows. With
  // the row-level trigger of 0021 in place of 0033's, which locked rows in the statement's row
  // order, this test failed with "deadlock detected" on PostgreSQL.
  it('count parallel multi-row statements', async () => {
    const people = ['person-d4', 'person-e5', 'person-f6', 'person-g7'];
    const statements = await Promise.all(
      people.map(async (_, offset) => {
        const rows = await Promise.all(
          eventIds.map((eventId, index) =>
            entryRow(eventId, people[(index + offset) % people.length]!, 100 + index),
          ),
        );
        return offset % 2 === 0 ? rows : rows.reverse();
      }),
    );
    await withAppliers(() =>
      Promise.all(
        statements.map((rows) =>
          ctx.db
            .transaction()
            .execute((trx) => trx.insertInto('registrations').values(rows).execute()),
        ),
      ),
    );
    const scopes = ['3101', '310104', '310104|sport:running', '310104003', '310104004'];
    let counts = await countYear(scopes);
    expect(counts.get(`3101|${year}`)).toBe(7);
    expect(counts.get(`310104|sport:running|${year}`)).toBe(7);

    // Then each person's transaction cancels, in one statement, the entries in the even events
    // and checks in the others.
    const evenEvents = eventIds.filter((_, index) => index % 2 === 0);
    const oddEvents = eventIds.filter((_, index) => index % 2 === 1);
    await withAppliers(() =>
      Promise.all(
        people.map((person) =>
          ctx.db.transaction().execute(async (trx) => {
            await sql`
              update registrations set
                status = case when event_id = any(${evenEvents}::uuid[]) then 'cancelled'
                  else status end,
                cancelled_at = case when event_id = any(${evenEvents}::uuid[]) then now() end,
                checked_in_at = case when event_id = any(${oddEvents}::uuid[]) then now() end
              where phone_hash = ${person} and status = 'active'`.execute(trx);
          }),
        ),
      ),
    );
    counts = await countYear(scopes);
    for (const division of ['3101', '310104', '310104003', '310104004']) {
      const expected = await directCount(division, people);
      // The three people of the first test still have entries in every event.
      const stored = counts.get(`${division}|${year}`) ?? 0;
      expect(stored - 3, division).toBe(expected);
    }
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 0,
      participants: 0,
      participantCounts: 0,
      factRollups: 0,
    });
  }, 120_000);
});

describe('participant queue', () => {
  /** Applies one queued row per call, the smallest batch, until the queue is empty. */
  async function applyOneByOne() {
    for (;;) {
      const { rows } = await sql<{ claimed: number }>`
        select dashboard_apply_participant_changes(1) as claimed`.execute(ctx.db);
      if (rows[0]!.claimed === 0) return;
    }
  }

  async function queued() {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from dashboard_participant_changes`.execute(ctx.db);
    return rows[0]!.n;
  }

  async function streetCount(street: string) {
    const counts = await countYear([street]);
    return counts.get(`${street}|${year}`) ?? 0;
  }

  it('applies entry, cancellation and move in order', async () => {
    await applyParticipantChanges(ctx.db);
    const eventId = eventIds[7]!;
    const oldStreet = STREETS[7 % STREETS.length]!;
    const newStreet = '310104013';
    const before = { old: await streetCount(oldStreet), new: await streetCount(newStreet) };

    await enter(eventId, 'person-q1', 500);
    await enter(eventId, 'person-q2', 501);
    await sql`
      update registrations set status = 'cancelled', cancelled_at = now()
      where event_id = ${eventId} and phone_hash = 'person-q1'`.execute(ctx.db);
    await ctx.db
      .updateTable('events')
      .set({ division_code: newStreet })
      .where('id', '=', eventId)
      .execute();
    // Two entries, one cancellation, and the move: out of the old scopes, into the new.
    expect(await queued()).toBe(5);

    await applyOneByOne();
    expect(await queued()).toBe(0);
    // The event's people moved: q2 and the people of the earlier tests who still have an
    // active entry in it count in the new street, and none of them in the old one any more.
    const moved = await directCount(newStreet, ['person-q2']);
    expect(moved).toBe(1);
    expect(await streetCount(newStreet)).toBe(before.new + (await eventPeople(eventId)));
    expect(await streetCount(oldStreet)).toBe(await directCount(oldStreet, await allPeople()));
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 0,
      participants: 0,
      participantCounts: 0,
      factRollups: 0,
    });
  }, 120_000);

  // PGlite has one connection, so a second transaction cannot hold the lock meanwhile.
  it.runIf(process.env.DATABASE_URL)(
    'read skips the queue while locked',
    async () => {
      await applyParticipantChanges(ctx.db);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const holding = new Promise<void>((resolve) => (locked = resolve));
      const holder = ctx.db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtextextended('dashboard_participant_changes', 0))`.execute(
          trx,
        );
        locked();
        await released;
      });
      await holding;
      await enter(eventIds[5]!, 'person-q4', 503);

      expect(await applyParticipantChanges(ctx.db, { wait: false })).toBe(0);
      expect(await queued()).toBe(1);

      release();
      await holder;
      expect(await applyParticipantChanges(ctx.db, { wait: false })).toBe(1);
      expect(await queued()).toBe(0);
    },
    120_000,
  );

  it('defers sets during registrations, up to a limit', async () => {
    await applyParticipantChanges(ctx.db);
    let clock = 1_000_000;
    let registering = true;
    const round = summaryRound(ctx.db, {
      registering: () => registering,
      maxDeferralMs: 10_000,
      now: () => clock,
    });
    await enter(eventIds[4]!, 'person-q5', 504);
    expect(await round()).toBe(false);
    clock += 9_999;
    expect(await round()).toBe(false);
    expect(await queued()).toBe(1);

    clock += 1;
    expect(await round()).toBe(true);
    expect(await queued()).toBe(0);

    // The deferral counts from the last apply again; a round without registrations applies.
    await enter(eventIds[4]!, 'person-q6', 505);
    clock += 5_000;
    expect(await round()).toBe(false);
    expect(await queued()).toBe(1);
    registering = false;
    expect(await round()).toBe(true);
    expect(await queued()).toBe(0);
    expect(await directCount(STREETS[0]!, ['person-q5', 'person-q6'])).toBe(2);
    expect(await streetCount(STREETS[0]!)).toBe(await directCount(STREETS[0]!, await allPeople()));
  }, 120_000);

  it('stops applying when registrations start', async () => {
    await applyParticipantChanges(ctx.db);
    let clock = 2_000_000;
    let calls = 0;
    // Idle when the round starts, registering from its first statement on.
    const round = summaryRound(ctx.db, {
      registering: () => (calls += 1) > 1,
      maxDeferralMs: 10_000,
      now: () => clock,
    });
    for (let n = 0; n < 10; n += 1) await enter(eventIds[3]!, `person-s${n}`, 510 + n);
    expect(await queued()).toBe(10);
    // One statement applies 8 queue rows, then the round stops.
    expect(await round()).toBe(true);
    expect(await queued()).toBe(2);
    // The queue was not emptied, so the deferral still counts from the round's start.
    clock += 10_000;
    expect(await round()).toBe(true);
    expect(await queued()).toBe(0);
  }, 120_000);

  it('rebuild empties the queue', async () => {
    await enter(eventIds[6]!, 'person-q3', 502);
    expect(await queued()).toBe(1);
    await sql`select dashboard_rebuild()`.execute(ctx.db);
    expect(await queued()).toBe(0);
    await applyParticipantChanges(ctx.db);
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 0,
      participants: 0,
      participantCounts: 0,
      factRollups: 0,
    });
  }, 120_000);
});

// The events end one after another during this test, so the summary job marks their fact rows
// ended while entries, check-ins and event changes keep updating the same rows. Each write
// queues the old row and the new row as it locked them, so the sums equal the rows whatever
// the order. Negative control, by hand, in migration 0040: a trigger that queues only the new
// row (no -1 of the old one) makes this test fail with the rollups differing from the recount.
describe('fact rollups under concurrency', () => {
  it('equal the fact rows while rows end and change in parallel', async () => {
    await sql`
      update events set ends_at = now() + interval '700 milliseconds'
        + interval '150 milliseconds' * id_order,
        starts_at = date_trunc('month', now())
      from (select id as event_id, row_number() over (order by id) as id_order
        from events where id = any(${eventIds}::uuid[])) o
      where id = o.event_id`.execute(ctx.db);
    await applyRollupChanges(ctx.db);
    let done = false;
    let marked = 0;
    const marker = async () => {
      while (!done) {
        const count = await markEndedFacts(ctx.db);
        marked += count;
        await applyRollupChanges(ctx.db);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    const markers = [marker(), marker()];
    try {
      await Promise.all(
        eventIds.map(async (eventId, index) => {
          // The last two events get no entries, so only the job marks them ended. The others
          // take entries and check-ins until after they have ended.
          const entries = index < EVENTS - 2 ? 16 : 0;
          for (let i = 0; i < entries; i++) {
            await enter(eventId, `person-r${i}`, 700 + index * 20 + i);
            await sql`
              update registrations set checked_in_at = now()
              where event_id = ${eventId} and phone_hash = ${`person-r${i}`}`.execute(ctx.db);
            await new Promise((resolve) => setTimeout(resolve, 80));
          }
          await ctx.db
            .updateTable('events')
            .set({ state: index % 2 === 0 ? 'cancelled' : 'published' })
            .where('id', '=', eventId)
            .execute();
        }),
      );
      // Every event has ended by now; the markers take the last ones.
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      done = true;
      await Promise.all(markers);
    }
    await markEndedFacts(ctx.db);
    await applyRollupChanges(ctx.db);
    expect(marked).toBeGreaterThan(0);
    const facts = await sql<{ ended: number; registrations: number; held: number }>`
      select count(*) filter (where ended)::int as ended,
        count(*) filter (where ended and state = 'published')::int as held,
        coalesce(sum(registrations), 0)::int as registrations
      from dashboard_event_facts where event_id = any(${eventIds}::uuid[])`.execute(ctx.db);
    const sums = await sql<{ held: number; registrations: number }>`
      select coalesce(sum(events) filter (where ended and state = 'published'), 0)::int as held,
        coalesce(sum(registrations), 0)::int as registrations
      from dashboard_fact_rollups where scope = '3101' and dimension = 'total'`.execute(ctx.db);
    expect(facts.rows[0]!.ended).toBe(EVENTS);
    expect(sums.rows[0]).toEqual({
      held: facts.rows[0]!.held,
      registrations: facts.rows[0]!.registrations,
    });
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 0,
      participants: 0,
      participantCounts: 0,
      factRollups: 0,
    });
  }, 120_000);
});

async function eventPeople(eventId: string) {
  const { rows } = await sql<{ n: number }>`
    select count(distinct phone_hash)::int as n from registrations
    where event_id = ${eventId} and status = 'active'`.execute(ctx.db);
  return rows[0]!.n;
}

async function allPeople() {
  const { rows } = await sql<{ phone_hash: string }>`
    select distinct phone_hash from registrations`.execute(ctx.db);
  return rows.map((row) => row.phone_hash);
}
