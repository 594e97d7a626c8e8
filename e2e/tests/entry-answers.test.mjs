// The organiser's entry list and entry detail show the answers to the event's custom fields:
// choices by label, dates written out, a file answer as an audited download, and the answers
// marked as personal data masked until an audited reveal. Checked at desktop and phone widths.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { artifacts, signInToConsole, startPlatform } from '../support/platform.mjs';

const PASSWORD = 'Demo@2026';
const HOUR = 3600_000;
const MEDICAL_NOTE = '青霉素过敏';
// The smallest valid PNG: one transparent pixel.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

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
  { key: 'medical', label: '既往病史', type: 'text', required: false, sensitive: true },
  { key: 'health', label: '体检报告', type: 'file', required: false },
];

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

/** Signs in through the API and returns a function that sends JSON requests with that session. */
async function apiSession(username) {
  const response = await fetch(`${platform.baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: platform.baseUrl },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const sid = response.headers
    .getSetCookie()
    .find((value) => value.startsWith('sid='))
    .split(';')[0];
  return async (method, path, body) => {
    const answer = await fetch(`${platform.baseUrl}${path}`, {
      method,
      headers: {
        cookie: sid,
        origin: platform.baseUrl,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await answer.text();
    assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

/** Files and publishes a Xuhui brand event with the custom fields (it passes on submit). */
async function publishedEvent(call) {
  const now = Date.now();
  const event = await call('POST', '/api/console/events', {
    name: `报名表单答案 ${now % 100000}`,
    sport: 'running',
    level: 'district',
    section: 'brand_event',
    divisionCode: '310104',
    venue: '徐汇区 测试体育场',
    startsAt: new Date(now + 72 * HOUR).toISOString(),
    endsAt: new Date(now + 76 * HOUR).toISOString(),
    capacity: 20,
    registrationOpensAt: new Date(now - HOUR).toISOString(),
    registrationClosesAt: new Date(now + 48 * HOUR).toISOString(),
    address: '上海市徐汇区测试路 1 号',
    host: '测试主办单位',
    organiser: '测试承办单位',
    coOrganisers: ['测试协办单位'],
    expectedParticipants: 10,
    feeCents: 0,
    rules: '测试竞赛规程',
    safetyPlan: '测试安全预案',
    medicalCover: '测试医疗保障',
    insurance: '测试保险',
    contactName: '测试联系人',
    contactPhone: '021-64000000',
  });
  await call('PUT', `/api/console/events/${event.id}/registration-form`, {
    form: { idNumber: 'optional', fields: FIELDS },
    safetyNotice: null,
  });
  await call('POST', `/api/console/events/${event.id}/submit`);
  await call('POST', `/api/console/events/${event.id}/publish`);
  return event.id;
}

async function uploadHealthReport(eventId) {
  // Node 18 and later provide both as globals, which the lint's Node environment does not list.
  const { FormData, Blob } = globalThis;
  const form = new FormData();
  form.append('fieldKey', 'health');
  form.append('file', new Blob([PNG], { type: 'image/png' }), '体检报告.png');
  const response = await fetch(
    `${platform.baseUrl}/api/events/${eventId}/registration-attachments`,
    {
      method: 'POST',
      headers: { origin: platform.baseUrl },
      body: form,
    },
  );
  assert.equal(response.status, 201, await response.clone().text());
  return (await response.json()).id;
}

/** Waits until the open drawer has finished sliding in, so a screenshot shows it in place. */
async function drawerSettled(page) {
  await page.waitForFunction(() => {
    const drawer = document.querySelector('.ant-drawer-open');
    return drawer !== null && drawer.getAnimations({ subtree: true }).length === 0;
  });
}

async function register(eventId, body) {
  const response = await fetch(`${platform.baseUrl}/api/events/${eventId}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: platform.baseUrl },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return response.json();
}

test('organiser reads entry answers and downloads a file answer', async () => {
  const call = await apiSession('xuhui.bureau');
  const eventId = await publishedEvent(call);
  const fileId = await uploadHealthReport(eventId);
  await register(eventId, {
    name: '答案甲',
    phone: '13900440001',
    answers: {
      size: 'l',
      events: ['run', 'bike'],
      arrival: '2026-05-01',
      medical: MEDICAL_NOTE,
      health: fileId,
    },
  });
  await register(eventId, { name: '答案乙', phone: '13900440002', answers: { size: 'm' } });

  const context = await platform.browser.newContext({
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, 'xuhui.bureau', PASSWORD);
  await page.goto(`${platform.baseUrl}/console/events/${eventId}/registrations`);

  // The list shows the answers under their labels, the sensitive one masked.
  const first = page.getByRole('row').filter({ hasText: '答案甲' });
  await first.getByText('大码 L').waitFor();
  await first.getByText('跑步、骑行').waitFor();
  await first.getByText('2026年5月1日').waitFor();
  await first.getByText('青***敏').waitFor();
  assert.equal(await page.getByText(MEDICAL_NOTE).count(), 0, 'the list shows the note unmasked');
  await page.screenshot({ path: join(artifacts, 'entry-answers-list-1440.png'), fullPage: true });

  // The detail drawer lists every answer; the file downloads through the audited route.
  await first.getByRole('button', { name: '详情' }).click();
  const drawer = page.getByRole('dialog');
  await drawer.getByText('报名详情：答案甲').waitFor();
  await drawer.getByText('服装尺码').waitFor();
  await drawer.getByText('体检报告.png').waitFor();
  await drawerSettled(page);
  await page.screenshot({ path: join(artifacts, 'entry-answers-detail-1440.png') });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    drawer.getByRole('button', { name: /体检报告\.png/ }).click(),
  ]);
  assert.equal(download.suggestedFilename(), '体检报告.png');

  // Revealing the masked answer shows it after a confirmation.
  const medical = drawer.locator('.ant-descriptions-row').filter({ hasText: '既往病史' });
  await medical.getByRole('button', { name: '查看' }).click();
  await page.locator('.ant-popconfirm').getByRole('button', { name: '查看' }).click();
  await drawer.getByText(MEDICAL_NOTE).waitFor();
  await page.screenshot({ path: join(artifacts, 'entry-answers-revealed-1440.png') });

  // On a phone the entries are cards with their answers, and the detail fills the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const card = page.locator('.registration-cards .ant-list-item').filter({ hasText: '答案甲' });
  await card.getByText('跑步、骑行').waitFor();
  await page.screenshot({ path: join(artifacts, 'entry-answers-list-390.png'), fullPage: true });
  const sideways = await page.evaluate(
    () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
  );
  assert.equal(sideways, false, 'the phone layout scrolls sideways');
  await card.getByRole('button', { name: '详情' }).click();
  await page.getByRole('dialog').getByText('体检报告.png').waitFor();
  await drawerSettled(page);
  await page.screenshot({ path: join(artifacts, 'entry-answers-detail-390.png') });

  await context.close();
});

test('a file answer is refused outside the scope', async () => {
  const call = await apiSession('xuhui.bureau');
  const eventId = await publishedEvent(call);
  const fileId = await uploadHealthReport(eventId);
  const entry = await register(eventId, {
    name: '答案丙',
    phone: '13900440003',
    answers: { size: 'm', health: fileId },
  });
  const path = `/api/console/events/${eventId}/registrations/${entry.id}/files/${fileId}`;
  const anonymous = await fetch(`${platform.baseUrl}${path}`);
  assert.equal(anonymous.status, 401);
  assert.equal((await anonymous.json()).code, 'ACC_SESSION_REQUIRED');
});
