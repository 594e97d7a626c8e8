import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { minimalPng, multipart } from '../documents/document-test-support.js';
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

/*
 * The organiser's view of the answers to an event's custom fields: the entry list, the entry
 * detail, the audited reveal of masked answers and the audited download of file answers.
 */

let ctx: TestContext;
let organiser: string;
let committee: string;
let otherOrganiser: string;
let otherDistrict: string;
let eventId: string;
let registrationId: string;
let fileId: string;

const MEDICAL_NOTE = '青霉素过敏';
const PASSPORT = 'E12345678';
const ID_ANSWER = residentId('1988-08-08', 'female', 31);
const PHONE = '13700137031';

const FIELDS = [
  {
    key: 'size',
    label: '服装尺码',
    type: 'single_choice',
    required: true,
    options: [
      { value: 'm', label: '中码 M' },
      { value: 'l', label: '大码 L' },
    ],
  },
  {
    key: 'events',
    label: '参加项目',
    type: 'multiple_choice',
    required: false,
    options: [
      { value: 'run', label: '跑步' },
      { value: 'swim', label: '游泳' },
      { value: 'bike', label: '骑行' },
    ],
  },
  { key: 'arrival', label: '到达日期', type: 'date', required: false },
  { key: 'team', label: '所在单位', type: 'text', required: false },
  { key: 'medical', label: '既往病史', type: 'text', required: false, sensitive: true },
  { key: 'passport', label: '护照号码', type: 'text', required: false },
  { key: 'emergency_id', label: '紧急联系人号码', type: 'text', required: false },
  { key: 'health', label: '体检报告', type: 'file', required: false },
];

