// A citizen registers on a phone for a full group and joins its waiting list; the ticket says
// so and never that a place is held. When the organiser cancels the entry holding the place,
// the waiting entry moves up at once, and the ticket and the SMS show that it has a place. On a
// full event the event page offers 加入候补 with the queue place and the offer's hold time, by
// the form and by one click, and 我的报名 shows the waiting entries with their places. The event
// page's poster opens full screen on a tap.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { pageFetch, phoneContext, signInBySms } from '../support/citizen.mjs';
import { artifacts, consoleCall, publishStreetEvent, startPlatform } from '../support/platform.mjs';

const FIRST = { name: '先到测试者', phone: '13800138501' };
const WAITING = { name: '候补测试者', phone: '13800138502' };
const FORM_ENTRANT = { name: '表单候补者', phone: '13800138511' };
const ONE_CLICK_ENTRANT = { name: '一键候补者', phone: '13800138512' };
const SMALL_VIEWPORT = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

/** Publishes community games with one group of one place and a waiting list. */
function publishFullEvent() {
  return publishStreetEvent(
    platform.browser,
    platform.baseUrl,
    {
      name: '徐家汇街道社区乒乓球赛',
      sport: 'table_tennis',
      venue: '徐家汇社区活动中心',
      capacity: 10,
      rules: '单打淘汰赛。',
    },
    [{ name: '单打组', capacity: 1, waitingList: 'auto' }],
  );
}

/** Reads the texts of the development SMS log for a number, newest first. */
async function smsTexts(page, phone) {
  const response = await page.request.get(`${platform.baseUrl}/api/dev/sms?phone=${phone}`);
  return (await response.json()).items.map((item) => item.text);
}

