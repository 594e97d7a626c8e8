import type { FormField, RegistrationForm } from '@cityleague/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signInCitizen } from '../citizens/citizen-test-support.js';
import { minimalPdf, minimalPng, multipart } from '../documents/document-test-support.js';
import { checkCounters } from '../registrations/counters.js';
import { residentId, statusCounts } from '../test/entries.js';
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
  await createAccount(ctx.db, {
    username: 'rf.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'rf.other',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'rf.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiser = await signIn(ctx.app, 'rf.contractor');
  otherOrganiser = await signIn(ctx.app, 'rf.other');
  reviewer = await signIn(ctx.app, 'rf.committee');
});

afterAll(async () => {
  await ctx.close();
});

const NOTICE = '参赛者须身体健康，主办方已投保公众责任险。';

const CHOICES = [
  { value: 'yes', label: '是' },
  { value: 'no', label: '否' },
];

/** One field of every type, and a text field shown only when has_club is yes. */
const ALL_TYPES: FormField[] = [
  { key: 'nickname', label: '昵称', type: 'text', required: true, min: 2, max: 10 },
  { key: 'best_minutes', label: '最好成绩', type: 'number', required: true, min: 10, max: 300 },
  { key: 'first_race', label: '首次参赛日期', type: 'date', required: true },
  {
    key: 'has_club',
    label: '是否有俱乐部',
    type: 'single_choice',
    required: true,
    options: CHOICES,
  },
  {
    key: 'club',
    label: '俱乐部名称',
    type: 'text',
    required: true,
    help: '填写俱乐部全称',
    showWhen: { field: 'has_club', equals: 'yes' },
  },
  {
    key: 'events',
    label: '参加项目',
    type: 'multiple_choice',
    required: true,
    max: 2,
    options: [
      { value: '5k', label: '5公里' },
      { value: '10k', label: '10公里' },
      { value: 'relay', label: '接力' },
    ],
  },
  { key: 'health_report', label: '体检报告', type: 'file', required: false },
];

const VALID_ANSWERS = {
  nickname: '飞毛腿',
  best_minutes: '４５',
  first_race: '2020-05-01',
  has_club: 'no',
  events: ['5k'],
};

function formRoute(eventId: string) {
  return `/api/console/events/${eventId}/registration-form`;
}

async function putForm(
  cookie: string,
  eventId: string,
  form: RegistrationForm,
  safetyNotice: string | null = NOTICE,
) {
  return as(
    ctx.app,
    cookie,
  )({
    method: 'PUT',
    url: formRoute(eventId),
    payload: { form, safetyNotice },
  });
}

/** Files a draft, gives it a form, then has it approved and published. */
async function publishWithForm(
  form: RegistrationForm,
  overrides: Record<string, unknown> = {},
  safetyNotice: string | null = NOTICE,
): Promise<string> {
  const event = await fileEvent(ctx.app, organiser, overrides);
  const saved = await putForm(organiser, event.id, form, safetyNotice);
  expect(saved.statusCode, saved.body).toBe(200);
  await postOk(ctx.app, organiser, `/api/console/events/${event.id}/submit`);
  await postOk(ctx.app, reviewer, `/api/reviews/${event.id}/approve`);
  await postOk(ctx.app, organiser, `/api/console/events/${event.id}/publish`);
  return event.id;
}

let phoneSerial = 0;
/** Returns a fresh, valid mobile number for each entrant, recorded as personal data. */
function nextPhone(): string {
  phoneSerial += 1;
  const phone = `1370000${String(phoneSerial).padStart(4, '0')}`;
  recordPersonalData(ctx, phone);
  return phone;
}

function register(eventId: string, payload: object, headers: Record<string, string> = {}) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload,
    headers,
  });
}

async function entriesOf(eventId: string) {
  return ctx.db
    .selectFrom('registrations')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('id')
    .execute();
}