beforeAll(async () => {
  ctx = await createTestContext();
  const accounts = [
    { username: 'ea.contractor', accountType: 'contractor', divisionCode: '3101' },
    { username: 'ea.committee', accountType: 'committee', divisionCode: '3101' },
    {
      username: 'ea.other',
      accountType: 'contractor',
      divisionCode: '3101',
      organisation: '另一家答案测试公司',
    },
    { username: 'ea.pudong', accountType: 'district_bureau', divisionCode: '310115' },
  ];
  for (const account of accounts) await createAccount(ctx.db, account);
  organiser = await signIn(ctx.app, 'ea.contractor');
  committee = await signIn(ctx.app, 'ea.committee');
  otherOrganiser = await signIn(ctx.app, 'ea.other');
  otherDistrict = await signIn(ctx.app, 'ea.pudong');
  recordPersonalData(ctx, MEDICAL_NOTE, PASSPORT, ID_ANSWER, PHONE);

  const event = await fileEvent(ctx.app, organiser, {});
  const saved = await as(
    ctx.app,
    organiser,
  )({
    method: 'PUT',
    url: `/api/console/events/${event.id}/registration-form`,
    payload: { form: { idNumber: 'optional', fields: FIELDS }, safetyNotice: null },
  });
  expect(saved.statusCode, saved.body).toBe(200);
  await postOk(ctx.app, organiser, `/api/console/events/${event.id}/submit`);
  await postOk(ctx.app, committee, `/api/reviews/${event.id}/approve`);
  await postOk(ctx.app, organiser, `/api/console/events/${event.id}/publish`);
  eventId = event.id;

  const uploaded = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registration-attachments`,
    ...multipart([
      { name: 'fieldKey', value: 'health' },
      { name: 'file', filename: '体检报告.png', content: minimalPng() },
    ]),
  });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
  fileId = uploaded.json<{ id: string }>().id;

  const entry = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload: {
      name: '答案测试',
      phone: PHONE,
      answers: {
        size: 'l',
        events: ['run', 'bike'],
        arrival: '2026-05-01',
        team: '徐汇测试队',
        medical: MEDICAL_NOTE,
        passport: PASSPORT,
        emergency_id: ID_ANSWER,
        health: fileId,
      },
    },
  });
  expect(entry.statusCode, entry.body).toBe(201);
  registrationId = entry.json<{ id: string }>().id;
});

afterAll(async () => {
  await ctx.close();
});

interface AnswerBody {
  key: string;
  label: string;
  text: string;
  masked: boolean;
  file: { id: string; fileName: string } | null;
}

function detail(cookie: string, id = registrationId) {
  return as(
    ctx.app,
    cookie,
  )({ method: 'GET', url: `/api/console/events/${eventId}/registrations/${id}` });
}

function download(cookie: string, file = fileId, registration = registrationId) {
  return as(
    ctx.app,
    cookie,
  )({
    method: 'GET',
    url: `/api/console/events/${eventId}/registrations/${registration}/files/${file}`,
  });
}

function reveal(cookie: string, field: string) {
  return as(
    ctx.app,
    cookie,
  )({
    method: 'POST',
    url: `/api/console/events/${eventId}/registrations/${registrationId}/reveal`,
    payload: { field },
  });
}

async function auditActions(action: string) {
  return ctx.db
    .selectFrom('audit_log')
    .select(['actor_user_id', 'detail'])
    .where('action', '=', action)
    .where('entity_id', '=', registrationId)
    .execute();
}

describe('entry answers in the console', () => {
  it('lists answers under their labels', async () => {
    const response = await detail(organiser);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ answers: AnswerBody[]; groupName: string; channel: string }>();
    expect(body.channel).toBe('web');
    const byKey = new Map(body.answers.map((answer) => [answer.key, answer]));
    expect(body.answers.map((answer) => answer.label)).toEqual([
      '服装尺码',
      '参加项目',
      '到达日期',
      '所在单位',
      '既往病史',
      '护照号码',
      '紧急联系人号码',
      '体检报告',
    ]);
    expect(byKey.get('size')).toMatchObject({ text: '大码 L', masked: false });
    expect(byKey.get('events')).toMatchObject({ text: '跑步、骑行', masked: false });
    expect(byKey.get('arrival')).toMatchObject({ text: '2026年5月1日', masked: false });
    expect(byKey.get('team')).toMatchObject({ text: '徐汇测试队', masked: false });
    expect(byKey.get('health')?.file).toMatchObject({ id: fileId, fileName: '体检报告.png' });
  });

  it('masks sensitive and ID-like answers', async () => {
    const response = await detail(organiser);
    const answers = response.json<{ answers: AnswerBody[] }>().answers;
    const byKey = new Map(answers.map((answer) => [answer.key, answer]));
    expect(byKey.get('medical')).toMatchObject({ text: '青***敏', masked: true });
    expect(byKey.get('passport')).toMatchObject({ text: 'E*******8', masked: true });
    expect(byKey.get('emergency_id')).toMatchObject({
      text: `${ID_ANSWER.slice(0, 4)}**********${ID_ANSWER.slice(14)}`,
      masked: true,
    });
    for (const secret of [MEDICAL_NOTE, PASSPORT, ID_ANSWER, PHONE]) {
      expect(response.body).not.toContain(secret);
    }

    const list = await as(
      ctx.app,
      organiser,
    )({ method: 'GET', url: `/api/console/events/${eventId}/registrations` });
    expect(list.statusCode, list.body).toBe(200);
    const [item] = list.json<{ items: { answers: AnswerBody[] }[] }>().items;
    expect(item?.answers.map((answer) => answer.text)).toEqual(answers.map((a) => a.text));
    for (const secret of [MEDICAL_NOTE, PASSPORT, ID_ANSWER, PHONE]) {
      expect(list.body).not.toContain(secret);
    }
  });

  it('reveals a masked answer, audited', async () => {
    const response = await reveal(organiser, 'answers.medical');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ field: 'answers.medical', value: MEDICAL_NOTE });
    expect(response.headers['cache-control']).toBe('no-store');
    const audits = await auditActions('personal_data.reveal');
    expect(audits.map((row) => row.detail)).toEqual([{ eventId, field: 'answers.medical' }]);
    expect(JSON.stringify(audits)).not.toContain(MEDICAL_NOTE);

    expectProblem(await reveal(organiser, 'answers.unknown_key'), 404, 'REG_ANSWER_NOT_FOUND');
    expectProblem(await reveal(organiser, 'answers.health'), 404, 'REG_ANSWER_NOT_FOUND');
    expectProblem(await reveal(organiser, 'answers.'), 400, 'VALIDATION_FAILED');
    expectProblem(await reveal(committee, 'answers.medical'), 403, 'EVT_NOT_OWNED');
  });

  it('downloads a file answer, audited', async () => {
    for (const cookie of [organiser, committee]) {
      const response = await download(cookie);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('image/png');
      expect(response.rawPayload.equals(minimalPng())).toBe(true);
      expect(response.headers['cache-control']).toBe('private, no-store');
      expect(String(response.headers['content-disposition'])).toMatch(/^attachment;/);
    }
    const audits = await auditActions('registration.file_downloaded');
    expect(audits).toHaveLength(2);
    expect(audits[0]?.detail).toEqual({ eventId, fieldKey: 'health', fileId });
  });

  it('rejects downloads outside the scope', async () => {
    expectProblem(await download(otherOrganiser), 404, 'EVT_NOT_FOUND');
    expectProblem(await download(otherDistrict), 404, 'EVT_NOT_FOUND');
    const anonymous = await ctx.app.inject({
      method: 'GET',
      url: `/api/console/events/${eventId}/registrations/${registrationId}/files/${fileId}`,
    });
    expectProblem(anonymous, 401, 'ACC_SESSION_REQUIRED');
    const absent = '00000000-0000-7000-8000-000000000001';
    expectProblem(await download(organiser, absent), 404, 'REG_FILE_NOT_FOUND');
    expectProblem(await download(organiser, fileId, absent), 404, 'REG_FILE_NOT_FOUND');
    expect(await auditActions('registration.file_downloaded')).toHaveLength(2);
  });

  it('keeps the detail to the organiser', async () => {
    expectProblem(await detail(committee), 403, 'EVT_NOT_OWNED');
    expectProblem(await detail(otherOrganiser), 404, 'EVT_NOT_FOUND');
    const absent = '00000000-0000-7000-8000-000000000002';
    expectProblem(await detail(organiser, absent), 404, 'REG_REGISTRATION_NOT_FOUND');
  });
});
