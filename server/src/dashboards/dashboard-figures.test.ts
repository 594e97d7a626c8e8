import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPartner } from '../partners/partner.service.js';
import { uuidv7 } from '../shared/ids.js';
import {
  expectDashboardMatches,
  loadWorld,
  type DashboardQuery,
  type OracleScope,
} from '../test/dashboard-oracle.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  FILING_DETAILS,
  signIn,
  type TestContext,
} from '../test/harness.js';
import {
  applyRollupChanges,
  checkDashboardSummaries,
  markEndedFacts,
  rebuildDashboardSummaries,
} from './dashboard-summaries.js';

// Random events and entries written straight into the tables, so that the triggers, not the
// services, are what keeps the summaries. A fixed seed makes every run write the same data.
const SEED = 20261205;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** mulberry32: a small seeded generator of floats in [0, 1). */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;

let ctx: TestContext;
const cookies: Record<string, string> = {};
const viewers: Record<string, OracleScope['viewer']> = {};

const ACCOUNTS = [
  { username: 'rf.bureau', accountType: 'sports_bureau', divisionCode: '3101' },
  { username: 'rf.xuhui', accountType: 'district_bureau', divisionCode: '310104' },
  { username: 'rf.pudong', accountType: 'district_bureau', divisionCode: '310115' },
  { username: 'rf.street', accountType: 'street', divisionCode: '310104014' },
  { username: 'rf.contractor', accountType: 'contractor', divisionCode: '3101' },
  { username: 'rf.other', accountType: 'contractor', divisionCode: '3101' },
  { username: 'rf.association', accountType: 'community_association', divisionCode: '3101' },
];

const SECTIONS = ['league_event', 'brand_event', 'series', 'x_sport', 'community_games'];
const SPORTS = ['basketball_3x3', 'running', 'football', 'table_tennis', 'badminton'];
const STATES = [
  'draft',
  'submitted',
  'returned',
  'approved',
  'published',
  'published',
  'cancelled',
];
const CHANNELS = ['web', 'web', 'web', 'on_site', 'partner', 'console', 'import'];
// Districts the data concentrates in, so that their streets and communities get several events.
const BUSY_DISTRICTS = ['310104', '310115', '310101'];

let organisationIds: string[] = [];
let userIds: string[] = [];
let shanghaiYear = 0;
/** The partner platform that partner-channel entries come from. */
let partnerId = '';

/** Picks a start time between 700 days ago and 40 days ahead, never within a day of now. */
function randomStart(): Date {
  const now = Date.now();
  if (chance(0.15)) return new Date(now + (2 + random() * 38) * DAY);
  return new Date(now - (2 + random() * 698) * DAY);
}

async function randomDivision() {
  const district = chance(0.8)
    ? pick(BUSY_DISTRICTS)
    : pick(['310105', '310106', '310107', '310110', '310112', '310151']);
  const level = pick(['district', 'street', 'street', 'community']);
  if (level === 'district') return { division: district, district };
  const streets = await ctx.db
    .selectFrom('divisions')
    .select('code')
    .where('parent_code', '=', district)
    .orderBy('code')
    .limit(3)
    .execute();
  // The street account's own street gets events too.
  const street = pick([
    ...streets.map((s) => s.code),
    ...(district === '310104' ? ['310104014'] : []),
  ]);
  if (level === 'street') return { division: street, district };
  const communities = await ctx.db
    .selectFrom('divisions')
    .select('code')
    .where('parent_code', '=', street)
    .orderBy('code')
    .limit(3)
    .execute();
  return { division: communities.length > 0 ? pick(communities).code : street, district };
}