test('a waiting entry moves up when the place holder is cancelled', async () => {
  const { eventId, street, streetPage } = await publishFullEvent();

  // The only place goes to the first entrant.
  const first = await fetch(`${platform.baseUrl}/api/events/${eventId}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(FIRST),
  });
  assert.equal(first.status, 201, await first.clone().text());
  const firstId = (await first.json()).id;

  const context = await platform.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/events/${eventId}/register`);
  await page.getByPlaceholder('请输入真实姓名').fill(WAITING.name);
  await page.getByPlaceholder('请输入11位手机号码').fill(WAITING.phone);
  await page
    .getByText(/^我已阅读并同意/)
    .first()
    .click();
  // The only group is full, so the form submits to its waiting list.
  await page.getByRole('button', { name: '提交并加入候补' }).click();
  await page.waitForURL(/\/tickets\//);

  // The ticket shows that the entry waits, with its place in the queue, and never 报名成功.
  await page.getByText('已进入候补名单').waitFor();
  await page.getByText('候补第 1 位。', { exact: true }).waitFor();
  assert.equal(await page.getByText('报名成功').count(), 0, 'a waiting entry reads 报名成功');
  assert.equal(
    await page.getByRole('img', { name: /签到二维码/ }).count(),
    0,
    'a waiting entry shows a check-in QR code',
  );
  // The place in the queue comes from the server, so it stays after a reload.
  await page.reload();
  await page.getByText('候补第 1 位。', { exact: true }).waitFor();
  await page.screenshot({ path: join(artifacts, 'waiting-ticket-390.png'), fullPage: true });

  // The organiser cancels the first entry in the entry list's detail drawer; the waiting
  // entry takes the place in that step.
  await streetPage.goto(`${platform.baseUrl}/console/events/${eventId}/registrations`);
  // The figures count the waiting entry beside the entries that hold a place.
  await streetPage
    .locator('.ant-card')
    .filter({ hasText: '报名人数' })
    .getByText('另有候补 1 人', { exact: true })
    .waitFor();
  await streetPage.screenshot({ path: join(artifacts, 'console-entries-waiting-1366.png') });
  const holder = streetPage.getByRole('row').filter({ hasText: FIRST.name });
  await holder.getByRole('button', { name: '详情' }).click();
  const drawer = streetPage.locator('.ant-drawer-open');
  await drawer.getByText(`报名详情：${FIRST.name}`).waitFor();
  await drawer.getByRole('button', { name: '取消该报名' }).click();
  const reasonDialog = streetPage.getByRole('dialog', { name: `取消报名：${FIRST.name}` });
  await reasonDialog.getByRole('button', { name: /确认取消/ }).click();
  await reasonDialog.getByText('请填写取消原因').waitFor();
  await reasonDialog.getByLabel('取消原因').fill('本人无法参赛');
  await reasonDialog.getByRole('button', { name: /确认取消/ }).click();
  await streetPage.getByText(`已取消「${FIRST.name}」的报名`).waitFor();
  await drawer.getByText('主办方取消：本人无法参赛').waitFor();
  assert.equal(await drawer.getByRole('button', { name: '取消该报名' }).count(), 0);
  await streetPage.screenshot({ path: join(artifacts, 'console-entry-cancelled-1366.png') });
  // The promoted entry takes the freed place, so the places taken stay at 1.
  await streetPage.reload();
  await streetPage
    .locator('.ant-statistic')
    .filter({ hasText: '已占名额 / 名额' })
    .getByText('1 / 10', { exact: true })
    .waitFor();
  const cancelled = await (
    await streetPage.request.get(
      `${platform.baseUrl}/api/console/events/${eventId}/registrations/${firstId}`,
    )
  ).json();
  assert.equal(cancelled.status, 'cancelled');
  await page.reload();
  await page.getByText(/^(已报名|报名成功)$/).waitFor();
  assert.equal(await page.getByText('已进入候补名单').count(), 0);
  await page.screenshot({ path: join(artifacts, 'waiting-promoted-390.png'), fullPage: true });

  // The promoted entrant gets an SMS, once the outbox has sent it.
  const deadline = Date.now() + 30_000;
  let texts = [];
  while (Date.now() < deadline) {
    texts = await smsTexts(page, WAITING.phone);
    if (texts.some((text) => text.includes('候补已转为正式报名'))) break;
    await page.waitForTimeout(500);
  }
  assert.ok(
    texts.some((text) => text.includes('候补已转为正式报名')),
    `no promotion SMS: ${JSON.stringify(texts)}`,
  );

  await context.close();
  await street.close();
});

/**
 * Publishes community games of one place without groups, so the event gets its default group,
 * and turns the group's waiting list on with offers held for 24 hours, as an organiser does.
 */
async function publishFullDefaultGroupEvent() {
  const published = await publishStreetEvent(
    platform.browser,
    platform.baseUrl,
    {
      name: '徐家汇街道社区趣味跳绳赛',
      sport: 'rope_skipping',
      venue: '徐家汇社区活动中心',
      capacity: 1,
      rules: '一分钟计数。',
    },
    [],
  );
  const { eventId, streetPage } = published;
  const { items } = await consoleCall(
    streetPage,
    platform.baseUrl,
    'GET',
    `/api/console/events/${eventId}/groups`,
    undefined,
    200,
  );
  assert.equal(items.length, 1);
  await consoleCall(
    streetPage,
    platform.baseUrl,
    'PATCH',
    `/api/console/events/${eventId}/groups/${items[0].id}`,
    { waitingList: 'offer', offerHours: 24 },
    200,
  );
  const first = await fetch(`${platform.baseUrl}/api/events/${eventId}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(FIRST),
  });
  assert.equal(first.status, 201, await first.clone().text());
  return published;
}

test('citizen joins the waiting list of a full event', async () => {
  const { eventId, street } = await publishFullDefaultGroupEvent();

  // The form: the event page offers the waiting list with the place and the offer's hold time.
  const context = await phoneContext(platform);
  const page = await context.newPage();
  await signInBySms(platform, page, FORM_ENTRANT.phone);
  await page.goto(`${platform.baseUrl}/events/${eventId}`);
  const joinButton = page.locator('.bottom-bar').getByRole('button', { name: '加入候补' });
  await joinButton.waitFor();
  assert.equal(await page.getByRole('button', { name: '名额已满' }).count(), 0);
  const panel = page.locator('.waiting-list-panel');
  await panel.getByText('现在加入将排在候补第 1 位').waitFor();
  await panel.getByText(/保留名额 24 小时/).waitFor();
  assert.equal(await page.getByText('默认组').count(), 0, 'the event page shows 默认组');
  for (const viewport of [{ viewport: { width: 390, height: 844 } }, SMALL_VIEWPORT]) {
    await page.setViewportSize(viewport.viewport);
    await page.screenshot({
      path: join(artifacts, `waiting-join-event-${viewport.viewport.width}.png`),
      fullPage: true,
    });
  }
  await page.setViewportSize({ width: 390, height: 844 });

  // The poster shows at a readable width, and a tap opens it full screen until 关闭.
  const poster = page.locator('.poster-frame img');
  await poster.scrollIntoViewIfNeeded();
  const posterBox = await poster.boundingBox();
  assert.ok(posterBox, 'the poster has no box on the page');
  assert.ok(posterBox.width >= 240, `the poster is ${posterBox.width}px wide`);
  await page.locator('.poster-frame').click();
  const viewer = page.getByRole('dialog', { name: '海报大图' });
  const large = await viewer.getByRole('img').boundingBox();
  assert.ok(large, 'the full-screen poster has no box');
  assert.ok(large.width >= 380, `the full-screen poster is ${large.width}px wide`);
  await page.screenshot({ path: join(artifacts, 'poster-viewer-390.png') });
  await viewer.getByRole('button', { name: '关闭' }).click();
  await viewer.waitFor({ state: 'detached' });

  await joinButton.click();
  await page.waitForURL(/\/register\?group=/);
  await page.getByText('提交后将加入候补，排在候补第 1 位').waitFor();
  await page.getByPlaceholder('请输入真实姓名').fill(FORM_ENTRANT.name);
  await page
    .getByText(/^我已阅读并同意/)
    .first()
    .click();
  await page.screenshot({ path: join(artifacts, 'waiting-join-form-390.png'), fullPage: true });
  await page.getByRole('button', { name: '提交并加入候补' }).click();
  await page.waitForURL(/\/tickets\//);
  await page.getByText('已进入候补名单').waitFor();
  await page.getByText('候补第 1 位。', { exact: true }).waitFor();
  // Freed places of this group are offered, so the ticket tells the entrant to accept in time.
  await page.getByText(/请在 24 小时内用报名手机号登录，在「我的报名」中确认递补/).waitFor();
  assert.equal(await page.getByText(/自动递补/).count(), 0, 'an offer group reads 自动递补');
  await page.screenshot({ path: join(artifacts, 'waiting-offer-ticket-390.png'), fullPage: true });

  // 我的报名 lists the waiting entry from the account with its place and no placeholder group.
  await page.goto(`${platform.baseUrl}/tickets`);
  const row = page.locator('.ticket-list > li').filter({ hasText: '趣味跳绳' });
  await row.getByText('候补中').waitFor();
  await row.getByText(/候补第 1 位/).waitFor();
  assert.equal(await row.getByText(/默认组/).count(), 0, '我的报名 shows 默认组');
  await page.screenshot({ path: join(artifacts, 'waiting-my-entries-390.png'), fullPage: true });
  await page.goto(`${platform.baseUrl}/events/${eventId}`);
  await page
    .locator('.own-entry')
    .getByText(/候补中 · 候补第 1 位/)
    .waitFor();
  await context.close();

  // One click: a citizen whose profile fills the form joins from the event page.
  const oneClick = await phoneContext(platform);
  const second = await oneClick.newPage();
  await signInBySms(platform, second, ONE_CLICK_ENTRANT.phone);
  const profile = await pageFetch(second, 'PUT', '/api/citizen/profile', {
    realName: ONE_CLICK_ENTRANT.name,
  });
  assert.equal(profile.status, 200, JSON.stringify(profile.body));
  await second.goto(`${platform.baseUrl}/events/${eventId}`);
  await second.getByRole('button', { name: '一键加入候补' }).click();
  const dialog = second.getByRole('dialog');
  await dialog.getByText('候补第 2 位').waitFor();
  await second.screenshot({ path: join(artifacts, 'waiting-one-click-390.png') });
  await dialog.getByRole('button', { name: '同意并加入候补' }).click();
  await second.waitForURL(/\/tickets\//);
  await second.getByText('已进入候补名单').waitFor();
  await second.getByText('候补第 2 位。', { exact: true }).waitFor();
  await oneClick.close();
  await street.close();
});

test('ticket of a cancelled event says so', async () => {
  const { eventId, street, streetPage } = await publishFullEvent();
  const entrant = { name: '取消赛事测试者', phone: '13800138521' };
  const entry = await fetch(`${platform.baseUrl}/api/events/${eventId}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(entrant),
  });
  assert.equal(entry.status, 201, await entry.clone().text());
  const { code } = await entry.json();
  await consoleCall(
    streetPage,
    platform.baseUrl,
    'POST',
    `/api/console/events/${eventId}/cancel`,
    { reason: '场馆临时检修' },
    200,
  );

  const context = await phoneContext(platform);
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/tickets/${code}`);
  await page.getByText('赛事已取消').waitFor();
  await page.getByText('主办方已取消本次赛事，原因：场馆临时检修。此报名不能用于签到').waitFor();
  // The event has no public page any more, so the ticket offers no way to it.
  assert.equal(await page.getByRole('button', { name: '查看赛事详情' }).count(), 0);
  assert.equal(await page.getByRole('img', { name: /签到二维码/ }).count(), 0);
  await page.screenshot({
    path: join(artifacts, 'ticket-event-cancelled-390.png'),
    fullPage: true,
  });

  await context.close();
  await street.close();
});
