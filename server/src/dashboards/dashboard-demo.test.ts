import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoLeague } from '../demo/demo-league.js';
import {
  expectDashboardMatches,
  loadWorld,
  type DashboardQuery,
  type World,
} from '../test/dashboard-oracle.js';
import { as, createTestContext, sessionIdOfCookie, type TestContext } from '../test/harness.js';
import { checkDashboardSummaries } from './dashboard-summaries.js';

let ctx: TestContext;
let world: World;
const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

async function signInDemo(username: string) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username, password: DEMO_PASSWORD },
  });
  expect(response.statusCode, response.body).toBe(200);
  const cookie = `sid=${response.cookies.find((c) => c.name === 'sid')?.value}`;
  // Two-factor sign-in is not what this file tests, so a waiting session is completed here.
  await ctx.db
    .updateTable('sessions')
    .set({ pending_step: null })
    .where('id', '=', sessionIdOfCookie(cookie))
    .execute();
  return cookie;
}

beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemoLeague(ctx.db, ctx.app.cipher, 'league');
  world = await loadWorld(ctx.db);
}, 120_000);

afterAll(async () => {
  await ctx.close();
});

const VIEWS: [string, string | undefined][] = [
  ['bureau', undefined],
  ['bureau', '310104'],
  ['bureau', '310115'],
  ['bureau', '310104014'],
  ['committee', undefined],
  ['xuhui.bureau', undefined],
  ['pudong.bureau', undefined],
  ['contractor', undefined],
  ['contractor', '310104'],
  ['association', undefined],
  ['association', '310104'],
  ['street.xujiahui', undefined],
];

describe('dashboard over the demo league', () => {
  it('has demo events and entries to count', () => {
    expect(world.events.length).toBeGreaterThan(5);
    expect([...world.entriesByEvent.values()].flat().length).toBeGreaterThan(10);
  });

  it.each(VIEWS)('matches direct counts for %s at %s', async (username, division) => {
    const account = DEMO_ACCOUNTS.find((a) => a.username === username)!;
    const cookie = await signInDemo(username);
    const me = await as(ctx.app, cookie)({ method: 'GET', url: '/api/me' });
    const organisationId = me.json<{ user: { organisation: { id: string } } }>().user.organisation
      .id;
    const code = division ?? account.divisionCode;
    const level = divisionLevel(code);
    for (const period of [
      {},
      { year },
      { year: year - 1 },
      { year, quarter: 4 },
    ] as DashboardQuery[]) {
      const query = { ...period, ...(division ? { division } : {}) };
      const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
      const response = await as(
        ctx.app,
        cookie,
      )({ method: 'GET', url: `/api/dashboard?${params}` });
      expect(response.statusCode, response.body).toBe(200);
      expectDashboardMatches(
        world,
        response.json(),
        { division: { level, code }, viewer: { accountType: account.accountType, organisationId } },
        query,
      );
    }
  });

  it('summaries equal a recount', async () => {
    expect(await checkDashboardSummaries(ctx.db)).toEqual({
      eventFacts: 0,
      participants: 0,
      participantCounts: 0,
      factRollups: 0,
    });
  });
});

/** Returns the division level of a code by its length: 4 digits city, 6 district, else street. */
function divisionLevel(code: string): 'city' | 'district' | 'street' {
  if (code.length === 4) return 'city';
  if (code.length === 6) return 'district';
  return 'street';
}
