import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { uuidv7 } from './ids.js';
import { createAccount, createTestContext, type TestContext } from '../test/harness.js';
import { purgeExpiredRows } from './expired-rows.service.js';

let ctx: TestContext;
let userId: string;
let citizenId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  ({ userId } = await createAccount(ctx.db, {
    username: 'purge.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  }));
  citizenId = uuidv7();
  await ctx.db
    .insertInto('citizens')
    .values({
      id: citizenId,
      phone_ciphertext: 'v1:placeholder',
      phone_hash: 'a'.repeat(64),
      phone_masked: '139****0000',
    } as never)
    .execute();
});

afterAll(async () => {
  await ctx?.close();
});

/** Inserts a sign-in code created `age` ago, for example '25 hours'. */
async function insertSmsCode(id: string, age: string) {
  await sql`
    insert into sms_codes (id, phone_hash, code_hash, created_at, expires_at)
    values (${id}, ${'b'.repeat(64)}, ${'c'.repeat(64)}, now() - ${age}::interval,
      now() - ${age}::interval + interval '5 minutes')`.execute(ctx.db);
}

async function idsOf(table: 'sms_codes' | 'citizen_sessions' | 'sessions'): Promise<string[]> {
  const rows = await ctx.db.selectFrom(table).select('id').orderBy('id').execute();
  return rows.map((row) => row.id);
}

describe('purgeExpiredRows', () => {
  it('deletes sign-in codes older than a day', async () => {
    await insertSmsCode('00000000-0000-7000-8000-000000000001', '25 hours');
    await insertSmsCode('00000000-0000-7000-8000-000000000002', '23 hours');
    await insertSmsCode('00000000-0000-7000-8000-000000000003', '1 minute');

    const deleted = await purgeExpiredRows(ctx.db);

    expect(deleted.sms_codes).toBe(1);
    expect(await idsOf('sms_codes')).toEqual([
      '00000000-0000-7000-8000-000000000002',
      '00000000-0000-7000-8000-000000000003',
    ]);
  });

  it('deletes ended citizen sessions only', async () => {
    await sql`
      insert into citizen_sessions (id, citizen_id, expires_at, revoked_at) values
        ('expired', ${citizenId}, now() - interval '1 second', null),
        ('revoked', ${citizenId}, now() + interval '30 days', now()),
        ('live', ${citizenId}, now() + interval '30 days', null)`.execute(ctx.db);

    const deleted = await purgeExpiredRows(ctx.db);

    expect(deleted.citizen_sessions).toBe(2);
    expect(await idsOf('citizen_sessions')).toEqual(['live']);
  });

  it('deletes expired console sessions only', async () => {
    await sql`
      insert into sessions (id, user_id, expires_at) values
        ('console-expired', ${userId}, now() - interval '1 second'),
        ('console-live', ${userId}, now() + interval '8 hours')`.execute(ctx.db);

    const deleted = await purgeExpiredRows(ctx.db);

    expect(deleted.sessions).toBe(1);
    expect(await idsOf('sessions')).toContain('console-live');
    expect(await idsOf('sessions')).not.toContain('console-expired');
  });

  it('keeps recent sign-in failures and live locks', async () => {
    await sql`
      insert into sign_in_failures (username, at) values
        ('purge.old', now() - interval '31 days'),
        ('purge.recent', now() - interval '29 days')`.execute(ctx.db);
    await sql`
      insert into sign_in_locks (username, locked_until) values
        ('purge.old', now() - interval '1 second'),
        ('purge.recent', now() + interval '10 minutes')`.execute(ctx.db);

    const deleted = await purgeExpiredRows(ctx.db);

    expect(deleted.sign_in_failures).toBe(1);
    expect(deleted.sign_in_locks).toBe(1);
    const failures = await ctx.db.selectFrom('sign_in_failures').select('username').execute();
    expect(failures.map((row) => row.username)).toEqual(['purge.recent']);
    const locks = await ctx.db.selectFrom('sign_in_locks').select('username').execute();
    expect(locks.map((row) => row.username)).toEqual(['purge.recent']);
  });

  it('reports nothing when nothing expired', async () => {
    const deleted = await purgeExpiredRows(ctx.db);

    expect(deleted).toEqual({
      sms_codes: 0,
      citizen_sessions: 0,
      sessions: 0,
      sign_in_failures: 0,
      sign_in_locks: 0,
    });
  });

  it('splits a backlog between simultaneous purges', async () => {
    await sql`
      insert into sms_codes (id, phone_hash, code_hash, created_at, expires_at)
      select gen_random_uuid(), ${'d'.repeat(64)}, ${'e'.repeat(64)},
        now() - interval '2 days', now() - interval '2 days'
      from generate_series(1, 2500)`.execute(ctx.db);

    const results = await Promise.all([purgeExpiredRows(ctx.db), purgeExpiredRows(ctx.db)]);

    expect(results[0]!.sms_codes + results[1]!.sms_codes).toBe(2500);
    const left = await ctx.db
      .selectFrom('sms_codes')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('created_at', '<', sql<Date>`now() - interval '1 day'`)
      .executeTakeFirstOrThrow();
    expect(left.n).toBe(0);
  });
});
