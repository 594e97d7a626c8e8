import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Principal } from '../accounts/account.repository.js';
import { buildCountingApp, type CountingApp } from '../test/counting-app.js';
import {
  as,
  createAccount,
  createTestContext,
  fileEvent,
  publishNewEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { dashboardCacheKey } from './dashboard.service.js';

let ctx: TestContext;
let cached: CountingApp;
const cookies: Record<string, string> = {};

// Every viewer asks for the same division and period, so only the viewer tells them apart.
const ACCOUNTS = [
  { username: 'rc.contractor.a', accountType: 'contractor', divisionCode: '3101' },
  { username: 'rc.contractor.b', accountType: 'contractor', divisionCode: '3101' },
  { username: 'rc.committee', accountType: 'committee', divisionCode: '3101' },
  { username: 'rc.xuhui', accountType: 'district_bureau', divisionCode: '310104' },
  { username: 'rc.association', accountType: 'community_association', divisionCode: '310104' },
];
const VIEWERS = ['rc.contractor.a', 'rc.contractor.b', 'rc.xuhui', 'rc.association'];

const HOUR = 3600_000;
// The harness's events start 72 hours from now; this is their Shanghai (UTC+8) year.
const EVENT_YEAR = new Date(Date.now() + (72 + 8) * HOUR).getUTCFullYear();
const URL = `/api/dashboard?division=310104&year=${EVENT_YEAR}`;

beforeAll(async () => {
  ctx = await createTestContext();
  for (const account of ACCOUNTS) {
    await createAccount(ctx.db, { ...account, organisation: `${account.username} 单位` });
    cookies[account.username] = await signIn(ctx.app, account.username);
  }
  const contractorA = cookies['rc.contractor.a']!;
  const contractorB = cookies['rc.contractor.b']!;
  await fileEvent(ctx.app, contractorA, { divisionCode: '310104' });
  await fileEvent(ctx.app, contractorA, { divisionCode: '310104' });
  await fileEvent(ctx.app, contractorB, { divisionCode: '310104' });
  await publishNewEvent(ctx.app, contractorB, cookies['rc.committee'], {
    divisionCode: '310104',
  });
  cached = await buildCountingApp(ctx, { readCacheMilliseconds: 60_000 });
}, 60_000);

afterAll(async () => {
  await cached?.app.close();
  await ctx.close();
});

async function dashboardOf(app: CountingApp['app'], username: string, url = URL) {
  const response = await as(app, cookies[username]!)({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(200);
  return response;
}

describe('dashboard read cache', () => {
  it("never serves one viewer another's figures", async () => {
    const expected: Record<string, unknown> = {};
    for (const viewer of VIEWERS) expected[viewer] = (await dashboardOf(ctx.app, viewer)).json();

    // Each viewer asks twice, in an order that puts every other viewer's entry in the cache.
    for (const viewer of [...VIEWERS, ...[...VIEWERS].reverse()]) {
      expect((await dashboardOf(cached.app, viewer)).json(), viewer).toEqual(expected[viewer]);
    }
  });

  it('counts each viewer its own events', async () => {
    const figures = async (viewer: string) => (await dashboardOf(cached.app, viewer)).json();

    const contractorA = await figures('rc.contractor.a');
    expect(contractorA.basis).toBe('organisation');
    expect(contractorA.organisation.name).toBe('rc.contractor.a 单位');
    expect(contractorA.events).toMatchObject({ draft: 2, published: 0, total: 2 });

    const contractorB = await figures('rc.contractor.b');
    expect(contractorB.organisation.name).toBe('rc.contractor.b 单位');
    expect(contractorB.events).toMatchObject({ draft: 1, published: 1, total: 2 });

    // The bureau counts every filed event of its district but no organisation's drafts.
    const bureau = await figures('rc.xuhui');
    expect(bureau.basis).toBe('division');
    expect(bureau.organisation).toBeNull();
    expect(bureau.events).toMatchObject({ draft: 0, published: 1, total: 1 });

    // The association counts community games and its own events, and there are none here.
    const association = await figures('rc.association');
    expect(association.basis).toBe('organisation');
    expect(association.organisation.name).toBe('rc.association 单位');
    expect(association.events).toMatchObject({ draft: 0, published: 0, total: 0 });
  });

  it('serves a repeated dashboard from the cache', async () => {
    // A period that no test above asked for, so the first request computes.
    const url = `/api/dashboard?year=${EVENT_YEAR - 1}&division=310104`;
    const start = cached.queries();
    const first = await dashboardOf(cached.app, 'rc.xuhui', url);
    const computed = cached.queries() - start;
    const second = await dashboardOf(cached.app, 'rc.xuhui', url);
    const repeated = cached.queries() - start - computed;

    expect(second.json()).toEqual(first.json());
    // The repeated request reads only its session.
    expect(repeated).toBeLessThan(computed);
    expect(repeated).toBeLessThanOrEqual(3);
  });

  it('stays exact with the test configuration', async () => {
    expect(ctx.config.readCacheMilliseconds).toBe(0);
    const before = (await dashboardOf(cached.app, 'rc.contractor.a')).json();
    expect((await dashboardOf(ctx.app, 'rc.contractor.a')).json()).toEqual(before);

    await fileEvent(ctx.app, cookies['rc.contractor.a']!, { divisionCode: '310104' });

    const exact = (await dashboardOf(ctx.app, 'rc.contractor.a')).json();
    expect(exact.events.draft).toBe(before.events.draft + 1);
    // The cached app shows the new draft only once its entry expires.
    expect((await dashboardOf(cached.app, 'rc.contractor.a')).json()).toEqual(before);
  });
});

describe('dashboardCacheKey', () => {
  const viewer: Principal = {
    id: 'user-1',
    username: 'viewer',
    displayName: '查看者',
    accountType: 'district_bureau',
    organisationId: 'organisation-1',
    organisationName: '徐汇区体育局',
    divisionCode: '310104',
    divisionName: '徐汇区',
    divisionLevel: 'district',
    mustChangePassword: false,
    totpEnrolled: true,
    pendingStep: null,
  };
  const NOW = Date.parse('2026-06-01T00:00:00Z');
  const key = dashboardCacheKey(viewer, { year: 2026 }, NOW);

  it('changes with everything the figures depend on', () => {
    const changed: [Partial<Principal>, object][] = [
      [{ accountType: 'community_association' }, { year: 2026 }],
      [{ organisationId: 'organisation-2' }, { year: 2026 }],
      [{ organisationName: '另一单位' }, { year: 2026 }],
      [{ divisionCode: '3101' }, { year: 2026, division: '310104' }],
      [{}, { year: 2026, division: '310104014' }],
      [{}, { year: 2025 }],
      [{}, { year: 2026, quarter: 2 }],
      [{}, { year: 2026, month: 2 }],
    ];
    for (const [user, query] of changed) {
      const other = dashboardCacheKey({ ...viewer, ...user }, query, NOW);
      expect(other, JSON.stringify([user, query])).not.toBe(key);
    }
  });

  it('ignores who the viewer is within an organisation', () => {
    const colleague = { ...viewer, id: 'user-2', username: 'colleague', displayName: '同事' };
    expect(dashboardCacheKey(colleague, { year: 2026 }, NOW)).toBe(key);
  });

  it('resolves the default division and year', () => {
    expect(dashboardCacheKey(viewer, {}, NOW)).toBe(key);
    expect(dashboardCacheKey(viewer, { division: '310104', year: 2026 }, NOW)).toBe(key);
    const newYear = Date.parse('2026-12-31T16:00:00Z');
    expect(dashboardCacheKey(viewer, {}, newYear)).not.toBe(key);
  });
});
