// Check-in on a phone: an organiser names the gate, checks people in by typed codes (no
// camera), reads a repeat scan's time and gate, keeps scanning while the browser is offline and
// syncs the scans after reconnecting. The live figures count every check-in.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { artifacts, signInToConsole, startPlatform } from '../support/platform.mjs';

const WIDE = { width: 1440, height: 900 };

const PASSWORD = 'Demo@2026';
const HOUR = 3600_000;
const PHONE = { width: 390, height: 844 };

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

/** Signs in through the API and returns a function that sends requests with that session. */
async function apiSession(username) {
  const response = await fetch(`${platform.baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: platform.baseUrl },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith('sid='));
  const sid = cookie.split(';')[0];
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

/**
 * Files and publishes a Xuhui brand event (a bureau's own filing passes on submit). By default
 * it starts within a day, so the check-in window (from 24 hours before the start) is open.
 */
async function publishedEvent(call, name, startsInHours = 20) {
  const now = Date.now();
  const event = await call('POST', '/api/console/events', {
    name,
    sport: 'basketball_3x3',
    level: 'district',
    section: 'brand_event',
    divisionCode: '310104',
    venue: '徐汇区 测试体育馆',
    startsAt: new Date(now + startsInHours * HOUR).toISOString(),
    endsAt: new Date(now + (startsInHours + 4) * HOUR).toISOString(),
    capacity: 20,
    registrationOpensAt: new Date(now - HOUR).toISOString(),
    registrationClosesAt: new Date(now + 12 * HOUR).toISOString(),
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
  await call('POST', `/api/console/events/${event.id}/submit`);
  await call('POST', `/api/console/events/${event.id}/publish`);
  return event.id;
}

async function register(eventId, name, phone) {
  const response = await fetch(`${platform.baseUrl}/api/events/${eventId}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: platform.baseUrl },
    body: JSON.stringify({ name, phone }),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return response.json();
}

async function typeCode(page, code) {
  await page.getByLabel('报名码').fill(code);
  await page.getByLabel('报名码').press('Enter');
}

