import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signInCitizen } from '../citizens/citizen-test-support.js';
import { publishWithGroups } from '../test/entries.js';
import { createAccount, createTestContext, type TestContext, signIn } from '../test/harness.js';

let ctx: TestContext;
let eventId: string;
let submitter: string;
let stranger: string;
let entrant: string;

const SUBMITTER_PHONE = '13900140001';
const ENTRANT_PHONE = '13900140002';
const STRANGER_PHONE = '13900140003';

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'fam.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'fam.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  const organiser = await signIn(ctx.app, 'fam.contractor');
  const reviewer = await signIn(ctx.app, 'fam.committee');
  const published = await publishWithGroups(ctx.app, organiser, reviewer, [
    { name: '家庭组', capacity: 10, waitingList: 'off' },
  ]);
  eventId = published.eventId;
  // Each number is signed in once, because a number gets at most one code a minute.
  submitter = await signInCitizen(ctx.app, SUBMITTER_PHONE, '198.51.100.41');
  stranger = await signInCitizen(ctx.app, STRANGER_PHONE, '198.51.100.42');
  entrant = await signInCitizen(ctx.app, ENTRANT_PHONE, '198.51.100.43');
});

afterAll(async () => {
  await ctx.close();
});

function listEntries(cookie: string) {
  return ctx.app.inject({ method: 'GET', url: '/api/citizen/registrations', headers: { cookie } });
}

function cancelEntry(cookie: string, registrationId: string) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/citizen/events/${eventId}/registrations/${registrationId}/cancel`,
    headers: { cookie },
  });
}

describe('entries submitted for another number', () => {
  it('are listed and cancelled by the submitter only', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      headers: { cookie: submitter },
      payload: { name: '测试家属', phone: ENTRANT_PHONE },
    });
    expect(created.statusCode).toBe(201);
    const registrationId = created.json().id as string;

    const listed = (await listEntries(submitter)).json().items;
    expect(listed).toHaveLength(1);
    expect(listed[0].id).toBe(registrationId);
    expect(listed[0].forOther).toBe(true);
    expect(listed[0].entrantNameMasked).not.toBe('测试家属');
    expect(listed[0].entrantPhoneMasked).not.toContain(ENTRANT_PHONE);

    expect((await listEntries(stranger)).json().items).toHaveLength(0);
    const rejected = await cancelEntry(stranger, registrationId);
    expect(rejected.statusCode).toBe(404);

    const cancelled = await cancelEntry(submitter, registrationId);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
  });

  it('are listed for the entrant as own entries', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      headers: { cookie: submitter },
      payload: { name: '测试家属', phone: ENTRANT_PHONE },
    });
    expect(created.statusCode).toBe(201);

    const listed = (await listEntries(entrant)).json().items;
    const entry = listed.find((item: { id: string }) => item.id === created.json().id);
    expect(entry).toBeDefined();
    expect(entry.forOther).toBe(false);
  });

  it('are not linked without a session', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registrations`,
      payload: { name: '测试路人', phone: '13900140005' },
    });
    expect(created.statusCode).toBe(201);
    const row = await ctx.db
      .selectFrom('registrations')
      .select('submitted_by_citizen_id')
      .where('id', '=', created.json().id)
      .executeTakeFirstOrThrow();
    expect(row.submitted_by_citizen_id).toBeNull();
  });
});
