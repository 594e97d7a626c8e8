import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signInCitizen } from '../citizens/citizen-test-support.js';
import { countersOf, publishWithGroups } from '../test/entries.js';
import { createAccount, createTestContext, signIn, type TestContext } from '../test/harness.js';
import { postTeam, putMembers, type TestMember } from '../test/teams.js';
import { checkCounters } from './counters.js';

/*
 * Races between team entries. They only bite on PostgreSQL, where requests run on separate
 * connections (DATABASE_URL); PGlite serves one connection, so there they run one at a time and
 * only check the outcome. Each test names its negative control: the change to the code that
 * makes it fail, which was tried by hand.
 */

let ctx: TestContext;
let organiser: string;
let reviewer: string;
let captain: string;
let phoneCounter = 0;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'team-race.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'team-race.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiser = await signIn(ctx.app, 'team-race.contractor');
  reviewer = await signIn(ctx.app, 'team-race.committee');
  captain = await signInCitizen(ctx.app, '13700990001');
});

afterAll(async () => {
  await ctx.close();
});

function people(count: number): TestMember[] {
  return Array.from({ length: count }, () => {
    phoneCounter += 1;
    return { name: '并发队员', phone: `1370031${String(phoneCounter).padStart(4, '0')}` };
  });
}

function outcome(response: LightMyRequestResponse): string {
  if (response.statusCode < 400) return String(response.statusCode);
  return `${response.statusCode} ${response.json<{ code: string }>().code}`;
}

function tally(responses: LightMyRequestResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses) {
    counts[outcome(response)] = (counts[outcome(response)] ?? 0) + 1;
  }
  return counts;
}

/** Counts each team's members by status, as `status:count` strings per team. */
async function membersPerTeam(eventId: string): Promise<Map<string, string>> {
  const rows = await ctx.db
    .selectFrom('teams')
    .innerJoin('registrations', 'registrations.team_id', 'teams.id')
    .select([
      'teams.id',
      'teams.status as team_status',
      'registrations.status',
      sql<number>`count(*)::int`.as('count'),
    ])
    .where('teams.event_id', '=', eventId)
    .groupBy(['teams.id', 'teams.status', 'registrations.status'])
    .orderBy('teams.id')
    .orderBy('registrations.status')
    .execute();
  const teams = new Map<string, string>();
  for (const row of rows) {
    const before = teams.get(row.id);
    const part = `${row.status}:${row.count}`;
    teams.set(row.id, before ? `${before} ${part}` : `${row.team_status} ${part}`);
  }
  return teams;
}

describe('team races', () => {
  // Negative control: without `taken + n <= capacity` in takePlaces, the event_groups_places
  // check rejects the overflow and the losing teams fail with 500 INTERNAL_ERROR instead of
  // 409 REG_EVENT_FULL (58 of 58 in one run).
  it('gives the last 7 places to exactly 2 of 60 teams of 3', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      { name: '抢位团体组', capacity: 11, entryType: 'team', teamMin: 2, teamMax: 4 },
    ]);
    const groupId = groupIds[0]!;
    for (const name of ['先到一队', '先到二队']) {
      const response = await postTeam(ctx.app, captain, eventId, { name, members: people(2) });
      expect(response.statusCode, response.body).toBe(201);
    }

    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, n) =>
        postTeam(ctx.app, captain, eventId, { name: `抢位队${n}`, members: people(3) }),
      ),
    );

    expect(tally(responses)).toEqual({ '201': 2, '409 REG_EVENT_FULL': 58 });
    // All or nothing: one free place is left, because no team of 3 fits into it.
    expect(await countersOf(ctx.db, eventId, groupId)).toEqual({
      taken: 10,
      capacity: 11,
      registered: 10,
    });
    const teams = [...(await membersPerTeam(eventId)).values()].sort();
    expect(teams).toEqual([
      'active active:2',
      'active active:2',
      'active active:3',
      'active active:3',
    ]);
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });

  // Negative control: without the row lock of lockEventForEntries (no forNoKeyUpdate), the
  // second of two identical shrinks reads the members before the first commits, finds its
  // removals already made and fails with 500 INTERNAL_ERROR (4 shrinks in each of 2 runs).
  it('keeps counters equal to entries when shrinks race registrations', async () => {
    const { eventId, groupIds } = await publishWithGroups(ctx.app, organiser, reviewer, [
      {
        name: '缩编团体组',
        capacity: 20,
        entryType: 'team',
        teamMin: 2,
        teamMax: 4,
        waitingList: 'auto',
      },
    ]);
    const groupId = groupIds[0]!;
    const full: { id: string; members: { id: string }[] }[] = [];
    for (let n = 0; n < 5; n += 1) {
      const response = await postTeam(ctx.app, captain, eventId, {
        name: `满编队${n}`,
        members: people(4),
      });
      expect(response.statusCode, response.body).toBe(201);
      full.push(response.json());
    }
    const keepTwo = (team: (typeof full)[number]) =>
      team.members.slice(0, 2).map((member) => ({ id: member.id }));

    const work = [
      // Each of four teams shrinks from 4 to 2, twice with the same list.
      ...full
        .slice(0, 4)
        .flatMap((team) => [
          putMembers(ctx.app, captain, eventId, team.id, keepTwo(team)),
          putMembers(ctx.app, captain, eventId, team.id, keepTwo(team)),
        ]),
      // The fifth replaces two members.
      putMembers(ctx.app, captain, eventId, full[4]!.id, [...keepTwo(full[4]!), ...people(2)]),
      ...Array.from({ length: 30 }, (_, n) =>
        postTeam(ctx.app, captain, eventId, {
          name: `并发队${n}`,
          members: people(2 + (n % 2)),
        }),
      ),
    ];
    const responses = await Promise.all(work);

    const unexpected = responses.filter((response) => response.statusCode >= 400);
    expect(unexpected.map((response) => response.body)).toEqual([]);
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
    const counters = await countersOf(ctx.db, eventId, groupId);
    expect(counters.taken).toBeLessThanOrEqual(20);
    const active = await ctx.db
      .selectFrom('registrations')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('group_id', '=', groupId)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    expect(active.count).toBe(counters.taken);
    // The head of the waiting list does not fit into the places left.
    const head = await ctx.db
      .selectFrom('registrations')
      .select(['team_id', sql<number>`count(*)::int`.as('size')])
      .where('group_id', '=', groupId)
      .where('status', '=', 'waiting')
      .groupBy(['team_id', 'waiting_seq'])
      .orderBy('waiting_seq')
      .executeTakeFirst();
    if (head) expect(head.size).toBeGreaterThan(20 - counters.taken);
    for (const description of (await membersPerTeam(eventId)).values()) {
      expect(description).toMatch(/^(active active:\d( cancelled:\d)?|waiting waiting:\d)$/);
    }
  });
});
