import { randomBytes } from 'node:crypto';

import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { openDatabase, type Db } from './db/database.js';
import { DEMO_ACCOUNTS } from './demo/demo-league.js';
import { singleKeyRing } from './shared/personal-data.js';
import { prepareDatabase } from './startup.js';

const dataKeys = singleKeyRing(randomBytes(32));

async function counts(db: Db) {
  const result = await sql<{ users: number; events: number; contracts: number; divisions: number }>`
    select (select count(*)::int from users) as users,
           (select count(*)::int from events) as events,
           (select count(*)::int from contracts) as contracts,
           (select count(*)::int from divisions) as divisions`.execute(db);
  return result.rows[0];
}

async function prepared(
  seedDemo: 'league' | 'accounts' | 'none',
  env?: 'development' | 'production',
) {
  const db = await openDatabase({});
  const seeded = await prepareDatabase(db, { seedDemo, dataKeys, env });
  return { db, seeded };
}

async function enrolledUsernames(db: Db) {
  const rows = await db
    .selectFrom('users')
    .select('username')
    .where('totp_secret', 'is not', null)
    .orderBy('username')
    .execute();
  return rows.map((row) => row.username);
}

// Each test migrates a new embedded database and loads the whole division tree.
describe('prepareDatabase', { timeout: 120_000 }, () => {
  it('seeds nothing when SEED_DEMO is off', async () => {
    const { db, seeded } = await prepared('none');

    expect(seeded).toBe(false);
    expect(await counts(db)).toMatchObject({ users: 0, events: 0, divisions: 6760 });
    await db.destroy();
  });

  it('seeds accounts without events', async () => {
    const { db, seeded } = await prepared('accounts');

    expect(seeded).toBe(true);
    expect(await counts(db)).toMatchObject({
      users: DEMO_ACCOUNTS.length,
      events: 0,
      contracts: 0,
    });
    await db.destroy();
  });

  it('seeds the league once', async () => {
    const { db, seeded } = await prepared('league');
    const again = await prepareDatabase(db, { seedDemo: 'league', dataKeys });

    expect(seeded).toBe(true);
    expect(again).toBe(false);
    const after = await counts(db);
    expect(after?.users).toBe(DEMO_ACCOUNTS.length);
    expect(after?.events).toBeGreaterThan(10);
    // One contract for each of the demo contractor's seven events.
    expect(after?.contracts).toBe(7);
    await db.destroy();
  });

  it('enrols demo TOTP in development', async () => {
    const { db } = await prepared('accounts', 'development');
    expect(await enrolledUsernames(db)).toEqual(['bureau', 'committee', 'operator', 'security']);
    await db.destroy();
  });

  it('enrols no demo TOTP in production', async () => {
    const { db } = await prepared('accounts', 'production');
    expect(await enrolledUsernames(db)).toEqual([]);
    await db.destroy();
  });
});
