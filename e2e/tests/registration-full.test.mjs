// A registration form whose group fills up while the citizen types it. The server rejects the
// entry with 409 REG_EVENT_FULL, and the form page then shows the event as full and offers
// what is left: another group's places, another group's waiting list, or nothing.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { phoneContext } from '../support/citizen.mjs';
import { artifacts, publishStreetEvent, startPlatform } from '../support/platform.mjs';

const LATE_ENTRANT = { name: '迟到测试者', phone: '13800138801' };

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

/** Registers an entrant through the API, as another citizen does, and checks the status. */
async function registerElsewhere(eventId, entrant, groupId, expected = 201) {
  const response = await fetch(`${platform.baseUrl}/api/events/${eventId}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...entrant, ...(groupId ? { groupId } : {}) }),
  });
  assert.equal(response.status, expected, await response.text());
}

/** Returns the event's groups by name. */
async function groupsByName(eventId) {
  const response = await fetch(`${platform.baseUrl}/api/events/${eventId}/groups`);
  const { items } = await response.json();
  return Object.fromEntries(items.map((group) => [group.name, group]));
}

/** Fills the open form as LATE_ENTRANT, without submitting it. */
async function fillForm(page) {
  await page.getByPlaceholder('请输入真实姓名').fill(LATE_ENTRANT.name);
  await page.getByPlaceholder('请输入11位手机号码').fill(LATE_ENTRANT.phone);
  await page
    .getByText(/^我已阅读并同意/)
    .first()
    .click();
}

/** Submits the form and waits for the notice that replaces it once the page has fetched the event again. */
async function submitTooLate(page) {
  const rejected = page.waitForResponse(
    (response) =>
      response.url().endsWith('/registrations') && response.request().method() === 'POST',
  );
  await page.getByRole('button', { name: '提交报名' }).click();
  const response = await rejected;
  assert.equal(response.status(), 409);
  assert.equal((await response.json()).code, 'REG_EVENT_FULL');
  const notice = page.locator('.register-unavailable');
  await notice.waitFor();
  assert.equal(await page.getByPlaceholder('请输入真实姓名').count(), 0, 'the form stays');
  return notice;
}

test('form shows the event full', async () => {
  // The event takes 10 entries, but its only group takes 1, so the event is full once the
  // group is.
  const { eventId, street } = await publishStreetEvent(
    platform.browser,
    platform.baseUrl,
    {
      name: '徐家汇街道社区踢毽子赛',
      sport: 'shuttlecock',
      venue: '徐家汇社区活动中心',
      capacity: 10,
      rules: '一分钟计数。',
    },
    [{ name: '单人组', capacity: 1, waitingList: 'off' }],
  );
  const context = await phoneContext(platform);
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/events/${eventId}/register`);
  await fillForm(page);
  const tag = page.locator('.register-summary .status-tag');
  assert.equal(await tag.innerText(), '报名中');
  await registerElsewhere(eventId, { name: '先到测试者', phone: '13800138802' });

  const notice = await submitTooLate(page);
  assert.equal(await tag.innerText(), '已满员');
  await notice.getByText('名额已满', { exact: true }).waitFor();
  await notice.getByText('名额已报满，欢迎关注其他赛事').waitFor();
  assert.doesNotMatch(await notice.innerText(), /其他组别|候补/);
  await notice.getByRole('button', { name: '查看赛事详情' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'registration-full-390.png') });
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.screenshot({ path: join(artifacts, 'registration-full-1366.png') });
  await context.close();
  await street.close();
});

test('form offers the places and waiting list left', async () => {
  const { eventId, street } = await publishStreetEvent(
    platform.browser,
    platform.baseUrl,
    {
      name: '徐家汇街道社区分组毽球赛',
      sport: 'shuttlecock',
      venue: '徐家汇社区活动中心',
      capacity: 10,
      rules: '一分钟计数。',
    },
    [
      { name: '少年组', capacity: 1, waitingList: 'off' },
      { name: '青年组', capacity: 1, waitingList: 'off' },
      { name: '成年组', capacity: 1, waitingList: 'auto' },
    ],
  );
  const groups = await groupsByName(eventId);
  await registerElsewhere(
    eventId,
    { name: '成年测试者', phone: '13800138803' },
    groups['成年组'].id,
  );
  const context = await phoneContext(platform);
  const page = await context.newPage();
  const tag = page.locator('.register-summary .status-tag');

  // 少年组 fills while 青年组 still has its place, so the page offers the group choice.
  await page.goto(`${platform.baseUrl}/events/${eventId}/register?group=${groups['少年组'].id}`);
  await fillForm(page);
  await registerElsewhere(
    eventId,
    { name: '少年测试者', phone: '13800138804' },
    groups['少年组'].id,
  );
  let notice = await submitTooLate(page);
  await notice.getByText('该组别名额已报满，其他组别仍有名额').waitFor();
  assert.equal(await tag.innerText(), '报名中');
  await page.screenshot({ path: join(artifacts, 'registration-group-full-390.png') });
  await notice.getByRole('button', { name: '选择其他组别' }).click();
  const picker = page.locator('.group-picker');
  await picker.getByRole('button', { name: '青年组，剩余 1 个名额' }).waitFor();
  await picker.getByRole('button', { name: '成年组，名额已满，可候补' }).waitFor();

  // 青年组 fills too: no group has a place left, so the page offers 成年组's waiting list.
  await picker.getByRole('button', { name: /^青年组/ }).click();
  await page.waitForURL(new RegExp(`group=${groups['青年组'].id}`));
  await fillForm(page);
  await registerElsewhere(
    eventId,
    { name: '青年测试者', phone: '13800138805' },
    groups['青年组'].id,
  );
  notice = await submitTooLate(page);
  await notice.getByText('可加入成年组候补', { exact: true }).waitFor();
  assert.equal(await tag.innerText(), '已满员');
  await page.screenshot({ path: join(artifacts, 'registration-full-waiting-390.png') });
  await notice.getByRole('button', { name: '加入候补' }).click();
  await page.waitForURL(new RegExp(`group=${groups['成年组'].id}`));
  await page.getByText('提交后将加入候补，排在候补第 1 位').waitFor();
  await fillForm(page);
  await page.getByRole('button', { name: '提交并加入候补' }).click();
  await page.waitForURL(/\/tickets\//);
  await page.getByText('已进入候补名单').waitFor();
  await context.close();
  await street.close();
});
