import { createHash } from 'node:crypto';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createAccount,
  createTestContext,
  publishNewEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'lookup.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'lookup.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
});

afterAll(async () => {
  await ctx.close();
});

describe('registrations_phone index', () => {
  it('serves a citizen entry lookup', async () => {
    const organiser = await signIn(ctx.app, 'lookup.contractor');
    const reviewer = await signIn(ctx.app, 'lookup.committee');
    const event = await publishNewEvent(ctx.app, organiser, reviewer, { capacity: 5000 });
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/registrations`,
      payload: { name: '索引测试', phone: '13800135501' },
    });
    expect(response.statusCode).toBe(201);
    const { id } = response.json<{ id: string }>();
    // Copies of the entry under other mobile numbers, so that the planner prefers an index.
    await sql`
      insert into registrations
      select (jsonb_populate_record(r, jsonb_build_object(
        'id', gen_random_uuid(), 'code', 'IDX' || n, 'phone_hash', md5(n::text)))).*
      from registrations r, generate_series(1, 3000) as n
      where r.id = ${id}`.execute(ctx.db);
    await sql`analyze registrations`.execute(ctx.db);

    const plan = await sql<{ 'QUERY PLAN': string }>`
      explain select id from registrations
      where phone_hash = ${copyPhoneHash(7)} order by id desc limit 50`.execute(ctx.db);
    const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');

    expect(text).toContain('registrations_phone');
    expect(text).not.toContain('Seq Scan');
  }, 120_000);
});

/** Returns the mobile number hash that the insert above gives copy `n`. */
function copyPhoneHash(n: number): string {
  return createHash('md5').update(String(n)).digest('hex');
}
