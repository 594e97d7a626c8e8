// Results and certificates in a real browser. A district bureau's brand event gets four
// entrants. The organiser imports their results from a workbook in the console (dry run, then
// commit) and publishes them. On a phone, anyone looks the results up by group with names
// masked, and a certificate is confirmed by its code; the finisher downloads it.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { writeResultWorkbook } from '../../server/dist/results/result-workbook.js';
import {
  artifacts,
  confirmInPopover,
  signInToConsole,
  startPlatform,
} from '../support/platform.mjs';

const PASSWORD = 'Demo@2026';
const HOUR = 3600_000;
const EVENT_NAME = `端到端测试 徐汇城市定向赛 ${Date.now() % 100000}`;
// Invented entrants: name, mobile number, group.
const ENTRANTS = [
  ['沈一帆', '13700220001', '男子组'],
  ['陆子健', '13700220002', '男子组'],
  ['顾晓雯', '13700220003', '女子组'],
  ['钱思远', '13700220004', '男子组'],
];

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

/** Sends a JSON request in a browser context and returns the parsed body; fails on an error. */
async function call(context, method, path, body) {
  const response = await context.request.fetch(`${platform.baseUrl}${path}`, {
    method,
    headers: { origin: platform.baseUrl },
    data: body,
  });
  const text = await response.text();
  assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Files, submits and publishes a Xuhui brand event with two groups as the district bureau. */
async function publishedEvent(context) {
  const now = Date.now();
  const event = await call(context, 'POST', '/api/console/events', {
    name: EVENT_NAME,
    sport: 'orienteering',
    level: 'district',
    section: 'brand_event',
    divisionCode: '310104',
    venue: '徐汇滨江',
    startsAt: new Date(now + 2 * HOUR).toISOString(),
    endsAt: new Date(now + 6 * HOUR).toISOString(),
    capacity: 100,
    registrationOpensAt: new Date(now - HOUR).toISOString(),
    registrationClosesAt: new Date(now + HOUR).toISOString(),
    address: '上海市徐汇区龙腾大道 1 号',
    host: '上海市徐汇区体育局',
    organiser: '徐汇区定向运动协会',
    coOrganisers: [],
    expectedParticipants: 80,
    feeCents: 0,
    rules: '按用时排名',
    safetyPlan: '沿途设医疗点',
    medicalCover: '救护车一辆',
    insurance: '主办方统一投保',
    contactName: '赛事联系人',
    contactPhone: '021-64000000',
  });
  const groups = {};
  for (const name of ['男子组', '女子组']) {
    const group = await call(context, 'POST', `/api/console/events/${event.id}/groups`, {
      name,
      capacity: 50,
    });
    groups[name] = group.id;
  }
  await call(context, 'POST', `/api/console/events/${event.id}/submit`);
  await call(context, 'POST', `/api/console/events/${event.id}/publish`);
  return { id: event.id, groups };
}

test('results import, lookup and certificate check', async () => {
  const consoleContext = await platform.browser.newContext({
    viewport: { width: 1366, height: 900 },
  });
  const consolePage = await consoleContext.newPage();
  await consolePage.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(consolePage, 'xuhui.bureau', PASSWORD);
  const event = await publishedEvent(consoleContext);

  const codes = [];
  for (const [name, phone, group] of ENTRANTS) {
    const entry = await call(consoleContext, 'POST', `/api/events/${event.id}/registrations`, {
      name,
      phone,
      groupId: event.groups[group],
    });
    codes.push(entry.code);
  }

  // The first upload has a bad rank and an unknown group; the report names both rows.
  await consolePage.goto(`${platform.baseUrl}/console/events/${event.id}/results`);
  await consolePage.getByText('成绩名单').waitFor();
  const upload = consolePage.locator('input[type="file"][accept*=".xlsx"]');
  const badFile = join(artifacts, 'results-bad.xlsx');
  writeFileSync(
    badFile,
    await writeResultWorkbook([
      [codes[0], '', '', '男子组', '0', '00:41:07.250', '', ''],
      [codes[2], '', '', '少年组', '1', '00:48:30', '', ''],
    ]),
  );
  await upload.setInputFiles(badFile);
  await consolePage.getByText('文件中有 2 行错误').waitFor();
  await consolePage.getByText('本赛事没有“少年组”组别').waitFor();
  assert.ok(await consolePage.getByRole('button', { name: '确认导入' }).isDisabled());

  const goodFile = join(artifacts, 'results-good.xlsx');
  writeFileSync(
    goodFile,
    await writeResultWorkbook([
      [codes[0], '', '', '男子组', '2', '00:41:07.250', '', ''],
      [codes[1], '', '', '男子组', '1', '00:39:58.031', '', ''],
      [codes[2], '', '', '女子组', '1', '00:48:30', '', ''],
      // Name and phone in place of the code; a DNF takes no rank.
      ['', ENTRANTS[3][0], ENTRANTS[3][1], '男子组', '', '', '', 'DNF'],
    ]),
  );
  await upload.setInputFiles(goodFile);
  await consolePage.getByText('确认后将新增 4 条、更新 0 条成绩').waitFor();
  await consolePage.getByRole('button', { name: '确认导入' }).click();
  await consolePage.getByText('导入完成：新增 4 条，更新 0 条').waitFor();
  await consolePage.getByRole('cell', { name: '完赛 第1名 · 00:39:58.031' }).waitFor();
  // Whole seconds have no .000, and a DNF reads 未完赛 rather than the English abbreviation.
  await consolePage.getByRole('cell', { name: '完赛 第1名 · 00:48:30', exact: true }).waitFor();
  await consolePage
    .locator('.ant-table-cell .ant-tag')
    .filter({ hasText: /^未完赛$/ })
    .waitFor();
  assert.equal(await consolePage.getByText('DNF', { exact: true }).count(), 0);
  await consolePage.screenshot({ path: join(artifacts, 'results-console.png'), fullPage: true });

  await confirmInPopover(
    consolePage,
    consolePage.getByRole('button', { name: '发布成绩' }),
    /^发\s*布$/,
    // The event's state tag also reads 已发布, so the wait names the results statistic.
    consolePage.locator('.ant-statistic-content-value').getByText('已发布', { exact: true }),
  );
  await consolePage.screenshot({ path: join(artifacts, 'results-console.png'), fullPage: true });
  const list = await call(consoleContext, 'GET', `/api/console/events/${event.id}/results`);
  const certificateCode = list.items.find((item) => item.code === codes[1]).certificateCode;
  assert.match(certificateCode, /^[2-9A-HJ-NP-Z]{12}$/);
  assert.equal(list.items.find((item) => item.code === codes[3]).certificateCode, null);

  // A phone, not signed in: the event's results, then the women's group alone.
  const phone = await platform.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await phone.newPage();
  // The event has not ended, so its page offers no 成绩查询 link yet; the results page is
  // public all the same.
  await page.goto(`${platform.baseUrl}/events/${event.id}`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.equal(await page.getByRole('link', { name: /成绩查询/ }).count(), 0);
  await page.goto(`${platform.baseUrl}/events/${event.id}/results`);
  const rows = page.locator('.result-row');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 4);
  const listText = await page.locator('.result-list').innerText();
  assert.match(listText, /陆\*+/);
  assert.match(listText, /00:39:58\.031/);
  assert.match(listText, /未完赛/);
  for (const [name, number] of ENTRANTS) {
    assert.ok(!listText.includes(name), 'a full name is shown on the public result page');
    assert.ok(!listText.includes(number), 'a mobile number is shown on the public result page');
  }
  await page.screenshot({ path: join(artifacts, 'results-phone.png'), fullPage: true });
  await page.locator('.adm-capsule-tabs-tab', { hasText: '女子组' }).click();
  await page.locator('.result-row').first().getByText('顾**').waitFor();
  assert.equal(await page.locator('.result-row').count(), 1);

  // Lookup by full name, in all groups: one line, the name still masked.
  await page.locator('.adm-capsule-tabs-tab', { hasText: '全部' }).click();
  await page.locator('.result-row').nth(3).waitFor();
  const lookup = page.getByPlaceholder('输入完整姓名或报名码');
  await lookup.fill(ENTRANTS[1][0]);
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await page.getByText(`正在显示“${ENTRANTS[1][0]}”的成绩`).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.result-row').length === 1);
  const found = await page.locator('.result-list').innerText();
  assert.match(found, /00:39:58\.031/);
  assert.ok(!found.includes(ENTRANTS[1][0]), 'the lookup shows the full name');
  await page.screenshot({ path: join(artifacts, 'results-lookup-phone.png'), fullPage: true });
  // Part of a name finds nothing, so surnames cannot be listed.
  await lookup.fill(Array.from(ENTRANTS[1][0]).slice(0, 2).join(''));
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await page.getByText('没有找到成绩').waitFor();
  assert.equal(await page.locator('.result-row').count(), 0);

  // Verification by code: a lower-case code typed with hyphens works, an unknown one does not.
  await page.goto(`${platform.baseUrl}/certificates`);
  const typed = certificateCode.toLowerCase().replace(/(.{4})(?=.)/g, '$1-');
  await page.getByPlaceholder(/7KQ2M9XR4TDA/).fill(typed);
  await page.getByRole('button', { name: '验证' }).click();
  await page.getByText('证书有效').waitFor();
  const facts = await page.locator('.certificate-facts').innerText();
  assert.match(facts, /陆子健/);
  assert.match(facts, /第1名 · 00:39:58\.031/);
  assert.match(facts, /男子组/);
  assert.ok(!facts.includes(ENTRANTS[1][1]), 'the verification page shows the mobile number');
  await page.screenshot({
    path: join(artifacts, 'certificate-verified-phone.png'),
    fullPage: true,
  });

  await page.goto(`${platform.baseUrl}/certificates/ABCDEFGH2345`);
  await page.getByText('未找到该证书').waitFor();
  await page.screenshot({ path: join(artifacts, 'certificate-unknown-phone.png'), fullPage: true });

  // The finisher signs in and finds the result and the certificate under 我的报名.
  await call(phone, 'POST', '/api/citizen/sms-codes', { phone: ENTRANTS[1][1] });
  let signInCode;
  for (let attempt = 0; attempt < 60 && !signInCode; attempt++) {
    const sms = await call(phone, 'GET', `/api/dev/sms?phone=${ENTRANTS[1][1]}`);
    signInCode = sms.items
      .map((item) => /验证码为 (\d{6})/.exec(item.text)?.[1])
      .find((value) => value !== undefined);
    if (!signInCode) await page.waitForTimeout(500);
  }
  assert.ok(signInCode, 'no sign-in code arrived');
  await call(phone, 'POST', '/api/citizen/session', { phone: ENTRANTS[1][1], code: signInCode });
  await page.goto(`${platform.baseUrl}/tickets`);
  await page.getByText('我的成绩').waitFor();
  await page.getByText('男子组 · 第1名 · 00:39:58.031').waitFor();
  await page.screenshot({ path: join(artifacts, 'my-results-phone.png'), fullPage: true });
  const png = await phone.request.get(
    `${platform.baseUrl}/api/citizen/certificates/${certificateCode}/certificate.png`,
  );
  assert.equal(png.status(), 200);
  const bytes = await png.body();
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
  writeFileSync(join(artifacts, 'certificate.png'), bytes);

  // The 图片 link downloads the file. Once the sign-in has expired, the PDF link shows a message
  // and offers to sign in again.
  const links = page.locator('.my-result-links');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    links.getByText('图片', { exact: true }).click(),
  ]);
  assert.equal(download.suggestedFilename(), '完赛证书.png');
  await phone.clearCookies();
  await links.getByText('PDF', { exact: true }).click();
  const expired = page.getByRole('dialog').filter({ hasText: '登录已过期' });
  await expired.waitFor();
  await page.screenshot({ path: join(artifacts, 'certificate-session-expired-phone.png') });
  await expired.getByRole('button', { name: '重新登录' }).click();
  await page.waitForURL(/\/login\?next=%2Ftickets/);

  await phone.close();
  await consoleContext.close();
});