describe('event forms', () => {
  it('stores a form and a safety notice with versions', async () => {
    const event = await fileEvent(ctx.app, organiser);
    const before = await as(ctx.app, organiser)({ method: 'GET', url: formRoute(event.id) });
    expect(before.json()).toMatchObject({
      form: { idNumber: 'optional', fields: [] },
      version: 0,
      safetyNotice: null,
      canChangeForm: true,
      lockReason: null,
    });

    const saved = await putForm(organiser, event.id, { idNumber: 'required', fields: ALL_TYPES });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({
      form: { idNumber: 'required', fields: ALL_TYPES },
      version: 1,
      safetyNotice: { version: 1, body: NOTICE },
    });

    const again = await putForm(organiser, event.id, { idNumber: 'required', fields: ALL_TYPES });
    expect(again.json().version).toBe(1);
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', event.id)
      .where('action', '=', 'registration_form.updated')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('lists every problem of a form definition', async () => {
    const event = await fileEvent(ctx.app, organiser);
    const response = await putForm(organiser, event.id, {
      idNumber: 'optional',
      fields: [
        { key: 'Bad Key', label: '坏键', type: 'text', required: false },
        { key: 'choice', label: '', type: 'single_choice', required: false },
        {
          key: 'later',
          label: '条件在后',
          type: 'text',
          required: false,
          showWhen: { field: 'after', equals: 'x' },
        },
        { key: 'after', label: '后面的字段', type: 'text', required: false },
      ],
    });
    const problem = expectProblem(response, 400, 'FRM_INVALID_FORM');
    expect(problem.errors?.map((error) => [error.field, error.code])).toEqual([
      ['form.fields.0.key', 'invalid_key'],
      ['form.fields.1.label', 'empty_label'],
      ['form.fields.1.options', 'missing_options'],
      ['form.fields.2.showWhen', 'condition_field_after'],
    ]);
  });

  it("rejects another organiser's change", async () => {
    const event = await fileEvent(ctx.app, organiser);
    const response = await putForm(otherOrganiser, event.id, { idNumber: 'optional', fields: [] });
    expect(response.statusCode).toBe(404);
  });

  it('locks the form at the first entry but keeps answers', async () => {
    const eventId = await publishWithForm({ idNumber: 'optional', fields: ALL_TYPES.slice(0, 1) });
    const phone = nextPhone();
    const entry = await register(eventId, {
      name: '林一',
      phone,
      answers: { nickname: '小林' },
      safetyNoticeVersion: 1,
    });
    expect(entry.statusCode, entry.body).toBe(201);

    const locked = await putForm(organiser, eventId, { idNumber: 'optional', fields: [] });
    const problem = expectProblem(locked, 409, 'FRM_FORM_LOCKED');
    expect(problem.detail).toContain('has_entries');
    const read = await as(ctx.app, organiser)({ method: 'GET', url: formRoute(eventId) });
    expect(read.json()).toMatchObject({ canChangeForm: false, canChangeNotice: true });

    // The notice may still change: the entry keeps the version it accepted.
    const notice = await putForm(
      organiser,
      eventId,
      { idNumber: 'optional', fields: ALL_TYPES.slice(0, 1) },
      `${NOTICE}新增：雨天照常比赛。`,
    );
    expect(notice.json().safetyNotice.version).toBe(2);
    const [row] = await entriesOf(eventId);
    expect(row?.answers).toEqual({ nickname: '小林' });
    expect(row?.form_version).toBe(1);
    expect(row?.safety_notice_version).toBe(1);
  });

  it('locks the form of a published event once registration opens', async () => {
    const eventId = await publishWithForm({ idNumber: 'optional', fields: [] });
    const response = await putForm(organiser, eventId, { idNumber: 'required', fields: [] });
    const problem = expectProblem(response, 409, 'FRM_FORM_LOCKED');
    expect(problem.detail).toContain('registration_opened');
  });

  it('accepts changes to a published event before registration opens', async () => {
    const hour = 3600_000;
    const eventId = await publishWithForm(
      { idNumber: 'optional', fields: [] },
      {
        registrationOpensAt: new Date(Date.now() + 2 * hour).toISOString(),
        registrationClosesAt: new Date(Date.now() + 48 * hour).toISOString(),
      },
    );
    const response = await putForm(organiser, eventId, { idNumber: 'required', fields: [] });
    expect(response.statusCode, response.body).toBe(200);
    // The first save repeated the default form, so this is the first stored version.
    expect(response.json().version).toBe(1);
  });
});

describe('form templates', () => {
  it('saves a form as a template and applies it', async () => {
    const source = await fileEvent(ctx.app, organiser);
    await putForm(organiser, source.id, { idNumber: 'hidden', fields: ALL_TYPES.slice(0, 2) });
    const api = as(ctx.app, organiser);
    const saved = await api({
      method: 'POST',
      url: '/api/console/form-templates',
      payload: { eventId: source.id, name: '跑步模板' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const templateId = saved.json().id as string;
    expect(saved.json()).toMatchObject({
      name: '跑步模板',
      builtIn: false,
      form: { idNumber: 'hidden', fields: ALL_TYPES.slice(0, 2) },
      safetyNotice: NOTICE,
    });

    const duplicate = await api({
      method: 'POST',
      url: '/api/console/form-templates',
      payload: { eventId: source.id, name: '跑步模板' },
    });
    expectProblem(duplicate, 409, 'FRM_TEMPLATE_NAME_TAKEN');

    const list = await api({ method: 'GET', url: '/api/console/form-templates' });
    expect(list.json().items.map((item: { id: string }) => item.id)).toEqual([
      'builtin:default',
      'builtin:youth',
      templateId,
    ]);
    const othersList = await as(
      ctx.app,
      otherOrganiser,
    )({
      method: 'GET',
      url: '/api/console/form-templates',
    });
    expect(othersList.json().items).toHaveLength(2);

    const target = await fileEvent(ctx.app, organiser);
    const applied = await api({
      method: 'POST',
      url: `${formRoute(target.id)}/apply-template`,
      payload: { templateId },
    });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toEqual({
      form: { idNumber: 'hidden', fields: ALL_TYPES.slice(0, 2) },
      version: 1,
      safetyNotice: { version: 1, body: NOTICE },
    });

    const foreign = await fileEvent(ctx.app, otherOrganiser);
    const stolen = await as(
      ctx.app,
      otherOrganiser,
    )({
      method: 'POST',
      url: `${formRoute(foreign.id)}/apply-template`,
      payload: { templateId },
    });
    expectProblem(stolen, 404, 'FRM_TEMPLATE_NOT_FOUND');

    const deleted = await api({
      method: 'DELETE',
      url: `/api/console/form-templates/${templateId}`,
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await api({ method: 'DELETE', url: `/api/console/form-templates/${templateId}` });
    expectProblem(gone, 404, 'FRM_TEMPLATE_NOT_FOUND');
  });

  it('applies the built-in youth template with the default notice', async () => {
    const event = await fileEvent(ctx.app, organiser);
    const applied = await as(
      ctx.app,
      organiser,
    )({
      method: 'POST',
      url: `${formRoute(event.id)}/apply-template`,
      payload: { templateId: 'builtin:youth' },
    });
    expect(applied.statusCode, applied.body).toBe(200);
    const body = applied.json();
    expect(body.form.idNumber).toBe('required');
    expect(body.form.fields.map((field: FormField) => field.key)).toEqual([
      'guardian_name',
      'guardian_phone',
    ]);
    expect(body.safetyNotice.version).toBe(1);
  });
});

describe('answers on the server', () => {
  let eventId: string;

  beforeAll(async () => {
    eventId = await publishWithForm({ idNumber: 'optional', fields: ALL_TYPES }, { capacity: 50 });
  });

  it('stores normalised answers of shown fields only', async () => {
    const phone = nextPhone();
    const response = await register(eventId, {
      name: '周二',
      phone,
      answers: { ...VALID_ANSWERS, club: '不该保存', unknown_key: 'x' },
      safetyNoticeVersion: 1,
    });
    expect(response.statusCode, response.body).toBe(201);
    const row = (await entriesOf(eventId)).find((entry) => entry.id === response.json().id);
    expect(row?.answers).toEqual({
      nickname: '飞毛腿',
      best_minutes: 45,
      first_race: '2020-05-01',
      has_club: 'no',
      events: ['5k'],
    });
    expect(row?.safety_notice_version).toBe(1);
    expect(row?.safety_accepted_at).toBeInstanceOf(Date);
    expect(row?.id_consent_at).toBeNull();
  });

  it.each([
    ['nickname', '飞', 'too_short'],
    ['nickname', 42, 'invalid_type'],
    ['best_minutes', '九十', 'invalid_type'],
    ['best_minutes', 9, 'below_min'],
    ['best_minutes', 301, 'above_max'],
    ['first_race', '2021-02-29', 'invalid_date'],
    ['has_club', 'maybe', 'not_an_option'],
    ['events', ['5k', '10k', 'relay'], 'too_many'],
    ['events', ['marathon'], 'not_an_option'],
    ['events', [], 'required'],
    ['health_report', '../../etc/passwd', 'invalid_type'],
  ])('rejects %s = %j with %s', async (key, value, code) => {
    const response = await register(eventId, {
      name: '吴三',
      phone: nextPhone(),
      answers: { ...VALID_ANSWERS, [key]: value },
      safetyNoticeVersion: 1,
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.map((error) => [error.field, error.code])).toEqual([
      [`answers.${key}`, code],
    ]);
  });

  it('requires a conditional field once shown', async () => {
    const response = await register(eventId, {
      name: '郑四',
      phone: nextPhone(),
      answers: { ...VALID_ANSWERS, has_club: 'yes' },
      safetyNoticeVersion: 1,
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      { field: 'answers.club', code: 'required', message: 'is required' },
    ]);
  });

  it('lists every missing answer at once', async () => {
    const response = await register(eventId, {
      name: '郑五',
      phone: nextPhone(),
      safetyNoticeVersion: 1,
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.map((error) => error.field)).toEqual([
      'answers.nickname',
      'answers.best_minutes',
      'answers.first_race',
      'answers.has_club',
      'answers.events',
    ]);
    expect(await statusCounts(ctx.db, eventId)).not.toHaveProperty('waiting');
  });

  it('requires the current safety notice', async () => {
    const phone = nextPhone();
    const missing = await register(eventId, { name: '王六', phone, answers: VALID_ANSWERS });
    expectProblem(missing, 400, 'REG_SAFETY_NOTICE_REQUIRED');
    const stale = await register(eventId, {
      name: '王六',
      phone,
      answers: VALID_ANSWERS,
      safetyNoticeVersion: 7,
    });
    expectProblem(stale, 409, 'REG_SAFETY_NOTICE_OUTDATED');
    expect((await entriesOf(eventId)).filter((row) => row.name === '王六')).toHaveLength(0);
  });

  it('stores an ID number only with consent', async () => {
    const idNumber = residentId('1990-04-12', 'female', 31);
    recordPersonalData(ctx, idNumber);
    const phone = nextPhone();
    const payload = {
      name: '钱七',
      phone,
      idNumber,
      answers: VALID_ANSWERS,
      safetyNoticeVersion: 1,
    };
    expectProblem(await register(eventId, payload), 400, 'REG_ID_CONSENT_REQUIRED');
    expectProblem(
      await register(eventId, { ...payload, idConsent: false }),
      400,
      'REG_ID_CONSENT_REQUIRED',
    );
    const accepted = await register(eventId, { ...payload, idConsent: true });
    expect(accepted.statusCode, accepted.body).toBe(201);
    const row = (await entriesOf(eventId)).find((entry) => entry.id === accepted.json().id);
    expect(row?.id_hash).not.toBeNull();
    expect(row?.id_consent_at).toBeInstanceOf(Date);
  });

  it('keeps one entry for a double submit with one key', async () => {
    const phone = nextPhone();
    const payload = { name: '冯八', phone, answers: VALID_ANSWERS, safetyNoticeVersion: 1 };
    const headers = { 'idempotency-key': 'double-submit-1' };
    const [first, second] = await Promise.all([
      register(eventId, payload, headers),
      register(eventId, payload, headers),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([200, 201]);
    expect(first.json().id).toBe(second.json().id);
    expect((await entriesOf(eventId)).filter((row) => row.name === '冯八')).toHaveLength(1);
    expect(await checkCounters(ctx.db, eventId)).toEqual([]);
  });
});

describe('ID number rule', () => {
  it('requires an ID number when the form does', async () => {
    const eventId = await publishWithForm({ idNumber: 'required', fields: [] });
    const response = await register(eventId, {
      name: '陈九',
      phone: nextPhone(),
      safetyNoticeVersion: 1,
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.map((error) => [error.field, error.code])).toEqual([
      ['idNumber', 'required'],
    ]);
  });

  it('drops an ID number the form hides', async () => {
    const eventId = await publishWithForm({ idNumber: 'hidden', fields: [] }, {}, null);
    const idNumber = residentId('1988-10-10', 'male', 32);
    recordPersonalData(ctx, idNumber);
    const response = await register(eventId, {
      name: '褚十',
      phone: nextPhone(),
      idNumber,
      idConsent: true,
    });
    expect(response.statusCode, response.body).toBe(201);
    const [row] = await entriesOf(eventId);
    expect(row?.id_hash).toBeNull();
    expect(row?.id_consent_at).toBeNull();
    expect(row?.safety_notice_version).toBeNull();
  });
});

describe('guardian consent', () => {
  // Born on 29 February 2016: 13 on 28 February 2030, 14 from 1 March 2030 (Shanghai dates).
  const leapling = residentId('2016-02-29', 'female', 33);

  it.each([
    ['2030-02-28T02:00:00.000Z', true],
    ['2030-02-28T15:59:00.000Z', true],
    ['2030-02-28T16:00:00.000Z', false],
    ['2030-03-01T02:00:00.000Z', false],
  ])('for a start at %s requires consent: %s', async (startsAt, required) => {
    recordPersonalData(ctx, leapling);
    const end = new Date(new Date(startsAt).getTime() + 4 * 3600_000).toISOString();
    const eventId = await publishWithForm(
      { idNumber: 'required', fields: [] },
      { startsAt, endsAt: end },
    );
    const phone = nextPhone();
    const payload = {
      name: '卫小妹',
      phone,
      idNumber: leapling,
      idConsent: true,
      safetyNoticeVersion: 1,
    };
    const withoutGuardian = await register(eventId, payload);
    if (!required) {
      expect(withoutGuardian.statusCode, withoutGuardian.body).toBe(201);
      const [row] = await entriesOf(eventId);
      expect(row?.guardian_consent_at).toBeNull();
      return;
    }
    const problem = expectProblem(withoutGuardian, 400, 'REG_GUARDIAN_CONSENT_REQUIRED');
    expect(problem.errors?.map((error) => error.field)).toEqual([
      'guardian.name',
      'guardian.phone',
      'guardian.consent',
    ]);
    const guardianPhone = nextPhone();
    const refused = await register(eventId, {
      ...payload,
      guardian: { name: '卫大', phone: guardianPhone, consent: false },
    });
    expectProblem(refused, 400, 'REG_GUARDIAN_CONSENT_REQUIRED');
    const accepted = await register(eventId, {
      ...payload,
      guardian: { name: '卫大', phone: guardianPhone, consent: true },
    });
    expect(accepted.statusCode, accepted.body).toBe(201);
    const [row] = await entriesOf(eventId);
    expect(row?.guardian_name).toBe('卫大');
    expect(row?.guardian_phone_masked).toBe(
      `${guardianPhone.slice(0, 3)}****${guardianPhone.slice(7)}`,
    );
    expect(row?.guardian_phone_ciphertext).not.toContain(guardianPhone);
    expect(row?.guardian_consent_at).toBeInstanceOf(Date);
  });
});

describe('file answers', () => {
  const FILE_FORM: RegistrationForm = {
    idNumber: 'optional',
    fields: [{ key: 'health_report', label: '体检报告', type: 'file', required: true }],
  };

  function upload(eventId: string, fieldKey: string, content: Buffer, filename = 'report.png') {
    const body = multipart([
      { name: 'fieldKey', value: fieldKey },
      { name: 'file', filename, content },
    ]);
    return ctx.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/registration-attachments`,
      ...body,
    });
  }

  it('claims an uploaded file once', async () => {
    const eventId = await publishWithForm(FILE_FORM, {}, null);
    const uploaded = await upload(eventId, 'health_report', minimalPng());
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const fileId = uploaded.json().id as string;
    expect(uploaded.json()).toMatchObject({ fieldKey: 'health_report', contentType: 'image/png' });

    const entry = await register(eventId, {
      name: '蒋一',
      phone: nextPhone(),
      answers: { health_report: fileId },
    });
    expect(entry.statusCode, entry.body).toBe(201);
    const attachment = await ctx.db
      .selectFrom('registration_attachments')
      .select('registration_id')
      .where('id', '=', fileId)
      .executeTakeFirstOrThrow();
    expect(attachment.registration_id).toBe(entry.json().id);

    const reused = await register(eventId, {
      name: '蒋二',
      phone: nextPhone(),
      answers: { health_report: fileId },
    });
    const problem = expectProblem(reused, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.map((error) => [error.field, error.code])).toEqual([
      ['answers.health_report', 'unknown_file'],
    ]);
    expect((await entriesOf(eventId)).map((row) => row.name)).toEqual(['蒋一']);
  });

  it('rejects files of other kinds and unknown fields', async () => {
    const eventId = await publishWithForm(FILE_FORM, {}, null);
    const text = await upload(eventId, 'health_report', Buffer.from('plain text'), 'a.txt');
    expectProblem(text, 415, 'DOC_TYPE_NOT_ALLOWED');
    const unknown = await upload(eventId, 'nickname', minimalPdf(), 'a.pdf');
    expectProblem(unknown, 409, 'FRM_NO_FILE_FIELD');
    const tooLarge = await upload(
      eventId,
      'health_report',
      Buffer.concat([minimalPdf(), Buffer.alloc(5 * 1024 * 1024)]),
      'big.pdf',
    );
    expectProblem(tooLarge, 413, 'DOC_TOO_LARGE');
    const count = await ctx.db
      .selectFrom('registration_attachments')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('event_id', '=', eventId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });
});

describe('one-click registration', () => {
  it('tells what the profile lacks, then registers once', async () => {
    const eventId = await publishWithForm({ idNumber: 'required', fields: [] });
    const phone = nextPhone();
    const cookie = await signInCitizen(ctx.app, phone);
    const citizen = as(ctx.app, cookie);
    const status = () =>
      citizen({ method: 'GET', url: `/api/citizen/events/${eventId}/one-click` });

    expect((await status()).json()).toEqual({
      available: false,
      problems: ['real_name_missing', 'id_number_missing'],
      safetyNotice: { version: 1, body: NOTICE },
    });
    const early = await citizen({
      method: 'POST',
      url: `/api/citizen/events/${eventId}/one-click-registrations`,
      payload: { safetyNoticeVersion: 1 },
    });
    expectProblem(early, 409, 'REG_ONE_CLICK_UNAVAILABLE');

    const idNumber = residentId('1985-11-20', 'male', 34);
    recordPersonalData(ctx, idNumber, '沈一鸣');
    const profile = await citizen({
      method: 'PUT',
      url: '/api/citizen/profile',
      payload: { realName: '沈一鸣', idNumber, idConsent: true },
    });
    expect(profile.statusCode, profile.body).toBe(200);
    expect((await status()).json()).toMatchObject({ available: true, problems: [] });

    const send = () =>
      citizen({
        method: 'POST',
        url: `/api/citizen/events/${eventId}/one-click-registrations`,
        payload: { safetyNoticeVersion: 1 },
        headers: { 'idempotency-key': 'one-click-key-1' },
      });
    const first = await send();
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ name: '沈一鸣', status: 'active' });
    const second = await send();
    expect(second.statusCode).toBe(200);
    expect(second.json().id).toBe(first.json().id);

    const rows = await entriesOf(eventId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id_consent_at).toBeInstanceOf(Date);
    expect(rows[0]?.safety_notice_version).toBe(1);
  });

  it('refuses one click when a required field is shown', async () => {
    const eventId = await publishWithForm({ idNumber: 'optional', fields: ALL_TYPES });
    const cookie = await signInCitizen(ctx.app, nextPhone());
    const response = await as(
      ctx.app,
      cookie,
    )({
      method: 'GET',
      url: `/api/citizen/events/${eventId}/one-click`,
    });
    expect(response.json().problems).toEqual(['real_name_missing', 'form_fields_required']);
  });
});