async function insertEvent(index: number) {
  const organisation = Math.floor(random() * organisationIds.length);
  const { division, district } = await randomDivision();
  const startsAt = randomStart();
  const id = uuidv7();
  const section = pick(SECTIONS);
  const state = pick(STATES);
  await ctx.db
    .insertInto('events')
    .values({
      id,
      organisation_id: organisationIds[organisation]!,
      created_by: userIds[organisation]!,
      name: `随机赛事 ${index}`,
      level: pick(['city', 'district', 'street', 'community']),
      section,
      sport: pick(SPORTS),
      division_code: division,
      district_code: district,
      venue: '测试场馆',
      starts_at: startsAt,
      ends_at: new Date(startsAt.getTime() + 4 * HOUR),
      capacity: 500,
      registration_opens_at: new Date(startsAt.getTime() - 20 * DAY),
      registration_closes_at: new Date(startsAt.getTime() - DAY),
      state,
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
  return { id, state };
}

let entryCounter = 0;

async function insertEntries(eventId: string) {
  const groupId = uuidv7();
  await ctx.db
    .insertInto('event_groups')
    .values({ id: groupId, event_id: eventId, name: '默认组', capacity: 500, is_default: true })
    .execute();
  const people = new Set<number>();
  const count = Math.floor(random() * 14);
  for (let i = 0; i < count; i++) people.add(Math.floor(random() * 120));
  for (const person of people) {
    entryCounter += 1;
    const status = pick([
      'active',
      'active',
      'active',
      'active',
      'cancelled',
      'waiting',
      'offered',
    ]);
    await ctx.db
      .insertInto('registrations')
      .values({
        id: uuidv7(),
        event_id: eventId,
        code: `RF${String(entryCounter).padStart(8, '0')}`,
        name: '随机报名',
        phone_ciphertext: 'v1:placeholder',
        phone_hash: `person-${person}`,
        phone_masked: '139****0000',
        status,
        ...channelColumns(pick(CHANNELS)),
        group_id: groupId,
        waiting_seq: status === 'waiting' ? entryCounter : null,
        offer_expires_at: status === 'offered' ? new Date(Date.now() + DAY) : null,
        checked_in_at: status === 'active' && chance(0.5) ? new Date() : null,
        cancelled_at: status === 'cancelled' ? new Date() : null,
      })
      .execute();
  }
}

/** Returns an entry's channel, with the partner that pushed it when the channel is 'partner'. */
function channelColumns(channel: string) {
  return { channel, partner_id: channel === 'partner' ? partnerId : null };
}

async function getDashboard(username: string, query: DashboardQuery) {
  const params = new URLSearchParams(
    Object.entries(query).map(([key, value]) => [key, String(value)]),
  );
  const response = await as(
    ctx.app,
    cookies[username]!,
  )({ method: 'GET', url: `/api/dashboard?${params}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** Lists the scopes to compare per viewer: its own root plus the divisions a city user opens. */
function scopesToCompare(): [string, OracleScope['division']][] {
  return [
    ['rf.bureau', { level: 'city', code: '3101' }],
    ...BUSY_DISTRICTS.map((code): [string, OracleScope['division']] => [
      'rf.bureau',
      { level: 'district', code },
    ]),
    ['rf.bureau', { level: 'district', code: '310151' }],
    ['rf.bureau', { level: 'street', code: '310104014' }],
    ['rf.xuhui', { level: 'district', code: '310104' }],
    ['rf.pudong', { level: 'district', code: '310115' }],
    ['rf.street', { level: 'street', code: '310104014' }],
    ['rf.street', { level: 'community', code: '310104014001' }],
    ['rf.contractor', { level: 'city', code: '3101' }],
    ['rf.contractor', { level: 'district', code: '310104' }],
    ['rf.contractor', { level: 'street', code: '310104014' }],
    ['rf.association', { level: 'city', code: '3101' }],
    ['rf.association', { level: 'district', code: '310115' }],
    ['rf.association', { level: 'district', code: '310104' }],
    ['rf.association', { level: 'street', code: '310104014' }],
    ['rf.association', { level: 'community', code: '310104014001' }],
  ];
}

/** Lists the periods to compare; the empty query is the current year. */
function periods(): DashboardQuery[] {
  return [
    { year: shanghaiYear },
    { year: shanghaiYear - 1 },
    { year: shanghaiYear, quarter: 2 },
    { year: shanghaiYear - 1, month: 11 },
    {},
  ];
}

async function compareEveryScope() {
  const world = await loadWorld(ctx.db);
  let compared = 0;
  for (const [username, division] of scopesToCompare()) {
    for (const period of periods()) {
      const query = { ...period, division: division.code };
      const body = await getDashboard(username, query);
      expectDashboardMatches(world, body, { division, viewer: viewers[username]! }, query);
      compared += 1;
    }
  }
  return compared;
}

async function queuedRollupChanges(): Promise<number> {
  const row = await ctx.db
    .selectFrom('dashboard_fact_rollup_changes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Compares every scope while the rollup changes are queued, then after they are added to the
 * sums. Returns how many were queued.
 */
async function compareBeforeAndAfterApplying(): Promise<number> {
  const queued = await queuedRollupChanges();
  await compareEveryScope();
  expect(await applyRollupChanges(ctx.db)).toBe(queued);
  expect(await queuedRollupChanges()).toBe(0);
  await compareEveryScope();
  return queued;
}

beforeAll(async () => {
  ctx = await createTestContext();
  for (const account of ACCOUNTS) {
    const { organisationId, userId } = await createAccount(ctx.db, account);
    cookies[account.username] = await signIn(ctx.app, account.username);
    viewers[account.username] = { accountType: account.accountType, organisationId };
    organisationIds.push(organisationId);
    userIds.push(userId);
  }
  organisationIds = organisationIds.slice(1);
  userIds = userIds.slice(1);
  shanghaiYear = new Date(Date.now() + 8 * HOUR).getUTCFullYear();
  const { partner } = await createPartner(
    ctx.db,
    ctx.app.cipher,
    {
      name: '测试合作平台',
      creditCode: '91310000MA1FL8TQ49',
      contactName: '测试联系人',
      contactPhone: '13800138000',
      scopes: ['registrations:write'],
      rateLimitPerMinute: 60,
    },
    { userId: userIds[0]!, ip: null },
  );
  partnerId = partner.id;

  for (let i = 0; i < 160; i++) {
    const { id, state } = await insertEvent(i);
    // Drafts never hold entries: registration opens only on publication.
    if (state !== 'draft') await insertEntries(id);
  }
}, 300_000);

afterAll(async () => {
  await ctx.close();
});

describe('dashboard figures over random data', () => {
  it('match direct counts in every scope', async () => {
    // Every event but the drafts is queued for the rollup sums: the figures match while it is
    // queued and after it is added.
    expect(await compareBeforeAndAfterApplying()).toBeGreaterThan(100);
    expect(await compareEveryScope()).toBe(scopesToCompare().length * periods().length);
    // Rows are marked ended when written, so the job finds nothing to mark.
    expect(await markEndedFacts(ctx.db)).toBe(0);
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 0,
      participants: 0,
      participantCounts: 0,
      factRollups: 0,
    });
  }, 300_000);

  it('stay equal to direct counts after changes', async () => {
    const endedBefore = (
      await ctx.db
        .selectFrom('dashboard_event_facts')
        .select('event_id')
        .where('ended', '=', true)
        .execute()
    ).map((row) => row.event_id);
    const entries = await ctx.db
      .selectFrom('registrations')
      .select(['id', 'status', 'checked_in_at'])
      .orderBy('id')
      .execute();
    for (const entry of entries) {
      const roll = random();
      if (entry.status === 'active' && roll < 0.15) {
        await ctx.db
          .updateTable('registrations')
          .set({ status: 'cancelled', cancelled_at: new Date(), checked_in_at: null })
          .where('id', '=', entry.id)
          .execute();
      } else if (entry.status === 'active' && !entry.checked_in_at && roll < 0.35) {
        await ctx.db
          .updateTable('registrations')
          .set({ checked_in_at: new Date() })
          .where('id', '=', entry.id)
          .execute();
      } else if (entry.status === 'waiting' && roll < 0.5) {
        await ctx.db
          .updateTable('registrations')
          .set({ status: 'active', waiting_seq: null, channel: 'on_site', partner_id: null })
          .where('id', '=', entry.id)
          .execute();
      } else if (roll > 0.985) {
        await ctx.db.deleteFrom('registrations').where('id', '=', entry.id).execute();
      }
    }

    const events = await ctx.db
      .selectFrom('events')
      .select(['id', 'state', 'starts_at'])
      .orderBy('id')
      .execute();
    const next: Record<string, string> = {
      draft: 'submitted',
      submitted: 'approved',
      returned: 'submitted',
      approved: 'published',
      published: 'cancelled',
    };
    for (const event of events) {
      const roll = random();
      if (roll < 0.3 && next[event.state]) {
        await ctx.db
          .updateTable('events')
          .set({ state: next[event.state]! })
          .where('id', '=', event.id)
          .execute();
      } else if (roll < 0.34 && event.starts_at) {
        // A change of date that puts the event three days ahead, so an ended one is open again.
        await sql`update events e set starts_at = e.starts_at + s.shift,
          ends_at = e.ends_at + s.shift,
          registration_opens_at = e.registration_opens_at + s.shift,
          registration_closes_at = e.registration_closes_at + s.shift
          from (select now() + interval '3 days' - starts_at as shift
            from events where id = ${event.id}) s
          where e.id = ${event.id}`.execute(ctx.db);
      } else if (roll < 0.4 && event.starts_at) {
        // A change of date that moves the event (and its people) to another month.
        await sql`update events set starts_at = starts_at - interval '40 days',
          ends_at = ends_at - interval '40 days',
          registration_opens_at = registration_opens_at - interval '40 days',
          registration_closes_at = registration_closes_at - interval '40 days'
          where id = ${event.id}`.execute(ctx.db);
      } else if (roll < 0.47) {
        const { division, district } = await randomDivision();
        await ctx.db
          .updateTable('events')
          .set({ division_code: division, district_code: district })
          .where('id', '=', event.id)
          .execute();
      } else if (roll < 0.5) {
        await ctx.db
          .updateTable('events')
          .set({ organisation_id: pick(organisationIds), section: pick(SECTIONS) })
          .where('id', '=', event.id)
          .execute();
      }
    }

    // The changes of rolled events are queued; the figures match before and after they are
    // added. The events put ahead again are no longer ended.
    expect(await compareBeforeAndAfterApplying()).toBeGreaterThan(50);
    const reopened = await ctx.db
      .selectFrom('dashboard_event_facts')
      .select('event_id')
      .where('event_id', 'in', endedBefore)
      .where('ended', '=', false)
      .execute();
    expect(reopened.length).toBeGreaterThan(3);
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 0,
      participants: 0,
      participantCounts: 0,
      factRollups: 0,
    });
  }, 300_000);

  // The summary triggers run once per statement: each of these statements changes entries of
  // many events, divisions and sections at once, with one person in several of its events.
  it('match after multi-row statements', async () => {
    const events = await ctx.db
      .selectFrom('events as e')
      .innerJoin('event_groups as g', 'g.event_id', 'e.id')
      .innerJoin('dashboard_event_facts as f', 'f.event_id', 'e.id')
      .select(['e.id', 'g.id as group_id', 'f.district_code', 'f.section'])
      .where('e.state', '<>', 'draft')
      .orderBy('e.id')
      .execute();
    const live = await ctx.db
      .selectFrom('registrations')
      .select(['event_id', 'phone_hash'])
      .where('status', '<>', 'cancelled')
      .execute();
    const liveKeys = new Set(live.map((row) => `${row.event_id}|${row.phone_hash}`));
    // Claims a person's live entry in an event, as registrations_one_per_phone allows one.
    const claimLiveEntry = (eventId: string, phoneHash: string) => {
      const key = `${eventId}|${phoneHash}`;
      if (liveKeys.has(key)) return false;
      liveKeys.add(key);
      return true;
    };

    // One insert of up to 300 entries (a second live entry of a person in an event is left out):
    // 45 new people and 15 earlier ones, each in several events.
    const rows = [];
    for (let i = 0; i < 300; i++) {
      const event = events[(i * 7) % events.length]!;
      const person = i % 60 < 45 ? `multi-${i % 60}` : `person-${i % 60}`;
      const status = pick(['active', 'active', 'active', 'cancelled', 'waiting']);
      if (status !== 'cancelled' && !claimLiveEntry(event.id, person)) continue;
      entryCounter += 1;
      rows.push({
        id: uuidv7(),
        event_id: event.id,
        code: `RF${String(entryCounter).padStart(8, '0')}`,
        name: '随机报名',
        phone_ciphertext: 'v1:placeholder',
        phone_hash: person,
        phone_masked: '139****0000',
        status,
        ...channelColumns(pick(CHANNELS)),
        group_id: event.group_id,
        waiting_seq: status === 'waiting' ? entryCounter : null,
        checked_in_at: status === 'active' && chance(0.4) ? new Date() : null,
        cancelled_at: status === 'cancelled' ? new Date() : null,
      });
    }
    const touched = new Set(rows.map((row) => row.event_id));
    const touchedEvents = events.filter((event) => touched.has(event.id));
    expect(rows.length).toBeGreaterThan(250);
    expect(new Set(touchedEvents.map((event) => event.district_code)).size).toBeGreaterThan(3);
    expect(new Set(touchedEvents.map((event) => event.section)).size).toBe(SECTIONS.length);
    await ctx.db.insertInto('registrations').values(rows).execute();
    await compareEveryScope();

    // One update that cancels, confirms, checks in, moves entries to another event, changes
    // the channel and changes the person.
    const entries = await ctx.db
      .selectFrom('registrations')
      .select(['id', 'event_id', 'phone_hash', 'status', 'checked_in_at', 'channel'])
      .where('status', 'in', ['active', 'waiting'])
      .orderBy('id')
      .execute();
    const changes: RawBuilder<unknown>[] = [];
    const kinds = new Map<string, number>();
    for (const entry of entries) {
      const roll = random();
      let change: {
        status: string;
        eventId: string;
        groupId: string | null;
        phoneHash: string;
        channel: string;
        checkedIn: boolean;
        kind: string;
      } | null = null;
      const same = {
        status: entry.status,
        eventId: entry.event_id,
        groupId: null,
        phoneHash: entry.phone_hash,
        channel: entry.channel,
        checkedIn: entry.checked_in_at !== null,
      };
      if (entry.status === 'waiting' && roll < 0.6) {
        change = { ...same, status: 'active', kind: 'confirm' };
      } else if (entry.status === 'active' && roll < 0.1) {
        change = { ...same, status: 'cancelled', checkedIn: false, kind: 'cancel' };
      } else if (entry.status === 'active' && !same.checkedIn && roll < 0.25) {
        change = { ...same, checkedIn: true, kind: 'check in' };
      } else if (entry.status === 'active' && roll < 0.32) {
        const target = events[Math.floor(random() * events.length)]!;
        if (target.id !== entry.event_id && claimLiveEntry(target.id, entry.phone_hash)) {
          change = { ...same, eventId: target.id, groupId: target.group_id, kind: 'move' };
        }
      } else if (entry.status === 'active' && entry.channel !== 'partner' && roll < 0.37) {
        change = { ...same, channel: 'on_site', kind: 'channel' };
      } else if (roll < 0.42) {
        const person = `renamed-${Math.floor(random() * 30)}`;
        if (claimLiveEntry(entry.event_id, person))
          change = { ...same, phoneHash: person, kind: 'person' };
      }
      if (!change) continue;
      kinds.set(change.kind, (kinds.get(change.kind) ?? 0) + 1);
      changes.push(
        sql`(${entry.id}::uuid, ${change.status}, ${change.eventId}::uuid, ${change.groupId}::uuid,
          ${change.phoneHash}, ${change.channel}, ${change.checkedIn}::boolean)`,
      );
    }
    for (const kind of ['confirm', 'cancel', 'check in', 'move', 'channel', 'person']) {
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(3);
    }
    await sql`
      update registrations r set
        status = v.status,
        event_id = v.event_id,
        group_id = coalesce(v.group_id, r.group_id),
        phone_hash = v.phone_hash,
        channel = v.channel,
        checked_in_at = case when v.checked_in then coalesce(r.checked_in_at, now()) end,
        cancelled_at = case when v.status = 'cancelled' then now() end,
        waiting_seq = case when v.status = 'waiting' then r.waiting_seq end
      from (values ${sql.join(changes)})
        as v (id, status, event_id, group_id, phone_hash, channel, checked_in)
      where r.id = v.id`.execute(ctx.db);
    await compareEveryScope();

    // One delete of entries of every status across the events.
    const doomed = await ctx.db.selectFrom('registrations').select('id').orderBy('id').execute();
    const deleted = doomed.filter(() => chance(0.1)).map((row) => row.id);
    expect(deleted.length).toBeGreaterThan(50);
    await ctx.db.deleteFrom('registrations').where('id', 'in', deleted).execute();
    expect(await compareBeforeAndAfterApplying()).toBeGreaterThan(50);
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 0,
      participants: 0,
      participantCounts: 0,
      factRollups: 0,
    });
  }, 300_000);

  it('check finds a corrupted summary and rebuild repairs it', async () => {
    // An event of this year that is not a draft, which the dashboard without a year counts
    // through the rollup sums.
    const fact = await ctx.db
      .selectFrom('dashboard_event_facts')
      .select('event_id')
      .where('registrations', '>', 0)
      .where('rolled', '=', true)
      .where('month', 'like', `${shanghaiYear}-%`)
      .orderBy('event_id')
      .executeTakeFirstOrThrow();
    const rollupRows = await sql<{ n: number }>`
      select count(*)::int as n
      from dashboard_event_facts f
      cross join lateral dashboard_rollup_keys(f.district_code, f.street_code,
        f.community_code, f.section, f.sport, f.level, f.organisation_id)
      where f.event_id = ${fact.event_id}`.execute(ctx.db);
    await ctx.db
      .updateTable('dashboard_event_facts')
      .set((eb) => ({ registrations: eb('registrations', '+', 1) }))
      .where('event_id', '=', fact.event_id)
      .execute();
    const person = await ctx.db
      .selectFrom('dashboard_participants')
      .select('person_hash')
      .where('scope', '=', '3101')
      .where('period', '=', String(shanghaiYear))
      .orderBy('person_hash')
      .executeTakeFirstOrThrow();
    await ctx.db
      .deleteFrom('dashboard_participants')
      .where('scope', '=', '3101')
      .where('period', '=', String(shanghaiYear))
      .where('person_hash', '=', person.person_hash)
      .execute();

    // Each changed row shows twice: as stored and as recounted. The rollup sums of the event
    // took the wrong count from its fact row.
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 2,
      participants: 1,
      participantCounts: 0,
      factRollups: 2 * rollupRows.rows[0]!.n,
    });
    expect(rollupRows.rows[0]!.n).toBeGreaterThanOrEqual(12);
    const world = await loadWorld(ctx.db);
    const body = await getDashboard('rf.bureau', {});
    expect(() =>
      expectDashboardMatches(
        world,
        body,
        { division: { level: 'city', code: '3101' }, viewer: viewers['rf.bureau']! },
        {},
      ),
    ).toThrow(/registrations/);

    await rebuildDashboardSummaries(ctx.db);
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 0,
      participants: 0,
      participantCounts: 0,
      factRollups: 0,
    });
    await compareEveryScope();
  }, 300_000);
});

describe('dashboard scope', () => {
  const otherDistricts = ['310115', '310101', '310105', '3101', '310115005', '310101002'];

  it.each(otherDistricts)('rejects a Xuhui bureau asking for %s', async (division) => {
    for (const url of [
      `/api/dashboard?division=${division}`,
      `/api/dashboard/events?division=${division}`,
      `/api/dashboard/export?division=${division}&figureSet=summary`,
      `/api/dashboard/events?child=${division}`,
    ]) {
      const response = await as(ctx.app, cookies['rf.xuhui']!)({ method: 'GET', url });
      expectProblem(response, 403, 'ACC_OUT_OF_SCOPE');
    }
  });

  it("never returns another district's figures to a district bureau", async () => {
    const body = await getDashboard('rf.xuhui', { year: shanghaiYear });
    const xuhuiStreets = new Set(
      (
        await ctx.db
          .selectFrom('divisions')
          .select('code')
          .where('district_code', '=', '310104')
          .execute()
      ).map((d) => d.code),
    );
    expect(body.scope.code).toBe('310104');
    for (const row of [...body.children, ...body.ranking]) {
      expect(xuhuiStreets.has(row.key), row.key).toBe(true);
    }
    const world = await loadWorld(ctx.db);
    const drilled = await as(
      ctx.app,
      cookies['rf.xuhui']!,
    )({ method: 'GET', url: `/api/dashboard/events?limit=200` });
    expect(drilled.statusCode).toBe(200);
    const ids = drilled.json<{ items: { id: string }[] }>().items.map((i) => i.id);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      expect(world.events.find((e) => e.id === id)?.district).toBe('310104');
    }
    // The same bureau's totals equal the city's row for Xuhui, not the city's totals.
    const city = await getDashboard('rf.bureau', { year: shanghaiYear });
    const xuhuiRow = city.children.find((c: { code: string }) => c.code === '310104');
    expect(body.registrations).toBe(xuhuiRow.registrations);
    expect(body.participants).toBe(xuhuiRow.participants);
    expect(body.registrations).toBeLessThan(city.registrations);
  });

  it('drill list adds up to the figure it opens', async () => {
    const body = await getDashboard('rf.bureau', { year: shanghaiYear, division: '310115' });
    let cursor: string | null = null;
    let registrations = 0;
    let endedRegistrations = 0;
    let endedCheckIns = 0;
    let events = 0;
    do {
      const url: string =
        `/api/dashboard/events?division=310115&year=${shanghaiYear}&stage=filed&limit=7` +
        (cursor ? `&cursor=${cursor}` : '');
      const response = await as(ctx.app, cookies['rf.bureau']!)({ method: 'GET', url });
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json<{
        items: { registrations: number; checkIns: number; ended: boolean }[];
        nextCursor: string | null;
      }>();
      events += page.items.length;
      for (const item of page.items) {
        registrations += item.registrations;
        if (item.ended) endedRegistrations += item.registrations;
        if (item.ended) endedCheckIns += item.checkIns;
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(events).toBe(body.events.filed);
    expect(registrations).toBe(body.registrations);
    expect(endedRegistrations).toBe(body.endedRegistrations);
    expect(endedCheckIns).toBe(body.endedCheckIns);
    // The random data has entries on events that have not ended, so the sums differ.
    expect(endedRegistrations).toBeLessThan(registrations);
  });
});
