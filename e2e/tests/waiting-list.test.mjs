// A citizen registers on a phone for a full group and joins its waiting list; the ticket says
// so and never that a place is held. When the organiser cancels the entry holding the place,
// the waiting entry moves up at once, and the ticket and the SMS show that it has a place.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { artifacts, publishStreetEvent, startPlatform } from '../support/platform.mjs';

const FIRST = { name: '先到测试者', phone: '13800138501' };
const WAITING = { name: '候补测试者', phone: '13800138502' };

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
  await page.getByRole('button', { name: '提交报名' }).click();
  await page.waitForURL(/\/tickets\//);

  // The ticket shows that the entry waits, with its place in the queue, and never 报名成功.
  await page.getByText('已进入候补名单').waitFor();
  await page.getByText('排队第 1 位').waitFor();
  assert.equal(await page.getByText('报名成功').count(), 0, 'a waiting entry reads 报名成功');
  assert.equal(
    await page.getByRole('img', { name: /签到二维码/ }).count(),
    0,
    'a waiting entry shows a check-in QR code',
  );
  // The place in the queue comes from the server, so it stays after a reload.
  await page.reload();
  await page.getByText('排队第 1 位').waitFor();
  await page.screenshot({ path: join(artifacts, 'waiting-ticket-390.png'), fullPage: true });

  // The organiser cancels the first entry in the entry list's detail drawer; the waiting
  // entry takes the place in that step.
  await streetPage.goto(`${platform.baseUrl}/console/events/${eventId}/registrations`);
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
