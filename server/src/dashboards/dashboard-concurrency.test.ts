import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { uuidv7 } from '../shared/ids.js';
import {
  createAccount,
  createTestContext,
  FILING_DETAILS,
  type TestContext,
} from '../test/harness.js';
import { countParticipants } from './dashboard.repository.js';
import { checkDashboardSummaries } from './dashboard-summaries.js';

// Three people enter eight events at once. The events share most participant sets (city,
// district, section, level, organisation), so the transactions update the same set and counter
// rows. On PostgreSQL they run in parallel. On PGlite they run one after another.
// NOTE: no control run removes the row locks, so this shows exact counts without deadlocks
// under parallel writes, not that the test would catch a lost update.
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

async function enter(eventId: string, person: string, index: number) {
  const group = await ctx.db
    .selectFrom('event_groups')
    .select('id')
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow();
  await ctx.db.transaction().execute((trx) =>
    trx
      .insertInto('registrations')
      .values({
        id: uuidv7(),
        event_id: eventId,
        code: `DC${person.slice(-2)}${String(index).padStart(6, '0')}`,
        name: '并发报名',
        phone_ciphertext: 'v1:placeholder',
        phone_hash: person,
        phone_masked: '139****0000',
        status: 'active',
        channel: 'web',
        group_id: group.id,
      })
      .execute(),
  );
}

describe('participant sets under concurrency', () => {
  it('count a person once across parallel entries', async () => {
    const people = ['person-a1', 'person-b2', 'person-c3'];
    await Promise.all(
      people.flatMap((person) => eventIds.map((eventId, index) => enter(eventId, person, index))),
    );
    const counts = await countParticipants(
      ctx.db,
      ['3101', '310104', '310104|sport:running', '310104|level:district', '310104003'],
      [String(year)],
    );
    expect(counts.get(`3101|${year}`)).toBe(people.length);
    expect(counts.get(`310104|${year}`)).toBe(people.length);
    expect(counts.get(`310104|sport:running|${year}`)).toBe(people.length);
    expect(counts.get(`310104|level:district|${year}`)).toBe(people.length);
    expect(counts.get(`310104003|${year}`)).toBe(people.length);
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 0,
      participants: 0,
      participantCounts: 0,
    });
  }, 120_000);
});
