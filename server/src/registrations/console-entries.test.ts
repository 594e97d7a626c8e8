import type { FormField } from '@cityleague/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { residentId } from '../test/entries.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  postOk,
  recordPersonalData,
  signIn,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;
let organiser: string;
let otherOrganiser: string;
let reviewer: string;

beforeAll(async () => {
  ctx = await createTestContext();
  for (const username of ['ce.contractor', 'ce.other']) {
    await createAccount(ctx.db, { username, accountType: 'contractor', divisionCode: '3101' });
  }
  await createAccount(ctx.db, {
    username: 'ce.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiser = await signIn(ctx.app, 'ce.contractor');
  otherOrganiser = await signIn(ctx.app, 'ce.other');
  reviewer = await signIn(ctx.app, 'ce.committee');
});

afterAll(async () => {
  await ctx.close();
});

/** A required text field, a bounded number, and a field shown only when has_club is yes. */
const FIELDS: FormField[] = [
  { key: 'nickname', label: '昵称', type: 'text', required: true, min: 2, max: 10 },
  { key: 'best_minutes', label: '最好成绩', type: 'number', required: true, min: 10, max: 300 },
  {
    key: 'has_club',
    label: '是否有俱乐部',
    type: 'single_choice',
    required: true,
    options: [
      { value: 'yes', label: '是' },
      { value: 'no', label: '否' },
    ],
  },
  {
    key: 'club',
    label: '俱乐部名称',
    type: 'text',
    required: true,
    showWhen: { field: 'has_club', equals: 'yes' },
  },
];

const VALID_ANSWERS = { nickname: '飞毛腿', best_minutes: 45, has_club: 'no' };

let phoneSerial = 0;
function nextPhone(): string {
  phoneSerial += 1;
  const phone = `1370055${String(phoneSerial).padStart(4, '0')}`;
  recordPersonalData(ctx, phone);
  return phone;
}

/** Files an event whose form requires an ID number and has FIELDS, then publishes it. */
async function publishedEvent(): Promise<string> {
  const event = await fileEvent(ctx.app, organiser, {});
  const saved = await as(
    ctx.app,
    organiser,
  )({
    method: 'PUT',
    url: `/api/console/events/${event.id}/registration-form`,
    payload: { form: { idNumber: 'required', fields: FIELDS }, safetyNotice: null },
  });
  expect(saved.statusCode, saved.body).toBe(200);
  await postOk(ctx.app, organiser, `/api/console/events/${event.id}/submit`);
  await postOk(ctx.app, reviewer, `/api/reviews/${event.id}/approve`);
  await postOk(ctx.app, organiser, `/api/console/events/${event.id}/publish`);
  return event.id;
}

function addEntry(cookie: string, eventId: string, payload: object) {
  return as(
    ctx.app,
    cookie,
  )({ method: 'POST', url: `/api/console/events/${eventId}/registrations`, payload });
}

function person(serial: number) {
  const idNumber = residentId('1991-04-05', 'female', serial);
  recordPersonalData(ctx, idNumber);
  return { name: '代报名', phone: nextPhone(), idNumber, idConsent: true };
}

function fieldCodes(problem: { errors?: { field: string; code: string }[] }) {
  return problem.errors?.map((error) => [error.field, error.code]).sort();
}

describe('POST /api/console/events/:id/registrations', () => {
  it('adds an entry with channel console and an audit entry', async () => {
    const eventId = await publishedEvent();
    const response = await addEntry(organiser, eventId, {
      ...person(1),
      answers: VALID_ANSWERS,
    });
    expect(response.statusCode, response.body).toBe(201);
    const { id } = response.json<{ id: string }>();
    const row = await ctx.db
      .selectFrom('registrations')
      .select(['channel', 'answers', 'id_hash'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.channel).toBe('console');
    expect(row.id_hash).not.toBeNull();
    expect(row.answers).toEqual({ nickname: '飞毛腿', best_minutes: 45, has_club: 'no' });
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('action', '=', 'registration.added')
      .where('entity_id', '=', id)
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('rejects missing required answers', async () => {
    const eventId = await publishedEvent();
    const response = await addEntry(organiser, eventId, { ...person(2), answers: {} });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldCodes(problem)).toEqual([
      ['answers.best_minutes', 'required'],
      ['answers.has_club', 'required'],
      ['answers.nickname', 'required'],
    ]);
  });

  it('rejects answers of the wrong type or range', async () => {
    const eventId = await publishedEvent();
    const response = await addEntry(organiser, eventId, {
      ...person(3),
      answers: { nickname: '甲', best_minutes: 'fast', has_club: 'maybe' },
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldCodes(problem)).toEqual([
      ['answers.best_minutes', 'invalid_type'],
      ['answers.has_club', 'not_an_option'],
      ['answers.nickname', 'too_short'],
    ]);
  });

  it('rejects a numeric phone and an unknown field', async () => {
    const eventId = await publishedEvent();
    const response = await addEntry(organiser, eventId, {
      ...person(21),
      phone: 13800138000,
      answers: VALID_ANSWERS,
      channel: 'web',
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldCodes(problem)).toEqual([['phone', 'type']]);

    const unknownField = await addEntry(organiser, eventId, {
      ...person(22),
      answers: VALID_ANSWERS,
      channel: 'web',
    });
    const unknownProblem = expectProblem(unknownField, 400, 'VALIDATION_FAILED');
    expect(fieldCodes(unknownProblem)).toEqual([['channel', 'additionalProperties']]);
  });

  it('checks a field its condition shows', async () => {
    const eventId = await publishedEvent();
    const response = await addEntry(organiser, eventId, {
      ...person(4),
      answers: { ...VALID_ANSWERS, has_club: 'yes' },
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldCodes(problem)).toEqual([['answers.club', 'required']]);
  });

  it('applies the form ID number rule', async () => {
    const eventId = await publishedEvent();
    const response = await addEntry(organiser, eventId, {
      name: '代报名',
      phone: nextPhone(),
      answers: VALID_ANSWERS,
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(fieldCodes(problem)).toEqual([['idNumber', 'required']]);

    const withoutConsent = await addEntry(organiser, eventId, {
      ...person(5),
      idConsent: false,
      answers: VALID_ANSWERS,
    });
    expectProblem(withoutConsent, 400, 'REG_ID_CONSENT_REQUIRED');
  });

  it('rejects an invalid ID number with its reason', async () => {
    const eventId = await publishedEvent();
    const valid = residentId('1991-04-05', 'male', 6);
    const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    recordPersonalData(ctx, wrong);
    const response = await addEntry(organiser, eventId, {
      ...person(6),
      idNumber: wrong,
      answers: VALID_ANSWERS,
    });
    const problem = expectProblem(response, 400, 'REG_INVALID_ID_NUMBER');
    expect(fieldCodes(problem)).toEqual([['idNumber', 'check_character']]);
  });

  it('rejects another organisation', async () => {
    const eventId = await publishedEvent();
    const response = await addEntry(otherOrganiser, eventId, {
      ...person(7),
      answers: VALID_ANSWERS,
    });
    expect(response.statusCode).toBe(404);
    const count = await ctx.db
      .selectFrom('registrations')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('event_id', '=', eventId)
      .executeTakeFirstOrThrow();
    expect(Number(count.count)).toBe(0);
  });

  it('rejects a request without a session', async () => {
    const eventId = await publishedEvent();
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/console/events/${eventId}/registrations`,
      payload: { ...person(8), answers: VALID_ANSWERS },
    });
    expect(response.statusCode).toBe(401);
  });
});

describe('entry export with answers', () => {
  it('adds a column per custom field', async () => {
    const eventId = await publishedEvent();
    const added = await addEntry(organiser, eventId, {
      ...person(9),
      answers: { nickname: '飞毛腿', best_minutes: 45, has_club: 'yes', club: '滨江跑团' },
    });
    expect(added.statusCode, added.body).toBe(201);
    const response = await as(
      ctx.app,
      organiser,
    )({ method: 'GET', url: `/api/console/events/${eventId}/registrations/export?format=csv` });
    expect(response.statusCode, response.body).toBe(200);
    const [header, row] = response.body
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean)
      .map((line) => line.split(','));
    expect(header?.slice(-4)).toEqual(['昵称', '最好成绩', '是否有俱乐部', '俱乐部名称']);
    expect(row?.slice(-4)).toEqual(['飞毛腿', '45', '是', '滨江跑团']);
  });
});