test('organiser checks people in on a phone, online and offline', async () => {
  const call = await apiSession('xuhui.bureau');
  const eventId = await publishedEvent(call, `签到测试 三人篮球 ${Date.now() % 100000}`);
  const people = [];
  for (const [i, name] of ['张三丰', '李四光', '王五福', '赵六顺'].entries()) {
    people.push(await register(eventId, name, `1390033000${i}`));
  }

  const context = await platform.browser.newContext({
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, 'xuhui.bureau', PASSWORD);
  await page.goto(`${platform.baseUrl}/console/check-in?event=${eventId}`);

  // The code field waits for the gate's name.
  await page.getByLabel('本机入口名称').fill('2号入口');
  await page.getByRole('button', { name: /保\s*存/ }).click();
  const network = page.getByTestId('check-in-network');
  await network.getByText('离线名单 4 人').waitFor();

  await typeCode(page, people[0].code.toLowerCase());
  const result = page.getByTestId('check-in-result');
  await result.getByText('签到成功').waitFor();
  await result.getByText('张三丰').waitFor();
  await page.screenshot({ path: join(artifacts, 'check-in-01-online.png'), fullPage: true });

  // A second scan names the time and gate of the first.
  await typeCode(page, people[0].code);
  await result.getByText('已签到').waitFor();
  const repeat = await page.getByTestId('check-in-repeat').textContent();
  assert.match(repeat, /^已于 \d{2}:\d{2} 由 2号入口 签到$/);

  // An unknown code is rejected with its reason.
  await typeCode(page, 'ZZZZZZZZZZ');
  await result.getByText('报名码不存在或不属于本赛事').waitFor();
  // The server counts the rejected scan, and the figures show it at once, not at the next
  // refresh 10 s later.
  await page
    .getByTestId('check-in-stats')
    .locator('.ant-statistic')
    .filter({ hasText: '拒绝扫码' })
    .getByText('1', { exact: true })
    .waitFor({ timeout: 3_000 });

  // The code field takes no more than the longest ticket text, and a malformed code is
  // rejected with what a registration code looks like.
  await page.getByLabel('报名码').fill('A'.repeat(500));
  assert.equal((await page.getByLabel('报名码').inputValue()).length, 40);
  await page.getByLabel('报名码').press('Enter');
  await result.getByText('报名码格式不正确：报名码为 10 位字母和数字，请核对后重新输入').waitFor();
  assert.equal(await page.getByText('填写的内容有误，请检查标红的项目').count(), 0);

  // Offline: the list on the device decides, and the scans wait for the network.
  await context.setOffline(true);
  await network.getByText('离线签到中').waitFor();
  await typeCode(page, people[1].code);
  await result.getByText('签到成功（离线）').waitFor();
  await result.getByText('李*').waitFor();
  await typeCode(page, people[2].code);
  await result.getByText('签到成功（离线）').waitFor();
  await typeCode(page, people[1].code);
  await result.getByText('已签到').waitFor();
  await network.getByText('离线签到中，3 条待同步').waitFor();
  await page.screenshot({ path: join(artifacts, 'check-in-02-offline.png'), fullPage: true });

  // Meanwhile gate 1 checks person 3 in online, later than this device's offline scan.
  await call('POST', `/api/console/events/${eventId}/check-ins`, {
    code: people[2].code,
    nonce: `gate-one-${Date.now()}`,
    deviceId: 'gate-one',
    gate: '1号入口',
  });

  await context.setOffline(false);
  const report = page.getByTestId('check-in-sync-report');
  await report.getByText('已同步 3 条离线签到').waitFor({ timeout: 30_000 });
  await report.getByText(/1 条与其他设备冲突/).waitFor();
  await network.getByText('在线签到').waitFor();
  await page.screenshot({ path: join(artifacts, 'check-in-03-synced.png'), fullPage: true });

  const stats = await call('GET', `/api/console/events/${eventId}/check-in-stats`);
  assert.equal(stats.total, 4);
  assert.equal(stats.checkedIn, 3);
  assert.equal(stats.conflicts, 1);
  // The offline scan came first, so gate 2 recorded all three check-ins.
  assert.deepEqual(stats.byGate, [{ gate: '2号入口', checkedIn: 3 }]);

  const figures = page.getByTestId('check-in-stats');
  await figures.getByText('3', { exact: true }).first().waitFor({ timeout: 15_000 });
  await context.close();
});

test('scanning waits for the check-in window', async () => {
  const call = await apiSession('xuhui.bureau');
  // Starts in 3 days, so check-in opens in 2 days.
  const eventId = await publishedEvent(call, `签到时间测试 ${Date.now() % 100000}`, 72);
  const event = await call('GET', `/api/console/events/${eventId}`);
  const shanghai = (iso) =>
    new Date(Date.parse(iso) + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');
  const opensAt = shanghai(new Date(Date.parse(event.startsAt) - 24 * HOUR).toISOString());
  const closesAt = shanghai(event.endsAt);

  for (const [size, viewport] of Object.entries({ 1440: WIDE, 390: PHONE })) {
    const context = await platform.browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${platform.baseUrl}/console/`);
    await signInToConsole(page, 'xuhui.bureau', PASSWORD);
    await page.goto(`${platform.baseUrl}/console/check-in?event=${eventId}`);
    await page.getByLabel('本机入口名称').fill('3号入口');
    await page.getByRole('button', { name: /保\s*存/ }).click();

    const window = page.getByTestId('check-in-window');
    await window.getByText(`签到时间：${opensAt} 至 ${closesAt}`).waitFor();
    await window.getByText('尚未到签到时间，赛事开始前 24 小时起可以签到').waitFor();
    assert.equal(await page.getByLabel('报名码').isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: /^签\s*到$/ }).isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: '摄像头扫码' }).count(), 0);
    await page.screenshot({ path: join(artifacts, `check-in-window-${size}.png`), fullPage: true });
    await context.close();
  }
});
